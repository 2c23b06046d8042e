// The file commands (mkdir, rm, mv, cp, cat, stat): what each prints, its --json output, its
// exit codes (0 done, 1 failed, 2 usage) and the requests it sends. In process, against an
// emulator served through msw.
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../../src/testing/index.js';
import { runInProcess, type InProcessResult } from '../helpers/cli-in-process.js';
import { operationCount, startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { useMswServer } from '../helpers/msw.js';

const server = useMswServer();

interface Site extends TestEmulator {
  /** Runs `files-stream <args>` against this site. */
  cli(args: readonly string[], options?: { tty?: boolean }): Promise<InProcessResult>;
  /** Uploads text files (parents made). */
  put(files: Record<string, string>): Promise<void>;
  /** Whether a remote path exists, and what it is. */
  kind(path: string): Promise<string | undefined>;
}

/** An empty site (folder migrations done at once unless `options` say otherwise). */
async function site(options: EmulatorOptions = {}): Promise<Site> {
  const env = await startEmulator({ files: 0, users: 1, migrationMs: 0, ...options }, { msw: server });
  const globals = ['--api-key', env.apiKey, '--base-url', env.baseUrl];
  return {
    ...env,
    cli: (args, run = {}) => runInProcess([...globals, ...args], {}, run),
    put: async (files) => {
      for (const [path, text] of Object.entries(files)) await env.client.files.uploadData(path, text, { mkdir_parents: true });
    },
    kind: async (path) => (await env.client.files.find(path).catch(() => undefined))?.type ?? undefined,
  };
}

/** Runs a command against a fresh site holding `files`; the request log starts empty. */
async function seeded(files: Record<string, string>, options: EmulatorOptions = {}): Promise<Site> {
  const s = await site(options);
  await s.put(files);
  s.emulator.resetLog();
  return s;
}

const files = (s: Site, under: string) => s.client.folders.walk(under, { type: 'file' }).map((f) => f.path!).toArray();

describe('mkdir', () => {
  it('creates a folder: exit 0, one request, a line on stderr; --json prints the folder record instead', async () => {
    const s = await seeded({});
    const run = await s.cli(['mkdir', 'inbox']);
    expect(run).toEqual({ code: 0, stdout: '', stderr: 'created folder inbox\n' });
    expect(operationCount(s.emulator, 'folders.create')).toBe(1);
    expect(s.emulator.stats.total).toBe(1);
    expect(await s.kind('inbox')).toBe('directory');

    const json = await s.cli(['mkdir', '/outbox/', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ path: 'outbox', type: 'directory' });
  });

  it('without -p: a missing parent or an existing folder is exit 1, naming -p; nothing is created', async () => {
    const s = await seeded({ 'docs/a.txt': 'a' });
    const parent = await s.cli(['mkdir', 'x/y']);
    expect(parent.code).toBe(1);
    expect(parent.stderr).toBe('error: mkdir: a parent folder of x/y does not exist (processing-failure/destination-parent-does-not-exist): pass -p to create it\n');
    expect(await s.kind('x')).toBeUndefined();

    const existing = await s.cli(['mkdir', 'docs']);
    expect(existing.code).toBe(1);
    expect(existing.stderr).toMatch(/^error: mkdir: docs already exists \(processing-failure\/destination-exists\); with -p an existing folder is no error\n$/);
  });

  it('-p creates the parents, and an existing folder is no error (its record with --json); an existing file is exit 1', async () => {
    const s = await seeded({ 'docs/a.txt': 'a' });
    const deep = await s.cli(['mkdir', '-p', 'x/y/z']);
    expect(deep).toEqual({ code: 0, stdout: '', stderr: 'created folder x/y/z\n' });
    expect(await s.kind('x/y')).toBe('directory');

    s.emulator.resetLog();
    const again = await s.cli(['mkdir', '-p', 'X/Y/Z', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ path: 'x/y/z', type: 'directory' });
    // The create is refused (it exists), then one request tells what is there.
    expect(operationCount(s.emulator, 'folders.create')).toBe(1);
    expect(operationCount(s.emulator, 'files.find')).toBe(1);
    expect((await s.cli(['mkdir', '-p', 'docs'])).stderr).toBe('folder docs exists\n');
    expect((await s.cli(['mkdir', '-p', '/'])).code).toBe(0);

    const file = await s.cli(['mkdir', '-p', 'docs/a.txt']);
    expect(file.code).toBe(1);
    expect(file.stderr).toBe('error: mkdir: docs/a.txt exists and is a file\n');
  });

  it('usage errors exit 2 before any request: a folder name ending in white space, an empty path, no path', async () => {
    const s = await seeded({});
    const spaced = await s.cli(['mkdir', '-p', 'reports /2024']);
    expect(spaced.code).toBe(2);
    expect(spaced.stderr).toMatch(/^error: mkdir: "reports \/2024": the folder name "reports " ends in white space, which Files\.com refuses: remove it\nusage: files-stream mkdir /);
    expect((await s.cli(['mkdir', 'trailing '])).code).toBe(2);
    expect((await s.cli(['mkdir', ''])).stderr).toMatch(/^error: mkdir: a remote path is empty\n/);
    const none = await s.cli(['mkdir']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: missing required argument 'path'\n/);
    expect(s.emulator.stats.total).toBe(0);
  });
});

describe('rm', () => {
  it('deletes a file, and an empty folder without -r: exit 0, one request each', async () => {
    const s = await seeded({ 'docs/a.txt': 'a', 'docs/b.txt': 'b' });
    await s.client.folders.create('empty');
    s.emulator.resetLog();
    const run = await s.cli(['rm', 'docs/a.txt', 'empty']);
    expect(run).toEqual({ code: 0, stdout: '', stderr: 'deleted docs/a.txt\ndeleted empty\n' });
    expect(operationCount(s.emulator, 'files.delete')).toBe(2);
    expect(await files(s, '/')).toEqual(['docs/b.txt']);
    expect(await s.kind('empty')).toBeUndefined();
  });

  it('refuses a folder that is not empty without -r (exit 1, naming -r), and -f does not change that; -r deletes it all', async () => {
    const s = await seeded({ 'docs/a.txt': 'a', 'docs/sub/b.txt': 'b' });
    for (const args of [['rm', 'docs'], ['rm', '-f', 'docs']]) {
      const run = await s.cli(args);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('error: rm: docs is a folder that is not empty (processing-failure/folder-not-empty): pass -r to delete it with everything in it\n');
    }
    expect(await files(s, 'docs')).toEqual(['docs/a.txt', 'docs/sub/b.txt']);
    const recursive = await s.cli(['rm', '-r', 'docs']);
    expect(recursive).toEqual({ code: 0, stdout: '', stderr: 'deleted docs\n' });
    expect(await s.kind('docs')).toBeUndefined();
  });

  it('a missing path is exit 1 with the not-found type; -f makes it exit 0, silently, after one request', async () => {
    const s = await seeded({});
    const missing = await s.cli(['rm', 'nope.txt']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: files\.delete: .*nope\.txt not found.*\ntype: not-found\/file-not-found \(HTTP 404\)\nhint: /);
    s.emulator.resetLog();
    const forced = await s.cli(['rm', '-f', 'nope.txt']);
    expect(forced).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(s.emulator.stats.total).toBe(1);
  });

  it('several paths: every one is tried, each failure listed, exit 1 when any failed', async () => {
    const s = await seeded({ 'a.txt': 'a', 'full/x.txt': 'x', 'c.txt': 'c' });
    const run = await s.cli(['rm', 'a.txt', 'nope', 'full', 'c.txt']);
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toEqual([
      'deleted a.txt',
      expect.stringMatching(/^error: rm nope: files\.delete: .*not found/),
      'error: rm: full is a folder that is not empty (processing-failure/folder-not-empty): pass -r to delete it with everything in it',
      'deleted c.txt',
      'error: rm: 2 of 4 paths were not deleted',
      '',
    ]);
    expect(operationCount(s.emulator, 'files.delete')).toBe(4);
    expect(await files(s, '/')).toEqual(['full/x.txt']);
  });

  it('the root, or any bad path among several, is exit 2 before any request; no path is exit 2', async () => {
    const s = await seeded({ 'a.txt': 'a' });
    for (const args of [['rm', '-rf', '/'], ['rm', '-r', '.'], ['rm', 'a.txt', 'bad /x.txt'], ['rm']]) {
      const run = await s.cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/\nusage: files-stream rm \[options\] <paths\.\.\.>/);
    }
    expect((await s.cli(['rm', '/'])).stderr).toMatch(/^error: rm: "\/" is the root folder: name a file or folder below it\n/);
    expect(s.emulator.stats.total).toBe(0);
    expect(await s.kind('a.txt')).toBe('file');
  });
});

