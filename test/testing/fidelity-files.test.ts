// Files and folders as the official SDKs need them (issue #21, "The emulator as faithful as
// the official SDKs need", items 7 and 12).
//
// Item 7: `with_previews` answers `preview_id` and `preview`, `with_priority_color` answers
// `priority_color`, and `PATCH /files/{path}` ("Update File/Folder Metadata") stores
// `custom_metadata`, `priority_color` and `provided_mtime`, which later finds and listings return.
// Item 12: the special paths the SDKs' remote-server, snapshot and child-site helpers build
// (`_/RemoteServers/<id>/...`, `_/Snapshots/<id>/...`, `_/Sites/<id>/...`) are refused on
// every file and folder route: the emulated site has none of them.
//
// Quoted: the spec (../shared/filescom-api/spec.json, extracted from the JS SDK v1.2.722), the
// JS SDK's docs (Files-com/files-sdk-javascript docs/models/File.md, Folder.md, Preview.md at
// v1.2.722; node_modules/files.com/docs/models/*.md say the same of these fields), the Python
// SDK (Files-com/files-sdk-python files_sdk/models/file.py) and a recorded answer of the API
// in the Go SDK (Files-com/files-sdk-go file/fixtures/*.yaml).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { hasShared, readShared } from '../helpers/shared.js';

type Rec = Record<string, unknown>;
type FileRecord = Rec & { path: string; type: string; size: number; md5: string | null; download_uri?: string };
type Spec = {
  models: Record<string, { attributes: { name: string; type: string }[]; example: Rec }>;
  operations: { method: string; path: string; params: { name: string; type: string; enumLike?: string[] }[] }[];
  errors: { type: string }[];
};

const SPEC = 'filescom-api/spec.json';
const spec = hasShared(SPEC) ? readShared<Spec>(SPEC) : undefined;
const withSpec = spec ? it : it.skip;
if (!spec) console.warn(`fidelity-files: ../shared/${SPEC} is absent: the checks against the spec are skipped`);

const DOCS = {
  customMetadata: '`custom_metadata` (object): Custom metadata map of keys and values. Limited to 32 keys, 256 characters per key and 1024 characters per value.',
  priorityColor: '`priority_color` (string): Bookmark/priority color of file/folder',
  previewId: '`preview_id` (int64): File preview ID',
  preview: '`preview` (Preview): File preview',
  withPreviews: '`with_previews` (boolean): Include file preview information?',
  withPriorityColor: '`with_priority_color` (boolean): Include file priority color information?',
  previewSize: '`preview_size` (string): Request a preview size.  Can be `small` (default), `large`, `xlarge`, or `pdf`.',
  previewStatus: '`status` (string): Preview status.  Can be invalid, not_generated, generating, complete, or file_too_large',
  previewType: '`type` (string): Preview type. Can be image, pdf, pdf_native, video, audio, or text',
  providedMtime: '`provided_mtime` (string): Modified time of file.',
  searchMetadataKey:
    '`search_custom_metadata_key` (string): If provided, the search string in `search` will search for files where this custom metadata key matches the value sent in `search`.  Set this to `*` to allow any metadata key to match the value sent in `search`.',
  // files-sdk-python files_sdk/models/file.py
  underscore: 'def _underscore_destination_path(root, destination_id, relative_path=None): return path_util.normalize(f"_/{root}/{destination_id}/{relative_path or \'\'}")',
} as const;

const PREVIEW_STATUSES = ['invalid', 'not_generated', 'generating', 'complete', 'file_too_large'];
const PREVIEW_TYPES = ['image', 'pdf', 'pdf_native', 'video', 'audio', 'text'];

let h: TestEmulator;
let clock = Date.UTC(2025, 7, 1);
beforeAll(async () => {
  h = await startEmulator({ seed: 21, files: 200, folderFanout: 3, filesPerFolder: 8, fileSize: { min: 1, max: 5_000, zeroRate: 0 }, now: () => clock });
});
afterAll(() => h.close());

const enc = encodeURIComponent;
const json = async <T = Rec>(res: Response | Promise<Response>): Promise<T> => (await (await res).json()) as T;
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const find = (path: string, query = '') => json<FileRecord>(h.api(`/file_actions/metadata/${enc(path)}${query}`));
const list = async (folder: string, query = '') => (await h.walk(`/folders/${enc(folder)}${query}`, 1000)).records as FileRecord[];
const patch = (path: string, body: Rec) => h.api(`/files/${enc(path)}`, { method: 'PATCH', json: body });

