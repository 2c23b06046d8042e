// The official Files.com JS SDK (node_modules/files.com), run in a process of its own for
// test/sdk/official-js-sdk.test.ts: its configuration is process-global (`Files.setApiKey`,
// `Files.setBaseUrl`, `Files.setSessionId`), and its downloads (`downloadToFile`) use
// `https.get` with Node's default agent, which trusts the emulator's self-signed certificate
// only through NODE_EXTRA_CA_CERTS, read when the process starts.
//
// Each flow below is written as the SDK's docs show it (README.md and docs/models/*.md of
// the package; the section is named above each). The test sends `{ id, flow, args }` over
// the IPC channel; the answer is `{ id, ok: true, value }` or `{ id, ok: false, error }`
// (the error described by `describeError`). Plain JavaScript, as the docs' examples are.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as FilesErrors from 'files.com/lib/Errors.js';
import Files from 'files.com/lib/Files.js';
import { LogLevel } from 'files.com/lib/Logger.js';
import File from 'files.com/lib/models/File.js';
import FileMigration from 'files.com/lib/models/FileMigration.js';
import Folder from 'files.com/lib/models/Folder.js';
import Session from 'files.com/lib/models/Session.js';
import User from 'files.com/lib/models/User.js';

const { FILESCOM_BASE_URL: baseUrl, FILESCOM_API_KEY: apiKey } = process.env;

