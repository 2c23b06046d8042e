// Reliability, hardening: what is retried. Writes are retried where the server did not act
// (429, 503 with Retry-After) and, for requests marked idempotent (an upload's part and end
// requests, which carry its `ref`), on network errors too; a plain 500 or a reset of a POST is
// not. Hooks cannot crash a job, even async ones that reject. Network errors name their cause
// code, and a host that does not exist is not retried.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  NetworkError,
  RateLimitedError,
  ServiceUnavailableError,
  type ClientOptions,
} from '../../src/index.js';
import type { HttpMethod } from '../../src/extend.js';
import { md5, testBytes } from '../helpers/bytes.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { captureUnhandled, settle } from './support/process-state.js';
import { API_KEY, scan } from './support/secrets.js';
import { FAST_RETRY } from './support/site.js';
import { answer, tinyServer, type Seen, type TinyServer } from './support/tiny-server.js';

const unhandled = captureUnhandled();
const servers: TinyServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await settle();
  unhandled.stop();
  expect(unhandled.reasons.map(String)).toEqual([]);
  expect(scan.leaks()).toEqual([]);
});

/** What a scripted server does with one request. */
type Act = 'ok' | 'reset' | { status: number; headers?: Record<string, string>; body?: string };

/** A server that answers the n-th request with `acts[n]` (the last one repeats), recording each. */
async function scripted(...acts: Act[]): Promise<TinyServer> {
  let n = 0;
  const s = await tinyServer((req, res) => {
    const act = acts[Math.min(n++, acts.length - 1)]!;
    perform(act, req, res, () => answer(res, 200, '{"id":1}'));
  });
  servers.push(s);
  return s;
}

function perform(act: Act, req: IncomingMessage, res: ServerResponse, ok: () => void): void {
  if (act === 'reset') {
    // Read the request first: the server got it and dropped the connection without answering.
    if (req.readableEnded) req.socket.destroy();
    else req.resume().on('end', () => req.socket.destroy());
    return;
  }
  if (act === 'ok') return ok();
  answer(res, act.status, act.body ?? '{}', act.headers);
}

const client = (baseUrl: string, more: ClientOptions = {}) =>
  createClient({ apiKey: API_KEY, baseUrl, retry: { ...FAST_RETRY, limit: 3 }, ...more });

const tooMany = (retryAfter?: string): Act => ({
  status: 429,
  headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  body: '{"type":"rate-limited/too-many-requests"}',
});
const unavailable = (retryAfter?: string): Act => ({ status: 503, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter } });

