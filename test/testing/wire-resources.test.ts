import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startEmulator, type TestEmulator } from '../helpers/emulator.js';

type Rec = Record<string, unknown>;

let h: TestEmulator;
beforeAll(async () => {
  h = await startEmulator({ seed: 21, users: 300, groups: 7, groupUsers: 450, permissions: 40, apiKeys: 6 });
});
afterAll(() => h.close());

const json = async <T = Rec>(res: Response | Promise<Response>): Promise<T> => (await (await res).json()) as T;

describe('users', () => {
  it('finds, creates, updates and deletes', async () => {
    const user = await json(h.api('/users/17'));
    expect(user).toMatchObject({ id: 17 });
    expect(String(user['email'])).toBe(`${String(user['username'])}@example.com`);
    const created = await h.api('/users', { method: 'POST', json: { username: 'new.person', name: 'New Person', email: 'np@example.com', site_admin: true } });
    expect(created.status).toBe(201);
    const record = (await created.json()) as Rec;
    expect(record).toMatchObject({ id: 301, username: 'new.person', name: 'New Person', site_admin: true });
    const dup = await h.api('/users', { method: 'POST', json: { username: 'NEW.person' } });
    expect(dup.status).toBe(422);
    expect((await json(h.api('/users/301', { method: 'PATCH', json: { name: 'Renamed' } })))['name']).toBe('Renamed');
    expect(await json(h.api('/users/301'))).toMatchObject({ name: 'Renamed', email: 'np@example.com' });
    expect((await h.api('/users/17', { method: 'PATCH', json: { company: 'Initrode' } })).status).toBe(200);
    const { records } = await h.walk('/users?filter[company]=Initrode', 100);
    expect(records.map((r) => r['id'])).toEqual([17]);
    expect((await h.api('/users/301', { method: 'DELETE' })).status).toBe(204);
    expect((await h.api('/users/301')).status).toBe(404);
    expect((await h.api('/users/301', { method: 'DELETE' })).status).toBe(404);
  });

  it('lists by ids and search', async () => {
    const { records } = await h.walk('/users?ids=5,9,200', 2);
    expect(records.map((r) => r['id'])).toEqual([5, 9, 200]);
    const name = String((await json(h.api('/users/33')))['username']);
    const found = await h.walk(`/users?search=${encodeURIComponent(name)}`, 10);
    expect(found.records.map((r) => r['id'])).toContain(33);
  });
});

describe('groups and group users', () => {
  it('keeps groups, memberships and user group_ids consistent', async () => {
    const { records: memberships } = await h.walk('/group_users', 100);
    expect(memberships).toHaveLength(450);
    const pairs = new Set(memberships.map((m) => `${String(m['group_id'])}:${String(m['user_id'])}`));
    expect(pairs.size).toBe(450);
    const group = await json(h.api('/groups/3'));
    const members = memberships.filter((m) => m['group_id'] === 3);
    expect(String(group['user_ids']).split(',').map(Number).sort((a, b) => a - b)).toEqual(members.map((m) => Number(m['user_id'])).sort((a, b) => a - b));
    const byGroup = await h.walk('/group_users?group_id=3', 10);
    expect(byGroup.records.map((r) => r['id'])).toEqual(members.map((m) => m['id']));
    const user = Number(members[0]!['user_id']);
    expect(String((await json(h.api(`/users/${user}`)))['group_ids']).split(',')).toContain('3');
    expect(members[0]!['group_name']).toBe(group['name']);
  });

  it('creates a group with members, adds and removes a membership', async () => {
    const created = await json(h.api('/groups', { method: 'POST', json: { name: 'Auditors', user_ids: '1,2,3', admin_ids: '2' } }));
    expect(created).toMatchObject({ id: 8, name: 'Auditors', user_ids: '1,2,3', admin_ids: '2' });
    const added = await h.api('/group_users', { method: 'POST', json: { group_id: 8, user_id: 10 } });
    expect(added.status).toBe(201);
    const membership = (await added.json()) as Rec;
    expect(membership).toMatchObject({ group_id: 8, user_id: 10, group_name: 'Auditors' });
    expect(String((await json(h.api('/users/10')))['group_ids']).split(',')).toContain('8');
    expect((await h.api('/group_users', { method: 'POST', json: { group_id: 8, user_id: 10 } })).status).toBe(422);
    const missing = await h.api(`/group_users/${String(membership['id'])}`, { method: 'DELETE', json: { group_id: 8 } });
    expect(missing.status).toBe(400);
    expect((await h.api(`/group_users/${String(membership['id'])}`, { method: 'DELETE', json: { group_id: 8, user_id: 10 } })).status).toBe(204);
    expect((await json(h.api('/groups/8')))['user_ids']).toBe('1,2,3');
    const renamed = await json(h.api('/groups/8', { method: 'PATCH', json: { name: 'Auditing', user_ids: '4' } }));
    expect(renamed).toMatchObject({ name: 'Auditing', user_ids: '4' });
    const { records } = await h.walk('/groups?filter_prefix[name]=Audit', 10);
    expect(records.map((r) => r['id'])).toEqual([8]);
    expect((await h.api('/groups/8', { method: 'DELETE' })).status).toBe(204);
    expect((await h.walk('/group_users?group_id=8', 10)).records).toHaveLength(0);
  });
});

