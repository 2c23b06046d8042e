import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/testing/index.js';
import { apiOperations } from '../../src/generated/manifest.js';
import { errorOf, startEmulator, type TestEmulator } from '../helpers/emulator.js';

let h: TestEmulator;
beforeAll(async () => {
  h = await startEmulator({ seed: 11, users: 2_345, listSize: 23, history: 1_234, actionLogs: 777 });
});
afterAll(() => h.close());

describe('cursor pagination', () => {
  it('walks every user exactly once, with the legacy header beside the next cursor', async () => {
    const { records, pages } = await h.walk('/users', 100);
    expect(records).toHaveLength(2_345);
    expect(new Set(records.map((r) => r['id'])).size).toBe(2_345);
    expect(records.map((r) => r['id'])).toEqual(Array.from({ length: 2_345 }, (_, i) => i + 1));
    expect(pages).toHaveLength(24);
    pages.forEach((headers, i) => {
      const last = i === pages.length - 1;
      expect(headers.get('x-files-cursor-next') !== null).toBe(!last);
      expect(headers.get('x-files-cursor')).toBe(headers.get('x-files-cursor-next'));
      expect(headers.get('x-files-cursor-prev') !== null).toBe(i > 0);
    });
  });

  it('defaults per_page to 1000', async () => {
    const res = await h.api('/users');
    expect(((await res.json()) as unknown[]).length).toBe(1000);
    expect(res.headers.get('x-files-cursor-next')).toBeTruthy();
  });

  it('answers a list that fits in one page without any cursor header', async () => {
    const res = await h.api('/users?per_page=5000');
    expect(((await res.json()) as unknown[]).length).toBe(2_345);
    expect(res.headers.get('x-files-cursor-next')).toBeNull();
    expect(res.headers.get('x-files-cursor')).toBeNull();
    expect(res.headers.get('x-files-cursor-prev')).toBeNull();
  });

  it('uses opaque cursors that name a record: records added later do not shift a walk', async () => {
    const first = await h.api('/users?per_page=3');
    const next = first.headers.get('x-files-cursor-next')!;
    expect(next).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(next).not.toMatch(/^\d+$/);
    // Delete a record before the cursor and add one at the end: the next page is unaffected.
    expect((await h.api('/users/2', { method: 'DELETE' })).status).toBe(204);
    const created = (await (await h.api('/users', { method: 'POST', json: { username: 'late.comer' } })).json()) as { id: number };
    expect(created.id).toBe(2_346);
    const second = (await (await h.api(`/users?per_page=3&cursor=${next}`)).json()) as { id: number }[];
    expect(second.map((u) => u.id)).toEqual([4, 5, 6]);
    const { records } = await h.walk('/users', 1000);
    expect(records).toHaveLength(2_345);
    expect(records.at(-1)!['username']).toBe('late.comer');
    expect(records.some((r) => r['id'] === 2)).toBe(false);
  });

  it('follows X-Files-Cursor-Prev back to the previous page', async () => {
    const p1 = await h.api('/history?per_page=10');
    const p2 = await h.api(`/history?per_page=10&cursor=${p1.headers.get('x-files-cursor-next')}`);
    const prev = p2.headers.get('x-files-cursor-prev')!;
    const back = await h.api(`/history?per_page=10&cursor=${prev}`);
    expect(await back.json()).toEqual(await p1.json());
    expect(back.headers.get('x-files-cursor-prev')).toBeNull();
    expect(back.headers.get('x-files-cursor-next')).toBe(p1.headers.get('x-files-cursor-next'));
  });

  it('refuses a cursor of another sort order', async () => {
    const p1 = await h.api('/users?per_page=10&sort_by[name]=asc');
    const res = await h.api(`/users?per_page=10&cursor=${p1.headers.get('x-files-cursor-next')}`);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).type).toBe('bad-request/invalid-cursor-type-for-sort');
  });

  it('refuses the cursor of an emulator with another seed', async () => {
    const other = createEmulator({ seed: 12 });
    const res = await other.handle(new Request(`${other.baseUrl}/api/rest/v1/users?per_page=10`, { headers: { 'X-FilesAPI-Key': other.apiKey } }));
    const foreign = await h.api(`/users?cursor=${res.headers.get('x-files-cursor-next')}`);
    expect(foreign.status).toBe(400);
  });

  it('walks history (increasing ids and times) and action logs (1000 max per page)', async () => {
    const history = await h.walk('/history', 500);
    expect(history.records).toHaveLength(1_234);
    const whens = history.records.map((r) => Date.parse(String(r['when'])));
    expect(whens.every((w, i) => i === 0 || w > whens[i - 1]!)).toBe(true);
    expect(history.records.map((r) => r['id'])).toEqual(Array.from({ length: 1_234 }, (_, i) => i + 1));
    const logs = await h.walk('/action_logs', 1000);
    expect(logs.records).toHaveLength(777);
    const times = logs.records.map((r) => Date.parse(String(r['created_at'])));
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
  });

  it('paginates every other list of the spec with listSize records derived from its example', async () => {
    const lists = apiOperations.filter((op) => op.paginated && op.pathParams.length === 0);
    const handWritten = new Set(['/users', '/groups', '/group_users', '/permissions', '/api_keys', '/history', '/history/login', '/action_logs']);
    expect(apiOperations.filter((op) => op.paginated)).toHaveLength(122);
    for (const op of lists.filter((o) => !handWritten.has(o.path))) {
      const { records, pages } = await h.walk(op.path, 10);
      expect(records, op.path).toHaveLength(23);
      expect(pages, op.path).toHaveLength(3);
      if (records[0] && 'id' in records[0]) expect(new Set(records.map((r) => r['id'])).size, op.path).toBe(23);
      const tooMany = await h.api(`${op.path}?per_page=${(op.perPageMax ?? 10_000) + 1}`);
      expect(tooMany.status, op.path).toBe(400);
    }
  });

  it('paginates lists under a path parameter too', async () => {
    for (const path of ['/locks/reports%2F2024', '/file_comments/files/a.txt', '/behaviors/folders/x%2Fy']) {
      const { records } = await h.walk(path, 7);
      expect(records, path).toHaveLength(23);
    }
  });
});

