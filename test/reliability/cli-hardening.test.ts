// Reliability, part 6: the CLI under hostile input. Every line it prints is redacted and
// terminal-safe (file names, server text, the argument parser's echo), CSV cells cannot
// become spreadsheet formulas, checkpoints refuse to resume anything but the output they
// describe (the same site, counts that match the output, one run at a time), and the summary
// counts the retries. Each test failed before the fix it covers.
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess, type InProcessOptions, type InProcessResult } from '../helpers/cli-in-process.js';
import { csvRecords, parseCsv, parseNdjson } from '../helpers/parse-output.js';
import { runBin } from '../helpers/child-process.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { captureUnhandled, settle } from './support/process-state.js';
import { FORM } from './support/scale.js';
import { API_KEY, scan } from './support/secrets.js';
import { startSite, type Site } from './support/site.js';
import { answer, tinyServer, type TinyServer } from './support/tiny-server.js';

/** A key holding control characters (ESC sequences, BEL, C1, CR): redacted raw and escaped. */
const CTRL_KEY = 'ctl\u001b[2J-KEY\u0007-5e1f0a9c7b\u009b-x\r!';
const CTRL_FRAGMENT = '5e1f0a9c7b';
/** Any control character but the line feed: what must never reach a terminal from a name or server text. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** Users served by the hostile server, in pages with long opaque cursors. */
const TOTAL_USERS = 450;
/** When set, this page (0-based) of users answers 404: the export stops there, its checkpoint mid-listing. */
let failUsersPage: number | undefined;

let server: TinyServer;
let dir: TempDir;
const unhandled = captureUnhandled();

beforeAll(async () => {
  server = await tinyServer((_req, res, seen) => hostileApi(res, seen.rawPath, seen.query));
  dir = await tempDir('cli-hardening-');
});

afterAll(async () => {
  await server?.close();
  await dir?.remove();
  await settle();
  unhandled.stop();
  expect(unhandled.reasons.map(String)).toEqual([]);
  expect(scan.size).toBeGreaterThan(0);
  expect(scan.leaks()).toEqual([]);
});

// ------------------------------------------------------------------ the hostile server

const LISTINGS: Record<string, { path: string; display_name: string; type: string; size?: number }[]> = {
  root: [
    { path: 'root/sub\ndir', display_name: 'sub\ndir', type: 'directory' },
    { path: 'root/evil\nname.txt', display_name: 'evil\nname.txt', type: 'file', size: 1 },
    { path: 'root/clear\u001b[2Jscreen.txt', display_name: 'clear\u001b[2Jscreen.txt', type: 'file', size: 2 },
    { path: 'root/cr\rfake line.txt', display_name: 'cr\rfake line.txt', type: 'file', size: 3 },
    { path: 'root/c1\u009b31m.txt', display_name: 'c1\u009b31m.txt', type: 'file', size: 4 },
    { path: 'root/del\u007f.txt', display_name: 'del\u007f.txt', type: 'file', size: 5 },
    { path: 'root/tab\tname.txt', display_name: 'tab\tname.txt', type: 'file', size: 6 },
    { path: 'root/ok.txt', display_name: 'ok.txt', type: 'file', size: 7 },
  ],
  'root/sub\ndir': [{ path: 'root/sub\ndir/inner\u001b]0;pwned\u0007.txt', display_name: 'inner\u001b]0;pwned\u0007.txt', type: 'file', size: 8 }],
  dl: [
    { path: 'dl/ok.txt', display_name: 'ok.txt', type: 'file' },
    { path: `dl/../${API_KEY}\u001b[2J.txt`, display_name: `${API_KEY}\u001b[2J.txt`, type: 'file' },
    { path: `dl/gone\u001b]0;x\u0007-${API_KEY}.txt`, display_name: `gone\u001b]0;x\u0007-${API_KEY}.txt`, type: 'file' },
  ],
};

