import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startEmulator, type TestEmulator } from '../helpers/emulator.js';

type FileRecord = { path: string; display_name: string; type: string; size: number; md5: string | null; crc32: string | null; download_uri?: string; mtime: string; provided_mtime: string | null };

let h: TestEmulator;
let clock = Date.UTC(2025, 5, 1);
beforeAll(async () => {
  h = await startEmulator({ seed: 5, files: 500, folderFanout: 3, filesPerFolder: 8, fileSize: { min: 1, max: 200_000, zeroRate: 0.2 }, now: () => clock });
});
afterAll(() => h.close());

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const crc = (bytes: Uint8Array) => (crc32 as (data: Uint8Array) => number)(bytes).toString(16).padStart(8, '0');
const json = async <T>(res: Response | Promise<Response>): Promise<T> => (await (await res).json()) as T;

async function tree(folder: string): Promise<FileRecord[]> {
  const { records } = await h.walk(`/folders/${encodeURIComponent(folder)}`, 1000);
  const out: FileRecord[] = [];
  for (const record of records as unknown as FileRecord[]) {
    out.push(record);
    if (record.type === 'directory') out.push(...(await tree(record.path)));
  }
  return out;
}

describe('folders', () => {
  it('derives a tree of exactly `files` files, folders listed before files', async () => {
    const all = await tree('');
    const files = all.filter((f) => f.type === 'file');
    expect(files).toHaveLength(500);
    expect(new Set(files.map((f) => f.path)).size).toBe(500);
    expect(files.some((f) => f.size === 0)).toBe(true);
    expect(files.some((f) => f.size > 100_000)).toBe(true);
    const root = await json<FileRecord[]>(h.api('/folders/'));
    const firstFile = root.findIndex((f) => f.type === 'file');
    expect(firstFile).toBeGreaterThan(0);
    expect(root.slice(firstFile).every((f) => f.type === 'file')).toBe(true);
    expect(root.slice(0, firstFile).every((f) => f.type === 'directory')).toBe(true);
  });

  it('keeps folders first across pages and with sort_by', async () => {
    const folder = (await json<FileRecord[]>(h.api('/folders/'))).find((f) => f.type === 'directory')!.path;
    const { records } = await h.walk(`/folders/${encodeURIComponent(folder)}?sort_by[size]=desc`, 2);
    const types = records.map((r) => r['type']);
    expect(types.lastIndexOf('directory')).toBeLessThan(types.indexOf('file'));
    const sizes = (records as unknown as FileRecord[]).filter((f) => f.type === 'file').map((f) => f.size);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  });

  it('creates folders, with mkdir_parents for missing parents', async () => {
    const missing = await h.api('/folders/x%2Fy%2Fz', { method: 'POST' });
    expect(missing.status).toBe(422);
    expect((await errorOf(missing)).type).toBe('processing-failure/destination-parent-does-not-exist');
    const made = await h.api('/folders/x%2Fy%2Fz', { method: 'POST', json: { mkdir_parents: true } });
    expect(made.status).toBe(201);
    expect(await made.json()).toMatchObject({ path: 'x/y/z', type: 'directory', display_name: 'z' });
    expect((await h.api('/folders/x%2Fy%2Fz', { method: 'POST' })).status).toBe(422);
    expect((await json<FileRecord[]>(h.api('/folders/x%2Fy'))).map((f) => f.path)).toEqual(['x/y/z']);
  });
});

