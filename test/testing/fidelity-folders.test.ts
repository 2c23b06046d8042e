// Issue #21, "The emulator as faithful as the official SDKs need": the folder listing
// (`GET /folders/{path}`) and folder paths as the official SDK docs describe them.
//
// Item 1: the `type` filter takes `folder` or `file`.
// Item 2: a path with a name ending in white space is refused, not trimmed (emulator and client).
// Item 3: `search_all`, `search` and `modified_at_datetime` as documented.
//
// The words quoted below are the official SDKs' parameter docs for `Folder.listFor`, the same
// in the JS SDK (Files-com/files-sdk-javascript, src/models/Folder.js and docs/models/Folder.md,
// v1.2.722, the version ../shared/filescom-api/spec.json was extracted from) and the Python SDK
// (Files-com/files-sdk-python, files_sdk/models/folder.py and docs/folder.md, v1.6.456).
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesApiError, normalizePath, toComparable } from '../../src/index.js';
import { errorOf, startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { hasShared, readShared } from '../helpers/shared.js';

type Rec = { path: string; display_name: string; type: string; mtime: string };

const SPEC = 'filescom-api/spec.json';

const DOCS = {
  type: '`type` (string): Type of objects to return.  Can be `folder` or `file`.',
  search:
    '`search` (string): If specified, will search the folders/files list by name. Ignores text before last `/`.',
  searchAll:
    '`search_all` (boolean): Search entire site?  If true, we will search the entire site.  Do not provide a path when using this parameter.',
  modifiedAt:
    '`modified_at_datetime` (string): If provided, will only return files/folders modified after this time. Can be used only in combination with `type` filter.',
} as const;

let h: TestEmulator;
let clock = Date.UTC(2025, 5, 1);
/** Every file and folder of the site, from plain listings (no filter), parents before children. */
let everything: Rec[];

async function listAll(folder: string): Promise<Rec[]> {
  return (await h.walk(`/folders/${encodeURIComponent(folder)}`, 1000)).records as unknown as Rec[];
}

async function tree(folder: string): Promise<Rec[]> {
  const out: Rec[] = [];
  for (const entry of await listAll(folder)) {
    out.push(entry);
    if (entry.type === 'directory') out.push(...(await tree(entry.path)));
  }
  return out;
}

const paths = (records: readonly Rec[]) => records.map((r) => r.path);
const sorted = (list: readonly string[]) => [...list].sort();
const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

beforeAll(async () => {
  h = await startEmulator({ seed: 11, files: 300, folderFanout: 3, filesPerFolder: 7, now: () => clock });
  everything = await tree('');
});
afterAll(() => h.close());

// ------------------------------------------------------------------ item 1: type

describe(`item 1: the listing's type filter (Folder.listFor docs: "${DOCS.type}")`, () => {
  it('type=folder lists only the folders, all of them', async () => {
    const root = await listAll('');
    const folders = root.filter((r) => r.type === 'directory');
    expect(folders.length).toBeGreaterThan(0);
    const listed = (await h.walk('/folders/?type=folder', 2)).records as unknown as Rec[];
    expect(paths(listed)).toEqual(paths(folders));
  });

  it('type=file lists only the files, all of them', async () => {
    const folder = everything.find((r) => r.type === 'directory')!.path;
    const all = await listAll(folder);
    const files = all.filter((r) => r.type === 'file');
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThan(all.length);
    const listed = (await h.walk(`/folders/${encodeURIComponent(folder)}?type=file`, 3)).records as unknown as Rec[];
    expect(paths(listed)).toEqual(paths(files));
  });

  it('type=directory, a value the docs do not list (they say `folder`; `directory` is only what a File record\'s own `type` says), is a 400 bad-request/request-params-invalid', async () => {
    const res = await h.api('/folders/?type=directory');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).type).toBe('bad-request/request-params-invalid');
  });

  it.each(['nonsense', 'Folder', 'files', 'all'])('type=%s is a 400 bad-request/request-params-invalid, not an empty 200', async (value) => {
    const res = await h.api(`/folders/?type=${value}`);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).type).toBe('bad-request/request-params-invalid');
  });
});

// ------------------------------------------------------------------ item 2: trailing white space