describe('sort and filter', () => {
  it('sorts by one field asc or desc, ties by id, across pages', async () => {
    const { records: all } = await h.walk('/users', 10_000);
    const byName = [...all].sort((a, b) => (String(a['name']) < String(b['name']) ? -1 : String(a['name']) > String(b['name']) ? 1 : Number(a['id']) - Number(b['id'])));
    const asc = await h.walk('/users?sort_by[name]=asc', 300);
    expect(asc.records.map((r) => r['id'])).toEqual(byName.map((r) => r['id']));
    const desc = await h.walk('/users?sort_by[name]=desc', 300);
    expect(desc.records.map((r) => r['id'])).toEqual([...byName].reverse().map((r) => r['id']));
  });

  it('filters by exact value and by prefix on username, email and name', async () => {
    const { records: all } = await h.walk('/users', 10_000);
    const prefix = String(all[10]!['username']).slice(0, 4);
    const expected = all.filter((r) => String(r['username']).startsWith(prefix)).map((r) => r['id']);
    const byPrefix = await h.walk(`/users?filter_prefix[username]=${encodeURIComponent(prefix)}`, 7);
    expect(byPrefix.records.map((r) => r['id'])).toEqual(expected);
    const email = String(all[42]!['email']);
    const byEmail = await h.walk(`/users?filter[email]=${encodeURIComponent(email)}`, 10);
    expect(byEmail.records.map((r) => r['email'])).toEqual([email]);
    const name = String(all[5]!['name']);
    const byName = await h.walk(`/users?filter[name]=${encodeURIComponent(name)}&sort_by[username]=desc`, 3);
    const expectedNames = all.filter((r) => r['name'] === name).sort((a, b) => (String(a['username']) < String(b['username']) ? 1 : -1));
    expect(byName.records.map((r) => r['id'])).toEqual(expectedNames.map((r) => r['id']));
  });

  it('filters by range (filter_gt on a number)', async () => {
    const { records: all } = await h.walk('/users', 10_000);
    const { records } = await h.walk('/users?filter_gt[password_validity_days]=30', 500);
    expect(records.map((r) => r['id'])).toEqual(all.filter((r) => Number(r['password_validity_days']) > 30).map((r) => r['id']));
  });
});