/** Records whose cells a spreadsheet would run as formulas. */
const FORMULA_RECORD = {
  id: -5,
  name: '=HYPERLINK("http://evil.example","click")',
  notes: '+1 555 0100',
  user_ids: '-2',
  usernames: '@SUM(A1)',
  tabbed: '\tTAB',
  carriage: '\rCR',
  plain: 'plain',
  ratio: -3.5,
  admin: true,
  spaced: ' =not a formula',
  none: null,
  list: ['=a'],
  nested: { value: '=1+1', count: -7 },
  '=column': 'v',
};

function hostileApi(res: Parameters<typeof answer>[0], rawPath: string, query: URLSearchParams): void {
  const prefix = '/api/rest/v1/';
  const path = rawPath.startsWith(prefix) ? rawPath.slice(prefix.length) : rawPath;
  if (path.startsWith('folders/')) {
    const folder = decodeURIComponent(path.slice('folders/'.length)).replace(/\/+$/, '');
    const entries = (LISTINGS[folder] ?? []).map((e) => ({ size: 0, mtime: '2024-01-02T03:04:05Z', ...e }));
    return answer(res, 200, JSON.stringify(entries));
  }
  if (path.startsWith('files/')) {
    const file = decodeURIComponent(path.slice('files/'.length));
    return answer(res, 200, JSON.stringify({ path: file, type: 'file', size: 5, mtime: '2024-01-02T03:04:05Z', download_uri: `${server.baseUrl}/dl/${encodeURIComponent(file)}` }));
  }
  if (rawPath.startsWith('/dl/')) {
    const file = decodeURIComponent(rawPath.slice(4));
    if (file.includes('gone')) return answer(res, 404, `<html>gone: ${file}</html>`, { 'content-type': 'text/html' });
    return answer(res, 200, 'bytes', { 'content-type': 'application/octet-stream' });
  }
  if (path === 'users') {
    const perPage = Number(query.get('per_page') ?? 100);
    const page = Number(/^page-(\d+)-/.exec(query.get('cursor') ?? '')?.[1] ?? 0);
    if (page === failUsersPage) return answer(res, 404, JSON.stringify({ error: 'page gone', 'http-code': 404, type: 'not-found' }));
    const first = page * perPage + 1;
    const last = Math.min(TOTAL_USERS, first + perPage - 1);
    const users = [];
    for (let id = first; id <= last; id++) users.push({ id, username: `user${id}`, email: `user${id}@example.com` });
    // Long opaque cursors, as a resume token inside a page may be.
    const headers: Record<string, string> = last < TOTAL_USERS ? { 'X-Files-Cursor-Next': `page-${page + 1}-${'z'.repeat(400)}` } : {};
    return answer(res, 200, JSON.stringify(users), headers);
  }
  if (path === 'groups') return answer(res, 200, JSON.stringify([FORMULA_RECORD]));
  if (path === 'projects') return answer(res, 200, JSON.stringify([{ id: 1, global_access: 'none' }, { id: 2, global_access: 'none', [`x-${API_KEY}\u001b[2J`]: 1 }]));
  if (path === 'bundles') {
    return answer(
      res,
      400,
      JSON.stringify({
        error: `bad \u001b[2J request \u001b]0;pwned\u0007 for ${API_KEY}`,
        'http-code': 400,
        title: 'Bad\r\nfake: line',
        type: 'bad-request/invalid-input',
      }),
    );
  }
  answer(res, 404, JSON.stringify({ error: 'no such route', 'http-code': 404, type: 'not-found' }));
}

// ------------------------------------------------------------------ runners

const withKey = (): string[] => ['--api-key', API_KEY, '--base-url', server.baseUrl];

/** Runs the CLI in this process; its output joins the file's secret scan. */
async function cli(argv: readonly string[], env: Record<string, string> = {}, options: InProcessOptions = {}): Promise<InProcessResult> {
  const run = await runInProcess(argv, env, options);
  scan.add(`cli ${argv.join(' ').slice(0, 80)} stderr`, run.stderr);
  scan.add(`cli ${argv.join(' ').slice(0, 80)} stdout`, run.stdout);
  return run;
}