/**
 * The API's error, as the official Ruby SDK's tests quote a real answer
 * (Files-com/files-sdk-ruby, spec/lib/api_client_spec.rb): `"error": "The request parameter
 * path cannot have trailing whitespace: .   /+testing previews.", "http-code": 400,
 * "type": "bad-request/path-cannot-have-trailing-whitespace"`. The name that ends in white
 * space there (`.   `) is not the last one: the rule is about every name of the path.
 */
const TRAILING = 'bad-request/path-cannot-have-trailing-whitespace';

describe('item 2: a folder path with a name ending in white space is refused with 400 bad-request/path-cannot-have-trailing-whitespace (spec `errors`; the Ruby SDK quotes the API: "The request parameter path cannot have trailing whitespace: .   /+testing previews.", http-code 400)', () => {
  it.each([' ', '  ', '\t', '\n', '\r\n'])('listing an existing folder as its name + %j is refused, not trimmed to the folder', async (ws) => {
    const folder = everything.find((r) => r.type === 'directory')!.path;
    expect((await h.api(`/folders/${encodeURIComponent(folder)}`)).status).toBe(200);
    const res = await h.api(`/folders/${encodeURIComponent(folder + ws)}`);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).type).toBe(TRAILING);
  });

  it('a name ending in white space anywhere in the path is refused (`a /b`), on the listing and on creation', async () => {
    const folder = everything.find((r) => r.type === 'directory')!.path;
    const child = everything.find((r) => r.type === 'directory' && r.path.startsWith(`${folder}/`))!.path;
    const spaced = `${folder} ${child.slice(folder.length)}`;
    const listed = await h.api(`/folders/${encodeURIComponent(spaced)}`);
    expect(listed.status).toBe(400);
    expect((await errorOf(listed)).type).toBe(TRAILING);
    const made = await h.api(`/folders/${encodeURIComponent('ws-parent /child')}`, { method: 'POST', json: { mkdir_parents: true } });
    expect(made.status).toBe(400);
    expect((await errorOf(made)).type).toBe(TRAILING);
    expect(paths(await listAll('')).filter((p) => p.startsWith('ws-parent'))).toEqual([]);
  });

  it('creating a folder whose name ends in white space is refused and creates nothing', async () => {
    const res = await h.api(`/folders/${encodeURIComponent('ws-new ')}`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).type).toBe(TRAILING);
    expect(paths(await listAll('')).filter((p) => p.startsWith('ws-new'))).toEqual([]);
  });

  it('white space at the start of a name or inside it is kept as sent, and is no error', async () => {
    const made = await h.api(`/folders/${encodeURIComponent(' lead/in side')}`, { method: 'POST', json: { mkdir_parents: true } });
    expect(made.status, await made.clone().text()).toBe(201);
    expect(((await made.json()) as Rec).path).toBe(' lead/in side');
    expect(paths(await listAll(' lead'))).toEqual([' lead/in side']);
  });

  it('an upload into a folder whose name ends in white space is refused (the store refuses the parent, whichever route asks)', async () => {
    const res = await h.api(`/file_actions/begin_upload/${encodeURIComponent('ws-upload /f.txt')}`, { method: 'POST', json: { mkdir_parents: true } });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).type).toBe(TRAILING);
    expect(paths(await listAll('')).filter((p) => p.startsWith('ws-upload'))).toEqual([]);
  });
});

describe('item 2, the client: files-stream never trims a path it sends (the official JS SDK\'s `pathNormalizer.normalize` does not either: it removes NUL bytes, reads `\\` as `/`, drops `.`, `..` and empty names, and keeps trailing white space)', () => {
  it.each([
    ['a/b.txt ', 'a/b.txt '],
    ['a/b.txt\t', 'a/b.txt\t'],
    ['a/b.txt\r\n', 'a/b.txt\r\n'],
    ['/reports /2024/', 'reports /2024'],
    ['a/b/ ', 'a/b/ '],
  ])('normalizePath(%j) is %j: trailing white space is kept', (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });

  it('the official JS SDK\'s normalize keeps it too (node_modules/files.com/lib/utils/pathNormalizer.js)', () => {
    const sdk = createRequire(import.meta.url)('files.com/lib/utils/pathNormalizer.js') as {
      normalize(path: string): string;
      normalizeForComparison(path: string): string;
    };
    for (const path of ['a/b.txt ', 'a/b.txt\t', 'reports /2024', 'reports /2024/q1.csv\r\n']) {
      expect(normalizePath(path)).toBe(sdk.normalize(path));
      expect(toComparable(path)).toBe(sdk.normalizeForComparison(path));
    }
  });

  it('comparison still folds it away (conformance vector ["space_at_end ", "space_at_end"]): two paths that differ only by it are the same file', () => {
    expect(toComparable('space_at_end ')).toBe('space_at_end');
    expect(toComparable('a/b/c.txt\r')).toBe('a/b/c.txt');
    expect(toComparable('a/b/ ')).toBe('a/b');
  });

  it('client.folders.listFor("<folder> ") sends the white space and gets the API\'s error, not the folder\'s listing', async () => {
    const folder = everything.find((r) => r.type === 'directory')!.path;
    const error = await h.client.folders
      .listFor(`${folder} `)
      .toArray()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(FilesApiError);
    expect((error as FilesApiError).status).toBe(400);
    expect((error as FilesApiError).type).toBe(TRAILING);
  });

  it('client.folders.walk("<folder> ") is refused the same way', async () => {
    const folder = everything.find((r) => r.type === 'directory')!.path;
    const error = await h.client.folders
      .walk(`${folder} `)
      .toArray()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(FilesApiError);
    expect((error as FilesApiError).type).toBe(TRAILING);
  });
});

