// The `logger` option and FILES_STREAM_DEBUG: one line per request, response, failed attempt
// and retry, credentials redacted, presigned queries never shown.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, createClient, type Logger } from '../../src/index.js';
import { createEmulator, type Emulator } from '../../src/testing/index.js';

const KEY = 'sk-logger-test-5f2c9a17';
const SESSION = 'sess-logger-test-9be41d';
const API = 'https://app.files.com/api/rest/v1';

/** A logger that keeps every line with its level. */
function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Durations vary: `in 12 ms` / `after 3 ms` become `in N ms` / `after N ms`; waits are kept. */
const normalize = (lines: string[]) => lines.map((l) => l.replace(/ (in|after) \d+ ms$/, ' $1 N ms'));

/** The emulator's fetch, answering the first request with a 503 and `Retry-After: 0`. */
function unavailableOnce(emulator: Emulator): typeof fetch {
  let first = true;
  return async (input, init) => {
    if (first) {
      first = false;
      return new Response('{}', { status: 503, headers: { 'retry-after': '0', 'content-type': 'application/json' } });
    }
    return emulator.fetch(input as Request, init);
  };
}

/** The cursor of the second page of `/users?per_page=2`, asked without the client. */
async function secondPageCursor(emulator: Emulator): Promise<string> {
  const res = await emulator.fetch(`${API}/users?per_page=2`, { headers: { 'X-FilesAPI-Key': emulator.apiKey } });
  await res.body?.cancel();
  return res.headers.get('x-files-cursor-next')!;
}