/** Runs the real executable (where the process's exit status is the point). */
async function bin(argv: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = await runBin(argv, { env });
  scan.add(`bin ${argv.join(' ').slice(0, 80)} stderr`, run.stderr);
  scan.add(`bin ${argv.join(' ').slice(0, 80)} stdout`, run.stdout);
  return run;
}

function expectClean(text: string, label: string): void {
  expect(text, `${label}: API key`).not.toContain(API_KEY);
  expect(text, `${label}: control key fragment`).not.toContain(CTRL_FRAGMENT);
  expect(RAW_CONTROL.exec(text)?.[0], `${label}: raw control character`).toBeUndefined();
}

// ------------------------------------------------------------------ 5: redaction

describe(`every line the CLI prints is redacted (${FORM} form)`, () => {
  const echoes: [name: string, argv: string[], env: Record<string, string>][] = [
    ['key given, then an unknown option followed by the key', ['export', 'users', `--api-key=${API_KEY}`, '--bogus', API_KEY], {}],
    ['the key mistyped as the command', [API_KEY, 'export', 'users'], { FILESCOM_API_KEY: API_KEY }],
    ['the key as an option value commander echoes', ['--api-key', API_KEY, 'export', 'users', '--per-page', API_KEY], {}],
    ['the key as a choice commander echoes', ['--api-key', API_KEY, 'export', 'users', '--format', API_KEY], {}],
    ['the key behind a mistyped option name', ['export', 'users', `--apikey=${API_KEY}`], {}],
    ['the key behind a mistyped option name, as the next argument', ['export', 'users', '--session-id', API_KEY], {}],
    ['the key as a path argument', ['--api-key', API_KEY, 'export', 'users', API_KEY], {}],
    ['the key as an unknown command after the key', ['--api-key', API_KEY, 'exprot', API_KEY], {}],
    ['a control-character key mistyped as the command', [CTRL_KEY, 'export', 'users'], { FILESCOM_API_KEY: CTRL_KEY }],
    ['a control-character key as an option value', [`--api-key=${CTRL_KEY}`, 'export', 'users', '--limit', CTRL_KEY], {}],
    ['a control-character key in a parameter error (JSON-escaped there)', ['--api-key', CTRL_KEY, 'export', 'history.listForUser', CTRL_KEY], {}],
  ];

  it.each(echoes)('the argument parser and usage errors: %s', async (_name, argv, env) => {
    const run = await cli(['--base-url', server.baseUrl, ...argv], env);
    expect(run.code).toBe(2);
    expectClean(run.stderr, 'stderr');
    expectClean(run.stdout, 'stdout');
    expect(run.stderr).toMatch(/error: /);
  });

  it('the real executable: the key mistyped as the command exits 2 and is not echoed', async () => {
    const run = await bin([API_KEY, 'export', 'users'], { FILESCOM_API_KEY: API_KEY, FILESCOM_BASE_URL: server.baseUrl });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: unknown command '\*\*\*'/m);
    expectClean(run.stderr + run.stdout, 'output');
  });

  it("download: the per-file error list and the summary are redacted and escaped, one line per entry", async () => {
    const local = join(dir.path, 'dl');
    const run = await cli([...withKey(), 'download', 'dl', local]);
    expect(run.code).toBe(1);
    expectClean(run.stderr, 'stderr');
    const summary = /refused (\d+), failed (\d+)/.exec(run.stderr);
    expect(summary, run.stderr).not.toBeNull();
    const problems = Number(summary![1]) + Number(summary![2]);
    expect(problems).toBe(2);
    const listed = run.stderr.split('\n').filter((l) => l.startsWith('  '));
    expect(listed).toHaveLength(problems);
    expect(listed.join('\n')).toContain('***');
    expect(listed.join('\n')).toContain('\\x1b');
    expect(await readFile(join(local, 'ok.txt'), 'utf8')).toBe('bytes');
  });

  it('warnings: a CSV column named by the server is redacted and escaped in the dropped-columns warning', async () => {
    const run = await cli([...withKey(), 'export', 'projects', '--format', 'csv']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^warning: record 2 has fields outside the CSV header \(x-\*\*\*\\x1b\[2J\)/m);
    expectClean(run.stderr, 'stderr');
  });

  it('errors: server text with escape sequences and line breaks stays on its lines, escaped', async () => {
    const run = await cli([...withKey(), 'export', 'bundles']);
    expect(run.code).toBe(1);
    expectClean(run.stderr, 'stderr');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^error: .*bad \\x1b\[2J request \\x1b\]0;pwned\\x07/);
    expect(lines[1]).toBe('type: bad-request/invalid-input (HTTP 400)');
    expect(lines[2]).toMatch(/^hint: /);
  });
});