describe('writes: retried when the server did not act, and only then', () => {
  for (const method of ['POST', 'PATCH'] as HttpMethod[]) {
    it(`a ${method} that gets one 429 with Retry-After: 0 succeeds with exactly 2 requests`, async () => {
      const api = await scripted(tooMany('0'), 'ok');
      const response = await client(api.baseUrl).core.request({ method, path: '/users', body: { name: 'x' } });
      expect(response).toMatchObject({ status: 200, body: { id: 1 } });
      expect(api.seen.map((s) => s.method)).toEqual([method, method]);
    });
  }

  it('a POST that gets a 429 without Retry-After is retried with backoff (the server did not act)', async () => {
    const api = await scripted(tooMany(), tooMany(), 'ok');
    await client(api.baseUrl).core.request({ method: 'POST', path: '/users', body: {} });
    expect(api.seen).toHaveLength(3);
  });

  it('a POST that gets a 503 with a usable Retry-After is retried; without one, or with one of 60 s or more, it is not', async () => {
    const retried = await scripted(unavailable('0'), 'ok');
    await client(retried.baseUrl).core.request({ method: 'POST', path: '/users', body: {} });
    expect(retried.seen).toHaveLength(2);
    for (const header of [undefined, '120', 'soon']) {
      const api = await scripted(unavailable(header), 'ok');
      const error = await client(api.baseUrl).core.request({ method: 'POST', path: '/users', body: {} }).catch((e: unknown) => e);
      expect(error, `Retry-After: ${header}`).toBeInstanceOf(ServiceUnavailableError);
      expect(api.seen).toHaveLength(1);
    }
  });

  it('a POST that gets a plain 500, or whose connection is reset, is NOT retried (the server may have acted)', async () => {
    const failed = await scripted({ status: 500, body: '{"type":"processing-failure"}' }, 'ok');
    expect(await client(failed.baseUrl).folders.create('a').catch((e: unknown) => e)).toMatchObject({ status: 500 });
    expect(failed.seen).toHaveLength(1);
    const reset = await scripted('reset', 'ok');
    const error = await client(reset.baseUrl).folders.create('a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(reset.seen).toHaveLength(1);
  });

  it('a POST marked idempotent is retried on a reset; the retry limit still applies to 429s without Retry-After', async () => {
    const reset = await scripted('reset', 'reset', 'ok');
    await client(reset.baseUrl).core.request({ method: 'POST', path: '/x', body: {}, idempotent: true });
    expect(reset.seen).toHaveLength(3);
    // (A 429 with a usable Retry-After goes on past the limit, within the retry-time cap: test/core/rate-limit.slow.test.ts.)
    const limited = await scripted(tooMany());
    const error = await client(limited.baseUrl, { retry: { limit: 2, backoffMs: 1 } })
      .core.request({ method: 'POST', path: '/x', body: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(limited.seen).toHaveLength(3);
  });

  it('a GET is still retried on a 500 and a reset, and a POST is retried on nothing with retry: false', async () => {
    const get = await scripted({ status: 500 }, 'reset', 'ok');
    await client(get.baseUrl).core.request({ method: 'GET', path: '/x' });
    expect(get.seen).toHaveLength(3);
    const off = await scripted(tooMany('0'), 'ok');
    await expect(client(off.baseUrl, { retry: false }).core.request({ method: 'POST', path: '/x' })).rejects.toBeInstanceOf(RateLimitedError);
    expect(off.seen).toHaveLength(1);
  });
});

describe('an upload survives a 429 and a reset of its part request and of its end request', () => {
  let site: TestEmulator;

  beforeAll(async () => {
    site = await startEmulator({ apiKey: API_KEY, files: 0, uploadPartSize: 4096 });
  });
  afterAll(() => site.close());

  /** The `action` and `part` of a `POST /files/{path}`, as the proxy saw them. */
  interface UploadCall {
    kind: string;
    outcome: string;
  }

  /**
   * A proxy in front of the emulator's API: `faults[kind]` (kind = `open`, `part 2`, `end`, ...)
   * are injected, in turn, before the request reaches the emulator. The part bytes go straight
   * to the emulator's presigned URLs.
   */
  async function faultyProxy(faults: Record<string, Act[]>): Promise<{ proxy: TinyServer; calls: UploadCall[] }> {
    const calls: UploadCall[] = [];
    const proxy = await tinyServer((req, res, seen: Seen) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const params = body.length ? (JSON.parse(body.toString()) as { action?: string; part?: number }) : {};
        const kind = params.action === 'end' ? 'end' : params.part === undefined ? 'open' : `part ${params.part}`;
        const act = faults[kind]?.shift() ?? 'ok';
        calls.push({ kind, outcome: typeof act === 'string' ? act : String(act.status) });
        if (act !== 'ok') return perform(act, req, res, () => {});
        forward(seen, req, body, res);
      });
    });
    servers.push(proxy);
    return { proxy, calls };
  }

  function forward(seen: Seen, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
    }
    const query = seen.query.toString();
    fetch(`${site.baseUrl}${seen.rawPath}${query ? `?${query}` : ''}`, { method: seen.method, headers, body: body.length ? body : undefined })
      .then(async (response) => answer(res, response.status, Buffer.from(await response.arrayBuffer())))
      .catch(() => req.socket.destroy());
  }

  it('10,000 bytes in 3 parts: exact requests, the right bytes', async () => {
    const { proxy, calls } = await faultyProxy({ 'part 2': [tooMany('0'), 'reset'], end: [tooMany('0'), 'reset'] });
    const bytes = testBytes(10_000, 11);
    const retries: unknown[] = [];
    const uploader = client(proxy.baseUrl, { hooks: { beforeRetry: (e) => retries.push(e.reason) } });
    const file = await uploader.files.upload('inbox/data.bin', bytes, { mkdir_parents: true, concurrency: 1 });
    expect(file).toMatchObject({ path: 'inbox/data.bin', size: 10_000, md5: md5(bytes) });
    expect(calls).toEqual([
      { kind: 'open', outcome: 'ok' },
      { kind: 'part 2', outcome: '429' },
      { kind: 'part 2', outcome: 'reset' },
      { kind: 'part 2', outcome: 'ok' },
      { kind: 'part 3', outcome: 'ok' },
      { kind: 'end', outcome: '429' },
      { kind: 'end', outcome: 'reset' },
      { kind: 'end', outcome: 'ok' },
    ]);
    expect(retries).toEqual([429, 'NetworkError', 429, 'NetworkError']);
    expect(site.emulator.stats.byKind.upload).toBe(3);
  });

  it('the request that opens the upload (no ref yet) is not retried on a reset', async () => {
    const { proxy, calls } = await faultyProxy({ open: ['reset'] });
    const error = await client(proxy.baseUrl).files.upload('inbox/other.bin', testBytes(10), { mkdir_parents: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(calls).toEqual([{ kind: 'open', outcome: 'reset' }]);
  });
});

describe('hooks cannot crash the job', () => {
  it('async hooks that reject (every one of them) are ignored: the listing completes, no unhandled rejection', async () => {
    let n = 0;
    const api = await tinyServer((req, res) => {
      const page = new URL(req.url ?? '/', 'http://x').searchParams.get('cursor');
      if (n++ === 0) return answer(res, 503, '{}', { 'retry-after': '0' });
      const records = Array.from({ length: 3 }, (_, i) => ({ id: (page ? 3 : 0) + i, username: `u${i}` }));
      answer(res, 200, JSON.stringify(records), page ? {} : { 'x-files-cursor-next': 'c2' });
    });
    servers.push(api);
    const rejections = captureUnhandled();
    let called = 0;
    const reject = async () => {
      called++;
      throw new Error('hook failed');
    };
    try {
      const users = await client(api.baseUrl, { hooks: { beforeRequest: reject, afterResponse: reject, beforeRetry: reject } })
        .users.list()
        .toArray();
      expect(users.map((u) => u.id)).toEqual([0, 1, 2, 3, 4, 5]);
      await settle();
      expect(rejections.reasons).toEqual([]);
    } finally {
      rejections.stop();
    }
    // 3 requests (one retried 503, two pages): each a request and a response event, plus one retry.
    expect(called).toBe(7);
  });

  it('a hook that throws synchronously is ignored too', async () => {
    const api = await scripted('ok');
    const boom = () => {
      throw new Error('sync hook failed');
    };
    await expect(client(api.baseUrl, { hooks: { beforeRequest: boom, afterResponse: boom } }).core.request({ method: 'GET', path: '/x' })).resolves.toMatchObject({ status: 200 });
  });
});

describe('network errors name their cause; a host that does not exist is not retried', () => {
  /** A local port with nothing listening on it. */
  async function closedPort(): Promise<number> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  }

  it('ECONNREFUSED: err.code and the message name it; retried (limit 2: exactly 3 attempts)', async () => {
    const port = await closedPort();
    let attempts = 0;
    const refused = createClient({
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      retry: { limit: 2, backoffMs: 1 },
      hooks: { beforeRequest: () => attempts++ },
    });
    const error = (await refused.users.find(1).catch((e: unknown) => e)) as NetworkError;
    scan.add('ECONNREFUSED', error);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toBe(`users.find: network error (ECONNREFUSED): connection refused by http://127.0.0.1:${port}`);
    expect(attempts).toBe(3);
  });

  /** A `fetch` that fails as undici does when the connection fails with `code`. */
  function failingFetch(code: string, calls: { n: number }): typeof fetch {
    return async () => {
      calls.n++;
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ${code} files.invalid`), { code }) });
    };
  }

  it('ENOTFOUND: exactly one attempt (the host does not exist: retrying cannot help), code and host named', async () => {
    const calls = { n: 0 };
    const lost = createClient({ apiKey: API_KEY, baseUrl: 'https://files.invalid', retry: { limit: 3, backoffMs: 1 }, fetch: failingFetch('ENOTFOUND', calls) });
    const error = (await lost.users.list().toArray().catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe('ENOTFOUND');
    expect(error.message).toBe('users.list: network error (ENOTFOUND): host not found: https://files.invalid; check baseUrl');
    expect(calls.n).toBe(1);
  });

  it('EAI_AGAIN (a temporary DNS failure) is retried', async () => {
    const calls = { n: 0 };
    const flaky = createClient({ apiKey: API_KEY, baseUrl: 'https://files.invalid', retry: { limit: 2, backoffMs: 1 }, fetch: failingFetch('EAI_AGAIN', calls) });
    const error = (await flaky.users.find(1).catch((e: unknown) => e)) as NetworkError;
    expect(error.code).toBe('EAI_AGAIN');
    expect(calls.n).toBe(3);
  });

  it('a reset names its code too', async () => {
    const api = await scripted('reset');
    const error = (await client(api.baseUrl, { retry: false }).users.find(1).catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(error.code);
    expect(error.message).toContain(`network error (${error.code}): `);
  });
});
