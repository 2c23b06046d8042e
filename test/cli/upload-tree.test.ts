// `files-stream upload -R <dir> <remote>` (issue #23): in process, against an emulator served
// over HTTP. Exit codes: 0 done, 1 something failed or was refused (each listed), 2 usage.
import { symlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli-in-process.js';
import { operationCount, startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { useTempDirs, writeTree } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const MTIME = new Date('2022-05-06T07:08:09Z');

let site: TestEmulator;
beforeAll(async () => {
  site = await startEmulator({ files: 0 });
});
afterAll(() => site?.close());
beforeEach(() => site.emulator.resetLog());

const upload = (args: string[], options: { tty?: boolean } = {}) =>
  runInProcess(['--api-key', site.apiKey, '--base-url', site.baseUrl, 'upload', ...args], {}, options);

/** A local tree of these files (`path/` for an empty folder), every file dated {@link MTIME}. */
async function tree(entries: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  await writeTree(dir, entries, MTIME);
  return dir;
}

/** Requests that upload: `POST /files/...` (put and end) and part PUTs. */
function uploads(): number {
  return operationCount(site.emulator, 'files.create') + site.emulator.stats.byKind.upload;
}

/** The summary line, with its seconds made fixed. */
function summary(stderr: string): string {
  return stderr.split('\n')[0]!.replace(/ in \d+\.\d s/, ' in N s');
}

describe('upload -R', () => {
  it('uploads the tree into the remote folder (exit 0, a summary on stderr); a rerun uploads nothing', async () => {
    const dir = await tree({ 'a.txt': 'alpha', 'docs/b.csv': 'x,y\n', 'empty/': '' });
    const first = await upload(['-R', dir, 'cli/one']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    expect(summary(first.stderr)).toBe('uploaded 2 files (9 B) to cli/one, skipped 0 unchanged, refused 0, failed 0, 3 folders created in N s, 0 retries');
    expect(first.stderr.split('\n')).toHaveLength(2);
    const remote = await site.client.folders.walk('cli/one').map((f) => `${f.path} ${f.size ?? ''}`).toArray();
    expect(remote.sort()).toEqual(['cli/one/a.txt 5', 'cli/one/docs 0', 'cli/one/docs/b.csv 4', 'cli/one/empty 0']);

    site.emulator.resetLog();
    const again = await upload(['-R', dir, 'cli/one']);
    expect(again.code, again.stderr).toBe(0);
    expect(summary(again.stderr)).toBe('uploaded 0 files (0 B) to cli/one, skipped 2 unchanged, refused 0, failed 0, 0 folders created in N s, 0 retries');
    expect(uploads()).toBe(0);
  });

  it('--dry-run lists each upload and folder on stdout and sends nothing but listings', async () => {
    const dir = await tree({ 'a.txt': 'alpha', 'sub/c.txt': 'c' });
    const run = await upload(['-R', '--dry-run', dir, 'cli/dry']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n').sort()).toEqual(
      ['', 'mkdir cli/dry', 'mkdir cli/dry/sub', `upload ${join(dir, 'a.txt')} -> cli/dry/a.txt`, `upload ${join(dir, 'sub', 'c.txt')} -> cli/dry/sub/c.txt`].sort(),
    );
    expect(summary(run.stderr)).toBe('dry run: would upload 2 files (6 B) to cli/dry, skipped 0 unchanged, refused 0, failed 0, 2 folders to create in N s, 0 retries');
    expect(site.emulator.stats.byOperation).toEqual({ 'folders.listFor': 1 });
  });

  it('--checksum skips a file whose bytes match, whatever its mtime', async () => {
    const dir = await tree({ 'a.txt': 'alpha' });
    expect((await upload(['-R', dir, 'cli/sum'])).code).toBe(0);
    await utimes(join(dir, 'a.txt'), new Date(), new Date());
    site.emulator.resetLog();
    const run = await upload(['-R', '--checksum', '--concurrency', '2', dir, 'cli/sum']);
    expect(run.code, run.stderr).toBe(0);
    expect(summary(run.stderr)).toMatch(/^uploaded 0 files \(0 B\) to cli\/sum, skipped 1 unchanged/);
    expect(uploads()).toBe(0);
  });

  it('exits 1 when a name is refused or a file fails, listing each; symbolic links are left out and said so', async () => {
    const dir = await tree({ 'ok.txt': 'ok', 'bad.txt ': 'trailing space', 'Twin.txt': '1', 'twin.txt': '2' });
    await symlink('/etc/hostname', join(dir, 'link'));
    const run = await upload(['-R', dir, 'cli/bad']);
    expect(run.code).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(summary(run.stderr)).toBe('uploaded 2 files (3 B) to cli/bad, skipped 0 unchanged, refused 2, failed 0, 1 folder created, 1 left out (symbolic links are not followed) in N s, 0 retries');
    expect(lines.slice(1)).toEqual([
      `  left out ${join(dir, 'link')}: a symbolic link (not followed)`,
      `  ${join(dir, 'bad.txt ')} -> cli/bad/bad.txt : Unsafe path "bad.txt ": a name ending in white space, which Files.com refuses`,
      `  ${join(dir, 'twin.txt')} -> cli/bad/twin.txt: Unsafe path "twin.txt": the same Files.com path as an earlier entry of the listing (the names differ only in case, accents or Unicode form)`,
      "error: 2 of the tree's entries were not uploaded (rename the refused ones: Files.com would refuse or merge their names)",
    ]);
  });

  it('with a symbolic link alone left out, exits 0', async () => {
    const dir = await tree({ 'ok.txt': 'ok' });
    await symlink('ok.txt', join(dir, 'again.txt'));
    const run = await upload(['-R', '--quiet', dir, 'cli/links']);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('draws a progress line on a terminal: files of those found, bytes sent, rate, ETA', async () => {
    const dir = await tree({ 'a.txt': 'alpha', 'b.txt': 'beta' });
    const run = await upload(['-R', dir, 'cli/tty'], { tty: true });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/upload .+ 2 of 2 files \| 9 B sent \| [\d.]+ (B|KiB)\/s \| ETA 0s \| \d+s/);
  });

  it.each([
    ['a folder without -R', (dir: string) => [dir, 'cli/x'], 'is a folder: use -R to upload a folder and everything below it'],
    ['-R with a file', (dir: string) => ['-R', join(dir, 'a.txt'), 'cli/x'], 'is not a folder: -R uploads a folder tree'],
    ['--dry-run without -R', (dir: string) => ['--dry-run', '--checksum', join(dir, 'a.txt'), 'cli/x'], '--checksum, --dry-run applies to a folder tree: add -R'],
    ['a remote folder name ending in white space', (dir: string) => ['-R', dir, 'cli/bad /x'], 'ends in white space, which Files.com refuses'],
    ['--concurrency 0', (dir: string) => ['-R', '--concurrency', '0', dir, 'cli/x'], 'expected a positive integer'],
  ])('exits 2 for %s, before any request', async (_, args, message) => {
    const dir = await tree({ 'a.txt': 'alpha' });
    const run = await upload(args(dir));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(site.emulator.stats.total).toBe(0);
  });

  it('exits 1 when the remote folder is a file', async () => {
    await site.client.files.upload('cli/taken', new TextEncoder().encode('a file'), { mkdir_parents: true });
    const dir = await tree({ 'a.txt': 'alpha' });
    const run = await upload(['-R', dir, 'cli/taken']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('type: bad-request/folder-must-not-be-a-file');
    expect(uploads()).toBe(1 + 2); // the setup's own upload (put, end) and one part: none from the command
  });
});