/** The SDK's global configuration, as README "Configuration" sets it; restored after every flow. */
function configure() {
  // README, "Base URL": "This can also be set to use a mock server in development or CI."
  Files.setBaseUrl(baseUrl);
  Files.setApiKey(apiKey);
  Files.setSessionId(null);
  // Quiet: the test reports what failed.
  Files.setLogLevel(LogLevel.NONE);
  // README, "Network Settings": no retries (the emulator injects no faults here), auto-paging on.
  Files.configureNetwork({ maxNetworkRetries: 0, networkTimeout: 20.0, autoPaginate: true });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** An error as the test sees it: its class, every class of files.com/lib/Errors.js it is an instance of, and its fields. */
function describeError(err) {
  const instanceOf = Object.entries(FilesErrors)
    .filter(([, value]) => typeof value === 'function' && err instanceof value)
    .map(([name]) => name);
  return {
    className: err?.constructor?.name,
    instanceOf,
    message: err?.message,
    code: err?.code,
    httpCode: err?.httpCode,
    type: err?.type,
    title: err?.title,
    error: err?.error,
    stack: err?.stack,
  };
}

/** Runs `body` and answers its error, described (a flow that expects an error). */
async function errorOf(body) {
  try {
    await body();
  } catch (err) {
    return describeError(err);
  }
  throw new Error('expected an error, got none');
}

const flows = {
  // README, "Pagination": "The Files.com JavaScript SDK automatically paginates through lists
  // of objects by default." (`Files.configureNetwork({ autoPaginate: true })`).
  async listUsersAutoPaging({ perPage }) {
    Files.configureNetwork({
      // true by default
      autoPaginate: true,
    });
    const users = await User.list({ per_page: perPage });
    return users.map((user) => user.id);
  },

  // README, "Pagination": `Folder.listFor(path, { search })`, then `for (const file of files)`.
  async listFolderAutoPaging({ path, perPage }) {
    const files = await Folder.listFor(path, { per_page: perPage });
    const paths = [];
    for (const file of files) {
      // Operate on file
      paths.push([file.path, file.type]);
    }
    return paths;
  },

  // README, "Sort Example": "Users, sorted by username in ascending order."
  async sortUsersByUsername() {
    const users = await User.list({
      sort_by: { username: 'asc' },
    });
    return users.map((user) => user.username);
  },

  // README, "Exact Filter Example": "Users who are not site admins."
  async filterNotSiteAdmin() {
    const users = await User.list({
      filter: { not_site_admin: true },
    });
    return users.map((user) => user.id);
  },

  // README, "Range Filter Example": `filter_gteq: { last_login_at: "2024-01-01" }`.
  async filterRange() {
    const users = await User.list({
      filter_gteq: { last_login_at: '2024-01-01' },
    });
    return users.map((user) => user.id);
  },

  // README, "Pattern Filter Example": "Users whose usernames start with 'test'."
  async filterPrefix() {
    const users = await User.list({
      filter_prefix: { username: 'test' },
    });
    return users.map((user) => user.username);
  },

  // README, "Combination Filter with Sort Example": "Users whose usernames start with 'test'
  // and are not site admins, sorted by last login date."
  async filterCombinationWithSort() {
    const users = await User.list({
      filter_prefix: { username: 'test' },
      filter: { not_site_admin: true },
      sort_by: { last_login_at: 'asc' },
    });
    return users.map((user) => ({ username: user.username, last_login_at: user.last_login_at }));
  },

  // docs/models/User.md, "Create User", "Show User", "Update User", "Delete User".
  async createUser({ username, email, name }) {
    const user = await User.create({ username, email, name });
    return { id: user.id, username: user.username, email: user.email, name: user.name, className: user.constructor.name };
  },
  async updateUser({ id, name, company }) {
    const user = await User.find(id);
    const updated = await user.update({ name, company });
    return { id: updated.id, name: updated.name, company: updated.company };
  },
  async deleteUser({ id }) {
    const user = await User.find(id);
    await user.delete();
    return null;
  },

  // docs/models/Folder.md, "Create Folder".
  async createFolder({ path }) {
    const folder = await Folder.create(path, {
      mkdir_parents: true,
    });
    return { path: folder.path, type: folder.type };
  },

  // The SDK's upload of a local file (lib/models/File.js `File.uploadFile`: `POST /files/{path}`
  // `action: "put"`, a part per `partsize` bytes, each `PUT` to its `upload_uri`, then `action: "end"`).
  async uploadFile({ destination, source }) {
    const file = await File.uploadFile(destination, source);
    return { path: file.path, size: file.size, type: file.type, md5: file.md5 };
  },

  // docs/models/File.md, "Download File": `const file = await File.find(path)`, then
  // `await file.download()`, whose `download_uri` `downloadToFile` fetches (Node's https only).
  async downloadToFile({ path, destination }) {
    const file = await File.find(path);
    const downloaded = await file.download();
    await downloaded.downloadToFile(destination);
    return { findHadDownloadUri: file.download_uri !== undefined, downloadUri: downloaded.download_uri, sha256: sha256(await readFile(destination)) };
  },
  // The same, to a string (`downloadToString`).
  async downloadToString({ path }) {
    const file = await File.find(path);
    const downloaded = await file.download();
    return downloaded.downloadToString();
  },

  // docs/models/File.md, "Copy File/Folder" and "Move File/Folder" (Example Response:
  // `{ "status": "pending", "file_migration_id": 1 }`); docs/models/FileAction.md:
  // "`file_migration_id` (int64): If status is pending, this is the id of the File Migration
  // to check for status updates."; docs/models/FileMigration.md, "Show File Migration":
  // `await FileMigration.find(id)`, until its `status` is `complete`.
  async copyOrMove({ kind, path, destination, pollMs }) {
    const file = await File.find(path);
    const action = kind === 'copy' ? await file.copy({ destination }) : await file.move({ destination });
    const seen = [];
    let migration = null;
    if (action.status === 'pending') {
      for (let polls = 0; polls < 200; polls++) {
        migration = await FileMigration.find(action.file_migration_id);
        seen.push(migration.status);
        if (migration.status === 'complete' || migration.status === 'failed') break;
        await sleep(pollMs);
      }
    }
    return {
      action: { status: action.status, file_migration_id: action.file_migration_id, className: action.constructor.name },
      seen,
      migration: migration && { ...migration.attributes },
    };
  },

  // docs/models/File.md, "Delete File/Folder": "If true, will recursively delete folders.
  // Otherwise, will error on non-empty folders."
  async deleteFolder({ path, recursive }) {
    const file = await File.find(path);
    await file.delete({
      recursive,
    });
    return null;
  },

  // README, "Authenticate with a Session": "Logging In", "Using a Session", "Logging Out".
  async session({ username, password, ownId }) {
    const session = await Session.create({ username, password });
    // You may set the returned session ID to be used by default for subsequent requests.
    Files.setSessionId(session.id);
    const own = await User.find(ownId);
    const listUsers = await User.list().then(
      (users) => ({ count: users.length }),
      (err) => ({ error: describeError(err) }),
    );
    const root = await Folder.listFor('/');
    await Session.destroy();
    const afterLogout = await errorOf(() => User.find(ownId));
    return { sessionId: session.id, className: session.constructor.name, ownUsername: own.username, listUsers, rootEntries: root.length, afterLogout };
  },
  // README, "Using a Session": "You may also specify the session ID on a per-request basis in
  // the final parameter to static methods." The README writes `{ session_id: session.id }`,
  // but lib/Api.js reads `options.sessionId` (and otherwise falls back to the global API key,
  // silently): `sessionId` here, with no API key set, so the session is what authenticates.
  async sessionPerRequest({ username, password, id }) {
    Files.setApiKey(undefined);
    const session = await Session.create({ username, password });
    const user = await User.find(id, {}, { sessionId: session.id });
    return { username: user.username };
  },

  // README, "Authenticate with an API Key": "You may also specify the API key on a per-request
  // basis in the final parameter to static methods."
  async apiKeyPerRequest({ id, key }) {
    Files.setApiKey(undefined);
    const user = await User.find(id, {}, { apiKey: key });
    return { username: user.username };
  },

  // README, "Errors", "Example Error Handling": `Session.create({ username: 'USERNAME', password: 'BADPASSWORD' })`.
  async errorBadPassword() {
    return errorOf(() => Session.create({ username: 'USERNAME', password: 'BADPASSWORD' }));
  },
  // A path with nothing there (docs/models/File.md, "Find File/Folder by Path").
  async errorNotFound({ path }) {
    return errorOf(() => File.find(path));
  },
  // A user id with no user (docs/models/User.md, "Show User").
  async errorUserNotFound({ id }) {
    return errorOf(() => User.find(id));
  },
  // A key the site does not know (README, "Authenticate with an API Key").
  async errorBadKey({ key }) {
    Files.setApiKey(key);
    return errorOf(() => User.list());
  },
  // docs/models/File.md, "Delete File/Folder" without `recursive` on a folder with files in it.
  async errorFolderNotEmpty({ path }) {
    return errorOf(async () => {
      const file = await File.find(path);
      await file.delete({
        recursive: false,
      });
    });
  },
  // An SDK error (README, "SDK Errors"): `ConfigurationError`, no request sent.
  async errorNoApiKey() {
    Files.setApiKey(undefined);
    return errorOf(() => User.list());
  },
};

configure();
// A promise the SDK leaves rejected (e.g. a part upload after the upload failed) must not end
// the process: the later flows still run. Said on stderr, which the test shows when a flow fails.
process.on('unhandledRejection', (reason) => console.error('unhandled rejection in the SDK:', reason));
process.on('message', async ({ id, flow, args }) => {
  let answer;
  try {
    if (!flows[flow]) throw new Error(`no flow ${flow}`);
    answer = { id, ok: true, value: await flows[flow](args ?? {}) };
  } catch (err) {
    answer = { id, ok: false, error: describeError(err) };
  } finally {
    configure();
  }
  process.send(answer);
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