describe('downloads', () => {
  it('answers File records whose download_uri serves the bytes with matching size, md5 and crc32', async () => {
    const files = (await tree('')).filter((f) => f.type === 'file' && f.size > 0).slice(0, 12);
    for (const listed of files) {
      expect(listed.download_uri).toBeUndefined();
      // The metadata has none: "Provided only in response to a download request" (File model docs).
      const metadata = await json<FileRecord>(h.api(`/file_actions/metadata/${encodeURIComponent(listed.path)}`));
      expect(metadata).toMatchObject({ path: listed.path, size: listed.size, md5: listed.md5, crc32: listed.crc32, type: 'file' });
      expect(metadata.download_uri).toBeUndefined();
      const file = await json<FileRecord>(h.api(`/files/${encodeURIComponent(listed.path)}`));
      expect(file).toMatchObject({ path: listed.path, size: listed.size, md5: listed.md5, crc32: listed.crc32, type: 'file' });
      expect(file.download_uri).toMatch(/\/emulator\/download\/.+\?.*X-Amz-Date=\d{8}T\d{6}Z.*X-Amz-Expires=60/);
      const bytes = new Uint8Array(await (await fetch(file.download_uri!)).arrayBuffer());
      expect(bytes.length).toBe(listed.size);
      expect(md5(bytes)).toBe(listed.md5);
      expect(crc(bytes)).toBe(listed.crc32);
    }
  });

  it('serves byte ranges', async () => {
    const listed = (await tree('')).find((f) => f.type === 'file' && f.size > 1000)!;
    const file = await json<FileRecord>(h.api(`/files/${encodeURIComponent(listed.path)}`));
    const whole = new Uint8Array(await (await fetch(file.download_uri!)).arrayBuffer());
    const part = await fetch(file.download_uri!, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${listed.size}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(whole.subarray(100, 200));
  });

  it('answers 403 once the presigned URL has expired, and for a tampered one', async () => {
    const listed = (await tree('')).find((f) => f.type === 'file')!;
    const file = await json<FileRecord>(h.api(`/files/${encodeURIComponent(listed.path)}`));
    clock += 61_000;
    const expired = await fetch(file.download_uri!);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('expired');
    const fresh = await json<FileRecord>(h.api(`/files/${encodeURIComponent(listed.path)}`));
    expect((await fetch(fresh.download_uri!)).status).toBe(200);
    const tampered = fresh.download_uri!.replace(/X-Amz-Expires=60/, 'X-Amz-Expires=6000');
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('refuses to download a folder', async () => {
    const res = await h.api('/files/x%2Fy');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).type).toBe('bad-request/cannot-download-directory');
  });
});

describe('uploads, as the official SDKs drive them', () => {
  const bytes = (n: number, salt: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + salt) & 255);

  it('put → part uploads (in any order) → end assembles the parts in order', async () => {
    const open = await h.api('/files/up%2Fnew%2Fdata.bin', { method: 'POST', json: { action: 'put', mkdir_parents: true } });
    expect(open.status).toBe(201);
    const first = (await open.json()) as Record<string, unknown>;
    expect(first).toMatchObject({ http_method: 'PUT', part_number: 1, parallel_parts: true, path: 'up/new/data.bin' });
    expect(typeof first['ref']).toBe('string');
    expect(first['partsize']).toBeGreaterThan(0);
    expect(first['available_parts']).toBeGreaterThan(1);
    const parts = [bytes(1000, 1), bytes(777, 2), bytes(5, 3)];
    const uris: string[] = [];
    for (let n = 1; n <= parts.length; n++) {
      const part = await json<Record<string, unknown>>(h.api('/files/up%2Fnew%2Fdata.bin', { method: 'POST', json: { action: 'put', part: n, ref: first['ref'] } }));
      expect(part['part_number']).toBe(n);
      uris.push(String(part['upload_uri']));
    }
    for (const n of [2, 0, 1]) {
      const put = await fetch(uris[n]!, { method: 'PUT', body: parts[n] });
      expect(put.status).toBe(200);
      expect(put.headers.get('etag')).toBe(`"${md5(parts[n]!)}"`);
    }
    const end = await h.api('/files/up%2Fnew%2Fdata.bin', { method: 'POST', json: { action: 'end', ref: first['ref'], provided_mtime: '2020-02-02T02:02:02Z' } });
    expect(end.status).toBe(201);
    const whole = new Uint8Array([...parts[0]!, ...parts[1]!, ...parts[2]!]);
    const file = (await end.json()) as FileRecord;
    expect(file).toMatchObject({ path: 'up/new/data.bin', size: whole.length, md5: md5(whole), crc32: crc(whole), provided_mtime: '2020-02-02T02:02:02Z' });
    const download = await json<FileRecord>(h.api('/files/up%2Fnew%2Fdata.bin'));
    expect(new Uint8Array(await (await fetch(download.download_uri!)).arrayBuffer())).toEqual(whole);
    const listing = await json<FileRecord[]>(h.api('/folders/up%2Fnew'));
    expect(listing.map((f) => [f.display_name, f.size])).toEqual([['data.bin', whole.length]]);
  });

  it('begin_upload answers all the parts; a missing part fails the end with a gap error', async () => {
    const parts = await json<Record<string, unknown>[]>(h.api('/file_actions/begin_upload/gap.bin', { method: 'POST', json: { parts: 3 } }));
    expect(parts.map((p) => p['part_number'])).toEqual([1, 2, 3]);
    expect(new Set(parts.map((p) => p['ref'])).size).toBe(1);
    await fetch(String(parts[0]!['upload_uri']), { method: 'PUT', body: bytes(10, 1) });
    await fetch(String(parts[2]!['upload_uri']), { method: 'PUT', body: bytes(10, 3) });
    const end = await h.api('/files/gap.bin', { method: 'POST', json: { action: 'end', ref: parts[0]!['ref'] } });
    expect(end.status).toBe(400);
    expect((await errorOf(end)).type).toBe('bad-request/invalid-upload-part-gap');
    await fetch(String(parts[1]!['upload_uri']), { method: 'PUT', body: bytes(10, 2) });
    expect((await h.api('/files/gap.bin', { method: 'POST', json: { action: 'end', ref: parts[0]!['ref'] } })).status).toBe(201);
  });

  it('uploads an empty file, refuses a missing parent without mkdir_parents, and an unknown ref', async () => {
    const open = await json<Record<string, unknown>>(h.api('/files/empty.txt', { method: 'POST', json: { action: 'put' } }));
    const end = await json<FileRecord>(h.api('/files/empty.txt', { method: 'POST', json: { action: 'end', ref: open['ref'] } }));
    expect(end).toMatchObject({ size: 0, md5: 'd41d8cd98f00b204e9800998ecf8427e' });
    const orphan = await h.api('/files/no%2Fparent.txt', { method: 'POST', json: { action: 'put' } });
    expect(orphan.status).toBe(422);
    const unknown = await h.api('/files/a.txt', { method: 'POST', json: { action: 'end', ref: 'put-nope' } });
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).type).toBe('not-found/file-upload-not-found');
  });
});