// ------------------------------------------------------------------ 10: terminal safety

describe(`names and server text cannot drive the terminal (${FORM} form)`, () => {
  const names = LISTINGS.root!;

  it('ls: one line per entry, control characters escaped (plain, --long and -R)', async () => {
    const plain = await cli([...withKey(), 'ls', 'root']);
    expect(plain.code, plain.stderr).toBe(0);
    expectClean(plain.stdout, 'ls');
    expect(plain.stdout.trimEnd().split('\n')).toEqual([
      'sub\\ndir/',
      'evil\\nname.txt',
      'clear\\x1b[2Jscreen.txt',
      'cr\\rfake line.txt',
      'c1\\x9b31m.txt',
      'del\\x7f.txt',
      'tab\\tname.txt',
      'ok.txt',
    ]);

    const long = await cli([...withKey(), 'ls', '-l', 'root']);
    expect(long.code, long.stderr).toBe(0);
    expectClean(long.stdout, 'ls -l');
    expect(long.stdout.trimEnd().split('\n')).toHaveLength(names.length);

    const recursive = await cli([...withKey(), 'ls', '-R', 'root']);
    expect(recursive.code, recursive.stderr).toBe(0);
    expectClean(recursive.stdout, 'ls -R');
    const lines = recursive.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(names.length + 1);
    expect(lines).toContain('root/sub\\ndir/inner\\x1b]0;pwned\\x07.txt');
  });

  it('ls --json is data: the exact names, JSON-escaped', async () => {
    const run = await cli([...withKey(), 'ls', '--json', 'root']);
    expect(run.code, run.stderr).toBe(0);
    expect(parseNdjson<{ path: string }>(run.stdout).map((e) => e.path)).toEqual(names.map((e) => e.path));
  });

  it('the progress line shows the path escaped', async () => {
    const run = await cli([...withKey(), 'ls', 'root\u001b]0;pwned\u0007'], {}, { tty: true });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr, 'the progress line was drawn').toMatch(/records \|/);
    expect(run.stderr).not.toContain('\u001b]0;pwned');
    expect(run.stderr).toContain('root\\x1b]0;pwned\\x07');
  });
});

// ------------------------------------------------------------------ 9: CSV

