// Issue #21: the official SDKs as a test. The official JS SDK (`files.com`, a dev dependency)
// runs its documented flows against the emulator over the network: the emulator serves
// HTTPS with a self-signed certificate (`listen({ tls })`), which the SDK's process trusts
// through NODE_EXTRA_CA_CERTS, so the SDK's own `downloadToFile` (Node's `https.get` only)
// fetches the presigned `download_uri`. Each flow is written in official-js-sdk-worker.mjs as
// the SDK's README.md or docs/models/*.md shows it; the test names quote the section. The
// SDK's configuration is process-global, so the flows run one after the other in one process
// of their own (which resets the globals after every flow and ends with the file).
//
// The Python SDK's one difference the JS SDK cannot show, its key check (`api_key.isalnum()`
// before sending anything), is tested as a rule in test/testing/fidelity-default-key.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationCount } from '../helpers/emulator.js';
import { startSdkHarness, type SdkError, type SdkHarness } from './sdk-harness.js';

type Rec = Record<string, unknown>;
type UserRecord = { id: number; username: string; site_admin: boolean; disabled: boolean; last_login_at: string | null };
type FileRecord = { path: string; type: string; size: number; md5: string | null };

const PER_PAGE = 7;
const PART_SIZE = 1024 * 1024;
/** How long the emulator takes to copy or move a folder: long enough that the waiting loop's first look finds it pending. */
const MIGRATION_MS = 800;
/** A sign-in password: the emulator takes any non-empty one (src/testing/resources/sessions.ts). */
const PASSWORD = 'pw';

let h: SdkHarness;
let users: UserRecord[];

beforeAll(async () => {
  h = await startSdkHarness({ seed: 21, users: 45, files: 80, folderFanout: 3, filesPerFolder: 5, uploadPartSize: PART_SIZE, migrationMs: MIGRATION_MS });
  // The README's filter examples look for usernames starting with "test": two such users
  // who are not site admins, and one who is.
  for (const [username, site_admin] of [['testadmin', true], ['testuser1', false], ['testuser2', false]] as const) {
    const res = await h.api('/users', { method: 'POST', json: { username, site_admin } });
    expect(res.status, await res.clone().text()).toBe(201);
  }
  users = await h.walk<UserRecord>('/users');
});
afterAll(() => h?.close());

const ids = (records: readonly { id: number }[]) => records.map((r) => r.id);
const json = async <T = Rec>(res: Response | Promise<Response>): Promise<T> => (await (await res).json()) as T;
const enc = encodeURIComponent;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Runs a flow that catches the error it expects (`errorOf` in the worker): that error, as the SDK's process described it. */
function sdkError(flow: string, args: Rec = {}): Promise<SdkError> {
  return h.run<SdkError>(flow, args);
}

