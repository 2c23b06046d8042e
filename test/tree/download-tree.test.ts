import { createHash } from 'node:crypto';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { http, HttpResponse, passthrough } from 'msw';
import { describe, expect, it } from 'vitest';
import { downloadTree, FilesApiError, type DownloadTreeResult, type FilesClient } from '../../src/index.js';
import { UnsafePathError } from '../../src/errors/client-errors.js';
import type { File } from '../../src/generated/models/file.js';
import { EMULATOR_BASE, operationCount, startEmulator } from '../helpers/emulator.js';
import { useMswServer } from '../helpers/msw.js';
import { listTree, useTempDirs } from '../helpers/temp-dir.js';

const server = useMswServer();
const tempDir = useTempDirs();
const TREE = { files: 120, filesPerFolder: 10, folderFanout: 3, fileSize: { min: 1, max: 5000, zeroRate: 0.1 } };

type Remote = { path: string; size: number; md5: string; mtime: string };

async function remoteFiles(client: FilesClient, root: string): Promise<Remote[]> {
  const out: Remote[] = [];
  for await (const f of client.folders.walk(root, { type: 'file' })) {
    out.push({ path: f.path!, size: f.size!, md5: f.md5!, mtime: f.provided_mtime ?? f.mtime! });
  }
  return out;
}

/** Checks every present local file is complete (size, md5, mtime); returns the relative paths present. */
async function checkLocal(localDir: string, root: string, remote: Remote[]): Promise<string[]> {
  const present: string[] = [];
  for (const file of remote) {
    const relative = root ? file.path.slice(root.length + 1) : file.path;
    const local = join(localDir, relative);
    const bytes = await readFile(local).catch(() => undefined);
    if (!bytes) continue;
    expect(createHash('md5').update(bytes).digest('hex'), file.path).toBe(file.md5);
    expect((await stat(local)).mtimeMs, file.path).toBe(Date.parse(file.mtime));
    present.push(relative);
  }
  return present;
}