describe(`CSV cells cannot become spreadsheet formulas (${FORM} form)`, () => {
  it('by default, string cells starting with = + - @ tab or CR get a leading quote; real numbers stay numbers', async () => {
    const run = await cli([...withKey(), 'export', 'groups', '--format', 'csv']);
    expect(run.code, run.stderr).toBe(0);
    const [header] = parseCsv(run.stdout);
    expect(header).toContain("'=column");
    expect(csvRecords(run.stdout)).toEqual([
      {
        id: '-5',
        name: `'=HYPERLINK("http://evil.example","click")`,
        notes: "'+1 555 0100",
        user_ids: "'-2",
        usernames: "'@SUM(A1)",
        tabbed: "'\tTAB",
        carriage: "'\rCR",
        plain: 'plain',
        ratio: '-3.5',
        admin: 'true',
        spaced: ' =not a formula',
        none: '',
        list: '["=a"]',
        'nested.value': "'=1+1",
        'nested.count': '-7',
        "'=column": 'v',
      },
    ]);
  });

  it('--csv-raw keeps every value as sent (for machine consumers), and is documented in --help', async () => {
    const run = await cli([...withKey(), 'export', 'groups', '--format', 'csv', '--csv-raw']);
    expect(run.code, run.stderr).toBe(0);
    const [record] = csvRecords(run.stdout);
    expect(record).toMatchObject({ name: FORMULA_RECORD.name, notes: '+1 555 0100', user_ids: '-2', usernames: '@SUM(A1)', tabbed: '\tTAB', carriage: '\rCR', '=column': 'v' });
    const help = await cli(['export', '--help']);
    expect(help.stdout).toMatch(/--csv-raw\s+CSV: keep cells as sent[\s\S]*formula[\s\S]*-h, --help/);
  });

  it('--csv-raw with another format is a usage error (exit 2)', async () => {
    const run = await cli([...withKey(), 'export', 'groups', '--csv-raw']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--csv-raw applies to --format csv/);
  });
});

// ------------------------------------------------------------------ 6: checkpoints

