// `download` of one remote file, `ls` of one file, and no empty folder left by a failed
// download. In process, against an emulator served over HTTP.
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { runHere, startSite, tempFolder, type Site } from './support/terminal-run.js';

const REPORT = 'report bytes: %PDF-1.7 ...\n';
const SUMMARY = 'q1 summary\n';

let site: Site;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  site = await startSite({ users: 3, files: 12 });
  dir = await tempFolder();
  const client = createClient({ apiKey: site.emulator.apiKey, baseUrl: site.server.baseUrl });
  await client.files.upload('docs/2024/report.pdf', new TextEncoder().encode(REPORT), { mkdir_parents: true });
  await client.files.upload('docs/2024/summary.txt', new TextEncoder().encode(SUMMARY), { mkdir_parents: true });
});
afterAll(async () => {
  await site?.close();
  await dir?.remove();
});

const download = (...args: string[]) => runHere([...site.args, 'download', ...args]);
/** A fresh folder for one test. */
let n = 0;
const fresh = async () => {
  const path = join(dir.path, `t${++n}`);
  await mkdir(path);
  return path;
};

describe('download of one remote file', () => {
  it('into an existing folder, keeping its name', async () => {
    const root = await fresh();
    const run = await download('docs/2024/report.pdf', root);
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(join(root, 'report.pdf'), 'utf8')).toBe(REPORT);
    expect(await readdir(root)).toEqual(['report.pdf']);
    expect(run.stderr).toBe(`downloaded docs/2024/report.pdf to ${join(root, 'report.pdf')} (${REPORT.length} B), 0 retries\n`);
  });

  it('into a folder that does not exist yet (a name without an extension, or ending in /), made for it', async () => {
    const root = await fresh();
    const plain = await download('docs/2024/report.pdf', join(root, 'dir'));
    expect(plain.code, plain.stderr).toBe(0);
    expect(await readFile(join(root, 'dir', 'report.pdf'), 'utf8')).toBe(REPORT);
    const slash = await download('docs/2024/summary.txt', `${join(root, 'v1.2')}/`);
    expect(slash.code, slash.stderr).toBe(0);
    expect(await readFile(join(root, 'v1.2', 'summary.txt'), 'utf8')).toBe(SUMMARY);
  });

  it('under a new name (missing parent folders made), and over an existing file', async () => {
    const root = await fresh();
    const target = join(root, 'a', 'b', 'new-name.pdf');
    const run = await download('docs/2024/report.pdf', target);
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(target, 'utf8')).toBe(REPORT);
    expect(await readdir(join(root, 'a', 'b'))).toEqual(['new-name.pdf']);

    await writeFile(join(root, 'old'), 'old content');
    const over = await download('docs/2024/summary.txt', join(root, 'old'));
    expect(over.code, over.stderr).toBe(0);
    expect(await readFile(join(root, 'old'), 'utf8')).toBe(SUMMARY);
  });

  it('a symbolic link at the target name is replaced, not written through', async () => {
    const root = await fresh();
    const victim = join(root, 'victim.txt');
    await writeFile(victim, 'must stay');
    await mkdir(join(root, 'into'));
    await symlink(victim, join(root, 'into', 'report.pdf'));
    const run = await download('docs/2024/report.pdf', join(root, 'into'));
    expect(run.code, run.stderr).toBe(0);
    expect((await lstat(join(root, 'into', 'report.pdf'))).isSymbolicLink()).toBe(false);
    expect(await readFile(join(root, 'into', 'report.pdf'), 'utf8')).toBe(REPORT);
    expect(await readFile(victim, 'utf8')).toBe('must stay');
  });

  it('a remote folder onto an existing local file is a usage error that changes nothing', async () => {
    const root = await fresh();
    await writeFile(join(root, 'file.txt'), 'keep');
    const run = await download('docs', join(root, 'file.txt'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: docs is a folder, and .*file\.txt is a file/m);
    expect(await readFile(join(root, 'file.txt'), 'utf8')).toBe('keep');
    expect(await readdir(root)).toEqual(['file.txt']);
  });
});

describe('a failed download leaves no empty folder behind', () => {
  it('a missing remote path: exit 1, the folders named are not made', async () => {
    const root = await fresh();
    for (const local of [join(root, 'x'), join(root, 'x', 'y') + '/', join(root, 'p', 'q', 'name.pdf')]) {
      const run = await download('docs/2024/missing.pdf', local);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/not-found/);
    }
    const tree = await download('no/such/folder', join(root, 'tree'));
    expect(tree.code).toBe(1);
    expect(await readdir(root)).toEqual([]);
  });

  it('a folder that existed before stays', async () => {
    const root = await fresh();
    await mkdir(join(root, 'kept'));
    expect((await download('docs/2024/missing.pdf', join(root, 'kept'))).code).toBe(1);
    expect(await readdir(root)).toEqual(['kept']);
  });

  it('a tree still downloads into a new folder, with the summary in human units', async () => {
    const root = await fresh();
    const run = await download('docs', join(root, 'docs-copy'));
    expect(run.code, run.stderr).toBe(0);
    expect((await readdir(join(root, 'docs-copy', '2024'))).sort()).toEqual(['report.pdf', 'summary.txt']);
    expect(run.stderr).toMatch(/^downloaded 2 files \(\d+ B\), skipped 0, refused 0, failed 0, 0 retries$/m);
  });
});

describe('ls of one file', () => {
  it('shows that one file: its name, --long its size and time, --json its record without the download link', async () => {
    const plain = await runHere([...site.args, 'ls', 'docs/2024/report.pdf']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe('report.pdf\n');
    const long = await runHere([...site.args, 'ls', '-l', 'docs/2024/report.pdf']);
    expect(long.stdout).toMatch(new RegExp(`^- +${REPORT.length} \\d{4}-\\d\\d-\\d\\dT\\S+ +report\\.pdf\\n$`));
    const json = await runHere([...site.args, 'ls', '--json', 'docs/2024/report.pdf']);
    const record = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(record).toMatchObject({ path: 'docs/2024/report.pdf', type: 'file', size: REPORT.length });
    expect(record).not.toHaveProperty('download_uri');
    const recursive = await runHere([...site.args, 'ls', '-R', 'docs/2024/report.pdf']);
    expect(recursive.stdout).toBe('docs/2024/report.pdf\n');
  });

  it('a missing path is still not found (exit 1)', async () => {
    const run = await runHere([...site.args, 'ls', 'docs/2024/nope.pdf']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not-found/);
  });
});
