import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorTypes } from '../../src/generated/error-types.js';
import { errorOf, startEmulator, type TestEmulator } from '../helpers/emulator.js';

let h: TestEmulator;
beforeAll(async () => {
  h = await startEmulator({ seed: 3, users: 50 });
});
afterAll(() => h.close());

const documented = (type: string) => (errorTypes as readonly string[]).includes(type);

describe('authentication', () => {
  it('requires X-FilesAPI-Key and answers 401 with a not-authenticated error body', async () => {
    const res = await h.api('/users', { headers: { 'x-no-auth': '1' } });
    expect(res.status).toBe(401);
    const { type, body } = await errorOf(res);
    expect(type).toBe('not-authenticated/authentication-required');
    expect(documented(type)).toBe(true);
    expect(body['title']).toBe('Authentication Required');
  });

  it('rejects a wrong key', async () => {
    const res = await h.api('/users', { headers: { 'X-FilesAPI-Key': 'nope' } });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).type).toBe('not-authenticated/invalid-credentials');
  });

  it('accepts a session from POST /sessions (no key needed), and not after DELETE /sessions', async () => {
    const username = ((await (await h.api('/users/7')).json()) as { username: string }).username;
    const bad = await h.api('/sessions', { method: 'POST', headers: { 'x-no-auth': '1' }, json: { username, password: '' } });
    expect(bad.status).toBe(401);
    expect((await errorOf(bad)).type).toBe('not-authenticated/invalid-username-or-password');
    const res = await h.api('/sessions', { method: 'POST', headers: { 'x-no-auth': '1' }, json: { username, password: 'pw' } });
    expect(res.status).toBe(201);
    const session = (await res.json()) as { id: string };
    expect(session.id).toMatch(/^[0-9a-f]{40}$/);
    const auth = { 'X-FilesAPI-Auth': session.id };
    expect((await h.api('/users/1', { headers: auth })).status).toBe(200);
    expect((await h.api('/sessions', { method: 'DELETE', headers: auth })).status).toBe(204);
    const after = await h.api('/users/1', { headers: auth });
    expect(after.status).toBe(401);
    expect((await errorOf(after)).type).toBe('not-authenticated/invalid-session');
  });
});

describe('error bodies', () => {
  it('answers an unknown route with 404 and a not-found type', async () => {
    const res = await h.api('/no_such_thing');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).type).toMatch(/^not-found\//);
  });

  it('answers a missing record with its documented not-found type', async () => {
    const user = await h.api('/users/999999');
    expect(user.status).toBe(404);
    expect((await errorOf(user)).type).toBe('not-found/user-not-found');
    const group = await h.api('/groups/999999');
    expect((await errorOf(group)).type).toBe('not-found/group-not-found');
  });

  it('answers a missing path with not-found/file-not-found', async () => {
    for (const path of ['/files/nope%2Fmissing.txt', '/folders/nope', '/file_actions/metadata/nope.txt']) {
      const res = await h.api(path);
      expect(res.status).toBe(404);
      expect((await errorOf(res)).type).toBe('not-found/file-not-found');
    }
  });

  it('answers a missing required parameter with a bad-request type', async () => {
    const res = await h.api('/users', { method: 'POST', json: { name: 'No Username' } });
    expect(res.status).toBe(400);
    const { type } = await errorOf(res);
    expect(type).toBe('bad-request/request-params-required');
    expect(documented(type)).toBe(true);
  });

  it('answers a malformed cursor with bad-request/invalid-cursor', async () => {
    for (const cursor of ['garbage', 'WyJpZDphc2MiLCJuIiwyLDJdLjAwMDA', '%%%']) {
      const res = await h.api(`/users?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status).toBe(400);
      expect((await errorOf(res)).type).toBe('bad-request/invalid-cursor');
    }
  });

  it('enforces the per-operation per_page maximum with a 400', async () => {
    expect((await h.api('/users?per_page=10000')).status).toBe(200);
    const users = await h.api('/users?per_page=10001');
    expect(users.status).toBe(400);
    expect((await errorOf(users)).type).toBe('bad-request/request-params-invalid');
    expect((await h.api('/action_logs?per_page=1000')).status).toBe(200);
    expect((await h.api('/action_logs?per_page=1001')).status).toBe(400);
    expect((await h.api('/users?per_page=0')).status).toBe(400);
    expect((await h.api('/users?per_page=abc')).status).toBe(400);
  });

  it('every error type it sends is documented (or a bare family)', async () => {
    h.emulator.resetLog();
    const responses = await Promise.all([
      h.api('/users', { headers: { 'x-no-auth': '1' } }),
      h.api('/users?sort_by[password]=asc'),
      h.api('/users?sort_by[name]=asc&sort_by[email]=asc'),
      h.api('/users?filter[avatar_url]=x'),
      h.api('/users', { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } }),
    ]);
    const types = await Promise.all(responses.map(async (r) => (await errorOf(r)).type));
    expect(types).toEqual([
      'not-authenticated/authentication-required',
      'bad-request/invalid-sort-field',
      'bad-request/multiple-sort-params-not-allowed',
      'bad-request/invalid-filter-field',
      'bad-request/invalid-body',
    ]);
    for (const type of types) expect(documented(type)).toBe(true);
  });
});

describe('paths', () => {
  it('decodes each percent-encoded path segment (a%2Fb%2Fc is folder a/b/c)', async () => {
    expect((await h.api('/folders/a%2Fb%2Fc', { method: 'POST', json: { mkdir_parents: true } })).status).toBe(201);
    const encoded = (await (await h.api('/file_actions/metadata/a%2Fb%2Fc')).json()) as { path: string; type: string };
    expect(encoded).toMatchObject({ path: 'a/b/c', type: 'directory' });
    const raw = (await (await h.api('/file_actions/metadata/a/b/c')).json()) as { path: string };
    expect(raw.path).toBe('a/b/c');
    const spaced = await h.api(`/folders/${encodeURIComponent('a/b/c/Q1 Été')}`, { method: 'POST' });
    expect(((await spaced.json()) as { path: string }).path).toBe('a/b/c/Q1 Été');
    const listed = (await (await h.api('/folders/a%2FB%2Fc')).json()) as { display_name: string }[];
    expect(listed.map((f) => f.display_name)).toEqual(['Q1 Été']);
  });
});
