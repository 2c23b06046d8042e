// --verbose and FILES_STREAM_DEBUG=1: the client's log (each request, response and retry),
// printed through the CLI's message writer: redacted and terminal-safe, one line each.
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliLogger } from '../../src/cli/log.js';
import { createMessageWriter } from '../../src/cli/output/messages.js';
import { runHere, startSite, type Site } from './support/terminal-run.js';

const SESSION = 'sess-verbose-secret-4242';
/** Any control character but the line feed. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

let site: Site;
beforeAll(async () => {
  site = await startSite({ users: 25, files: 12 });
});
afterAll(() => site?.close());
afterEach(() => {
  site.emulator.setFaults({});
  vi.restoreAllMocks();
});

const logLines = (stderr: string) => stderr.split('\n').filter((l) => /^(debug|info|warn|error): /.test(l) && !l.startsWith('error: ') );

describe('--verbose', () => {
  it('prints each request and its response at debug, and draws no progress line', async () => {
    const run = await runHere([...site.args, '--verbose', 'export', 'users', '--per-page', '10', '--limit', '15'], {}, { stderrTTY: true });
    expect(run.code, run.stderr).toBe(0);
    const base = `${site.server.baseUrl}/api/rest/v1/users?per_page=10`;
    const lines = logLines(run.stderr).map((l) => l.replace(/ in \d+ ms$/, ' in N ms').replace(/cursor=[^&\s]+/, 'cursor=C'));
    expect(lines).toEqual([
      `debug: users.list GET ${base}`,
      `debug: users.list GET ${base} -> 200 in N ms`,
      `debug: users.list GET ${base}&cursor=C`,
      `debug: users.list GET ${base}&cursor=C -> 200 in N ms`,
    ]);
    expect(run.stderr).not.toMatch(/\u001b\[1G|records \|/);
    expect(run.stderr).toMatch(/^users\.list: 15 records, 2 pages .*, 0 retries$/m);
  });

  it('prints each retry at warn, with its wait and reason; the summary counts the same retries', async () => {
    site.emulator.setFaults({ rateLimited: 0.4, retryAfter: 0, maxConsecutive: 2 });
    site.emulator.resetLog();
    const run = await runHere([...site.args, '--verbose', 'export', 'users', '--per-page', '2']);
    expect(run.code, run.stderr).toBe(0);
    const faults = site.emulator.stats.byFault.rateLimited ?? 0;
    expect(faults).toBeGreaterThan(0);
    const retries = logLines(run.stderr).filter((l) => l.startsWith('warn: '));
    expect(retries).toHaveLength(faults);
    for (const line of retries) expect(line).toMatch(/^warn: users\.list GET \S+: retry [12]\/\d+ in 0 ms after 429$/);
    expect(run.stderr).toMatch(new RegExp(`^users\\.list: 25 records, 13 pages .*, ${faults} retr(y|ies)$`, 'm'));
  });

  it('hides every secret the CLI knows (key, FILESCOM_SESSION_ID) and prints no raw control character', async () => {
    const run = await runHere([...site.args, '--verbose', 'ls', `${SESSION}/${site.emulator.apiKey}\u001b[2J`], { FILESCOM_SESSION_ID: SESSION });
    expect(run.code).toBe(1); // no such folder
    const lines = logLines(run.stderr);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    // The session id (unknown to the client) hidden by the CLI's writer; the key by both; ESC percent-encoded in the URL.
    expect(lines[0]).toMatch(/^debug: folders\.listFor GET http:\/\/127\.0\.0\.1:\d+\/api\/rest\/v1\/folders\/\*\*\*%2F(\*\*\*|\[redacted\])%1B%5B2J\?per_page=1000$/);
    expect(run.stderr).not.toContain(SESSION);
    expect(run.stderr).not.toContain(site.emulator.apiKey);
    expect(RAW_CONTROL.exec(run.stderr)).toBeNull();
  });
});

describe('cliLogger', () => {
  it('writes every level as one line through the message writer: redacted, control characters escaped', () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.setEncoding('utf8').on('data', (c: string) => (text += c));
    const logger = cliLogger(createMessageWriter({ stdout: new PassThrough(), stderr }, [SESSION]));
    logger.debug!(`GET /a\u001b[2J/${SESSION}\nfake: line`);
    logger.info!('i');
    logger.warn!('w');
    logger.error!('e');
    expect(text).toBe('debug: GET /a\\x1b[2J/***\\nfake: line\ninfo: i\nwarn: w\nerror: e\n');
  });
});

describe('FILES_STREAM_DEBUG', () => {
  it('=1 turns the log on like --verbose; with --quiet the log stays and the summary goes', async () => {
    const debug = await runHere([...site.args, 'ls', '/'], { FILES_STREAM_DEBUG: '1' });
    expect(debug.code).toBe(0);
    expect(logLines(debug.stderr)[0]).toMatch(/^debug: folders\.listFor GET /);
    const quiet = await runHere([...site.args, '--quiet', 'export', 'users', '--limit', '3'], { FILES_STREAM_DEBUG: 'true' });
    expect(quiet.code).toBe(0);
    expect(logLines(quiet.stderr).length).toBeGreaterThan(0);
    expect(quiet.stderr).not.toMatch(/records, /);
  });

  it('=0 (or unset) logs nothing', async () => {
    const run = await runHere([...site.args, 'ls', '/'], { FILES_STREAM_DEBUG: '0' });
    expect(run.stderr).toBe('');
  });

  it("the library's own stderr logger never writes past the CLI's writer", async () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const before = process.env.FILES_STREAM_DEBUG;
    process.env.FILES_STREAM_DEBUG = '1';
    try {
      const quiet = await runHere([...site.args, 'ls', '/']);
      const verbose = await runHere([...site.args, '--verbose', 'ls', '/']);
      expect(quiet.stderr).toBe('');
      expect(logLines(verbose.stderr).length).toBeGreaterThan(0);
    } finally {
      if (before === undefined) delete process.env.FILES_STREAM_DEBUG;
      else process.env.FILES_STREAM_DEBUG = before;
    }
    expect(writes.filter((w) => w.includes('files-stream:'))).toEqual([]);
  });
});
