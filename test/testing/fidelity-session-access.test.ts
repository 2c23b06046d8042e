// Issue #21, item 9: a session of a user who is not a site admin has no site-administration
// access. The rule the emulator follows (src/testing/resources/sessions.ts):
//
// - the API key (`X-FilesAPI-Key`, a site-admin key) and sessions of site admins: everything;
// - a session of any other user: files and folders, its own user (read; update of profile
//   fields), its own API keys, its own history and history of files and folders, action logs
//   queried by folder or path; site administration answers 403 `not-authorized/site-admin-required`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorTypes } from '../../src/generated/error-types.js';
import { errorOf, startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { hasShared, readShared, repoRoot } from '../helpers/shared.js';

type Rec = Record<string, unknown>;

const SPEC = 'filescom-api/spec.json';
const SITE_ADMIN_REQUIRED = 'not-authorized/site-admin-required';

let h: TestEmulator;
let users: Rec[];
/** A user who is not a site admin, and another one. */
let regular: Rec;
let other: Rec;
/** `X-FilesAPI-Auth` of a session of `regular`, and of user 1 (a site admin). */
let regularAuth: Record<string, string>;
let adminAuth: Record<string, string>;

async function login(username: string): Promise<Record<string, string>> {
  const res = await h.api('/sessions', { method: 'POST', headers: { 'x-no-auth': '1' }, json: { username, password: 'pw' } });
  expect(res.status).toBe(201);
  return { 'X-FilesAPI-Auth': ((await res.json()) as { id: string }).id };
}

beforeAll(async () => {
  h = await startEmulator({ seed: 9, users: 60, groups: 4, groupUsers: 40, permissions: 10, apiKeys: 30, files: 30 });
  users = (await h.walk('/users', 1000)).records;
  const regulars = users.filter((u) => u['site_admin'] !== true && u['disabled'] !== true);
  regular = regulars[0]!;
  other = regulars[1]!;
  expect(users.find((u) => u['id'] === 1)?.['site_admin']).toBe(true);
  regularAuth = await login(String(regular['username']));
  adminAuth = await login(String(users[0]!['username']));
});
afterAll(() => h.close());

async function expectForbidden(res: Response, type = SITE_ADMIN_REQUIRED): Promise<void> {
  expect(res.status, `${res.url}: ${await res.clone().text()}`).toBe(403);
  expect((await errorOf(res)).type).toBe(type);
}

describe('the docs: "Sessions created from regular user accounts will only be able to access files that user can access, and no access will be granted to site administration functions."', () => {
  it('the official JS SDK README says so, of sessions and of user API keys', () => {
    const readme = readFileSync(join(repoRoot, 'node_modules', 'files.com', 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('Sessions created from regular user accounts will only be able to access files that user can access, and no access will be granted to site administration functions.');
    expect(readme).toContain('If the user is an administrator, the session will have full access to all capabilities of Files.com.');
  });

  it('the error types used are the spec\'s (not-authorized family, 403)', () => {
    for (const type of [SITE_ADMIN_REQUIRED, 'not-authorized/insufficient-permission-for-params', 'not-authorized/user-id-without-site-admin', 'not-authorized/non-admins-must-query-by-folder-or-path']) {
      expect(errorTypes as readonly string[]).toContain(type);
    }
  });

  it.skipIf(!hasShared(SPEC))(`the spec lists ${SITE_ADMIN_REQUIRED} (skipped when ../shared/${SPEC} is absent)`, () => {
    const spec = readShared<{ errors: { type: string; family: string }[] }>(SPEC);
    expect(spec.errors.find((e) => e.type === SITE_ADMIN_REQUIRED)).toMatchObject({ family: 'not-authorized' });
  });

  it('a non-admin session cannot list users: 403 not-authorized/site-admin-required', async () => {
    await expectForbidden(await h.api('/users', { headers: regularAuth }));
  });

  it('the official JS SDK, as its README logs in and uses a session, gets NotAuthorized_SiteAdminRequiredError from User.list', async () => {
    const require = createRequire(import.meta.url);
    type Sdk = Record<string, (...args: unknown[]) => unknown>;
    const Files = (require('files.com/lib/Files.js') as { default: Sdk }).default;
    const Session = (require('files.com/lib/models/Session.js') as { default: Sdk }).default;
    const User = (require('files.com/lib/models/User.js') as { default: Sdk }).default;
    const Errors = require('files.com/lib/Errors.js') as Record<string, new (...args: never[]) => Error>;
    Files['setLogLevel']!(0);
    Files['setBaseUrl']!(h.baseUrl);
    try {
      // README, "Logging In" / "Using a Session".
      const session = (await Session['create']!({ username: regular['username'], password: 'pw' })) as { id: string };
      Files['setSessionId']!(session.id);
      const error = await (User['list']!() as Promise<unknown>).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(Errors['NotAuthorized_SiteAdminRequiredError']!);
      expect(error).toBeInstanceOf(Errors['NotAuthorizedError']!);
      // Its own user stays readable.
      expect(((await User['find']!(regular['id'])) as { username: string }).username).toBe(regular['username']);
    } finally {
      Files['setSessionId']!(null);
    }
  });

  it('nor create, update or delete users', async () => {
    await expectForbidden(await h.api('/users', { method: 'POST', headers: regularAuth, json: { username: 'sneaky' } }));
    await expectForbidden(await h.api(`/users/${String(other['id'])}`, { method: 'PATCH', headers: regularAuth, json: { name: 'Renamed' } }));
    await expectForbidden(await h.api(`/users/${String(other['id'])}`, { method: 'DELETE', headers: regularAuth }));
    await expectForbidden(await h.api(`/users/${String(regular['id'])}`, { method: 'DELETE', headers: regularAuth }));
    await expectForbidden(await h.api(`/users/${String(other['id'])}/unlock`, { method: 'POST', headers: regularAuth }));
    // Nothing changed.
    expect((await (await h.api(`/users/${String(other['id'])}`)).json()) as Rec).toMatchObject({ name: other['name'] });
    expect((await h.api('/users?filter[username]=sneaky')).status).toBe(200);
    expect(await (await h.api('/users?filter[username]=sneaky')).json()).toEqual([]);
  });

  it('nor manage groups, memberships or permissions', async () => {
    for (const [method, path, json] of [
      ['GET', '/groups', undefined],
      ['GET', '/groups/1', undefined],
      ['POST', '/groups', { name: 'Sneaky' }],
      ['PATCH', '/groups/1', { name: 'Sneaky' }],
      ['DELETE', '/groups/1', undefined],
      ['GET', '/group_users', undefined],
      ['POST', '/group_users', { group_id: 1, user_id: regular['id'] }],
      ['DELETE', '/group_users/1', { group_id: 1, user_id: 1 }],
      ['GET', '/permissions', undefined],
      ['POST', '/permissions', { path: 'x', user_id: regular['id'], permission: 'full' }],
      ['DELETE', '/permissions/1', undefined],
    ] as const) {
      await expectForbidden(await h.api(path, { method, headers: regularAuth, ...(json ? { json } : {}) }));
    }
    expect((await h.api('/groups/1')).status).toBe(200);
  });

  it("nor see other users' API keys, or history of the site and of other users", async () => {
    const keys = (await h.walk('/api_keys', 1000)).records;
    const othersKey = keys.find((k) => k['user_id'] !== regular['id'])!;
    await expectForbidden(await h.api(`/api_keys/${String(othersKey['id'])}`, { headers: regularAuth }));
    await expectForbidden(await h.api(`/api_keys/${String(othersKey['id'])}`, { method: 'PATCH', headers: regularAuth, json: { name: 'x' } }));
    await expectForbidden(await h.api(`/api_keys/${String(othersKey['id'])}`, { method: 'DELETE', headers: regularAuth }));
    await expectForbidden(await h.api(`/api_keys?user_id=${String(other['id'])}`, { headers: regularAuth }), 'not-authorized/user-id-without-site-admin');
    await expectForbidden(await h.api('/api_keys', { method: 'POST', headers: regularAuth, json: { name: 'k', user_id: other['id'] } }), 'not-authorized/user-id-without-site-admin');
    await expectForbidden(await h.api('/history', { headers: regularAuth }));
    await expectForbidden(await h.api('/history/login', { headers: regularAuth }));
    await expectForbidden(await h.api(`/history/users/${String(other['id'])}`, { headers: regularAuth }));
    await expectForbidden(await h.api('/action_logs', { headers: regularAuth }), 'not-authorized/non-admins-must-query-by-folder-or-path');
  });
});

describe('what a non-admin session may do', () => {
  it('files and folders: list, upload, download, create a folder', async () => {
    expect((await h.api('/folders/', { headers: regularAuth })).status).toBe(200);
    expect((await h.api('/folders/fidelity-session', { method: 'POST', headers: regularAuth })).status).toBe(201);
    const begin = await h.api('/file_actions/begin_upload/fidelity-session%2Fa.txt', { method: 'POST', headers: regularAuth, json: {} });
    expect(begin.status).toBe(200);
    const listed = await h.api('/folders/fidelity-session', { headers: regularAuth });
    expect(listed.status).toBe(200);
  });

  it('its own user: read it, update its profile, not its privileges', async () => {
    const own = `/users/${String(regular['id'])}`;
    expect((await h.api(own, { headers: regularAuth })).status).toBe(200);
    const renamed = await h.api(own, { method: 'PATCH', headers: regularAuth, json: { name: 'Self Renamed' } });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as Rec)['name']).toBe('Self Renamed');
    await expectForbidden(await h.api(own, { method: 'PATCH', headers: regularAuth, json: { site_admin: true } }), 'not-authorized/insufficient-permission-for-params');
    expect(((await (await h.api(own)).json()) as Rec)['site_admin']).toBe(false);
    await expectForbidden(await h.api('/users', { headers: regularAuth }));
  });

  it('its own API keys, its own history, history of folders, action logs by folder', async () => {
    const mine = await h.api('/api_keys', { headers: regularAuth });
    expect(mine.status).toBe(200);
    for (const key of (await mine.json()) as Rec[]) expect(key['user_id']).toBe(regular['id']);
    const created = await h.api('/api_keys', { method: 'POST', headers: regularAuth, json: { name: 'mine' } });
    expect(created.status).toBe(201);
    const key = (await created.json()) as Rec;
    expect(key['user_id']).toBe(regular['id']);
    expect((await h.api(`/api_keys/${String(key['id'])}`, { headers: regularAuth })).status).toBe(200);
    expect((await h.api(`/api_keys?user_id=${String(regular['id'])}`, { headers: regularAuth })).status).toBe(200);
    expect((await h.api(`/api_keys/${String(key['id'])}`, { method: 'DELETE', headers: regularAuth })).status).toBe(204);
    expect((await h.api(`/history/users/${String(regular['id'])}`, { headers: regularAuth })).status).toBe(200);
    expect((await h.api('/history/folders/', { headers: regularAuth })).status).toBe(200);
    expect((await h.api('/action_logs?filter[folder]=a', { headers: regularAuth })).status).toBe(200);
    expect((await h.api('/action_logs?filter_prefix[path]=a', { headers: regularAuth })).status).toBe(200);
  });

  it('log out', async () => {
    const auth = await login(String(other['username']));
    expect((await h.api('/sessions', { method: 'DELETE', headers: auth })).status).toBe(204);
  });
});

describe('site admins and the API key keep full access', () => {
  it('a session of a site admin lists, creates and deletes users, groups and permissions', async () => {
    expect((await h.api('/users', { headers: adminAuth })).status).toBe(200);
    expect((await h.api('/groups', { headers: adminAuth })).status).toBe(200);
    expect((await h.api('/permissions', { headers: adminAuth })).status).toBe(200);
    expect((await h.api('/history', { headers: adminAuth })).status).toBe(200);
    expect((await h.api('/action_logs', { headers: adminAuth })).status).toBe(200);
    const created = await h.api('/users', { method: 'POST', headers: adminAuth, json: { username: 'made.by.admin' } });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as Rec)['id'];
    expect((await h.api(`/users/${String(id)}`, { method: 'DELETE', headers: adminAuth })).status).toBe(204);
  });

  it('the API key is unrestricted', async () => {
    for (const path of ['/users', '/groups', '/group_users', '/permissions', '/api_keys', '/history', '/history/login', '/action_logs']) {
      expect((await h.api(path)).status, path).toBe(200);
    }
  });

  it('access follows site_admin as it changes: promoted, the same session may list users', async () => {
    const auth = await login(String(other['username']));
    await expectForbidden(await h.api('/users', { headers: auth }));
    expect((await h.api(`/users/${String(other['id'])}`, { method: 'PATCH', json: { site_admin: true } })).status).toBe(200);
    expect((await h.api('/users', { headers: auth })).status).toBe(200);
    expect((await h.api(`/users/${String(other['id'])}`, { method: 'PATCH', json: { site_admin: false } })).status).toBe(200);
    await expectForbidden(await h.api('/users', { headers: auth }));
  });
});