describe('mv', () => {
  it('renames a file and waits for the migration: exit 0, the source gone, the bytes at the destination', async () => {
    const s = await seeded({ 'docs/a.txt': 'alpha' });
    const run = await s.cli(['mv', 'docs/a.txt', 'docs/b.txt']);
    expect(run).toEqual({ code: 0, stdout: '', stderr: 'moved docs/a.txt to docs/b.txt (1 file), 0 retries\n' });
    expect(operationCount(s.emulator, 'files.move')).toBe(1);
    expect(operationCount(s.emulator, 'fileMigrations.find')).toBe(1);
    expect(await files(s, 'docs')).toEqual(['docs/b.txt']);
    expect(await s.client.files.downloadToString('docs/b.txt')).toBe('alpha');
  });

  it('a destination ending in / is the folder to move into, keeping the name; --json prints the FileMigration', async () => {
    const s = await seeded({ 'docs/a.txt': 'alpha', 'archive/old.txt': 'o' });
    const run = await s.cli(['mv', 'docs', 'archive/', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ operation: 'move', path: 'docs', dest_path: 'archive/docs', status: 'complete', files_moved: 1 });
    expect(await files(s, '/')).toEqual(['archive/old.txt', 'archive/docs/a.txt']);
  });

  it('an existing destination is exit 1 (destination-exists); --overwrite replaces it', async () => {
    const s = await seeded({ 'a.txt': 'new', 'b.txt': 'old' });
    const refused = await s.cli(['mv', 'a.txt', 'b.txt']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'error: mv: b.txt already exists (processing-failure/destination-exists): pass --overwrite to replace it, or end it with / to put a.txt in that folder\n',
    );
    expect(await s.client.files.downloadToString('b.txt')).toBe('old');
    const replaced = await s.cli(['mv', '--overwrite', 'a.txt', 'b.txt']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(await s.client.files.downloadToString('b.txt')).toBe('new');
    expect(await s.kind('a.txt')).toBeUndefined();
  });

  it('--no-wait prints the migration id (--json: the FileAction) and sends no poll', async () => {
    const s = await seeded({ 'docs/a.txt': 'a', 'docs/b.txt': 'b' }, { migrationMs: 60_000 });
    const run = await s.cli(['mv', '--no-wait', 'docs', 'moved']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\d+\n$/);
    const id = Number(run.stdout);
    expect(run.stderr).toBe(`move of docs to moved: pending, file migration ${id}\n`);
    expect(operationCount(s.emulator, 'fileMigrations.find')).toBe(0);
    expect(await s.client.fileMigrations.find(id)).toMatchObject({ id, operation: 'move', path: 'docs', dest_path: 'moved' });

    const json = await s.cli(['cp', '-r', '--no-wait', '--json', 'docs', 'copied']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ status: 'pending', file_migration_id: id + 1 });
    expect(json.stderr).toBe('');
  });

  it('a missing source is exit 1; the root or a missing argument is exit 2 before any request', async () => {
    const s = await seeded({ 'a.txt': 'a' });
    expect((await s.cli(['mv', 'nope.txt', 'b.txt'])).code).toBe(1);
    s.emulator.resetLog();
    for (const args of [['mv', '/', 'x'], ['mv', 'a.txt', '.'], ['mv', 'a.txt'], ['mv', 'a.txt', 'bad /a.txt']]) {
      const run = await s.cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/\nusage: files-stream mv \[options\] <source> <destination>/);
    }
    expect(s.emulator.stats.total).toBe(0);
  });
});