describe('the logger option', () => {
  it('logs each request and response at debug and the retry at warn, one line each', async () => {
    const emulator = createEmulator({ apiKey: KEY, users: 3 });
    const cursor = await secondPageCursor(emulator);
    const logger = recorder();
    const client = createClient({ apiKey: KEY, fetch: unavailableOnce(emulator), logger });
    const users = await client.users.list({ per_page: 2 }).toArray();
    expect(users).toHaveLength(3);
    const first = `users.list GET ${API}/users?per_page=2`;
    const second = `users.list GET ${API}/users?per_page=2&cursor=${encodeURIComponent(cursor)}`;
    expect(normalize(logger.lines)).toEqual([
      `debug: ${first}`,
      `debug: ${first} -> 503 in N ms`,
      `warn: ${first}: retry 1/5 in 0 ms after 503`,
      `debug: ${first} (retry 1)`,
      `debug: ${first} -> 200 in N ms`,
      `debug: ${second}`,
      `debug: ${second} -> 200 in N ms`,
    ]);
  });

  it('logs a failed attempt without a response by its error name and code, never its message', async () => {
    const logger = recorder();
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`connect ECONNREFUSED ${KEY}`), { code: 'ECONNREFUSED' }) });
    const client = createClient({
      apiKey: KEY,
      fetch: async () => {
        throw refused;
      },
      retry: { limit: 1, backoffMs: 0 },
      logger,
    });
    await expect(client.users.find(1)).rejects.toThrow(/ECONNREFUSED/);
    expect(normalize(logger.lines)).toEqual([
      `debug: users.find GET ${API}/users/1`,
      `debug: users.find GET ${API}/users/1 -> NetworkError (ECONNREFUSED) after N ms`,
      `warn: users.find GET ${API}/users/1: retry 1/1 in 0 ms after NetworkError (ECONNREFUSED)`,
      `debug: users.find GET ${API}/users/1 (retry 1)`,
      `debug: users.find GET ${API}/users/1 -> NetworkError (ECONNREFUSED) after N ms`,
    ]);
  });

  it("never logs the client's API key or session id, even when they are in the URL", async () => {
    for (const credentials of [{ apiKey: KEY }, { sessionId: SESSION }, { apiKey: KEY, sessionId: SESSION }]) {
      const emulator = createEmulator({ apiKey: KEY, users: 3 });
      const logger = recorder();
      const client = createClient({ ...credentials, fetch: unavailableOnce(emulator), logger });
      const secrets = Object.values(credentials).join(' ');
      await client.core.request({ method: 'GET', path: '/users', query: { note: secrets, per_page: 1 } }).catch(() => {});
      await client.users.list({ per_page: 2 }).toArray().catch(() => {});
      expect(logger.lines.length).toBeGreaterThanOrEqual(4);
      const all = logger.lines.join('\n');
      expect(all).not.toContain(KEY);
      expect(all).not.toContain(SESSION);
      expect(all).not.toContain(encodeURIComponent(KEY));
      expect(all).toContain('note=[redacted]');
    }
  });

  it('logs a presigned download by its origin alone (its signature may sit in the query or a path segment)', async () => {
    const emulator = createEmulator({ apiKey: KEY, files: 20 });
    const logger = recorder();
    const client = createClient({ apiKey: KEY, fetch: emulator.fetch, logger });
    const file = (await client.folders.listFor('/').toArray()).find((entry) => entry.type === 'file')!;
    const { stream } = await client.files.downloadStream(file.path!);
    await new Response(stream).arrayBuffer();
    const presigned = logger.lines.filter((line) => !line.includes('/api/rest/v1/'));
    expect(presigned.length).toBeGreaterThanOrEqual(2);
    for (const line of presigned) expect(line).toMatch(/ GET https?:\/\/[^/?\s]+\/\[redacted\]( |$)/);
    expect(logger.lines.join('\n')).not.toMatch(/X-Amz|Signature|emulator\/download/i);
  });

  it('takes console, or a logger with only some levels', async () => {
    const emulator = createEmulator({ apiKey: KEY, users: 3 });
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await createClient({ apiKey: KEY, fetch: unavailableOnce(emulator), logger: console }).users.list({ per_page: 5 }).toArray();
      expect(debug).toHaveBeenCalledTimes(4);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      debug.mockRestore();
      warn.mockRestore();
    }
    const warnings: string[] = [];
    await createClient({ apiKey: KEY, fetch: unavailableOnce(emulator), logger: { warn: (m) => warnings.push(m) } }).users.list({ per_page: 5 }).toArray();
    expect(warnings).toEqual([`users.list GET ${API}/users?per_page=5: retry 1/5 in 0 ms after 503`]);
  });

  it('calls the logger as a method (this is the logger)', async () => {
    const emulator = createEmulator({ apiKey: KEY, users: 1 });
    const seen: string[] = [];
    const logger = {
      prefix: 'app',
      debug(this: { prefix: string }, message: string) {
        seen.push(`${this.prefix} ${message}`);
      },
    };
    await createClient({ apiKey: KEY, fetch: emulator.fetch, logger }).users.find(1).catch(() => {});
    expect(seen[0]).toBe(`app users.find GET ${API}/users/1`);
  });

  it('ignores a logger that throws or rejects: the listing completes, no unhandled rejection', async () => {
    const emulator = createEmulator({ apiKey: KEY, users: 3 });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let calls = 0;
      const throwing = () => {
        calls++;
        throw new Error('logger failed');
      };
      const rejecting = async () => {
        calls++;
        throw new Error('logger rejected');
      };
      for (const logger of [{ debug: throwing, warn: throwing }, { debug: rejecting, warn: rejecting }]) {
        const users = await createClient({ apiKey: KEY, fetch: unavailableOnce(emulator), logger }).users.list({ per_page: 2 }).toArray();
        expect(users).toHaveLength(3);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(calls).toBe(14);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('rejects a logger that is not one', () => {
    for (const logger of ['stderr', 42, { debug: 'yes' }, null]) {
      expect(() => createClient({ apiKey: KEY, logger: logger as never })).toThrow(ConfigurationError);
    }
    expect(() => createClient({ apiKey: KEY, logger: {} })).not.toThrow();
  });
});

describe('FILES_STREAM_DEBUG', () => {
  const saved = process.env.FILES_STREAM_DEBUG;
  afterEach(() => {
    if (saved === undefined) delete process.env.FILES_STREAM_DEBUG;
    else process.env.FILES_STREAM_DEBUG = saved;
  });

  it('is read once, when the client is created; a logger given wins over it', async () => {
    const emulator = createEmulator({ apiKey: KEY, users: 1 });
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      process.env.FILES_STREAM_DEBUG = '1';
      const debugging = createClient({ apiKey: KEY, fetch: emulator.fetch });
      const logger = recorder();
      const withLogger = createClient({ apiKey: KEY, fetch: emulator.fetch, logger });
      delete process.env.FILES_STREAM_DEBUG;
      const quiet = createClient({ apiKey: KEY, fetch: emulator.fetch });
      await debugging.users.find(1);
      expect(write).toHaveBeenCalledTimes(2);
      expect(String(write.mock.calls[0]![0])).toBe(`files-stream: users.find GET ${API}/users/1\n`);
      await quiet.users.find(1);
      await withLogger.users.find(1);
      expect(write).toHaveBeenCalledTimes(2);
      expect(logger.lines).toHaveLength(2);
    } finally {
      write.mockRestore();
    }
  });
});