/** Uploads `bytes` to `path` as the SDKs do (put, PUT the part, end); the File record. */
async function upload(path: string, bytes: Uint8Array, extra: Rec = {}): Promise<FileRecord> {
  const open = await h.api(`/files/${enc(path)}`, { method: 'POST', json: { action: 'put', mkdir_parents: true, ...extra } });
  if (open.status !== 201) throw new Error(`upload ${path}: ${open.status} ${await open.text()}`);
  const part = (await open.json()) as Rec;
  expect((await fetch(String(part['upload_uri']), { method: 'PUT', body: bytes })).status).toBe(200);
  return json<FileRecord>(h.api(`/files/${enc(path)}`, { method: 'POST', json: { action: 'end', ref: part['ref'] } }));
}

const bytes = (n: number, salt = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + salt) & 255);

async function expectError(res: Response, status: number, type: string): Promise<void> {
  const error = await errorOf(res);
  expect([error.status, error.type]).toEqual([status, type]);
}

// ------------------------------------------------------------------ item 7

describe(`item 7: custom_metadata on every record (docs: "${DOCS.customMetadata}")`, () => {
  it('a record carries custom_metadata {} when none is set, as the API sends it (Go SDK fixture TestClient_Downloader_Delete_Source_Folder.yaml: "custom_metadata":{} on files and folders); no preview_id, preview or priority_color unless asked', async () => {
    const root = await list('');
    const folder = root.find((r) => r.type === 'directory')!;
    const file = (await list(folder.path)).find((r) => r.type === 'file')!;
    for (const record of [folder, file, await find(file.path), await json<FileRecord>(h.api(`/files/${enc(file.path)}`))]) {
      expect(record['custom_metadata']).toEqual({});
      for (const key of ['preview_id', 'preview', 'priority_color']) expect(record).not.toHaveProperty(key);
    }
  });

  withSpec('the spec: the File model has custom_metadata, priority_color, preview_id and preview (Preview); PATCH /files/{path} takes custom_metadata (object), provided_mtime, priority_color', () => {
    const attributes = Object.fromEntries(spec!.models['File']!.attributes.map((a) => [a.name, a.type]));
    expect(attributes).toMatchObject({ custom_metadata: 'object', priority_color: 'string', preview_id: 'int64', preview: 'Preview' });
    expect(spec!.models['Preview']!.attributes.map((a) => a.name)).toEqual(['id', 'status', 'download_uri', 'type', 'size']);
    const update = spec!.operations.find((op) => op.method === 'PATCH' && op.path === '/files/{path}')!;
    expect(update.params.map((p) => [p.name, p.type])).toEqual([
      ['path', 'string'],
      ['custom_metadata', 'object'],
      ['provided_mtime', 'string'],
      ['priority_color', 'string'],
    ]);
    for (const [method, path] of [['GET', '/folders/{path}'], ['GET', '/files/{path}'], ['GET', '/file_actions/metadata/{path}']] as const) {
      const op = spec!.operations.find((o) => o.method === method && o.path === path)!;
      expect(op.params.map((p) => p.name)).toEqual(expect.arrayContaining(['with_previews', 'with_priority_color', 'preview_size']));
      expect(op.params.find((p) => p.name === 'preview_size')!.enumLike).toEqual(['small', 'large', 'xlarge', 'pdf']);
    }
    expect(spec!.errors.map((e) => e.type)).toEqual(expect.arrayContaining(['processing-failure/invalid-priority-color', 'processing-failure/model-save-error']));
  });

  it('PATCH stores custom_metadata; later finds, downloads and listings return it (it answered 200 and dropped it)', async () => {
    const file = await upload('meta/report.csv', bytes(100));
    const res = await patch(file.path, { custom_metadata: { owner: 'finance', stage: 'draft' } });
    expect(res.status).toBe(200);
    expect((await json<FileRecord>(res))['custom_metadata']).toEqual({ owner: 'finance', stage: 'draft' });
    expect((await find('meta/report.csv'))['custom_metadata']).toEqual({ owner: 'finance', stage: 'draft' });
    expect((await json<FileRecord>(h.api('/files/meta%2Freport.csv')))['custom_metadata']).toEqual({ owner: 'finance', stage: 'draft' });
    expect((await list('meta'))[0]!['custom_metadata']).toEqual({ owner: 'finance', stage: 'draft' });
    // Paths compare as Files.com compares them.
    expect((await find('META/Report.CSV'))['custom_metadata']).toEqual({ owner: 'finance', stage: 'draft' });
  });

  it('on folders too ("Update File/Folder Metadata"), on a derived file, and sent form-encoded (custom_metadata[key]=value)', async () => {
    const folder = (await list('')).find((r) => r.type === 'directory')!;
    expect((await patch(folder.path, { custom_metadata: { team: 'ops' } })).status).toBe(200);
    expect((await find(folder.path))['custom_metadata']).toEqual({ team: 'ops' });
    expect((await list('')).find((r) => r.path === folder.path)!['custom_metadata']).toEqual({ team: 'ops' });
    const derived = (await list(folder.path)).find((r) => r.type === 'file')!;
    const form = await h.api(`/files/${enc(derived.path)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'custom_metadata[source]=derived&custom_metadata[n]=7',
    });
    expect(form.status).toBe(200);
    expect((await find(derived.path))['custom_metadata']).toEqual({ source: 'derived', n: '7' });
    // The derived file is otherwise unchanged.
    expect(await find(derived.path)).toMatchObject({ md5: derived.md5, size: derived.size, mtime: derived['mtime'], created_at: derived['created_at'] });
  });

  it('the map sent replaces the one held (no documented way to delete a single key; {} or null clears it); values are stored as text; a PATCH without custom_metadata keeps it', async () => {
    await upload('meta/replace.txt', bytes(10));
    await patch('meta/replace.txt', { custom_metadata: { a: '1', b: '2' } });
    await patch('meta/replace.txt', { custom_metadata: { b: '3', c: true, d: 4.5, e: null } });
    expect((await find('meta/replace.txt'))['custom_metadata']).toEqual({ b: '3', c: 'true', d: '4.5' });
    await patch('meta/replace.txt', { priority_color: 'blue' });
    expect((await find('meta/replace.txt'))['custom_metadata']).toEqual({ b: '3', c: 'true', d: '4.5' });
    await patch('meta/replace.txt', { custom_metadata: {} });
    expect((await find('meta/replace.txt'))['custom_metadata']).toEqual({});
    await patch('meta/replace.txt', { custom_metadata: { z: 'z' } });
    await patch('meta/replace.txt', { custom_metadata: null });
    expect((await find('meta/replace.txt'))['custom_metadata']).toEqual({});
  });

  it('the documented limits: 32 keys, 256 characters per key, 1024 per value; over them a 422 processing-failure/model-save-error and nothing changes', async () => {
    await upload('meta/limits.txt', bytes(10));
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect((await patch('meta/limits.txt', { custom_metadata: keys(32) })).status).toBe(200);
    expect(Object.keys((await find('meta/limits.txt'))['custom_metadata'] as Rec)).toHaveLength(32);
    await expectError(await patch('meta/limits.txt', { custom_metadata: keys(33), priority_color: 'red' }), 422, 'processing-failure/model-save-error');
    const atLimit = { ['é'.repeat(256)]: 'x'.repeat(1024) };
    expect((await patch('meta/limits.txt', { custom_metadata: atLimit })).status).toBe(200);
    await expectError(await patch('meta/limits.txt', { custom_metadata: { ['k'.repeat(257)]: 'v' } }), 422, 'processing-failure/model-save-error');
    await expectError(await patch('meta/limits.txt', { custom_metadata: { k: 'x'.repeat(1025) } }), 422, 'processing-failure/model-save-error');
    const after = await find('meta/limits.txt', '?with_priority_color=true');
    expect(after['custom_metadata']).toEqual(atLimit);
    expect(after['priority_color']).toBeNull();
  });

  it('custom_metadata that is not a map of text is a 400 bad-request/request-params-invalid', async () => {
    await upload('meta/shape.txt', bytes(10));
    await expectError(await patch('meta/shape.txt', { custom_metadata: 'owner=finance' }), 400, 'bad-request/request-params-invalid');
    await expectError(await patch('meta/shape.txt', { custom_metadata: ['a'] }), 400, 'bad-request/request-params-invalid');
    await expectError(await patch('meta/shape.txt', { custom_metadata: { a: { nested: 'x' } } }), 400, 'bad-request/request-params-invalid');
    expect((await find('meta/shape.txt'))['custom_metadata']).toEqual({});
  });

  it('goes with a move and a copy, and is gone when the path is deleted or written anew', async () => {
    await upload('meta/moving/a.txt', bytes(10, 1));
    await upload('meta/moving/sub/b.txt', bytes(10, 2));
    await patch('meta/moving', { custom_metadata: { level: 'folder' } });
    await patch('meta/moving/sub/b.txt', { custom_metadata: { level: 'file' }, priority_color: 'green' });

    const copy = await json(h.api(`/file_actions/copy/${enc('meta/moving')}`, { method: 'POST', json: { destination: 'meta/copied' } }));
    clock += 1_000; // a folder's copy completes after migrationMs (1 s by default)
    expect(await h.client.fileMigrations.wait(copy as { status: string; file_migration_id: number })).toMatchObject({ status: 'complete' });
    expect((await find('meta/copied'))['custom_metadata']).toEqual({ level: 'folder' });
    expect(await find('meta/copied/sub/b.txt', '?with_priority_color=1')).toMatchObject({ custom_metadata: { level: 'file' }, priority_color: 'green' });
    expect((await find('meta/moving/sub/b.txt'))['custom_metadata']).toEqual({ level: 'file' });

    expect((await h.api(`/file_actions/move/${enc('meta/moving/sub/b.txt')}`, { method: 'POST', json: { destination: 'meta/moved.txt' } })).status).toBe(201);
    expect((await find('meta/moved.txt'))['custom_metadata']).toEqual({ level: 'file' });

    // Deleted, then created again: a new record.
    expect((await h.api(`/files/${enc('meta/copied')}`, { method: 'DELETE', json: { recursive: true } })).status).toBe(204);
    expect((await h.api(`/folders/${enc('meta/copied')}`, { method: 'POST' })).status).toBe(201);
    expect((await find('meta/copied'))['custom_metadata']).toEqual({});
    // Uploaded again over itself (the clock has not moved): a new record, without the old metadata.
    await upload('meta/moved.txt', bytes(5));
    expect((await find('meta/moved.txt'))['custom_metadata']).toEqual({});
  });

  it(`search_custom_metadata_key (docs: "${DOCS.searchMetadataKey}"): values containing the search, case-sensitively`, async () => {
    await upload('tagged/one.txt', bytes(3));
    await upload('tagged/two.txt', bytes(3));
    await upload('tagged/three.txt', bytes(3));
    await patch('tagged/one.txt', { custom_metadata: { customer: 'ACME-123', region: 'eu' } });
    await patch('tagged/two.txt', { custom_metadata: { customer: 'Initech-9' } });
    await patch('tagged/three.txt', { custom_metadata: { note: 'for ACME' } });
    const names = (records: FileRecord[]) => records.map((r) => r.path).sort();
    expect(names(await list('tagged', '?search=ACME&search_custom_metadata_key=customer'))).toEqual(['tagged/one.txt']);
    expect(names(await list('tagged', '?search=ACME&search_custom_metadata_key=*'))).toEqual(['tagged/one.txt', 'tagged/three.txt']);
    expect(names(await list('tagged', '?search=acme&search_custom_metadata_key=*'))).toEqual([]);
    // Without the key, `search` searches names, as before.
    expect(names(await list('tagged', '?search=o'))).toEqual(['tagged/one.txt', 'tagged/two.txt']);
  });
});

describe(`item 7: priority_color (docs: "${DOCS.priorityColor}"; "${DOCS.withPriorityColor}")`, () => {
  it('with_priority_color=true includes priority_color (null when none is set); PATCH stores it for finds, downloads and listings', async () => {
    const file = await upload('colors/a.txt', bytes(10));
    expect(await find(file.path, '?with_priority_color=true')).toMatchObject({ priority_color: null });
    const res = await patch(file.path, { priority_color: 'red' });
    expect(res.status).toBe(200);
    expect(await find(file.path, '?with_priority_color=true')).toMatchObject({ priority_color: 'red' });
    expect(await json(h.api(`/files/${enc(file.path)}?with_priority_color=true`))).toMatchObject({ priority_color: 'red' });
    expect((await list('colors', '?with_priority_color=true'))[0]).toMatchObject({ path: 'colors/a.txt', priority_color: 'red' });
    expect((await list('', '?with_priority_color=true')).find((r) => r.path === 'colors')).toMatchObject({ priority_color: null });
    // Not asked for: not sent.
    expect(await find(file.path)).not.toHaveProperty('priority_color');
    expect((await list('colors'))[0]).not.toHaveProperty('priority_color');
  });

  it('an unknown color is a 422 processing-failure/invalid-priority-color (a spec error type); an empty one clears it', async () => {
    await upload('colors/b.txt', bytes(10));
    await patch('colors/b.txt', { priority_color: 'pink' });
    await expectError(await patch('colors/b.txt', { priority_color: 'chartreuse' }), 422, 'processing-failure/invalid-priority-color');
    expect(await find('colors/b.txt', '?with_priority_color=true')).toMatchObject({ priority_color: 'pink' });
    expect((await patch('colors/b.txt', { priority_color: '' })).status).toBe(200);
    expect(await find('colors/b.txt', '?with_priority_color=true')).toMatchObject({ priority_color: null });
  });
});

describe(`item 7: provided_mtime by PATCH (spec: a PATCH /files/{path} parameter; docs: "${DOCS.providedMtime}")`, () => {
  it('on a file and on a folder (a folder\'s was dropped); the folder listing sorts by it', async () => {
    await upload('mtimes/f.txt', bytes(4));
    await h.api('/folders/mtimes%2Fold', { method: 'POST' });
    await h.api('/folders/mtimes%2Fnew', { method: 'POST' });
    expect((await patch('mtimes/f.txt', { provided_mtime: '2001-02-03T04:05:06Z' })).status).toBe(200);
    expect((await find('mtimes/f.txt'))['provided_mtime']).toBe('2001-02-03T04:05:06Z');
    const res = await patch('mtimes/old', { provided_mtime: '1999-01-01T00:00:00Z', custom_metadata: { k: 'v' } });
    expect(await json(res)).toMatchObject({ provided_mtime: '1999-01-01T00:00:00Z', custom_metadata: { k: 'v' } });
    await patch('mtimes/new', { provided_mtime: '2010-01-01T00:00:00Z' });
    expect((await find('mtimes/old'))['provided_mtime']).toBe('1999-01-01T00:00:00Z');
    const sorted = await list('mtimes', `?${enc('sort_by[provided_modified_at]')}=desc`);
    expect(sorted.map((r) => r.path)).toEqual(['mtimes/new', 'mtimes/old', 'mtimes/f.txt']);
  });
});

describe(`item 7: previews (docs: "${DOCS.withPreviews}"; "${DOCS.previewId}"; "${DOCS.preview}")`, () => {
  const uploads: Record<string, Uint8Array> = {
    'previews/photo.png': bytes(300, 1),
    'previews/scan.pdf': bytes(200, 2),
    'previews/notes.txt': bytes(50, 3),
    'previews/archive.zip': bytes(80, 4),
    'previews/empty.jpg': new Uint8Array(0),
  };
  beforeAll(async () => {
    for (const [path, content] of Object.entries(uploads)) await upload(path, content);
    await h.api('/folders/previews%2Fsub', { method: 'POST' });
  });

  it('with_previews=true on a folder listing: preview_id and a Preview for each file (id, status, download_uri, type, size)', async () => {
    const records = await list('previews', '?with_previews=true');
    const byName = Object.fromEntries(records.map((r) => [r.path.slice('previews/'.length), r]));
    for (const name of ['photo.png', 'scan.pdf', 'notes.txt', 'archive.zip', 'empty.jpg']) {
      const record = byName[name]!;
      expect(record['preview_id']).toEqual(expect.any(Number));
      expect(Number.isInteger(record['preview_id']) && (record['preview_id'] as number) > 0).toBe(true);
      const preview = record['preview'] as Rec;
      expect(Object.keys(preview)).toEqual(['id', 'status', 'download_uri', 'type', 'size']);
      expect(preview['id']).toBe(record['preview_id']);
      // Preview.md: "${DOCS.previewStatus}"
      expect(PREVIEW_STATUSES).toContain(preview['status']);
      expect(preview['size']).toBe('small'); // "`small` (default)"
    }
    // Previewable content: complete, of its type ("${DOCS.previewType}"), with a URL that serves it.
    expect(byName['photo.png']!['preview']).toMatchObject({ status: 'complete', type: 'image' });
    expect(byName['scan.pdf']!['preview']).toMatchObject({ status: 'complete', type: 'pdf' });
    expect(byName['notes.txt']!['preview']).toMatchObject({ status: 'complete', type: 'text' });
    for (const name of ['photo.png', 'scan.pdf', 'notes.txt']) {
      const type = (byName[name]!['preview'] as Rec)['type'];
      expect(PREVIEW_TYPES).toContain(type);
      const served = await fetch(String((byName[name]!['preview'] as Rec)['download_uri']));
      expect(served.status).toBe(200);
      expect(md5(new Uint8Array(await served.arrayBuffer()))).toBe(md5(uploads[`previews/${name}`]!));
    }
    // No preview of an archive, nor of an empty file.
    expect(byName['archive.zip']!['preview']).toMatchObject({ status: 'invalid', type: null, download_uri: null });
    expect(byName['empty.jpg']!['preview']).toMatchObject({ status: 'invalid', type: null, download_uri: null });
    // A folder has none.
    expect(byName['sub']).toMatchObject({ preview_id: null, preview: null });
    // Distinct per file, the same on every request.
    const ids = records.filter((r) => r.type === 'file').map((r) => r['preview_id']);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await list('previews', '?with_previews=true')).map((r) => r['preview_id'])).toEqual(records.map((r) => r['preview_id']));
  });

  it('with_previews on find (metadata) and download, with preview_size; the derived files have previews too', async () => {
    const listed = (await list('previews', '?with_previews=true')).find((r) => r.path === 'previews/photo.png')!;
    const found = await find('previews/photo.png', '?with_previews=true&preview_size=large');
    expect(found['preview_id']).toBe(listed['preview_id']);
    expect(found['preview']).toMatchObject({ id: listed['preview_id'], status: 'complete', type: 'image', size: 'large' });
    const download = await json<FileRecord>(h.api('/files/previews%2Fphoto.png?with_previews=true&preview_size=xlarge'));
    expect(download.download_uri).toEqual(expect.any(String));
    expect(download['preview']).toMatchObject({ id: listed['preview_id'], size: 'xlarge' });
    const stat = await json<FileRecord>(h.api('/files/previews%2Fphoto.png?action=stat&with_previews=1'));
    expect(stat['preview_id']).toBe(listed['preview_id']);

    const root = await list('', '?with_previews=true');
    const ours = new Set(['meta', 'colors', 'mtimes', 'previews', 'tagged', 'special', '_', 'Snapshots']);
    const derivedFolder = root.find((r) => r.type === 'directory' && !ours.has(r.path))!;
    const derived = (await list(derivedFolder.path, '?with_previews=true')).filter((r) => r.type === 'file');
    expect(derived.length).toBeGreaterThan(0);
    for (const record of derived) {
      expect((record['preview'] as Rec)['id']).toBe(record['preview_id']);
      expect(PREVIEW_STATUSES).toContain((record['preview'] as Rec)['status']);
    }
  });

  it(`preview_size outside the docs' list ("${DOCS.previewSize}") is a 400 bad-request/request-params-invalid`, async () => {
    await expectError(await h.api('/folders/previews?with_previews=true&preview_size=huge'), 400, 'bad-request/request-params-invalid');
    await expectError(await h.api('/file_actions/metadata/previews%2Fphoto.png?preview_size=tiny'), 400, 'bad-request/request-params-invalid');
  });

  it('without with_previews (or with false): no preview fields', async () => {
    for (const query of ['', '?with_previews=false']) {
      for (const record of [...(await list('previews', query)), await find('previews/photo.png', query)]) {
        expect(record).not.toHaveProperty('preview');
        expect(record).not.toHaveProperty('preview_id');
      }
    }
  });
});

// ------------------------------------------------------------------ item 12

describe(`item 12: the SDKs' special paths are refused (files-sdk-python files_sdk/models/file.py, condensed: ${DOCS.underscore}, roots "RemoteServers", "Snapshots", "Sites")`, () => {
  withSpec('the spec names no remote-server-not-found or snapshot-not-found error: the answer is 404 with the bare not-found type, as the API answered an unknown record id (Go SDK filemigration/fixtures/TestClient_Wait.yaml)', () => {
    const types = spec!.errors.map((e) => e.type);
    expect(types.filter((t) => /remote-server|snapshot|child-site/.test(t) && t.startsWith('not-found'))).toEqual([]);
    expect(types).not.toContain('not-found/snapshot-not-found');
    expect(types).not.toContain('not-found/remote-server-not-found');
  });

  const specials = ['_/Snapshots/42/report.csv', '_/RemoteServers/7/inbox/report.csv', '_/Sites/3/report.csv', '_/snapshots/42/lower-case.csv', '_/Snapshots/42', '_/Snapshots'];

  it('copy and move to a snapshot or remote server (the SDKs\' copy_to_snapshot, move_to_remote_server, ...) are refused, and create no folder _', async () => {
    const file = await upload('special/source.txt', bytes(20));
    for (const destination of specials) {
      for (const kind of ['copy', 'move']) {
        await expectError(await h.api(`/file_actions/${kind}/${enc(file.path)}`, { method: 'POST', json: { destination } }), 404, 'not-found');
      }
    }
    clock += 5_000;
    expect((await list('')).map((r) => r.path)).not.toContain('_');
    expect((await find(file.path)).md5).toBe(file.md5);
  });

  it('uploads (upload_to_snapshot and the others: put, begin_upload, end), mkdir, listing, find, download, PATCH, delete, copy and move of such a path: 404 not-found', async () => {
    const ok = await upload('special/ok.txt', bytes(5));
    for (const path of specials) {
      const p = enc(path);
      const answers: [string, Response][] = [
        ['put', await h.api(`/files/${p}`, { method: 'POST', json: { action: 'put', mkdir_parents: true } })],
        ['begin_upload', await h.api(`/file_actions/begin_upload/${p}`, { method: 'POST', json: { mkdir_parents: true, parts: 2 } })],
        ['end', await h.api(`/files/${p}`, { method: 'POST', json: { action: 'end', ref: 'put-anything' } })],
        ['mkdir', await h.api(`/folders/${p}`, { method: 'POST', json: { mkdir_parents: true } })],
        ['list', await h.api(`/folders/${p}`)],
        ['find', await h.api(`/file_actions/metadata/${p}`)],
        ['download', await h.api(`/files/${p}`)],
        ['update', await h.api(`/files/${p}`, { method: 'PATCH', json: { custom_metadata: { a: 'b' } } })],
        ['delete', await h.api(`/files/${p}`, { method: 'DELETE', json: { recursive: true } })],
        ['copy', await h.api(`/file_actions/copy/${p}`, { method: 'POST', json: { destination: 'special/from-snapshot.txt' } })],
        ['move', await h.api(`/file_actions/move/${p}`, { method: 'POST', json: { destination: 'special/from-snapshot.txt' } })],
      ];
      for (const [what, res] of answers) {
        const error = await errorOf(res);
        expect([path, what, error.status, error.type]).toEqual([path, what, 404, 'not-found']);
      }
    }
    expect((await list('')).map((r) => r.path)).not.toContain('_');
    expect((await list('special')).map((r) => r.path)).toEqual([ok.path, 'special/source.txt'].sort());
  });

  it('a plain folder named _ is kept: created, uploaded into, listed, moved into, deleted; and Snapshots/1 below any other folder is an ordinary path', async () => {
    expect((await h.api('/folders/_', { method: 'POST' })).status).toBe(201);
    await upload('_/plain.txt', bytes(7));
    await upload('_/other/deep.txt', bytes(8), { mkdir_parents: true });
    await upload('special/_/Snapshots/1/nested.txt', bytes(9));
    await upload('Snapshots/1/top.txt', bytes(9));
    expect((await list('_')).map((r) => r.path)).toEqual(['_/other', '_/plain.txt']);
    expect((await list('')).map((r) => r.path)).toContain('_');
    expect((await list('special/_/Snapshots/1')).map((r) => r.path)).toEqual(['special/_/Snapshots/1/nested.txt']);
    expect((await list('Snapshots/1')).map((r) => r.path)).toEqual(['Snapshots/1/top.txt']);
    expect((await patch('_/plain.txt', { custom_metadata: { plain: 'yes' } })).status).toBe(200);
    expect((await h.api(`/file_actions/move/${enc('_/plain.txt')}`, { method: 'POST', json: { destination: '_/other/plain.txt' } })).status).toBe(201);
    expect((await find('_/other/plain.txt'))['custom_metadata']).toEqual({ plain: 'yes' });
    expect((await h.api('/files/_', { method: 'DELETE', json: { recursive: true } })).status).toBe(204);
    expect((await list('')).map((r) => r.path)).not.toContain('_');
  });
});
