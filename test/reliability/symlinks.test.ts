// Reliability, part 4b: nothing written outside the target, through symbolic links or case
// twins. `downloadTree` and the CLI `download` must never create, write or delete anything
// outside the target folder through a symbolic link already inside it (or swapped in while
// a file downloads), and must write one local file per Files.com path, whatever a hostile
// listing says (case twins, accent twins, duplicated entries).
import { lstat, mkdir, readdir, readFile, readlink, realpath, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadTree, UnsafePathError, type DownloadTreeResult, type FilesClient } from '../../src/index.js';
import { normalizePath } from '../../src/paths/index.js';
import { tempPathFor } from '../../src/download/node/temp-file.js';
import { runInProcess } from '../helpers/cli-in-process.js';
import { operationCount } from '../helpers/emulator.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { API_KEY } from './support/secrets.js';
import { startSite, type Site } from './support/site.js';
import { answer, tinyServer, type TinyServer } from './support/tiny-server.js';

const tempDir = useTempDirs();

/** A name the stale-temp sweep removes (a temporary file of a process that has ended): it must survive when it is outside the target. */
const STALE = basename(tempPathFor('x.csv', 2_147_483_000));

/** The remote files of every case, each with its bytes. */
const REMOTE: Record<string, string> = {
  'links/ok.txt': 'ok',
  'links/a/fine.txt': 'fine',
  'links/reports/x.csv': 'x,1',
  'links/abs/y.csv': 'y,2',
  'links/a/b/c/z.csv': 'z,3',
  'inside/2024/b.csv': 'b',
  'inside/latest/l.csv': 'l',
  'own/x.csv': 'remote',
  'swap/reports/x.csv': '0123456789',
};

let site: Site;
let client: FilesClient;

beforeAll(async () => {
  site = await startSite({ files: 0 });
  ({ client } = site.client());
  for (const [path, text] of Object.entries(REMOTE)) {
    await client.files.upload(path, new TextEncoder().encode(text), { mkdir_parents: true });
  }
});

afterAll(() => site.close());

/**
 * Everything below `dir`, links not followed: `name/` for a folder, `name -> target` for a
 * link, `name: content` for a file.
 */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    for (const name of await readdir(join(dir, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      const info = await lstat(join(dir, path));
      if (info.isSymbolicLink()) out.push(`${path} -> ${await readlink(join(dir, path))}`);
      else if (info.isDirectory()) {
        out.push(`${path}/`);
        await visit(path);
      } else out.push(`${path}: ${await readFile(join(dir, path), 'utf8')}`);
    }
  };
  await visit('');
  return out.sort();
}

/** A sandbox with an `outside` folder holding a file and a stale-temp look-alike, and an empty `out`. */
async function sandbox(): Promise<{ root: string; outside: string; out: string; before: string[] }> {
  const root = await realpath(await tempDir());
  const outside = join(root, 'outside');
  const out = join(root, 'out');
  await mkdir(outside);
  await mkdir(out);
  await writeFile(join(outside, 'keep.txt'), 'keep');
  await writeFile(join(outside, STALE), 'not a temporary file of the download');
  return { root, outside, out, before: await snapshot(outside) };
}

/** Where each refused entry of `links/` meets a link (relative to the real target). */
const LINKED: Record<string, string> = {
  'links/a/b': 'a/b',
  'links/a/b/c': 'a/b',
  'links/a/b/c/z.csv': 'a/b',
  'links/abs': 'abs',
  'links/abs/y.csv': 'abs',
  'links/reports': 'reports',
  'links/reports/x.csv': 'reports',
};

/**
 * The target of the `links/` cases: `reports -> ../outside` (relative), `abs -> <outside>`
 * (absolute), `a/b -> ../../outside` (below a real folder); the folder the user names is
 * itself a link to it (allowed: the user chose it).
 */
async function linkedTarget() {
  const box = await sandbox();
  await mkdir(join(box.out, 'a'));
  await symlink('../outside', join(box.out, 'reports'));
  await symlink(box.outside, join(box.out, 'abs'));
  await symlink('../../outside', join(box.out, 'a', 'b'));
  const chosen = join(box.root, 'chosen');
  await symlink(box.out, chosen);
  const expectedOut = ['a/', 'a/b -> ../../outside', 'a/fine.txt: fine', `abs -> ${box.outside}`, 'ok.txt: ok', 'reports -> ../outside'];
  return { ...box, chosen, expectedOut };
}