describe('delete, copy, move', () => {
  it('deletes files, and folders only when recursive', async () => {
    const folder = (await json<FileRecord[]>(h.api('/folders/'))).find((f) => f.type === 'directory')!.path;
    const inside = await tree(folder);
    const refused = await h.api(`/files/${encodeURIComponent(folder)}`, { method: 'DELETE' });
    expect(refused.status).toBe(422);
    expect((await errorOf(refused)).type).toBe('processing-failure/folder-not-empty');
    const copy = await h.api(`/file_actions/copy/${encodeURIComponent(folder)}`, { method: 'POST', json: { destination: 'backup/copy' } });
    expect(copy.status).toBe(201);
    // A folder's copy runs in the background (1 s of the emulator's clock): wait for it.
    const action = (await copy.json()) as { status: string; file_migration_id: number };
    expect(action).toMatchObject({ status: 'pending' });
    clock += 1_000;
    expect(await h.client.fileMigrations.wait(action)).toMatchObject({ status: 'complete', dest_path: 'backup/copy' });
    expect((await h.api(`/files/${encodeURIComponent(folder)}`, { method: 'DELETE', json: { recursive: true } })).status).toBe(204);
    expect((await h.api(`/folders/${encodeURIComponent(folder)}`)).status).toBe(404);
    expect((await h.api(`/file_actions/metadata/${encodeURIComponent(inside[0]!.path)}`)).status).toBe(404);
    const copied = await tree('backup/copy');
    expect(copied.map((f) => [f.path.slice('backup/copy'.length), f.md5])).toEqual(inside.map((f) => [f.path.slice(folder.length), f.md5]));
    const file = copied.find((f) => f.type === 'file')!;
    expect((await h.api(`/files/${encodeURIComponent(file.path)}`, { method: 'DELETE' })).status).toBe(204);
    expect((await h.api(`/files/${encodeURIComponent(file.path)}`)).status).toBe(404);
  });

  it('moves a file, refusing an existing destination unless overwrite', async () => {
    const [a, b] = (await tree('')).filter((f) => f.type === 'file' && f.size > 0).slice(-2) as [FileRecord, FileRecord];
    const refused = await h.api(`/file_actions/move/${encodeURIComponent(a.path)}`, { method: 'POST', json: { destination: b.path } });
    expect(refused.status).toBe(422);
    expect((await errorOf(refused)).type).toBe('processing-failure/destination-exists');
    expect((await h.api(`/file_actions/move/${encodeURIComponent(a.path)}`, { method: 'POST', json: { destination: b.path, overwrite: true } })).status).toBe(201);
    expect((await h.api(`/file_actions/metadata/${encodeURIComponent(a.path)}`)).status).toBe(404);
    expect(await json<FileRecord>(h.api(`/file_actions/metadata/${encodeURIComponent(b.path)}`))).toMatchObject({ md5: a.md5, size: a.size });
  });
});