// ------------------------------------------------------------------ item 3: search_all, search, modified_at_datetime

describe(`item 3: search_all (Folder.listFor docs: "${DOCS.searchAll}")`, () => {
  /** A name fragment (in upper case: the search ignores case) that matches entries of this type two or more folders down. */
  function fragment(type: 'directory' | 'file'): string {
    const deep = everything.filter((r) => r.type === type && r.path.split('/').length >= 3);
    expect(deep.length).toBeGreaterThan(0);
    const name = nameOf(deep[0]!.path);
    return name.slice(0, name.indexOf('-')).toUpperCase();
  }

  it('search_all=true with search on the root searches the entire site: every file and folder at any depth whose name contains it', async () => {
    const term = fragment('directory');
    const expected = everything.filter((r) => nameOf(r.path).toLowerCase().includes(term.toLowerCase()));
    expect(expected.some((r) => r.path.split('/').length >= 3)).toBe(true);
    const { records } = await h.walk(`/folders/?search_all=true&search=${encodeURIComponent(term)}`, 5);
    const found = records as unknown as Rec[];
    expect(sorted(paths(found))).toEqual(sorted(paths(expected)));
    // Folders before files, as every folder listing.
    const types = found.map((r) => r.type);
    expect(types.lastIndexOf('directory')).toBeLessThan(types.indexOf('file') === -1 ? Infinity : types.indexOf('file'));
    // The root itself is sent as `/` by the SDKs, as `%2F` by files-stream.
    const slash = (await h.walk(`/folders/%2F?search_all=true&search=${encodeURIComponent(term)}`, 1000)).records as unknown as Rec[];
    expect(paths(slash)).toEqual(paths(found));
  });

  it('search_all=true combines with type=file', async () => {
    const term = fragment('file');
    const expected = everything.filter((r) => r.type === 'file' && nameOf(r.path).toLowerCase().includes(term.toLowerCase()));
    expect(expected.some((r) => r.path.split('/').length >= 3)).toBe(true);
    const { records } = await h.walk(`/folders/?search_all=true&type=file&search=${encodeURIComponent(term)}`, 1000);
    expect(sorted(paths(records as unknown as Rec[]))).toEqual(sorted(paths(expected)));
  });

  it('search_all=true on a child path ("Do not provide a path when using this parameter") is a 400 bad-request/search-all-on-child-path', async () => {
    const folder = everything.find((r) => r.type === 'directory')!.path;
    const res = await h.api(`/folders/${encodeURIComponent(folder)}?search_all=true&search=a`);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).type).toBe('bad-request/search-all-on-child-path');
  });

  it('search_all=false on a child path is the plain listing of that folder', async () => {
    const folder = everything.find((r) => r.type === 'directory')!.path;
    const res = await h.api(`/folders/${encodeURIComponent(folder)}?search_all=false`);
    expect(res.status).toBe(200);
    expect(paths((await res.json()) as Rec[])).toEqual(paths(await listAll(folder)));
  });
});