function expectRefused(result: DownloadTreeResult, links: Record<string, string>, realTarget: string): void {
  expect(result.errors.map((e) => e.path).sort()).toEqual(Object.keys(links).sort());
  for (const { path, error } of result.errors) {
    expect(error, path).toBeInstanceOf(UnsafePathError);
    expect(error, path).toMatchObject({ reason: 'symlink', link: join(realTarget, links[path]!) });
  }
}

describe('no writes through symbolic links inside the target', () => {
  it('a folder link (relative, absolute, deep) is refused with everything below it; the target itself may be a link', async () => {
    const box = await linkedTarget();
    site.emulator.resetLog();
    const result = await downloadTree(client, 'links', box.chosen);
    expect(await snapshot(box.outside)).toEqual(box.before);
    expect(await snapshot(box.out)).toEqual(box.expectedOut);
    expect(result).toEqual({ downloaded: 2, skipped: 0, refused: 7, failed: 0, bytes: 6, errors: expect.any(Array) });
    expectRefused(result, LINKED, box.out);
    // Refused before any request: only the two safe files were asked for.
    expect(operationCount(site.emulator, 'files.download')).toBe(2);
  });

  it('CLI download: exits 1 and names every refused path; nothing outside changes', async () => {
    const box = await linkedTarget();
    const run = await runInProcess(['--api-key', API_KEY, '--base-url', site.baseUrl, 'download', 'links', box.chosen]);
    expect(await snapshot(box.outside)).toEqual(box.before);
    expect(await snapshot(box.out)).toEqual(box.expectedOut);
    expect(run.code, run.stderr).toBe(1);
    for (const path of Object.keys(LINKED)) expect(run.stderr).toContain(`${path}:`);
    expect(run.stderr).toMatch(/refused 7\b/);
  });

  it('a link to a folder inside the target is refused too (two remote paths would share one local file)', async () => {
    const box = await sandbox();
    await mkdir(join(box.out, '2024'));
    await symlink('2024', join(box.out, 'latest'));
    const result = await downloadTree(client, 'inside', box.out);
    expect(await snapshot(box.out)).toEqual(['2024/', '2024/b.csv: b', 'latest -> 2024']);
    expect(result).toMatchObject({ downloaded: 1, skipped: 0, refused: 2, failed: 0 });
    expectRefused(result, { 'inside/latest': 'latest', 'inside/latest/l.csv': 'latest' }, box.out);
  });

  it('a link at the file’s own place is replaced by the file, never written through nor taken for it', async () => {
    const box = await sandbox();
    const record = await client.files.find('own/x.csv');
    const mtime = new Date(record.provided_mtime ?? record.mtime!);
    // The victim looks exactly like the remote file (same size, same time): only lstat tells them apart.
    const victim = join(box.outside, 'victim.txt');
    await writeFile(victim, 'VICTIM');
    await utimes(victim, mtime, mtime);
    await symlink('../outside/victim.txt', join(box.out, 'x.csv'));
    const before = { tree: await snapshot(box.outside), mtime: (await lstat(victim)).mtimeMs };

    const never = await downloadTree(client, 'own', box.out, { overwrite: 'never' });
    expect(never).toMatchObject({ downloaded: 0, skipped: 1, refused: 0, failed: 0 });
    expect(await snapshot(box.out)).toEqual(['x.csv -> ../outside/victim.txt']);

    const result = await downloadTree(client, 'own', box.out);
    expect(result).toEqual({ downloaded: 1, skipped: 0, refused: 0, failed: 0, bytes: 6, errors: [] });
    expect(await snapshot(box.out)).toEqual(['x.csv: remote']);
    expect({ tree: await snapshot(box.outside), mtime: (await lstat(victim)).mtimeMs }).toEqual(before);
  });
});

