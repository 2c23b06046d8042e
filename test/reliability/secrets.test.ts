// Reliability, part 5: secrets. Everything a user could print (errors every way, hook log
// lines, CLI progress and error lines, util.inspect of clients and listings) is searched for
// the API key and the session id; none may hold them. The other test files of the suite scan
// their own errors, hook lines and CLI output the same way (see support/secrets.ts).
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotAuthenticatedError, type FilesClient } from '../../src/index.js';
import { runInProcess, type InProcessResult } from '../helpers/cli-in-process.js';
import { tempDir, writeTree, type TempDir } from '../helpers/temp-dir.js';
import { captureUnhandled, settle } from './support/process-state.js';
import { recordFigures } from './support/report.js';
import { FORM } from './support/scale.js';
import { API_KEY, renderings, scan, SecretScan, SESSION_ID } from './support/secrets.js';
import { loggedClient, startSite, type Site } from './support/site.js';
import { tinyServer } from './support/tiny-server.js';

let site: Site;
let temp: TempDir;
let dir: string;
const unhandled = captureUnhandled();

beforeAll(async () => {
  site = await startSite({ users: 2_500, files: 40, faults: { latencyMs: 2 } });
  temp = await tempDir('reliability-secrets-');
  dir = temp.path;
});

afterAll(async () => {
  await site?.close();
  await temp?.remove();
  await settle();
  unhandled.stop();
  expect(unhandled.reasons.map(String)).toEqual([]);
});

/** Runs the CLI in this process with stderr presented as a terminal (so the progress line is drawn); scans its output. */
async function cli(argv: readonly string[]): Promise<InProcessResult> {
  const run = await runInProcess(argv, { FILESCOM_API_KEY: API_KEY }, { tty: true });
  scan.add(`cli ${argv.slice(0, 2).join(' ')} stderr`, run.stderr);
  scan.add(`cli ${argv.slice(0, 2).join(' ')} stdout`, run.stdout);
  return run;
}

/** Collects an operation's error (rendered every way). */
async function errorOf(label: string, work: () => Promise<unknown>): Promise<unknown> {
  const error = await Promise.resolve()
    .then(work)
    .then(
    () => undefined,
    (e: unknown) => e,
  );
  scan.add(label, error);
  return error;
}