describe('downloadTree', () => {
  it('downloads every file into the same layout, with bounded concurrency and the remote mtimes', async () => {
    const { client, emulator } = await startEmulator(TREE, { msw: server });
    const remote = await remoteFiles(client, '');
    let inFlight = 0;
    let most = 0;
    server.use(
      http.get(`${EMULATOR_BASE}/emulator/download/*`, async () => {
        most = Math.max(most, ++inFlight);
        // A slow server (on purpose): downloads overlap, so how many run at once shows. Slow
        // enough that the walk is ahead of the downloads on a loaded machine too (3 ms was not:
        // CI once saw 2 at once).
        await new Promise((r) => setTimeout(r, 15));
        inFlight--;
        return undefined;
      }),
    );
    const dir = await tempDir();
    const progress: string[] = [];
    const result = await downloadTree(client, '/', dir, { concurrency: 3, onProgress: (p) => progress.push(p.outcome) });
    expect(result).toEqual({
      downloaded: 120,
      skipped: 0,
      refused: 0,
      failed: 0,
      bytes: remote.reduce((n, f) => n + f.size, 0),
      errors: [],
    });
    expect(most).toBe(3);
    expect(progress).toHaveLength(120);
    expect(await checkLocal(dir, '', remote)).toHaveLength(120);
    expect((await listTree(dir)).filter((p) => p.endsWith('.download'))).toEqual([]);
    expect(operationCount(emulator, 'files.download')).toBe(120);
  });

  it('downloads a subfolder: remotePath/x/y lands at localDir/x/y', async () => {
    const { client } = await startEmulator(TREE, { msw: server });
    const top = (await client.folders.walk('', { depth: 1, type: 'directory' }).toArray())[0]!.path!;
    const remote = await remoteFiles(client, top);
    const dir = await tempDir();
    const result = await downloadTree(client, top, dir);
    expect(result.downloaded).toBe(remote.length);
    expect((await checkLocal(dir, top, remote)).sort()).toEqual(remote.map((f) => f.path.slice(top.length + 1)).sort());
  });

  it('interrupted (abort after N files) then resumed: every file present once with the right bytes; the rerun skips what was done', async () => {
    // Over HTTP, with files large enough that the abort lands mid-body.
    const { client, emulator, baseUrl, close } = await startEmulator({ ...TREE, fileSize: { min: 20_000, max: 200_000, zeroRate: 0.05 } });
    server.use(http.all(`${baseUrl}/*`, () => passthrough())); // msw lets the loopback requests through
    try {
      const remote = await remoteFiles(client, '');
      const dir = await tempDir();
      const controller = new AbortController();
      const first = downloadTree(client, '', dir, {
        concurrency: 4,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.downloaded === 30) controller.abort(new Error('interrupted'));
        },
      });
      await expect(first).rejects.toThrow('interrupted');
      const afterFirst = await checkLocal(dir, '', remote);
      expect(afterFirst.length).toBeGreaterThanOrEqual(30);
      expect(afterFirst.length).toBeLessThan(120);
      expect((await listTree(dir)).filter((p) => p.endsWith('.download'))).toEqual([]);

      const second = await downloadTree(client, '', dir, { concurrency: 4 });
      expect(second).toMatchObject({ skipped: afterFirst.length, downloaded: 120 - afterFirst.length, failed: 0, refused: 0 });
      expect(await checkLocal(dir, '', remote)).toHaveLength(120);

      emulator.resetLog();
      const third = await downloadTree(client, '', dir);
      expect(third).toMatchObject({ skipped: 120, downloaded: 0, bytes: 0 });
      expect(emulator.stats.byKind.download).toBe(0);
      expect(operationCount(emulator, 'files.download')).toBe(0);
    } finally {
      await close();
    }
  });

  it('refuses traversal attempts from a hostile listing and writes nothing outside localDir', async () => {
    const { client, emulator } = await startEmulator({ files: 0 }, { msw: server });
    await client.files.upload('root/ok.txt', new TextEncoder().encode('fine'), { mkdir_parents: true });
    const sandbox = await tempDir();
    const localDir = join(sandbox, 'inner', 'out');
    const file = (path: string) => ({ path, type: 'file', size: 4, mtime: '2020-01-01T00:00:00Z' });
    const hostile = [
      '../../etc/passwd',
      join(sandbox, 'abs.txt'), // an absolute path, into the sandbox should it ever be followed
      '/abs',
      'root/a\\b.txt',
      'root/x\u0000y.txt',
      'other/outside.txt',
      'root/C:evil.txt',
      'root/../../escape.txt',
      'root/sub/../../../up.txt',
      'root',
    ];
    server.use(
      http.get(`${EMULATOR_BASE}/api/rest/v1/folders/root`, () =>
        HttpResponse.json([{ path: '../../evil-dir', type: 'directory' }, file('root/ok.txt'), ...hostile.map(file)]),
      ),
    );
    emulator.resetLog();
    const before = await listTree(sandbox);
    const result: DownloadTreeResult = await downloadTree(client, 'root', localDir);
    expect(before).toEqual([]);
    expect(await listTree(sandbox)).toEqual(['inner/', 'inner/out/', 'inner/out/ok.txt']);
    expect(await readFile(join(localDir, 'ok.txt'), 'utf8')).toBe('fine');
    expect(result).toMatchObject({ downloaded: 1, refused: hostile.length + 1, failed: 0 });
    expect(result.errors.map((e) => e.path).sort()).toEqual(['../../evil-dir', ...hostile].sort());
    for (const { error } of result.errors) expect(error).toBeInstanceOf(UnsafePathError);
    const reasons = Object.fromEntries(result.errors.map((e) => [e.path, (e.error as UnsafePathError).reason]));
    expect(reasons).toMatchObject({
      '../../etc/passwd': 'dot-segment',
      '/abs': 'absolute',
      'root/a\\b.txt': 'backslash',
      'root/x\u0000y.txt': 'nul-byte',
      'other/outside.txt': 'outside',
      'root/C:evil.txt': 'drive-letter',
      root: 'outside',
    });
    // Only the safe file was ever asked for.
    expect(operationCount(emulator, 'files.download')).toBe(1);
  });

  it('honours the overwrite policy', async () => {
    const { client } = await startEmulator({ ...TREE, files: 20 }, { msw: server });
    const remote = await remoteFiles(client, '');
    const dir = await tempDir();
    await downloadTree(client, '', dir);
    const touched = join(dir, remote.find((f) => f.size > 0)!.path);
    const resized = join(dir, remote.filter((f) => f.size > 0)[1]!.path);
    await utimes(touched, new Date(), new Date('2001-01-01'));
    await writeFile(resized, 'changed');

    const never = await downloadTree(client, '', dir, { overwrite: 'never' });
    expect(never).toMatchObject({ downloaded: 0, skipped: 20 });
    expect(await readFile(resized, 'utf8')).toBe('changed');

    const ifChanged = await downloadTree(client, '', dir);
    expect(ifChanged).toMatchObject({ downloaded: 2, skipped: 18 });
    expect(await checkLocal(dir, '', remote)).toHaveLength(20);

    const always = await downloadTree(client, '', dir, { overwrite: 'always' });
    expect(always).toMatchObject({ downloaded: 20, skipped: 0 });
    await expect(downloadTree(client, '', dir, { overwrite: 'sometimes' as never })).rejects.toBeInstanceOf(RangeError);
  });

  it('counts a file that keeps failing, and carries on with the others', async () => {
    const { client } = await startEmulator({ ...TREE, files: 20 }, { msw: server });
    const victim = (await remoteFiles(client, ''))[3]!.path;
    server.use(
      http.get(`${EMULATOR_BASE}/api/rest/v1/files/${encodeURIComponent(victim)}`, () =>
        HttpResponse.json({ error: 'gone', 'http-code': 404, type: 'not-found/file-not-found' }, { status: 404 }),
      ),
    );
    const dir = await tempDir();
    const result = await downloadTree(client, '', dir, { retries: 1 });
    expect(result).toMatchObject({ downloaded: 19, failed: 1 });
    expect(result.errors).toEqual([{ path: victim, error: expect.any(FilesApiError) }]);
  });

  it('counts exactly against listings that repeat entries (overlapping pages, case and Unicode variants, a twin folder)', async () => {
    const { client, emulator } = await startEmulator({ files: 0 }, { msw: server });
    const bodies: Record<string, string> = { 'a.txt': 'aaa', 'B.txt': 'bb', 'Docs/x.csv': 'x,1' };
    for (const [path, text] of Object.entries(bodies)) await client.files.upload(path, new TextEncoder().encode(text), { mkdir_parents: true });
    const record: Record<string, File> = {};
    for await (const entry of client.folders.walk('')) record[entry.path!] = entry;
    const as = (path: string, spelling: string) => ({ ...record[path]!, path: spelling });
    const pages: Record<string, File[][]> = {
      '': [
        [as('Docs', 'Docs'), as('a.txt', 'a.txt')],
        [as('a.txt', 'a.txt'), as('B.txt', 'B.txt')], // the server repeats the end of the page before
        [as('a.txt', 'A.TXT'), as('B.txt', '\uFF22.txt'), as('Docs', 'docs')], // case, full width (NFKC), a twin folder
      ],
      Docs: [[as('Docs/x.csv', 'Docs/x.csv'), as('Docs/x.csv', 'docs/X.csv')], [as('Docs/x.csv', 'DOCS/x.csv')]],
      docs: [[as('Docs/x.csv', 'docs/x.csv')]],
    };
    server.use(
      http.get(`${EMULATOR_BASE}/api/rest/v1/folders/*`, ({ request }) => {
        const url = new URL(request.url);
        const folder = decodeURIComponent(url.pathname.slice(url.pathname.indexOf('/folders/') + '/folders/'.length)).replace(/^\/+|\/+$/g, '');
        const at = Number(url.searchParams.get('cursor') ?? 0);
        const folderPages = pages[folder] ?? [[]];
        return HttpResponse.json(folderPages[at], { headers: at + 1 < folderPages.length ? { 'X-Files-Cursor-Next': String(at + 1) } : {} });
      }),
    );
    const dir = await tempDir();
    emulator.resetLog();
    const progress: string[] = [];
    const first = await downloadTree(client, '', dir, { onProgress: (p) => progress.push(`${p.outcome} ${p.path}`) });
    // Each file downloaded and counted once; the twins in other spellings refused (case-twin), the
    // repeats of one entry (overlapping pages) and the twin folder not reported.
    const twins = ['A.TXT', '\uFF22.txt', 'docs/X.csv', 'DOCS/x.csv', 'docs/x.csv'];
    expect(first).toEqual({ downloaded: 3, skipped: 0, refused: 5, failed: 0, bytes: 3 + 2 + 3, errors: expect.any(Array) });
    expect(first.errors.map((e) => e.path).sort()).toEqual([...twins].sort());
    for (const { error } of first.errors) expect(error).toMatchObject({ reason: 'case-twin' });
    expect(progress.sort()).toEqual(['downloaded B.txt', 'downloaded Docs/x.csv', 'downloaded a.txt', ...twins.map((t) => `refused ${t}`)].sort());
    expect(operationCount(emulator, 'files.download')).toBe(3);
    expect(await listTree(dir)).toEqual(['B.txt', 'Docs/', 'Docs/x.csv', 'a.txt']);
    for (const [path, text] of Object.entries(bodies)) expect(await readFile(join(dir, path), 'utf8')).toBe(text);

    emulator.resetLog();
    const second = await downloadTree(client, '', dir);
    expect(second).toMatchObject({ downloaded: 0, skipped: 3, refused: 5, failed: 0, bytes: 0 });
    expect(operationCount(emulator, 'files.download')).toBe(0);
  });

  it('rejects when a folder cannot be listed (the tree cannot be known)', async () => {
    const { client } = await startEmulator(TREE, { msw: server });
    server.use(http.get(`${EMULATOR_BASE}/api/rest/v1/folders/*`, () => new HttpResponse('down', { status: 500 })));
    await expect(downloadTree(client, '', await tempDir())).rejects.toBeInstanceOf(FilesApiError);
  });
});
