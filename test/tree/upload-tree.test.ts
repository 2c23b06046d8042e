import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  FilesApiError,
  FilesError,
  IntegrityError,
  LocalFileChangedError,
  UnsafePathError,
  uploadTree,
  type FilesClient,
  type UploadTreeProgress,
} from '../../src/index.js';
import { md5, testBytes } from '../helpers/bytes.js';
import { EMULATOR_BASE, operationCount, startEmulator } from '../helpers/emulator.js';
import { useMswServer } from '../helpers/msw.js';
import { useTempDirs, writeTree as writeLocalTree } from '../helpers/temp-dir.js';

const server = useMswServer();
const tempDir = useTempDirs();

/** Every local file's mtime: in the past, with milliseconds (Files.com keeps whole seconds). */
const MTIME = new Date('2021-03-04T05:06:07.890Z');
/** Small parts, so a 200 kB file is 4 parts. */
const PART = 64 * 1024;
const UPLOADS = `${EMULATOR_BASE}/emulator/upload/*`;

/** A local tree: a path ending in `/` is a folder; every file gets {@link MTIME}. */
const writeTree = (dir: string, entries: Record<string, string | Uint8Array>) => writeLocalTree(dir, entries, MTIME);

/** The remote tree below `root`: `path/` for a folder, `path: md5 provided_mtime` for a file. */
async function remoteTree(client: FilesClient, root: string): Promise<string[]> {
  const out: string[] = [];
  for await (const f of client.folders.walk(root)) {
    const path = root ? f.path!.slice(root.length + 1) : f.path!;
    out.push(f.type === 'directory' ? `${path}/` : `${path}: ${f.md5} ${f.provided_mtime}`);
  }
  return out.sort();
}

/** What {@link remoteTree} shows for a file uploaded from these bytes. */
function uploaded(path: string, content: string | Uint8Array): string {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return `${path}: ${md5(bytes)} 2021-03-04T05:06:07Z`;
}

const BIG = testBytes(200_000, 3);
const TREE = {
  'a.txt': 'alpha',
  'zero.txt': '',
  'docs/b.csv': 'x,y\n1,2\n',
  'docs/deep/c.bin': BIG,
  'empty/': '',
};
const TREE_BYTES = 5 + 0 + 8 + BIG.byteLength;

/** Counts of the requests that upload: `POST /files/...` (put and end) and the part PUTs. */
function uploadRequests(emulator: { stats: { byKind: { upload: number } } } & Parameters<typeof operationCount>[0]): { files: number; parts: number } {
  return { files: operationCount(emulator, 'files.create'), parts: emulator.stats.byKind.upload };
}