/** The bytes of a file on the emulator, fetched in this process (its `download_uri`, served by `emulator.fetch`). */
async function contentOf(path: string): Promise<Buffer> {
  const { download_uri } = await json<{ download_uri: string }>(h.api(`/files/${enc(path)}`));
  const res = await h.emulator.fetch(download_uri);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

/** Every entry below `folder`, depth first, as [path relative to it, type, md5]. */
async function tree(folder: string): Promise<[string, string, string | null][]> {
  const out: [string, string, string | null][] = [];
  const visit = async (path: string): Promise<void> => {
    for (const entry of await h.walk<FileRecord>(`/folders/${enc(path)}`)) {
      out.push([entry.path.slice(folder.length), entry.type, entry.md5]);
      if (entry.type === 'directory') await visit(entry.path);
    }
  };
  await visit(folder);
  return out;
}

async function rootEntries(): Promise<FileRecord[]> {
  return h.walk<FileRecord>('/folders/');
}

describe('README "Pagination": "The Files.com JavaScript SDK automatically paginates through lists of objects by default."', () => {
  it(`User.list({ per_page: ${PER_PAGE} }) returns every user, one request per page, following the x-files-cursor header`, async () => {
    h.emulator.resetLog();
    const listed = await h.run<number[]>('listUsersAutoPaging', { perPage: PER_PAGE });
    const pages = Math.ceil(users.length / PER_PAGE);
    expect(operationCount(h.emulator, 'users.list')).toBe(pages);
    expect(pages).toBeGreaterThan(5);
    expect(listed).toEqual(ids(users));
  });

  it('Folder.listFor(path) then `for (const file of files)`: the root ("/"), folders before files, every page', async () => {
    h.emulator.resetLog();
    const listed = await h.run<[string, string][]>('listFolderAutoPaging', { path: '/', perPage: 4 });
    const expected = await rootEntries();
    expect(operationCount(h.emulator, 'folders.listFor')).toBeGreaterThan(2);
    expect(listed).toEqual(expected.map((f) => [f.path, f.type]));
    const firstFile = listed.findIndex(([, type]) => type === 'file');
    expect(firstFile).toBeGreaterThan(0);
    expect(listed.slice(firstFile).every(([, type]) => type === 'file')).toBe(true);
  });

  it('and a subfolder', async () => {
    const folder = (await rootEntries()).find((f) => f.type === 'directory')!.path;
    const listed = await h.run<[string, string][]>('listFolderAutoPaging', { path: folder, perPage: 2 });
    expect(listed).toEqual((await h.walk<FileRecord>(`/folders/${enc(folder)}`)).map((f) => [f.path, f.type]));
    expect(listed.length).toBeGreaterThan(2);
  });
});

describe('README "Sort and Filter"', () => {
  it('"Sort Example": `sort_by: { username: "asc" }`, users sorted by username in ascending order', async () => {
    const names = await h.run<string[]>('sortUsersByUsername');
    expect(names).toHaveLength(users.length);
    expect(names).toEqual([...names].sort());
    expect(new Set(names)).toEqual(new Set(users.map((u) => u.username)));
  });

  it('"Exact Filter Example": `filter: { not_site_admin: true }`, users who are not site admins', async () => {
    const listed = await h.run<number[]>('filterNotSiteAdmin');
    const expected = users.filter((u) => u.site_admin !== true);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(users.length);
    expect(listed).toEqual(ids(expected));
  });

  it('"Range Filter Example": `filter_gteq: { last_login_at: "2024-01-01" }`', async () => {
    const listed = await h.run<number[]>('filterRange');
    const expected = users.filter((u) => u.last_login_at !== null && Date.parse(u.last_login_at) >= Date.parse('2024-01-01T00:00:00Z'));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(users.length); // the users made above last logged in in 2000
    expect(listed).toEqual(ids(expected));
  });

  it('"Pattern Filter Example": `filter_prefix: { username: "test" }`, users whose usernames start with "test"', async () => {
    const listed = await h.run<string[]>('filterPrefix');
    expect(listed.sort()).toEqual(['testadmin', 'testuser1', 'testuser2']);
  });

  it('"Combination Filter with Sort Example": filter_prefix, `filter: { not_site_admin: true }` and `sort_by: { last_login_at: "asc" }`', async () => {
    const listed = await h.run<{ username: string; last_login_at: string }[]>('filterCombinationWithSort');
    expect(listed.map((u) => u.username).sort()).toEqual(['testuser1', 'testuser2']);
    const times = listed.map((u) => Date.parse(u.last_login_at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('docs/models/User.md: "Create User", then `const user = await User.find(id)` and "Update User", "Delete User"', () => {
  let id: number;

  it('User.create({ username, email, name })', async () => {
    const created = await h.run<{ id: number; username: string; email: string; name: string; className: string }>('createUser', { username: 'sdk.user', email: 'sdk.user@example.com', name: 'Sdk User' });
    expect(created).toMatchObject({ username: 'sdk.user', email: 'sdk.user@example.com', name: 'Sdk User', className: 'User' });
    id = created.id;
    expect(await json(h.api(`/users/${id}`))).toMatchObject({ id, username: 'sdk.user', email: 'sdk.user@example.com', name: 'Sdk User' });
  });

  it('user.update({ name, company })', async () => {
    expect(await h.run('updateUser', { id, name: 'John Doe', company: 'ACME Corp.' })).toEqual({ id, name: 'John Doe', company: 'ACME Corp.' });
    expect(await json(h.api(`/users/${id}`))).toMatchObject({ id, username: 'sdk.user', name: 'John Doe', company: 'ACME Corp.' });
  });

  it('user.delete()', async () => {
    expect(await h.run('deleteUser', { id })).toBeNull();
    expect((await h.api(`/users/${id}`)).status).toBe(404);
  });
});

describe('files: docs/models/Folder.md "Create Folder", File.uploadFile (multi-part), docs/models/File.md "Download File"', () => {
  const source = () => join(h.dir, 'upload.bin');
  // 3.5 parts: four PUTs, the last one short.
  const bytes = randomBytes(3 * PART_SIZE + PART_SIZE / 2 + 123);

  it('Folder.create(path, { mkdir_parents: true })', async () => {
    expect(await h.run('createFolder', { path: 'sdk/reports' })).toEqual({ path: 'sdk/reports', type: 'directory' });
    expect(await json(h.api(`/file_actions/metadata/${enc('sdk/reports')}`))).toMatchObject({ path: 'sdk/reports', type: 'directory' });
    expect(await json(h.api(`/file_actions/metadata/sdk`))).toMatchObject({ type: 'directory' });
  });

  it(`File.uploadFile(destination, localPath) of ${bytes.length} bytes: one PUT per ${PART_SIZE}-byte partsize, the file as sent`, async () => {
    await writeFile(source(), bytes);
    h.emulator.resetLog();
    const uploaded = await h.run<FileRecord>('uploadFile', { destination: 'sdk/reports/upload.bin', source: source() });
    expect(uploaded).toMatchObject({ path: 'sdk/reports/upload.bin', size: bytes.length, type: 'file' });
    const puts = h.emulator.requests.filter((r) => r.kind === 'upload');
    expect(puts.map((r) => [r.method, r.status])).toEqual(Array.from({ length: 4 }, () => ['PUT', 200]));
    const md5 = createHash('md5').update(bytes).digest('hex');
    expect(await json(h.api(`/file_actions/metadata/${enc('sdk/reports/upload.bin')}`))).toMatchObject({ size: bytes.length, md5 });
    expect(sha256(await contentOf('sdk/reports/upload.bin'))).toBe(sha256(bytes));
  });

  it('`const file = await File.find(path)`, `file.download()`, then its `downloadToFile(dest)` over HTTPS: the same bytes', async () => {
    const destination = join(h.dir, 'download.bin');
    h.emulator.resetLog();
    const result = await h.run<{ findHadDownloadUri: boolean; downloadUri: string; sha256: string }>('downloadToFile', { path: 'sdk/reports/upload.bin', destination });
    // docs/models/File.md: `download_uri` "Provided only in response to a download request."
    expect(result.findHadDownloadUri).toBe(false);
    expect(result.downloadUri.startsWith(`${h.baseUrl}/`)).toBe(true);
    expect(result.sha256).toBe(sha256(bytes));
    expect(sha256(await readFile(destination))).toBe(sha256(bytes));
    expect(h.emulator.requests.filter((r) => r.kind === 'download').map((r) => [r.method, r.status])).toEqual([['GET', 200]]);
  });

  it('and of a file of the derived tree, to a file and to a string (`downloadToString`)', async () => {
    const file = (await rootEntries()).find((f) => f.type === 'file' && f.size > 0)!;
    const expected = await contentOf(file.path);
    const destination = join(h.dir, 'derived.bin');
    expect((await h.run<{ sha256: string }>('downloadToFile', { path: file.path, destination })).sha256).toBe(sha256(expected));
    expect(await h.run<string>('downloadToString', { path: file.path })).toBe(expected.toString('utf8'));
  });
});

describe('docs/models/File.md "Copy File/Folder" and "Move File/Folder" (Example Response `{ "status": "pending", "file_migration_id": 1 }`), then FileMigration.find(id) until complete (docs/models/FileAction.md: "If status is pending, this is the id of the File Migration to check for status updates.")', () => {
  type Transfer = { action: { status: string; file_migration_id: number; className: string }; seen: string[]; migration: Rec };
  let folder: string;
  let original: Awaited<ReturnType<typeof tree>>;

  beforeAll(async () => {
    folder = (await rootEntries()).find((f) => f.type === 'directory')!.path;
    original = await tree(folder);
    expect(original.filter(([, type]) => type === 'file').length).toBeGreaterThan(2);
  });

  it('file.copy({ destination }) of a folder: pending, then the waiting loop sees it complete, and the copy is the folder', async () => {
    const result = await h.run<Transfer>('copyOrMove', { kind: 'copy', path: folder, destination: 'sdk/copy', pollMs: 100 });
    expect(result.action).toEqual({ status: 'pending', file_migration_id: expect.any(Number), className: 'FileAction' });
    expect(result.seen[0]).not.toBe('complete'); // the folder's copy takes MIGRATION_MS: the loop waited
    expect(result.seen.at(-1)).toBe('complete');
    expect(result.migration).toMatchObject({ id: result.action.file_migration_id, operation: 'copy', path: folder, dest_path: 'sdk/copy', status: 'complete' });
    expect(result.migration['files_moved']).toBe(result.migration['files_total']);
    expect(await tree('sdk/copy')).toEqual(original);
    expect(await tree(folder)).toEqual(original);
  });

  it('file.move({ destination }) of that copy: the same loop; the folder is at the destination and gone from the source', async () => {
    const result = await h.run<Transfer>('copyOrMove', { kind: 'move', path: 'sdk/copy', destination: 'sdk/moved', pollMs: 100 });
    expect(result.action).toMatchObject({ status: 'pending', className: 'FileAction' });
    expect(result.seen.at(-1)).toBe('complete');
    expect(result.migration).toMatchObject({ operation: 'move', path: 'sdk/copy', dest_path: 'sdk/moved', status: 'complete' });
    expect(await tree('sdk/moved')).toEqual(original);
    expect((await h.api(`/file_actions/metadata/${enc('sdk/copy')}`)).status).toBe(404);
  });

  it('file.copy({ destination }) of one file', async () => {
    const result = await h.run<Transfer>('copyOrMove', { kind: 'copy', path: 'sdk/reports/upload.bin', destination: 'sdk/upload-copy.bin', pollMs: 100 });
    expect(result.action).toMatchObject({ status: 'pending', className: 'FileAction' });
    expect(result.seen.at(-1)).toBe('complete');
    expect(result.migration).toMatchObject({ operation: 'copy', path: 'sdk/reports/upload.bin', dest_path: 'sdk/upload-copy.bin', files_total: 1 });
    expect(sha256(await contentOf('sdk/upload-copy.bin'))).toBe(sha256(await contentOf('sdk/reports/upload.bin')));
  });
});

describe('docs/models/File.md "Delete File/Folder": `recursive` "If true, will recursively delete folders. Otherwise, will error on non-empty folders."', () => {
  it('file.delete({ recursive: false }) of a folder with files: ProcessingFailure_FolderNotEmptyError, nothing deleted', async () => {
    const error = await sdkError('errorFolderNotEmpty', { path: 'sdk/moved' });
    expect(error).toMatchObject({ className: 'ProcessingFailure_FolderNotEmptyError', type: 'processing-failure/folder-not-empty' });
    expect(error.instanceOf).toEqual(expect.arrayContaining(['ProcessingFailureError', 'FilesApiError', 'FilesError']));
    expect((await tree('sdk/moved')).length).toBeGreaterThan(2);
  });

  it('file.delete({ recursive: true }): the folder and everything in it', async () => {
    expect(await h.run('deleteFolder', { path: 'sdk/moved', recursive: true })).toBeNull();
    expect((await h.api(`/file_actions/metadata/${enc('sdk/moved')}`)).status).toBe(404);
    expect((await h.walk<FileRecord>('/folders/sdk')).map((f) => f.path).sort()).toEqual(['sdk/reports', 'sdk/upload-copy.bin']);
  });
});

describe('README "Authenticate with a Session": "Logging In", "Using a Session", "Logging Out"', () => {
  type SessionResult = {
    sessionId: string;
    className: string;
    ownUsername: string;
    listUsers: { count: number } | { error: SdkError };
    rootEntries: number;
    afterLogout: SdkError;
  };

  it('a user who is not a site admin: `Session.create`, `Files.setSessionId`; files yes, User.list NotAuthorized_SiteAdminRequiredError (403); after `Session.destroy()` NotAuthenticatedError', async () => {
    const user = users.find((u) => !u.site_admin && !u.disabled && !u.username.startsWith('test'))!;
    const result = await h.run<SessionResult>('session', { username: user.username, password: PASSWORD, ownId: user.id });
    expect(result.className).toBe('Session');
    // The Python SDK's `check_session_id` needs letters and digits (test/testing/fidelity-default-key.test.ts).
    expect(result.sessionId).toMatch(/^[A-Za-z0-9]+$/);
    expect(result.ownUsername).toBe(user.username);
    expect(result.rootEntries).toBeGreaterThan(0);
    expect('error' in result.listUsers && result.listUsers.error).toMatchObject({ className: 'NotAuthorized_SiteAdminRequiredError', code: 403, type: 'not-authorized/site-admin-required' });
    expect('error' in result.listUsers && result.listUsers.error.instanceOf).toEqual(expect.arrayContaining(['NotAuthorizedError', 'FilesApiError', 'FilesError']));
    expect(result.afterLogout.instanceOf).toContain('NotAuthenticatedError');
    expect(result.afterLogout.code).toBe(401);
  });

  it('a site admin: the session has "full access" (User.list lists every user)', async () => {
    const admin = users.find((u) => u.site_admin && !u.disabled)!;
    const result = await h.run<SessionResult>('session', { username: admin.username, password: PASSWORD, ownId: admin.id });
    expect(result.listUsers).toEqual({ count: users.length });
  });

  it('"You may also specify the session ID on a per-request basis in the final parameter to static methods."', async () => {
    const user = users.find((u) => !u.site_admin && !u.disabled)!;
    expect(await h.run('sessionPerRequest', { username: user.username, password: PASSWORD, id: user.id })).toEqual({ username: user.username });
  });
});

describe('README "Authenticate with an API Key" and "Errors": the classes of files.com/lib/Errors.js', () => {
  it('"You may also specify the API key on a per-request basis in the final parameter to static methods."', async () => {
    expect(await h.run('apiKeyPerRequest', { id: users[0]!.id, key: h.emulator.apiKey })).toEqual({ username: users[0]!.username });
  });

  it('"Example Error Handling": `Session.create({ username: \'USERNAME\', password: \'BADPASSWORD\' })` is a NotAuthenticatedError', async () => {
    const error = await sdkError('errorBadPassword');
    expect(error).toMatchObject({ className: 'NotAuthenticated_InvalidUsernameOrPasswordError', code: 401, httpCode: 401, type: 'not-authenticated/invalid-username-or-password' });
    // "API Exception Class Inheritance Structure": NotAuthenticated_* -> NotAuthenticatedError -> FilesApiError -> FilesError -> Error.
    expect(error.instanceOf.sort()).toEqual(['FilesApiError', 'FilesError', 'NotAuthenticatedError', 'NotAuthenticated_InvalidUsernameOrPasswordError']);
  });

  it('a key the site does not know: 401, a NotAuthenticatedError', async () => {
    const error = await sdkError('errorBadKey', { key: 'notTheEmulatorKey' });
    expect(error.code).toBe(401);
    expect(error.instanceOf).toEqual(expect.arrayContaining(['NotAuthenticatedError', 'FilesApiError', 'FilesError']));
    expect(error.className).toMatch(/^NotAuthenticated_\w+Error$/);
  });

  it('File.find of a path with nothing there: 404 NotFound_FileNotFoundError', async () => {
    const error = await sdkError('errorNotFound', { path: 'no/such/file.txt' });
    expect(error).toMatchObject({ className: 'NotFound_FileNotFoundError', code: 404, type: 'not-found/file-not-found' });
    expect(error.instanceOf).toEqual(expect.arrayContaining(['NotFoundError', 'FilesApiError', 'FilesError']));
  });

  it('User.find of an id with no user: 404 NotFound_UserNotFoundError', async () => {
    const error = await sdkError('errorUserNotFound', { id: 999_999 });
    expect(error).toMatchObject({ className: 'NotFound_UserNotFoundError', code: 404, type: 'not-found/user-not-found' });
    expect(error.instanceOf).toContain('NotFoundError');
  });

  it('"SDK Errors": no API key set is a ConfigurationError, raised before any request', async () => {
    h.emulator.resetLog();
    const error = await sdkError('errorNoApiKey');
    expect(error.className).toBe('ConfigurationError');
    expect(error.instanceOf.sort()).toEqual(['ConfigurationError', 'FilesError']);
    expect(h.emulator.stats.total).toBe(0);
  });
});