describe(`item 3: search (Folder.listFor docs: "${DOCS.search}")`, () => {
  it('text before the last `/` of the search is ignored', async () => {
    const folder = everything.find((r) => r.type === 'directory')!.path;
    const all = await listAll(folder);
    const term = nameOf(all.find((r) => r.type === 'file')!.path).slice(0, 4);
    const plain = (await h.walk(`/folders/${encodeURIComponent(folder)}?search=${encodeURIComponent(term)}`, 1000)).records as unknown as Rec[];
    expect(plain.length).toBeGreaterThan(0);
    expect(paths(plain)).toEqual(paths(all.filter((r) => nameOf(r.path).toLowerCase().includes(term.toLowerCase()))));
    const prefixed = (await h.walk(`/folders/${encodeURIComponent(folder)}?search=${encodeURIComponent(`no/such/folder/${term}`)}`, 1000)).records as unknown as Rec[];
    expect(paths(prefixed)).toEqual(paths(plain));
  });
});

describe(`item 3: modified_at_datetime (Folder.listFor docs: "${DOCS.modifiedAt}")`, () => {
  it('with type=file: only the files modified after that time', async () => {
    const folder = everything.find((r) => r.type === 'directory')!.path;
    const files = (await listAll(folder)).filter((r) => r.type === 'file');
    expect(files.length).toBeGreaterThan(2);
    const times = [...new Set(files.map((f) => f.mtime))].sort();
    const cut = times[Math.floor(times.length / 2)]!;
    const expected = files.filter((f) => f.mtime > cut);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(files.length);
    const { records } = await h.walk(`/folders/${encodeURIComponent(folder)}?type=file&modified_at_datetime=${encodeURIComponent(cut)}`, 2);
    // "after": an entry modified at exactly that second (as its `mtime` says) is not listed.
    expect(paths(records as unknown as Rec[])).toEqual(paths(expected));
  });

  it('with type=folder: only the folders modified after that time (a folder made now is; the seeded ones, older, are not)', async () => {
    clock = Date.UTC(2025, 6, 1);
    const made = await h.api(`/folders/${encodeURIComponent('modified-later')}`, { method: 'POST' });
    expect(made.status).toBe(201);
    const { records } = await h.walk(`/folders/?type=folder&modified_at_datetime=${encodeURIComponent('2025-06-15T00:00:00Z')}`, 1000);
    expect(paths(records as unknown as Rec[])).toEqual(['modified-later']);
  });

  it('without type ("Can be used only in combination with `type` filter") is a 400 bad-request/request-params-required', async () => {
    const res = await h.api(`/folders/?modified_at_datetime=${encodeURIComponent('2024-01-01T00:00:00Z')}`);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).type).toBe('bad-request/request-params-required');
  });

  it('a value that is no date-time is a 400 bad-request/datetime-parse', async () => {
    const res = await h.api('/folders/?type=file&modified_at_datetime=yesterday');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).type).toBe('bad-request/datetime-parse');
  });
});

// ------------------------------------------------------------------ the spec says what the tests above rely on

interface SpecParam {
  readonly name: string;
  readonly type: string;
  readonly in: string;
  readonly enumLike?: readonly string[];
}
interface SpecOperation {
  readonly method: string;
  readonly path: string;
  readonly params: readonly SpecParam[];
}

describe.skipIf(!hasShared(SPEC))(`the spec (../shared/${SPEC}) lists what these tests rely on (skipped: ../shared/${SPEC} not found)`, () => {
  const spec = hasShared(SPEC) ? readShared<{ operations: SpecOperation[]; errors: { type: string }[] }>(SPEC) : undefined;
  const listFor = spec?.operations.find((o) => o.method === 'GET' && o.path === '/folders/{path}');
  const param = (name: string) => listFor?.params.find((p) => p.name === name);

  it('GET /folders/{path} takes type (`folder` or `file`), search, search_all and modified_at_datetime in the query', () => {
    expect(param('type')).toMatchObject({ type: 'string', in: 'query', enumLike: ['folder', 'file'] });
    expect(param('search')).toMatchObject({ type: 'string', in: 'query' });
    expect(param('search_all')).toMatchObject({ type: 'boolean', in: 'query' });
    expect(param('modified_at_datetime')).toMatchObject({ type: 'string', in: 'query' });
  });

  it('every error type these tests expect is one of the spec\'s', () => {
    const types = new Set(spec!.errors.map((e) => e.type));
    for (const type of [TRAILING, 'bad-request/search-all-on-child-path', 'bad-request/request-params-invalid', 'bad-request/request-params-required', 'bad-request/datetime-parse']) {
      expect(types.has(type), type).toBe(true);
    }
  });
});