describe('a folder swapped for a link while its file downloads', () => {
  it('before the body arrives: refused, nothing outside, not even a temporary file while the body streams', async () => {
    const box = await sandbox();
    const reports = join(box.out, 'reports');
    /** What `outside` held each time a chunk of the body was read. */
    const outsideWhileReading: string[][] = [];
    const swapping: typeof fetch = async (input, init) => {
      // The tree made and checked `reports`; a local process now swaps it for a link.
      await rm(reports, { recursive: true });
      await symlink('../outside', reports);
      const response = await fetch(input, init);
      const reader = response.body!.getReader();
      const body = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            outsideWhileReading.push((await readdir(box.outside)).sort());
            const step = await reader.read();
            if (step.done) controller.close();
            else controller.enqueue(step.value);
          },
        },
        { highWaterMark: 0 },
      );
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const result = await downloadTree(client, 'swap', box.out, { download: { fetch: swapping } });
    expect(outsideWhileReading.filter((names) => names.some((n) => n !== STALE && n !== 'keep.txt'))).toEqual([]);
    expect(await snapshot(box.outside)).toEqual(box.before);
    expect(result).toMatchObject({ downloaded: 0, refused: 1, failed: 0 });
    expectRefused(result, { 'swap/reports/x.csv': 'reports' }, box.out);
  });

  it('between the first bytes and the rename: refused, the file never lands outside', async () => {
    const box = await sandbox();
    const reports = join(box.out, 'reports');
    const swapping: typeof fetch = async (input, init) => {
      const bytes = new Uint8Array(await (await fetch(input, init)).arrayBuffer());
      let step = 0;
      const body = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            step += 1;
            if (step === 1) return controller.enqueue(bytes.slice(0, 5));
            if (step === 2) {
              // The first half is in the temporary file: move the folder out, leave a link in its place.
              await rename(reports, join(box.outside, 'moved'));
              await symlink('../outside/moved', reports);
              return controller.enqueue(bytes.slice(5));
            }
            controller.close();
          },
        },
        { highWaterMark: 0 },
      );
      return new Response(body, { status: 200, headers: { 'content-length': String(bytes.byteLength) } });
    };
    const result = await downloadTree(client, 'swap', box.out, { download: { fetch: swapping } });
    // The moved folder is outside now, but the file (and its temporary file) never landed in it.
    expect(await snapshot(box.outside)).toEqual([...box.before, 'moved/'].sort());
    expect(result).toMatchObject({ downloaded: 0, refused: 1, failed: 0 });
    expectRefused(result, { 'swap/reports/x.csv': 'reports' }, box.out);
  });
});

// ------------------------------------------------------------------ case twins and duplicates

type Entry = { path: string; type: 'file' | 'directory' };
const dir = (path: string): Entry => ({ path, type: 'directory' });
const file = (path: string): Entry => ({ path, type: 'file' });
const ETE_NFC = 'twins/\u00c9t\u00e9.csv';
const ETE_NFD = 'twins/E\u0301te\u0301.csv';

/**
 * Names Files.com sees as one path (it ignores case, accents and Unicode form), a folder
 * and a file at one path, and entries listed twice. Folders before files, as Files.com lists.
 */
const TWIN_LISTINGS: Record<string, Entry[]> = {
  twins: [
    dir('twins/A'),
    dir('twins/a'),
    dir('twins/Data'),
    dir('twins/A'),
    file('twins/Report.csv'),
    file('twins/report.CSV'),
    file(ETE_NFC),
    file('twins/ete.csv'),
    file(ETE_NFD),
    file('twins/data'),
    file('twins/dup.csv'),
    file('twins/dup.csv'),
  ],
  'twins/A': [file('twins/A/x.csv')],
  'twins/a': [file('twins/a/X.csv'), file('twins/a/y.csv')],
  'twins/Data': [file('twins/Data/in.csv')],
};