describe('cp', () => {
  it('copies a file after one request to see what it is: exit 0, both there', async () => {
    const s = await seeded({ 'docs/a.txt': 'alpha' });
    const run = await s.cli(['cp', 'docs/a.txt', 'backup/']);
    expect(run).toEqual({ code: 0, stdout: '', stderr: 'copied docs/a.txt to backup/a.txt (1 file), 0 retries\n' });
    expect(operationCount(s.emulator, 'files.find')).toBe(1);
    expect(operationCount(s.emulator, 'files.copy')).toBe(1);
    expect(await files(s, '/')).toEqual(['backup/a.txt', 'docs/a.txt']);
    expect(await s.client.files.downloadToString('backup/a.txt')).toBe('alpha');
  });

  it('a folder without -r is exit 2, naming -r, and nothing is copied; with -r the whole tree is copied', async () => {
    const s = await seeded({ 'docs/a.txt': 'a', 'docs/sub/b.txt': 'b', 'docs/sub/c.txt': 'c' });
    const refused = await s.cli(['cp', 'docs', 'copy']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: cp: docs is a folder: pass -r to copy it with everything in it\nusage: files-stream cp /);
    expect(operationCount(s.emulator, 'files.copy')).toBe(0);

    s.emulator.resetLog();
    const run = await s.cli(['cp', '-r', 'docs', 'copy', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ operation: 'copy', path: 'docs', dest_path: 'copy', status: 'complete', files_moved: 3, files_total: 3 });
    expect(operationCount(s.emulator, 'files.find')).toBe(0);
    expect(await files(s, 'copy')).toEqual(['copy/a.txt', 'copy/sub/b.txt', 'copy/sub/c.txt']);
    expect(await files(s, 'docs')).toHaveLength(3);
  });

  it('waits for a folder\'s migration, drawing files_moved of files_total on a terminal', async () => {
    let clock = Date.now();
    const s = await seeded({ 'docs/1.txt': '1', 'docs/2.txt': '2', 'docs/3.txt': '3', 'docs/4.txt': '4' }, { migrationMs: 4000, now: () => clock });
    // Each poll comes 1.5 s later on the emulator's clock: the 4 s migration ends at the third.
    server.events.on('request:start', ({ request }) => {
      if (request.url.includes('/file_migrations/')) clock += 1500;
    });
    const run = await s.cli(['cp', '-r', 'docs', 'copy'], { tty: true }).finally(() => server.events.removeAllListeners());
    expect(run.code, run.stderr).toBe(0);
    expect(operationCount(s.emulator, 'fileMigrations.find')).toBe(3);
    expect(run.stderr).not.toMatch(/0 of 0 files/);
    const frames = [...run.stderr.matchAll(/cp docs \[[=-]{20}\] (\d) of 4 files/g)].map((m) => Number(m[1]));
    expect([...new Set(frames)]).toEqual([1, 3, 4]);
    expect(run.stderr).toMatch(/copied docs to copy \(4 files\), 0 retries\n$/);
    expect(await files(s, 'copy')).toHaveLength(4);
  });

  it('a migration that fails is exit 1 with its failure message', async () => {
    let clock = Date.now();
    const s = await seeded({ 'docs/a.txt': 'a' }, { migrationMs: 1000, now: () => clock });
    const running = s.cli(['cp', '-r', 'docs', 'copy']);
    // Once the first poll found it running, the destination appears and the time is up.
    while (operationCount(s.emulator, 'fileMigrations.find') === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await s.client.folders.create('copy');
    clock += 2000;
    const run = await running;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: file migration \d+ \(copy docs → copy\) failed: copy already exists\.\n$/);
    expect(await files(s, 'copy')).toEqual([]);
  });
});

