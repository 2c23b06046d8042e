import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  createClient,
  FilesApiError,
  NotAuthenticatedError,
  ResponseValidationError,
  ServiceUnavailableError,
} from '../../src/index.js';
import { API, BASE, useMswServer } from '../helpers/msw.js';

const server = useMswServer();
const client = createClient({ apiKey: 'list-key', baseUrl: BASE, retry: { limit: 1, backoffMs: 1 } });

/** Serves `pages` pages of `perPage` users; records every request URL. */
function usersApi(pages: number, perPage: number, legacyHeader = false) {
  const urls: URL[] = [];
  server.use(
    http.get(`${API}/users`, ({ request }) => {
      const url = new URL(request.url);
      urls.push(url);
      const page = Number(url.searchParams.get('cursor')?.replace('p', '') ?? '0');
      const headers: Record<string, string> = {};
      if (page + 1 < pages) headers[legacyHeader ? 'X-Files-Cursor' : 'X-Files-Cursor-Next'] = `p${page + 1}`;
      const users = Array.from({ length: perPage }, (_, i) => ({ id: page * perPage + i + 1, username: `u${page * perPage + i + 1}`, site_admin: i % 2 === 0 }));
      return HttpResponse.json(users, { headers });
    }),
  );
  return urls;
}

describe('client.users.list end to end', () => {
  it('sends no request before iteration', async () => {
    const urls = usersApi(3, 10);
    const listing = client.users.list({ per_page: 10 });
    // Kept: the claim is that nothing arrives over a span of time, and nothing is no event.
    await new Promise((r) => setTimeout(r, 10));
    expect(urls).toHaveLength(0);
    expect(await listing.toArray()).toHaveLength(30);
  });

  it('take(5) on 1000-record pages sends exactly one request', async () => {
    const urls = usersApi(5, 1000);
    const five = await client.users.list().take(5).toArray();
    expect(five.map((u) => u.id)).toEqual([1, 2, 3, 4, 5]);
    // Kept: a stray prefetch would still be on its way through fetch and msw; nothing arriving is no event.
    await new Promise((r) => setTimeout(r, 20));
    expect(urls).toHaveLength(1);
  });

  it('a 10-page listing sends 10 requests per iteration and yields every record once', async () => {
    const urls = usersApi(10, 100);
    const listing = client.users.list({ per_page: 100 });
    const ids = (await listing.toArray()).map((u) => u.id);
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    expect(urls).toHaveLength(10);
    expect(urls.map((u) => u.searchParams.get('cursor'))).toEqual([null, 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9']);
    expect(urls.every((u) => u.searchParams.get('per_page') === '100')).toBe(true);
    await listing.toArray();
    expect(urls).toHaveLength(20);
  });

  it('follows the legacy X-Files-Cursor header', async () => {
    usersApi(3, 5, true);
    expect(await client.users.list().toArray()).toHaveLength(15);
  });

  it('resumes from a saved cursor', async () => {
    const urls = usersApi(4, 10);
    const ids = (await client.users.list({}, { startCursor: 'p2' }).toArray()).map((u) => u.id);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => 21 + i));
    expect(urls[0]!.searchParams.get('cursor')).toBe('p2');
  });

  it('filter + map + take + batch over the generated listing', async () => {
    usersApi(10, 100);
    const batches = await client.users
      .list({ per_page: 100 })
      .filter((u) => u.site_admin === true)
      .map((u) => u.id)
      .take(250)
      .batch(100)
      .toArray();
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches[0]![0]).toBe(1);
  });

  it('a 401 becomes NotAuthenticatedError with type and title', async () => {
    server.use(
      http.get(`${API}/users`, () =>
        HttpResponse.json(
          { error: 'Authentication required', 'http-code': 401, title: 'Authentication Required', type: 'not-authenticated/authentication-required' },
          { status: 401 },
        ),
      ),
    );
    const err = await client.users.list().toArray().catch((e) => e);
    expect(err).toBeInstanceOf(NotAuthenticatedError);
    expect(err.type).toBe('not-authenticated/authentication-required');
    expect(err.title).toBe('Authentication Required');
    expect(err.operation).toBe('users.list');
  });

  it('an HTML 502 on page 3 becomes a typed error carrying the cursor to resume from', async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/users`, ({ request }) => {
        calls++;
        const cursor = new URL(request.url).searchParams.get('cursor');
        if (cursor === 'p2') return new HttpResponse('<html><title>502 Bad Gateway</title></html>', { status: 502, headers: { 'content-type': 'text/html' } });
        return HttpResponse.json([{ id: calls }], { headers: { 'X-Files-Cursor-Next': cursor === null ? 'p1' : 'p2' } });
      }),
    );
    const err = await client.users.list().toArray().catch((e) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err).toBeInstanceOf(FilesApiError);
    expect(err.status).toBe(502);
    expect(err.resumeCursor).toBe('p2');
  });

  it('a record with a wrong field type names the operation, the record index and the field', async () => {
    server.use(http.get(`${API}/users`, () => HttpResponse.json([{ id: 1 }, { id: 2 }, { id: 3, username: 42 }])));
    const err = await client.users.list().toArray().catch((e) => e);
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect(err.operation).toBe('users.list');
    expect(err.index).toBe(2);
    expect(err.path).toEqual(['username']);
    expect(err.message).toMatch(/users\.list: record 2 field "username"/);
  });

  it('passthrough keeps unknown fields; strict refuses them; off skips checks', async () => {
    server.use(http.get(`${API}/users`, () => HttpResponse.json([{ id: 1, brand_new_field: 'x' }])));
    const [user] = await client.users.list().toArray();
    expect(user).toEqual({ id: 1, brand_new_field: 'x' });
    await expect(client.users.list({}, { validation: 'strict' }).toArray()).rejects.toBeInstanceOf(ResponseValidationError);
    server.use(http.get(`${API}/users`, () => HttpResponse.json([{ id: 'not a number' }])));
    await expect(client.with({ validation: 'off' }).users.list().toArray()).resolves.toEqual([{ id: 'not a number' }]);
  });

  it('a body that is not an array is a validation error, not a crash', async () => {
    server.use(http.get(`${API}/users`, () => HttpResponse.json({ not: 'a list' })));
    await expect(client.users.list().toArray()).rejects.toBeInstanceOf(ResponseValidationError);
  });
});