describe(`secrets never leak (${FORM} form)`, () => {
  it('the scan itself finds a secret hidden in a cause, a non-enumerable field or part of a line', () => {
    const probe = new SecretScan();
    probe.add('clean', new Error('nothing here'));
    const hidden = new Error('outer', { cause: new Error(`inner ${SESSION_ID}`) });
    probe.add('cause', hidden);
    const object = {};
    Object.defineProperty(object, 'headers', { value: { 'X-FilesAPI-Key': API_KEY }, enumerable: false });
    probe.add('hidden field', object);
    probe.add('fragment', `key=${API_KEY.slice(4, 20)}`);
    expect(probe.leaks()).toEqual(['cause', 'hidden field', 'fragment']);
  });

  it('CLI: progress lines, summaries and error lines of export, ls, download and failures', async () => {
    const key = ['--api-key', API_KEY, '--base-url', site.baseUrl];
    const exported = await cli([...key, 'export', 'users', '--per-page', '100', '--out', join(dir, 'u.ndjson'), '--checkpoint', join(dir, 'u.ckpt')]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(/users\.list.* 2500 records/);
    expect(exported.stderr, 'the progress line was drawn').toMatch(/rec\/s/);
    expect((await cli([...key, 'ls', '-R', '-l', '/'])).code).toBe(0);
    expect((await cli([...key, 'download', '/', join(dir, 'tree')])).code).toBe(0);
    // --verbose: the presigned downloads' lines show the storage origin alone (a signature may
    // sit in the query or in a path segment of a download_uri).
    const verbose = await cli([...key, '--verbose', 'download', '/', join(dir, 'tree-verbose')]);
    expect(verbose.code, verbose.stderr).toBe(0);
    expect(verbose.stderr).toMatch(/files\.downloadStream \S+ GET http:\/\/127\.0\.0\.1:\d+\/\[redacted\] -> 200/);
    expect(verbose.stderr).not.toMatch(/X-Amz-Signature|emulator\/download/);
    // Failures: a wrong key (the server names it invalid), a proxy's HTML 403, a bad operation, a bad parameter.
    const wrongKey = await cli(['--api-key', `${API_KEY}-wrong`, '--base-url', site.baseUrl, 'export', 'users']);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/error:/);
    // (A server that is down is left to the in-process errors below: the CLI's default backoff would take seconds.)
    const proxy = await tinyServer((_req, res) => res.writeHead(403, { 'content-type': 'text/html' }).end('<html><title>403 Forbidden</title></html>'));
    expect((await cli(['--api-key', API_KEY, '--base-url', proxy.baseUrl, 'export', 'users'])).code).toBe(1);
    await proxy.close();
    expect((await cli([...key, 'export', 'no-such-thing'])).code).not.toBe(0);
    expect((await cli([...key, 'export', 'users', '--filter', 'nope=1'])).code).not.toBe(0);
    // Faults during an export with progress: retries show in nothing that prints the key.
    site.emulator.setFaults({ rateLimited: 0.05, unavailable: 0.05, retryAfter: 0 });
    try {
      expect((await cli([...key, 'export', 'users', '--per-page', '500', '--format', 'csv', '--out', join(dir, 'u.csv')])).code).toBe(0);
    } finally {
      site.emulator.setFaults({ latencyMs: 2 });
    }
  });

  it('CLI: upload -R and the file commands (mkdir, stat, cat, cp, mv, rm): their progress, summaries, JSON and failures', async () => {
    const key = ['--api-key', API_KEY, '--base-url', site.baseUrl];
    const local = join(dir, 'to-upload');
    await writeTree(local, { 'a.txt': 'alpha', 'sub/b.txt': 'beta', 'bad name.txt ': 'refused', 'empty/': '' }, new Date('2024-05-06T07:08:09Z'));
    // Retried requests (429s: every upload request retries them): the retry notices and the
    // failure lines name requests, never the key.
    site.emulator.setFaults({ rateLimited: 0.2, retryAfter: 0 });
    try {
      const uploaded = await cli([...key, 'upload', '-R', local, 'secrets-up']);
      expect(uploaded.code, uploaded.stderr).toBe(1); // the refused name
      expect(uploaded.stderr).toMatch(/bad name\.txt/);
      expect(uploaded.stderr).toMatch(/uploaded 2 files/);
      expect((await cli([...key, 'upload', '-R', '--dry-run', local, 'secrets-up'])).code).toBe(1);
    } finally {
      site.emulator.setFaults({ latencyMs: 2 });
    }
    expect((await cli([...key, 'mkdir', '-p', 'secrets-up/made/deep'])).code).toBe(0);
    expect((await cli([...key, 'stat', '--json', 'secrets-up/a.txt'])).code).toBe(0);
    expect((await cli([...key, 'stat', 'secrets-up/a.txt'])).code).toBe(0);
    const cat = await cli([...key, 'cat', 'secrets-up/sub/b.txt']);
    expect(cat.stdout, cat.stderr).toBe('beta');
    expect((await cli([...key, 'cp', '-r', '--json', 'secrets-up/sub', 'secrets-up/copy'])).code).toBe(0);
    expect((await cli([...key, 'mv', 'secrets-up/a.txt', 'secrets-up/made/'])).code).toBe(0);
    // Failures: a missing path, a full folder without -r, a wrong key.
    expect((await cli([...key, 'rm', 'secrets-up/nope.txt', 'secrets-up/sub'])).code).toBe(1);
    expect((await cli([...key, 'cat', 'secrets-up/nope.txt'])).code).toBe(1);
    expect((await cli(['--api-key', `${API_KEY}-wrong`, '--base-url', site.baseUrl, 'stat', 'secrets-up'])).code).toBe(1);
    expect((await cli([...key, 'rm', '-r', 'secrets-up'])).code).toBe(0);
  });

  it('errors of every kind, for an API key and for a session id, rendered every way', async () => {
    for (const credentials of [{ apiKey: API_KEY }, { sessionId: SESSION_ID }]) {
      const { client, log } = loggedClient({ ...credentials, baseUrl: site.baseUrl, retry: { limit: 1, backoffMs: 1 } });
      // The emulator accepts the key but not this session: a 401 for the session client.
      const listed = await errorOf('listing', () => client.users.list().toArray());
      if (credentials.sessionId) expect(listed).toBeInstanceOf(NotAuthenticatedError);
      await errorOf('not found', () => client.users.find(999_999));
      await errorOf('bad parameter', () => client.users.list({ per_page: 0 }).toArray());
      await errorOf('bad path', () => client.folders.listFor('no/such/folder').toArray());
      await errorOf('download of a folder', () => client.files.downloadStream('/'));
      // Network failures, timeouts and aborts carry causes: they are rendered too.
      const down = await tinyServer((req) => req.socket.destroy());
      await errorOf('network', () => client.with({ baseUrl: down.baseUrl }).users.find(1));
      await down.close();
      const silent = await tinyServer(() => {});
      await errorOf('timeout', () => client.with({ baseUrl: silent.baseUrl, timeout: 100, retry: false }).users.find(1));
      await errorOf('abort', () => client.with({ baseUrl: silent.baseUrl }).users.find(1, {}, { signal: AbortSignal.timeout(50) }));
      await silent.close();
      expect(log.lines.length).toBeGreaterThan(0);
    }
  });

  it('a real session id (from POST /sessions) never shows either', async () => {
    const { client: anonymous } = loggedClient({ baseUrl: site.baseUrl });
    const someone = (await site.client().client.users.list({ per_page: 1 }).take(1).toArray())[0]!;
    const session = await anonymous.sessions.create({ username: someone.username!, password: 'pw' });
    const id = String(session.id);
    expect(id.length).toBeGreaterThan(8);
    const { client, log } = loggedClient({ sessionId: id, baseUrl: site.baseUrl, retry: { limit: 1, backoffMs: 1 } });
    const users = await client.users.list({ per_page: 50 }).take(60).toArray();
    expect(users).toHaveLength(60);
    const errors = [await errorOf('session: not found', () => client.users.find(999_999)), await errorOf('session: bad folder', () => client.folders.listFor('nope').toArray())];
    const texts = [...log.lines, ...errors.flatMap(renderings), ...inspectables(client).flatMap(renderings)];
    expect(texts.filter((t) => t.includes(id))).toEqual([]);
  });

  it('util.inspect, JSON and String of clients, derived clients, namespaces, listings and hook events', async () => {
    const { client, log } = loggedClient({ apiKey: API_KEY, baseUrl: site.baseUrl, workspaceId: 7, language: 'fr' });
    const { client: bySession } = loggedClient({ sessionId: SESSION_ID, baseUrl: site.baseUrl });
    await client.users.list({ per_page: 100 }).take(150).toArray();
    for (const [i, value] of [...inspectables(client), ...inspectables(bySession)].entries()) scan.add(`inspect #${i}`, value);
    for (const line of log.lines) scan.add('hook line', line);
    // The hooks did see the auth header: redacted.
    expect(log.lines.some((l) => l.includes('[redacted]'))).toBe(true);
  });
});

/** Everything about a client a user might print. */
function inspectables(client: FilesClient): unknown[] {
  const listing = client.users.list({ per_page: 10 });
  return [
    client,
    client.with({ timeout: 1234 }),
    client.info,
    client.core,
    client.api,
    client.users,
    client.files,
    client.folders,
    listing,
    listing.pages(),
    listing.filter(() => true).take(1),
    Object.entries(client),
    Object.getOwnPropertyNames(client).map((n) => inspect((client as unknown as Record<string, unknown>)[n], { depth: 6, showHidden: true })),
  ];
}

afterAll(async () => {
  // Everything this file and its clients produced, scanned at once.
  expect(scan.size).toBeGreaterThan(50);
  expect(scan.leaks()).toEqual([]);
  await recordFigures('secrets', { texts: scan.size, kib: Math.round(scan.chars / 1024), leaks: 0 });
});