describe(`checkpoints are safe (${FORM} form)`, () => {
  const out = () => join(dir.path, 'users.ndjson');
  const ckpt = () => join(dir.path, 'users.ckpt');
  const args = (more: string[] = [], target = out(), checkpoint = ckpt()) => [
    ...withKey(),
    'export',
    'users',
    '--per-page',
    '100',
    '--out',
    target,
    '--checkpoint',
    checkpoint,
    ...more,
  ];
  let saved: Record<string, unknown>;
  let outputBefore: Buffer;

  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const usersRequests = () => server.seen.filter((s) => s.rawPath === '/api/rest/v1/users').length;

  /** Runs with a changed checkpoint or output; expects a refusal that leaves the output as it was. */
  async function expectRefused(argv: string[], message: RegExp): Promise<InProcessResult> {
    const requests = usersRequests();
    const run = await cli(argv);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(usersRequests(), 'no page was requested').toBe(requests);
    return run;
  }

  beforeAll(async () => {
    // A first run that stops at page 3: its checkpoint is mid-listing, with a long opaque cursor.
    failUsersPage = 2;
    const first = await cli(args());
    failUsersPage = undefined;
    expect(first.code, first.stderr).toBe(1);
    saved = JSON.parse(await readFile(ckpt(), 'utf8')) as Record<string, unknown>;
    outputBefore = await readFile(out());
  });

  it('a checkpoint records the resolved output path and the sha256 of the bytes it covers', () => {
    expect(saved).toMatchObject({ done: false, records: 200, pages: 2, bytes: outputBefore.length, output: resolve(out()) });
    expect(saved.cursor).toMatch(/^page-2-z{400}$/);
    expect(saved.sha256).toBe(sha256(outputBefore));
  });

  it('resuming with another --out refuses with exit 2 (the real executable), names both files, creates nothing', async () => {
    const other = join(dir.path, 'other.ndjson');
    const run = await bin(args([], other), {});
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(resolve(out()));
    expect(run.stderr).toContain(other);
    expect(run.stderr).toMatch(/--out/);
    await expect(stat(other)).rejects.toThrow();
    expect(await readFile(out())).toEqual(outputBefore);
  });

  it('an output changed inside the covered bytes, cut short, or gone is refused (exit 2) and left as it is', async () => {
    const changed = Buffer.from(outputBefore);
    changed[10] = changed[10] === 0x41 ? 0x42 : 0x41;
    await writeFile(out(), changed);
    await expectRefused(args(), /differ/);
    expect(await readFile(out())).toEqual(changed);

    const short = outputBefore.subarray(0, outputBefore.length - 5);
    await writeFile(out(), short);
    await expectRefused(args(), new RegExp(`${short.length} bytes.*${outputBefore.length}`));
    expect(await readFile(out())).toEqual(short);

    await rm(out());
    await expectRefused(args(), /missing|does not exist/);
    await writeFile(out(), outputBefore);
  });

  it('a changed setting is refused (exit 2), naming the setting', async () => {
    const cases: [string[], RegExp][] = [
      [args(['--limit', '300']), /\blimit\b/],
      [args(['--fields', 'id']), /\bfields\b/],
      [args(['--format', 'csv']), /\bformat\b/],
      [args(['--param', 'include_parent_site_users=true']), /\binclude_parent_site_users\b/],
      [args(['--format', 'csv', '--csv-raw']), /\bformat\b.*\bcsv-raw\b|\bcsv-raw\b.*\bformat\b/],
    ];
    for (const [argv, message] of cases) await expectRefused(argv, message);
    // per_page: the same run with 50 records a page.
    await expectRefused(args().map((a) => (a === '100' ? '50' : a)), /\bper_page\b/);
    // Another operation, then another path argument, with the same files.
    await expectRefused([...withKey(), 'export', 'groups', '--per-page', '100', '--out', out(), '--checkpoint', ckpt()], /\boperation\b.*users\.list.*groups\.list/);
    const history = join(dir.path, 'history.ckpt');
    const identity = { operation: 'history.listForFolder', pathArgs: ['other'], params: { per_page: 100 }, format: 'ndjson' };
    await writeFile(history, JSON.stringify({ ...saved, export: identity }));
    await expectRefused([...withKey(), 'export', 'history.listForFolder', 'reports', '--per-page', '100', '--out', out(), '--checkpoint', history], /\bpath\b.*other.*reports/);
    expect(await readFile(out())).toEqual(outputBefore);
  });

  it('a checkpoint that does not match the schema is refused (exit 2), naming the field', async () => {
    const bad = join(dir.path, 'bad.ckpt');
    const cases: [string, unknown, RegExp][] = [
      ['unknown version', { ...saved, version: 99 }, /\bversion\b/],
      ['version 1', { ...saved, version: 1 }, /\bversion\b/],
      ['version 2 (before sites)', { ...saved, version: 2, site: undefined }, /has version 2; this files-stream reads version 3/],
      ['no site', { ...saved, site: undefined }, /\bsite\b/],
      ['a site with credentials', { ...saved, site: 'https://user:pw@acme.files.com' }, /\bsite\b/],
      ['done with a cursor left', { ...saved, done: true }, /\bdone\b.*\bcursor\b/],
      ['negative bytes', { ...saved, bytes: -1 }, /\bbytes\b/],
      ['fractional bytes', { ...saved, bytes: 1.5 }, /\bbytes\b/],
      ['records as text', { ...saved, records: '200' }, /\brecords\b/],
      ['negative pages', { ...saved, pages: -3 }, /\bpages\b/],
      ['numeric cursor', { ...saved, cursor: 42 }, /\bcursor\b/],
      ['done as text', { ...saved, done: 'no' }, /\bdone\b/],
      ['numeric columns', { ...saved, columns: [1] }, /\bcolumns\b/],
      ['unknown format', { ...saved, export: { ...(saved.export as object), format: 'xml' } }, /\bexport\.format\b/],
      ['fields as text', { ...saved, export: { ...(saved.export as object), fields: 'id' } }, /\bexport\.fields\b/],
      ['no export', { ...saved, export: undefined }, /\bexport\b/],
      ['bad hash', { ...saved, sha256: 'zz' }, /\bsha256\b/],
      ['numeric output', { ...saved, output: 5 }, /\boutput\b/],
      ['unknown field', { ...saved, evil: 1 }, /\bevil\b/],
      ['an array', [saved], /checkpoint/],
    ];
    for (const [name, value, message] of cases) {
      await writeFile(bad, JSON.stringify(value));
      const run = await expectRefused(args([], out(), bad), message);
      expect(run.stderr, name).toMatch(/^error: /m);
    }
    await writeFile(bad, 'not json {');
    await expectRefused(args([], out(), bad), /not JSON/);
    expect(await readFile(out())).toEqual(outputBefore);
  });

  it('resuming against another site is refused (exit 2), naming both sites, before any request; output and checkpoint untouched', async () => {
    const checkpointBefore = await readFile(ckpt(), 'utf8');
    for (const other of [`${server.baseUrl}/tenant-b`, server.baseUrl.replace('127.0.0.1', 'localhost')]) {
      const requests = server.seen.length;
      const run = await cli(args().map((a) => (a === server.baseUrl ? other : a)));
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(`error: checkpoint ${ckpt()} was saved for site ${server.baseUrl}, not ${other}: rerun with --base-url ${server.baseUrl}`);
      expect(server.seen.length, 'requests sent').toBe(requests);
    }
    expect(await readFile(out())).toEqual(outputBefore);
    expect(await readFile(ckpt(), 'utf8')).toBe(checkpointBefore);
  });

  it('a checkpoint whose records does not match its output is refused (exit 2), naming the field: an edit cannot make --limit overshoot', async () => {
    const edited = join(dir.path, 'edited.ckpt');
    for (const records of [100, 199, 201, 1000]) {
      await writeFile(edited, JSON.stringify({ ...saved, records }));
      await expectRefused(args([], out(), edited), new RegExp(`field records is ${records}, but the ${outputBefore.length} bytes it covers hold 200 records`));
    }
    expect(await readFile(out())).toEqual(outputBefore);
  });

  it('a checkpoint held by a live run is refused (exit 2), naming it, before the output is touched; nothing of the holder is removed', async () => {
    const lock = `${ckpt()}.lock`;
    const holder = { pid: process.pid, hostname: 'ci-runner-2.example', startedAt: '2024-05-01T10:00:00.000Z', command: 'files-stream export users.list', token: 't' };
    await writeFile(lock, JSON.stringify(holder));
    const liveTemp = join(dir.path, `users.ckpt.${process.ppid}.tmp`);
    await writeFile(liveTemp, 'a save in progress');
    try {
      const run = await expectRefused(args(), /in use by pid/);
      expect(run.stderr).toContain(`error: checkpoint ${ckpt()} is in use by pid ${process.pid} on ci-runner-2.example (files-stream export users.list, started 2024-05-01T10:00:00.000Z)`);
      expect(run.stderr).toContain(`hint: nothing was written: wait for it to end, then rerun; if that run is gone, its lock ${lock} is taken over 2 minutes after it last renewed it (or delete it and rerun)`);
      expect(JSON.parse(await readFile(lock, 'utf8'))).toEqual(holder);
      expect(await readFile(liveTemp, 'utf8')).toBe('a save in progress');
      expect(await readFile(out())).toEqual(outputBefore);
    } finally {
      await rm(lock);
      await rm(liveTemp);
    }
  });

  it("the checkpoint's folder is checked before any record is written", async () => {
    const file = join(dir.path, 'a-file');
    await writeFile(file, 'x');
    const fresh = join(dir.path, 'fresh.ndjson');
    await expectRefused(args([], fresh, join(file, 'c.ckpt')), /folder|director/);
    await expect(stat(fresh)).rejects.toThrow();
    const folder = join(dir.path, 'a-folder.ckpt');
    await mkdir(folder);
    await expectRefused(args([], fresh, folder), /is a folder|director/);
    await expect(stat(fresh)).rejects.toThrow();
    // A folder where the file each save writes first cannot be created (even root cannot create a file over a folder).
    const blocked = join(dir.path, 'blocked.ckpt');
    await mkdir(`${blocked}.${process.pid}.tmp`);
    await expectRefused(args([], fresh, blocked), /cannot write in the checkpoint's folder/);
    await expect(stat(fresh)).rejects.toThrow();
  });

  it.skipIf(process.getuid?.() === 0)('a checkpoint folder that cannot be written is refused before any record is written', async () => {
    const locked = join(dir.path, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o500);
    try {
      const fresh = join(dir.path, 'locked.ndjson');
      await expectRefused(args([], fresh, join(locked, 'c.ckpt')), /writ/);
      await expect(stat(fresh)).rejects.toThrow();
    } finally {
      await chmod(locked, 0o700);
    }
  });

  it('a missing checkpoint folder is created', async () => {
    const target = join(dir.path, 'nested.ndjson');
    const checkpoint = join(dir.path, 'new', 'deeper', 'c.ckpt');
    const run = await cli(args([], target, checkpoint));
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(await readFile(checkpoint, 'utf8'))).toMatchObject({ done: true, records: TOTAL_USERS });
  });

  it('the unchanged export resumes: every record once, the final checkpoint covers the whole output', async () => {
    expect(await readFile(out())).toEqual(outputBefore);
    const run = await cli(args());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/resumed; 450 in all/);
    const text = await readFile(out());
    const ids = parseNdjson<{ id: number }>(text.toString('utf8')).map((u) => u.id);
    expect(ids).toEqual(Array.from({ length: TOTAL_USERS }, (_, i) => i + 1));
    expect(JSON.parse(await readFile(ckpt(), 'utf8'))).toMatchObject({ done: true, records: TOTAL_USERS, bytes: text.length, sha256: sha256(text), output: resolve(out()) });
    const again = await cli(args());
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already complete/);
  });
});

