// Issue #21: the official JS SDK's documented API flows over plain HTTP too (as `files-stream
// emulator` serves by default). Its downloads and part uploads go over HTTPS only (Node's
// `https` module), so those run in official-js-sdk.test.ts, against the HTTPS listener.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { operationCount } from '../helpers/emulator.js';
import { startSdkHarness, type SdkError, type SdkHarness } from './sdk-harness.js';

let h: SdkHarness;
beforeAll(async () => {
  h = await startSdkHarness({ http: true, seed: 22, users: 30, migrationMs: 300 });
});
afterAll(() => h?.close());

it('the emulator serves plain HTTP', () => {
  expect(h.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

it('README "Pagination": User.list({ per_page: 4 }) returns every user, one request per page', async () => {
  const users = await h.walk<{ id: number }>('/users');
  h.emulator.resetLog();
  const listed = await h.run<number[]>('listUsersAutoPaging', { perPage: 4 });
  expect(listed).toEqual(users.map((u) => u.id));
  expect(operationCount(h.emulator, 'users.list')).toBe(Math.ceil(users.length / 4));
});

it('README "Exact Filter Example": `filter: { not_site_admin: true }`', async () => {
  const users = await h.walk<{ id: number; site_admin: boolean }>('/users');
  expect(await h.run<number[]>('filterNotSiteAdmin')).toEqual(users.filter((u) => !u.site_admin).map((u) => u.id));
});

it('docs/models/User.md "Create User", then "Update User" and "Delete User"', async () => {
  const created = await h.run<{ id: number; username: string }>('createUser', { username: 'http.user', email: 'http.user@example.com', name: 'Http User' });
  expect(created.username).toBe('http.user');
  await h.run('updateUser', { id: created.id, name: 'Renamed', company: 'Acme' });
  expect(await (await h.api(`/users/${created.id}`)).json()).toMatchObject({ name: 'Renamed', company: 'Acme' });
  await h.run('deleteUser', { id: created.id });
  expect((await h.api(`/users/${created.id}`)).status).toBe(404);
});

it('docs/models/File.md "Copy File/Folder": pending, then FileMigration.find(id) until complete', async () => {
  const folder = (await h.walk<{ path: string; type: string }>('/folders/')).find((f) => f.type === 'directory')!.path;
  const result = await h.run<{ action: { status: string }; seen: string[]; migration: Record<string, unknown> }>('copyOrMove', { kind: 'copy', path: folder, destination: 'over-http', pollMs: 50 });
  expect(result.action.status).toBe('pending');
  expect(result.seen.at(-1)).toBe('complete');
  expect(result.migration).toMatchObject({ operation: 'copy', path: folder, dest_path: 'over-http', status: 'complete' });
});

it('README "Errors": User.find of an id with no user is NotFound_UserNotFoundError', async () => {
  const error = await h.run<SdkError>('errorUserNotFound', { id: 987_654 });
  expect(error).toMatchObject({ className: 'NotFound_UserNotFoundError', code: 404, type: 'not-found/user-not-found' });
});