describe('permissions', () => {
  it('lists, filters by path and user, creates and deletes', async () => {
    const { records: all } = await h.walk('/permissions', 7);
    expect(all).toHaveLength(40);
    const path = String(all.find((p) => p['path'])!['path']);
    const byPath = await h.walk(`/permissions?path=${encodeURIComponent(path)}`, 5);
    expect(byPath.records.map((r) => r['id'])).toEqual(all.filter((p) => p['path'] === path).map((p) => p['id']));
    const created = await h.api('/permissions', { method: 'POST', json: { path: 'shared/x', user_id: 4, permission: 'readonly' } });
    expect(created.status).toBe(201);
    const permission = (await created.json()) as Rec;
    expect(permission).toMatchObject({ path: 'shared/x', user_id: 4, permission: 'readonly' });
    expect(permission['username']).toBe((await json(h.api('/users/4')))['username']);
    const byUser = await h.walk('/permissions?user_id=4', 100);
    expect(byUser.records.map((r) => r['id'])).toContain(permission['id']);
    const prefixed = await h.walk('/permissions?filter_prefix[path]=shared', 100);
    expect(prefixed.records.map((r) => r['id'])).toContain(permission['id']);
    expect((await h.api(`/permissions/${String(permission['id'])}`, { method: 'DELETE' })).status).toBe(204);
    expect((await h.api(`/permissions/${String(permission['id'])}`, { method: 'DELETE' })).status).toBe(404);
    const missing = await h.api('/permissions', { method: 'POST', json: { user_id: 4 } });
    expect((await errorOf(missing)).type).toBe('bad-request/request-params-required');
  });
});

describe('API keys', () => {
  it('creates a key that authenticates until it is deleted', async () => {
    expect((await h.walk('/api_keys', 4)).records).toHaveLength(6);
    const created = await json(h.api('/api_keys', { method: 'POST', json: { name: 'CI' } }));
    expect(created).toMatchObject({ id: 7, name: 'CI' });
    const key = String(created['key']);
    expect(key.length).toBeGreaterThan(10);
    expect((await h.api('/users/1', { headers: { 'X-FilesAPI-Key': key } })).status).toBe(200);
    const listed = await json<Rec[]>(h.api('/api_keys?per_page=100'));
    expect(listed.find((k) => k['id'] === 7)!['key']).toBeNull();
    expect((await h.api('/api_keys/7', { method: 'DELETE' })).status).toBe(204);
    expect((await h.api('/users/1', { headers: { 'X-FilesAPI-Key': key } })).status).toBe(401);
    const gone = await h.api('/api_keys/7');
    expect((await errorOf(gone)).type).toBe('not-found/api-key-not-found');
  });
});

describe('other operations', () => {
  it('answer their spec example, with the id from the path', async () => {
    const res = await h.api('/bundles/42');
    expect(res.status).toBe(200);
    expect((await res.json()) as Rec).toMatchObject({ id: 42 });
    expect((await h.api('/bundles', { method: 'POST', json: { paths: ['a'] } })).status).toBe(201);
    expect((await h.api('/bundles/42', { method: 'DELETE' })).status).toBe(204);
  });
});