describe('cat', () => {
  it('writes the file to stdout, exactly, and nothing on stderr', async () => {
    const text = 'line one\nligne deux: été ✓\n'.repeat(500);
    const s = await seeded({ 'docs/a.txt': text, 'empty.txt': '' });
    expect(await s.cli(['cat', 'docs/a.txt'])).toEqual({ code: 0, stdout: text, stderr: '' });
    expect(operationCount(s.emulator, 'files.download')).toBe(1);
    expect(s.emulator.stats.byKind.download).toBe(1);
    expect(await s.cli(['cat', '/empty.txt'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('a folder is exit 1, saying so; a missing file exit 1; the root or no path exit 2', async () => {
    const s = await seeded({ 'docs/a.txt': 'a' });
    const folder = await s.cli(['cat', 'docs']);
    expect(folder).toEqual({ code: 1, stdout: '', stderr: 'error: cat: docs is a folder (bad-request/cannot-download-directory): files-stream ls docs lists it\n' });
    expect((await s.cli(['cat', 'docs/nope.txt'])).stderr).toMatch(/^error: files\.download: .*not found.*\ntype: not-found\/file-not-found \(HTTP 404\)\n/);
    expect((await s.cli(['cat', 'docs/nope.txt'])).code).toBe(1);
    expect((await s.cli(['cat', '/'])).code).toBe(2);
    expect((await s.cli(['cat'])).code).toBe(2);
  });
});

describe('stat', () => {
  it('prints the File record as aligned field: value lines (null as -, objects as JSON); --json the exact record', async () => {
    const s = await seeded({ 'docs/a.txt': 'hello\n' });
    const record = await s.client.files.find('docs/a.txt');
    s.emulator.resetLog();
    const run = await s.cli(['stat', 'docs/a.txt']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(Object.keys(record).length);
    expect(lines[0]).toMatch(/^path: +docs\/a\.txt$/);
    const column = lines[0]!.indexOf('docs/a.txt');
    for (const line of lines) expect(line.charAt(column - 1), line).toBe(' ');
    const fields = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(column)]));
    expect(fields).toMatchObject({ type: 'file', size: '6', crc32: record.crc32, md5: record.md5, provided_mtime: '-', custom_metadata: '{}' });
    expect(operationCount(s.emulator, 'files.find')).toBe(1);

    const json = await s.cli(['stat', '--json', 'docs/a.txt']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(record);
    expect(json.stdout.split('\n')).toHaveLength(2);
  });

  it('shows a folder and the root; a name with control characters is escaped in text, exact in --json', async () => {
    const s = await seeded({ 'odd/\u001b[2Jname.txt': 'x' });
    const root = await s.cli(['stat', '/']);
    expect(root.code, root.stderr).toBe(0);
    expect(root.stdout).toMatch(/^type: +directory$/m);
    expect((await s.cli(['stat', 'odd'])).stdout).toMatch(/^type: +directory$/m);
    const odd = await s.cli(['stat', 'odd/\u001b[2Jname.txt']);
    expect(odd.stdout).not.toContain('\u001b');
    expect(odd.stdout).toMatch(/^path: +odd\/\\x1b\[2Jname\.txt$/m);
    expect(JSON.parse((await s.cli(['stat', 'odd/\u001b[2Jname.txt', '--json'])).stdout).path).toBe('odd/\u001b[2Jname.txt');
  });

  it('a missing path is exit 1 with the not-found hint; no path is exit 2', async () => {
    const s = await seeded({});
    const missing = await s.cli(['stat', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: files\.find: .*not found.*\ntype: not-found\/file-not-found \(HTTP 404\)\nhint: check the path/);
    expect((await s.cli(['stat'])).code).toBe(2);
  });
});