// ------------------------------------------------------------------ 13: retries

describe(`the summary counts retries; --verbose shows each (${FORM} form)`, () => {
  let site: Site;
  beforeAll(async () => {
    site = await startSite({ users: 600, files: 12, faults: { rateLimited: 0.25, retryAfter: 0, maxConsecutive: 2 } });
  });
  afterAll(async () => {
    await site?.close();
  });
  const key = () => ['--api-key', API_KEY, '--base-url', site.baseUrl];

  it('export: the summary line reports exactly the retries made', async () => {
    site.emulator.resetLog();
    const run = await cli([...key(), 'export', 'users', '--per-page', '50', '--out', join(dir.path, 'retried.ndjson')]);
    expect(run.code, run.stderr).toBe(0);
    const faults = site.emulator.stats.byFault.rateLimited ?? 0;
    expect(faults).toBeGreaterThan(0);
    expect(run.stderr).toMatch(new RegExp(`^users\\.list: 600 records, .*, ${faults} retr(y|ies)$`, 'm'));
    expect(run.stderr).not.toMatch(/^retry: /m);
  });

  it('--verbose prints each retry as it happens (operation, attempt, reason, wait), and the same count in the summary', async () => {
    site.emulator.resetLog();
    const run = await cli([...key(), '--verbose', 'export', 'users', '--per-page', '50', '--out', join(dir.path, 'verbose.ndjson')]);
    expect(run.code, run.stderr).toBe(0);
    const faults = site.emulator.stats.byFault.rateLimited ?? 0;
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('warn: '));
    expect(lines).toHaveLength(faults);
    for (const line of lines) expect(line).toMatch(/^warn: users\.list GET \S+: retry [12]\/\d+ in 0 ms after 429$/);
    expect(run.stderr).toMatch(new RegExp(`, ${faults} retr(y|ies)$`, 'm'));
    expectClean(run.stderr, 'stderr');
  });

  it('download: the summary reports the retries of the listing and file requests', async () => {
    site.emulator.resetLog();
    const run = await cli([...key(), 'download', '/', join(dir.path, 'retried-tree')]);
    expect(run.code, run.stderr).toBe(0);
    const faults = site.emulator.stats.byFault.rateLimited ?? 0;
    expect(faults).toBeGreaterThan(0);
    expect(run.stderr).toMatch(new RegExp(`^downloaded 12 files .*, ${faults} retr(y|ies)$`, 'm'));
  });

  it('--verbose and --quiet together are a usage error', async () => {
    const run = await cli([...key(), '--verbose', '--quiet', 'ls', '/']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--verbose.*--quiet|--quiet.*--verbose/);
  });
});