describe('uploadTree', () => {
  it('uploads every file and folder, byte-identical, with the local mtimes; a rerun sends no upload request', async () => {
    const { client, emulator } = await startEmulator({ files: 0, uploadPartSize: PART }, { msw: server });
    const dir = await tempDir();
    await writeTree(dir, TREE);
    const result = await uploadTree(client, dir, 'inbox/2024');
    expect(result).toEqual({
      uploaded: 4,
      skipped: 0,
      refused: 0,
      failed: 0,
      ignored: 0,
      folders: 4,
      bytes: TREE_BYTES,
      errors: [],
      ignoredEntries: [],
      dryRun: false,
    });
    // One listing (the folder named: missing); each new folder is made, not listed; 2 requests
    // a file (put, end) plus a put for each further part; one PUT a part (an empty file has one).
    expect(operationCount(emulator, 'folders.listFor')).toBe(1);
    expect(operationCount(emulator, 'folders.create')).toBe(4);
    expect(uploadRequests(emulator)).toEqual({ files: 3 * 2 + 4 + 1, parts: 3 + 4 });
    expect(await remoteTree(client, 'inbox/2024')).toEqual(
      [
        uploaded('a.txt', 'alpha'),
        uploaded('zero.txt', ''),
        'docs/',
        uploaded('docs/b.csv', TREE['docs/b.csv']),
        'docs/deep/',
        uploaded('docs/deep/c.bin', BIG),
        'empty/',
      ].sort(),
    );

    emulator.resetLog();
    const again = await uploadTree(client, dir, 'inbox/2024');
    expect(again).toMatchObject({ uploaded: 0, skipped: 4, refused: 0, failed: 0, folders: 0, bytes: 0 });
    expect(uploadRequests(emulator)).toEqual({ files: 0, parts: 0 });
    expect(operationCount(emulator, 'folders.create')).toBe(0);
    // Each folder listed once: the root, docs, docs/deep, empty.
    expect(operationCount(emulator, 'folders.listFor')).toBe(4);
  });

  it('runs at most `concurrency` uploads at once, and reports progress up to the result', async () => {
    const { client } = await startEmulator({ files: 0 }, { msw: server });
    const dir = await tempDir();
    await writeTree(dir, Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}.txt`, `file ${i}`])));
    let inFlight = 0;
    let most = 0;
    const wake: (() => void)[] = [];
    server.use(
      http.put(UPLOADS, async () => {
        most = Math.max(most, ++inFlight);
        // A slow server (on purpose): each part waits until 3 are in flight (or 200 ms), so
        // uploads overlap however loaded the machine is, and a fourth would show.
        if (inFlight >= 3) for (const w of wake.splice(0)) w();
        else await new Promise<void>((resolve) => (wake.push(resolve), setTimeout(resolve, 200)));
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return undefined;
      }),
    );
    const reports: UploadTreeProgress[] = [];
    const result = await uploadTree(client, dir, 'up', { concurrency: 3, onProgress: (p) => reports.push(p) });
    expect(result.uploaded).toBe(12);
    expect(most).toBe(3);
    const last = reports.at(-1)!;
    expect(last).toMatchObject({ uploaded: 12, bytes: result.bytes, sentBytes: result.bytes, doneBytes: result.bytes, found: { files: 12, bytes: result.bytes, complete: true } });
    expect(reports.filter((p) => p.outcome === 'uploaded')).toHaveLength(12);
    expect(reports.filter((p) => p.outcome === 'sending')).toHaveLength(12);
    expect(reports.filter((p) => p.outcome === 'folder').map((p) => p.path)).toEqual(['up']);
  });

  it('uploads only what changed: size and mtime by default, MD5 with `checksum`', async () => {
    const { client, emulator } = await startEmulator({ files: 0, uploadPartSize: PART }, { msw: server });
    const dir = await tempDir();
    await writeTree(dir, TREE);
    await uploadTree(client, dir, 'inbox');
    // Same size, same mtime, other bytes: only a checksum tells.
    await writeFile(join(dir, 'a.txt'), 'ALPHA');
    await utimes(join(dir, 'a.txt'), MTIME, MTIME);
    // Same bytes, a new mtime: uploaded by default, not with a checksum.
    await utimes(join(dir, 'zero.txt'), new Date(), new Date());

    emulator.resetLog();
    const byTime = await uploadTree(client, dir, 'inbox');
    expect(byTime).toMatchObject({ uploaded: 1, skipped: 3, bytes: 0 });
    expect(uploadRequests(emulator)).toEqual({ files: 2, parts: 1 });
    expect(await remoteTree(client, 'inbox')).toContain(uploaded('a.txt', 'alpha'));

    await utimes(join(dir, 'docs', 'b.csv'), new Date(), new Date());
    emulator.resetLog();
    const bySum = await uploadTree(client, dir, 'inbox', { checksum: true });
    expect(bySum).toMatchObject({ uploaded: 1, skipped: 3, bytes: 5 });
    expect(uploadRequests(emulator)).toEqual({ files: 2, parts: 1 });
    expect(await remoteTree(client, 'inbox')).toContain(uploaded('a.txt', 'ALPHA'));
  });

  it('refuses, before sending a byte, names Files.com refuses or merges: trailing white space, backslashes, reserved paths, case twins', async () => {
    const { client, emulator } = await startEmulator({ files: 0 }, { msw: server });
    const dir = await tempDir();
    await writeTree(dir, {
      'ok.txt': 'ok',
      'trail.txt ': 'a file name ending in a space',
      'tab\t/x.txt': 'in a folder ending in a tab',
      'back\\slash.txt': 'a backslash',
      'Report.csv': 'first',
      'report.CSV': 'case twin',
      'caf\u00e9.txt': 'NFC twin',
      'cafe\u0301.txt': 'NFD',
      'resume.txt': 'plain',
      'résumé.txt': 'accent twin',
      'Docs/a.txt': 'in Docs',
      'docs/b.txt': 'in docs: the same remote folder',
      'docs/A.TXT': 'twin of Docs/a.txt',
      '_/Snapshots/1/s.txt': 'a snapshot path',
      '_/other/o.txt': 'an ordinary folder named _',
    });
    const result = await uploadTree(client, dir, '', { listConcurrency: 1 });
    const refused = result.errors.map((e) => [e.localPath.slice(dir.length + 1), (e.error as UnsafePathError).reason]);
    expect(refused.sort()).toEqual(
      [
        ['_/Snapshots', 'reserved'],
        ['back\\slash.txt', 'backslash'],
        // Name order is code-point order: the decomposed spelling (`e` + U+0301) comes first.
        ['caf\u00e9.txt', 'case-twin'],
        ['docs/A.TXT', 'case-twin'],
        ['report.CSV', 'case-twin'],
        ['résumé.txt', 'case-twin'],
        ['tab\t', 'trailing-whitespace'],
        ['trail.txt ', 'trailing-whitespace'],
      ].sort(),
    );
    expect(result.errors.every((e) => e.error instanceof UnsafePathError)).toBe(true);
    expect(result).toMatchObject({ uploaded: 7, refused: 8, failed: 0 });
    const remote = await remoteTree(client, '');
    expect(remote.map((line) => line.split(':')[0])).toEqual(
      ['Docs/', 'Docs/a.txt', 'Docs/b.txt', 'Report.csv', '_/', '_/other/', '_/other/o.txt', 'cafe\u0301.txt', 'ok.txt', 'resume.txt'].sort(),
    );
    expect(remote).toContain(uploaded('Report.csv', 'first'));
    // Two requests for each file uploaded: nothing at all for the refused ones.
    expect(uploadRequests(emulator)).toEqual({ files: 14, parts: 7 });
  });

  it('refuses local names that are not UTF-8 (a file, a folder), saying so, and uploads a name that spells U+FFFD itself', async () => {
    const { client, emulator } = await startEmulator({ files: 0 }, { msw: server });
    const dir = await tempDir();
    await writeTree(dir, { 'ok.txt': 'ok', 'real-\ufffd.txt': 'a valid name holding U+FFFD' });
    // Latin-1 bytes: `caf\xe9.txt` and a folder `d\xe9j\xe0`, which no UTF-8 string spells.
    const latin1 = (path: string) => Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(path, 'latin1')]);
    await writeFile(latin1('caf\u00e9.txt'), 'latin-1 name');
    await mkdir(latin1('d\u00e9j\u00e0'));
    await writeFile(latin1('d\u00e9j\u00e0/inside.txt'), 'below a latin-1 folder');
    const result = await uploadTree(client, dir, 'up');
    const refused = result.errors.map((e) => [e.localPath.slice(dir.length + 1), (e.error as UnsafePathError).reason]);
    expect(refused.sort()).toEqual([
      ['caf\ufffd.txt', 'not-utf8'],
      ['d\ufffdj\ufffd', 'not-utf8'],
    ]);
    expect(String(result.errors[0]!.error)).toMatch(/not UTF-8/);
    expect(result).toMatchObject({ uploaded: 2, refused: 2, failed: 0 });
    expect((await remoteTree(client, 'up')).map((line) => line.split(':')[0])).toEqual(['ok.txt', 'real-\ufffd.txt']);
    expect(uploadRequests(emulator)).toEqual({ files: 4, parts: 2 });
  });

  it('takes a reserved remote folder as given: only paths local names make reserved are refused', async () => {
    const { client, emulator } = await startEmulator({ files: 0 }, { msw: server });
    const dir = await tempDir();
    await writeTree(dir, { 'Sites/x.txt': 'x', 'y.txt': 'y' });
    // `_` named: `_/Sites` comes from a local name.
    const result = await uploadTree(client, dir, '_');
    expect(result).toMatchObject({ uploaded: 1, refused: 1 });
    expect((result.errors[0]!.error as UnsafePathError).reason).toBe('reserved');
    expect(operationCount(emulator, 'files.create')).toBe(2);
  });

  it('never follows a symbolic link, out of the tree or inside it; special files are left out too', async () => {
    const { client } = await startEmulator({ files: 0 }, { msw: server });
    const outside = await tempDir();
    await writeTree(outside, { 'secret.txt': 'secret', 'private/key.pem': 'key' });
    const dir = await tempDir();
    await writeTree(dir, { 'real.txt': 'real', 'sub/inner.txt': 'inner' });
    await symlink(join(outside, 'secret.txt'), join(dir, 'link-out.txt'));
    await symlink(join(outside, 'private'), join(dir, 'link-dir'));
    await symlink('real.txt', join(dir, 'link-in.txt'));
    await symlink('..', join(dir, 'sub', 'up'));
    const special = process.platform !== 'win32';
    if (special) execFileSync('mkfifo', [join(dir, 'pipe')]);
    // The folder named may itself be a link: resolved once.
    const via = join(await tempDir(), 'via');
    await symlink(dir, via);
    const result = await uploadTree(client, via, 'up');
    expect(result).toMatchObject({ uploaded: 2, ignored: special ? 5 : 4, failed: 0, refused: 0 });
    expect(result.ignoredEntries.map((e) => [e.localPath, e.path, e.reason]).sort()).toEqual(
      [
        [join(via, 'link-dir'), 'up/link-dir', 'symlink'],
        [join(via, 'link-in.txt'), 'up/link-in.txt', 'symlink'],
        [join(via, 'link-out.txt'), 'up/link-out.txt', 'symlink'],
        [join(via, 'sub', 'up'), 'up/sub/up', 'symlink'],
        ...(special ? [[join(via, 'pipe'), 'up/pipe', 'special']] : []),
      ].sort(),
    );
    expect(await remoteTree(client, 'up')).toEqual([uploaded('real.txt', 'real'), 'sub/', uploaded('sub/inner.txt', 'inner')]);
  });

  it('with `dryRun`, lists what it would do and sends nothing but listings', async () => {
    const { client, emulator } = await startEmulator({ files: 0 }, { msw: server });
    const dir = await tempDir();
    await writeTree(dir, TREE);
    await uploadTree(client, dir, 'inbox');
    await writeTree(dir, { 'docs/b.csv': 'changed size', 'new/n.txt': 'new' });
    emulator.resetLog();
    const planned: string[] = [];
    const result = await uploadTree(client, dir, 'inbox', {
      dryRun: true,
      onProgress: (p) => {
        if (p.outcome === 'uploaded' || p.outcome === 'folder') planned.push(`${p.outcome} ${p.path}`);
      },
    });
    expect(result).toMatchObject({ dryRun: true, uploaded: 2, skipped: 3, folders: 1, bytes: 'changed size'.length + 3 });
    expect(planned.sort()).toEqual(['folder inbox/new', 'uploaded inbox/docs/b.csv', 'uploaded inbox/new/n.txt']);
    expect(emulator.stats.byOperation).toEqual({ 'folders.listFor': 4 });
    expect(await remoteTree(client, 'inbox')).toContain(uploaded('docs/b.csv', TREE['docs/b.csv']));
  });

  it('fails a file where Files.com has a folder, and a folder where it has a file, without trying them', async () => {
    const { client, emulator } = await startEmulator({ files: 0 }, { msw: server });
    await client.files.upload('inbox/docs', new TextEncoder().encode('a file'), { mkdir_parents: true });
    await client.folders.create('inbox/a.txt', { mkdir_parents: true });
    const dir = await tempDir();
    await writeTree(dir, { 'a.txt': 'a', 'docs/b.csv': 'b', 'c.txt': 'c' });
    emulator.resetLog();
    const result = await uploadTree(client, dir, 'inbox');
    expect(result).toMatchObject({ uploaded: 1, failed: 2, refused: 0 });
    expect(result.errors.map((e) => [e.path, (e.error as Error).message]).sort()).toEqual([
      ['inbox/a.txt', `inbox/a.txt: Files.com has a folder at this path, so the file ${join(dir, 'a.txt')} cannot be uploaded`],
      ['inbox/docs', `inbox/docs: Files.com has a file at this path, so the folder ${join(dir, 'docs')} cannot be uploaded`],
    ]);
    expect(result.errors.every((e) => e.error instanceof FilesError)).toBe(true);
    expect(uploadRequests(emulator)).toEqual({ files: 2, parts: 1 });
  });

  it('checks the checksums Files.com answers against the bytes as they were read, and uploads again on a mismatch', async () => {
    const { client, emulator } = await startEmulator({ files: 0 }, { msw: server });
    const dir = await tempDir();
    await writeTree(dir, { 'a.txt': 'alpha', 'b.txt': 'beta' });
    let ends = 0;
    server.use(
      http.post(`${EMULATOR_BASE}/api/rest/v1/files/*`, async ({ request }) => {
        const body = (await request.clone().json()) as { action?: string };
        if (body.action !== 'end' || !decodeURIComponent(new URL(request.url).pathname).endsWith('/up/a.txt')) return undefined;
        ends++;
        // The record answered as if other bytes had arrived.
        const record = (await (await emulator.handle(request)).json()) as Record<string, unknown>;
        return HttpResponse.json({ ...record, md5: md5(new TextEncoder().encode('other')) }, { status: 201 });
      }),
    );
    const result = await uploadTree(client, dir, 'up', { checksum: true, retries: 1 });
    expect(result).toMatchObject({ uploaded: 1, failed: 1 });
    const error = result.errors[0]!.error;
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ path: 'up/a.txt', check: 'md5', actual: md5(new TextEncoder().encode('alpha')) });
    expect(ends).toBe(2);
  });

  it('never completes a file that changed while it was uploaded, and goes on with the others', async () => {
    const { client } = await startEmulator({ files: 0, uploadPartSize: 1024 * 1024 }, { msw: server });
    const dir = await tempDir();
    await writeTree(dir, { 'big.bin': testBytes(6 * 1024 * 1024, 5), 'small.txt': 'small' });
    server.use(
      http.put(`${UPLOADS.slice(0, -1)}*/2`, async () => {
        await appendFile(join(dir, 'big.bin'), 'more');
        return undefined;
      }, { once: true }),
    );
    const opened: string[] = [];
    server.use(
      http.post(`${EMULATOR_BASE}/api/rest/v1/files/*`, async ({ request }) => {
        const body = (await request.clone().json()) as { action?: string; ref?: string };
        if (body.action === 'put' && body.ref === undefined) opened.push(decodeURIComponent(new URL(request.url).pathname).split('/').pop()!);
        return undefined;
      }),
    );
    const result = await uploadTree(client, dir, 'up', { concurrency: 1 });
    expect(result).toMatchObject({ uploaded: 1, failed: 1 });
    expect(result.errors[0]!.error).toBeInstanceOf(LocalFileChangedError);
    expect(await remoteTree(client, 'up')).toEqual([uploaded('small.txt', 'small')]);
    // Not retried (the next run sends the file as it is then): one upload of each was opened.
    expect(opened.sort()).toEqual(['big.bin', 'small.txt']);
  });

  it('stops at an abort: no file half-written, and the next run completes the tree', async () => {
    const { client, emulator } = await startEmulator({ files: 0 }, { msw: server });
    const dir = await tempDir();
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`d${i % 3}/f${i}.bin`, testBytes(1000 + i, i + 1)]));
    await writeTree(dir, files);
    const controller = new AbortController();
    const reason = new Error('stop');
    const run = uploadTree(client, dir, 'up', {
      concurrency: 4,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.uploaded === 5) controller.abort(reason);
      },
    });
    await expect(run).rejects.toBe(reason);
    const after = (await remoteTree(client, 'up')).filter((line) => !line.endsWith('/'));
    expect(after.length).toBeGreaterThanOrEqual(5);
    expect(after.length).toBeLessThan(30);
    for (const line of after) expect(line).toBe(uploaded(line.split(':')[0]!, files[line.split(':')[0]!]!));
    emulator.resetLog();
    const rest = await uploadTree(client, dir, 'up');
    expect(rest).toMatchObject({ uploaded: 30 - after.length, skipped: after.length, failed: 0 });
    expect(operationCount(emulator, 'files.create')).toBe(2 * (30 - after.length));
  });

  it('refuses bad input before any request, and fails when the remote folder is a file', async () => {
    const { client, emulator } = await startEmulator({ files: 0 }, { msw: server });
    const dir = await tempDir();
    await writeTree(dir, { 'a.txt': 'a' });
    await expect(uploadTree(client, dir, 'x', { concurrency: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(uploadTree(client, join(dir, 'a.txt'), 'x')).rejects.toThrow(TypeError);
    await expect(uploadTree(client, join(dir, 'missing'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(emulator.stats.total).toBe(0);
    await client.files.upload('taken', new TextEncoder().encode('a file'));
    await expect(uploadTree(client, dir, 'taken')).rejects.toMatchObject({ type: 'bad-request/folder-must-not-be-a-file' });
    await expect(uploadTree(client, dir, 'taken')).rejects.toBeInstanceOf(FilesApiError);
  });
});