describe('history', () => {
  it('lists per folder, per file and per user', async () => {
    const { records: all } = await h.walk('/history', 1000);
    const withPath = all.filter((r) => r['path']);
    const path = String(withPath[0]!['path']);
    const folder = path.slice(0, path.lastIndexOf('/'));
    const forFile = await h.walk(`/history/files/${encodeURIComponent(path)}`, 10);
    expect(forFile.records.map((r) => r['id'])).toEqual(all.filter((r) => r['path'] === path).map((r) => r['id']));
    const forFolder = await h.walk(`/history/folders/${encodeURIComponent(folder)}`, 10);
    expect(forFolder.records.map((r) => r['id'])).toEqual(all.filter((r) => String(r['path']).startsWith(`${folder}/`)).map((r) => r['id']));
    const user = Number(all[0]!['user_id']);
    const forUser = await h.walk(`/history/users/${user}`, 10);
    expect(forUser.records.length).toBeGreaterThan(0);
    expect(forUser.records.map((r) => r['id'])).toEqual(all.filter((r) => r['user_id'] === user).map((r) => r['id']));
    const desc = await h.walk('/history?sort_by[created_at]=desc', 300);
    expect(desc.records.map((r) => r['id'])).toEqual(all.map((r) => r['id']).reverse());
  });
});

describe('large files', () => {
  it('streams multi-megabyte downloads (and ranges of them) with the advertised checksums', async () => {
    const big = await startEmulator({ seed: 2, files: 2, fileSize: { min: 3_000_000, max: 3_000_000, zeroRate: 0 } });
    try {
      const root = await json<FileRecord[]>(big.api('/folders/'));
      expect(root.map((f) => f.size)).toEqual([3_000_000, 3_000_000]);
      const file = await json<FileRecord>(big.api(`/files/${encodeURIComponent(root[0]!.path)}`));
      const res = await fetch(file.download_uri!);
      expect(res.headers.get('content-length')).toBe('3000000');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(md5(bytes)).toBe(file.md5);
      expect(crc(bytes)).toBe(file.crc32);
      const tail = await fetch(file.download_uri!, { headers: { range: 'bytes=-1500000' } });
      // Byte for byte (Buffer.equals: toEqual walks 1.5 million elements one by one, seconds).
      const tailBytes = Buffer.from(await tail.arrayBuffer());
      expect(tailBytes.length).toBe(1_500_000);
      expect(tailBytes.equals(bytes.subarray(1_500_000))).toBe(true);
    } finally {
      await big.close();
    }
  });
});