/** A server whose folder listings are `TWIN_LISTINGS`, each file's bytes being `bytes of <path>`. */
async function twinServer(): Promise<TinyServer> {
  const bytesOf = (path: string) => `bytes of ${path}`;
  const api = '/api/rest/v1/';
  const mtime = '2024-01-02T03:04:05Z';
  let base = '';
  const server = await tinyServer((_req, res, seen) => {
    const path = seen.rawPath;
    if (path.startsWith(`${api}folders/`)) {
      const entries = TWIN_LISTINGS[normalizePath(decodeURIComponent(path.slice(`${api}folders/`.length)))] ?? [];
      return answer(res, 200, JSON.stringify(entries.map((e) => ({ ...e, mtime, size: e.type === 'file' ? Buffer.byteLength(bytesOf(e.path)) : 0 }))));
    }
    if (path.startsWith(`${api}files/`)) {
      const name = decodeURIComponent(path.slice(`${api}files/`.length));
      const size = Buffer.byteLength(bytesOf(name));
      return answer(res, 200, JSON.stringify({ path: name, type: 'file', size, mtime, download_uri: `${base}/dl/${encodeURIComponent(name)}` }));
    }
    if (path.startsWith('/dl/')) return answer(res, 200, bytesOf(decodeURIComponent(path.slice(4))), { 'content-type': 'application/octet-stream' });
    answer(res, 404, '{"type":"not-found"}');
  });
  base = server.baseUrl;
  return server;
}

/** The remote paths whose bytes were asked for, in order. */
function downloadsAsked(server: TinyServer): string[] {
  const prefix = '/api/rest/v1/files/';
  return server.seen.filter((s) => s.rawPath.startsWith(prefix)).map((s) => decodeURIComponent(s.rawPath.slice(prefix.length)));
}

describe('case twins and duplicated entries', () => {
  it('one local file per Files.com path: the first spelling is written, its twins refused; duplicates count once', async () => {
    const server = await twinServer();
    try {
      const { out } = await sandbox();
      const { client: hostile } = site.client({ baseUrl: server.baseUrl, retry: false });
      // One folder listing at a time, so which twin comes first is known.
      const result = await downloadTree(hostile, 'twins', out, { walk: { concurrency: 1 } });
      const written = ['twins/A/x.csv', 'twins/a/y.csv', 'twins/Data/in.csv', 'twins/Report.csv', ETE_NFC, 'twins/dup.csv'];
      expect(result).toEqual({
        downloaded: 6,
        skipped: 0,
        refused: 5,
        failed: 0,
        bytes: written.reduce((n, p) => n + Buffer.byteLength(`bytes of ${p}`), 0),
        errors: expect.any(Array),
      });
      expect(result.errors.map((e) => e.path).sort()).toEqual(['twins/a/X.csv', 'twins/report.CSV', 'twins/ete.csv', ETE_NFD, 'twins/data'].sort());
      for (const { path, error } of result.errors) {
        expect(error, path).toBeInstanceOf(UnsafePathError);
        expect(error, path).toMatchObject({ reason: 'case-twin' });
      }
      // `a` is the folder `A` on Files.com: its files land in the first spelling's folder.
      expect(await snapshot(out)).toEqual(
        [
          'A/',
          'A/x.csv: bytes of twins/A/x.csv',
          'A/y.csv: bytes of twins/a/y.csv',
          'Data/',
          'Data/in.csv: bytes of twins/Data/in.csv',
          'Report.csv: bytes of twins/Report.csv',
          '\u00c9t\u00e9.csv: bytes of ' + ETE_NFC,
          'dup.csv: bytes of twins/dup.csv',
        ].sort(),
      );
      // Each written file was asked for once; no twin or duplicate was asked for at all.
      expect(downloadsAsked(server).sort()).toEqual(written.sort());
    } finally {
      await server.close();
    }
  });

  it('CLI download: exits 1 naming the twins; one file per Files.com path', async () => {
    const server = await twinServer();
    try {
      const { out } = await sandbox();
      const run = await runInProcess(['--api-key', API_KEY, '--base-url', server.baseUrl, 'download', 'twins', out]);
      expect(run.code, run.stderr).toBe(1);
      for (const path of ['twins/report.CSV', 'twins/ete.csv', 'twins/data']) expect(run.stderr).toContain(`${path}:`);
      // Folder listings run side by side: either spelling of x.csv may come first.
      expect(run.stderr).toMatch(/twins\/(a\/X|A\/x)\.csv:/);
      expect(run.stderr).toMatch(/downloaded 6 files .*refused 5\b/);
      const files = (await snapshot(out)).filter((p) => !p.endsWith('/'));
      expect(files.map((p) => p.slice(0, p.indexOf(':')).toLowerCase()).sort()).toEqual(['a/x.csv', 'a/y.csv', 'data/in.csv', 'dup.csv', 'report.csv', '\u00e9t\u00e9.csv'].sort());
    } finally {
      await server.close();
    }
  });
});
