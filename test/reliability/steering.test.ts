// Reliability: a failed response never steers a listing. When a page's body breaks off and
// the page is fetched again, the cursors of the failed response are discarded: the listing
// continues from the cursor of the response whose body was read, and a prefetch started
// from the failed headers is cancelled and redone.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, ResponseValidationError, type FilesClient } from '../../src/index.js';
import { answer, tinyServer, type TinyServer } from './support/tiny-server.js';

const user = (id: number) => `{"id":${id},"username":"user${id}"}`;
const page = (...ids: number[]) => `[${ids.map(user).join(',')}]`;

let server: TinyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Headers, then a body cut short: the client sees a broken body after it has the cursors. */
function brokenBody(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096', ...headers });
  res.write('[{"id":3,"user', () => res.socket?.destroy());
}

/**
 * A list server: the first page points at `c1`; the first answer for `c1` carries `failed`
 * cursors and a broken body, the second one `good` cursors and users 3 and 4. `c2` holds
 * user 5; `WRONG` holds user 900, which must never be delivered.
 */
async function serve(failed: Record<string, string>, good: Record<string, string>): Promise<FilesClient> {
  let c1 = 0;
  server = await tinyServer((_req, res, seen) => {
    const cursor = seen.query.get('cursor');
    if (cursor === null) return answer(res, 200, page(1, 2), { 'x-files-cursor-next': 'c1' });
    if (cursor === 'c1') return ++c1 === 1 ? brokenBody(res, failed) : answer(res, 200, page(3, 4), good);
    if (cursor === 'c2') return answer(res, 200, page(5));
    if (cursor === 'WRONG') return answer(res, 200, page(900));
    return answer(res, 404, '{"type":"not-found","http-code":404}');
  });
  return createClient({ apiKey: 'steering-key-123', baseUrl: server.baseUrl, retry: { limit: 2, backoffMs: 1, maxBackoffMs: 2 } });
}

const ids = async (client: FilesClient, prefetch: number) => (await client.users.list({}, { prefetch }).toArray()).map((u) => u.id);
const cursorsAsked = () => server!.seen.map((s) => s.query.get('cursor') ?? 'start');

describe('a page fetched again takes its cursors from the response that was read', () => {
  for (const prefetch of [0, 1, 3]) {
    it(`the failed response named another next page (prefetch ${prefetch}): its records never appear`, async () => {
      const client = await serve({ 'x-files-cursor-next': 'WRONG' }, { 'x-files-cursor-next': 'c2' });
      expect(await ids(client, prefetch)).toEqual([1, 2, 3, 4, 5]);
      expect(cursorsAsked().filter((c) => c === 'c1')).toHaveLength(2);
      expect(cursorsAsked().filter((c) => c === 'c2')).toHaveLength(1);
    });

    it(`the failed response said "last page" but the good one goes on (prefetch ${prefetch})`, async () => {
      const client = await serve({}, { 'x-files-cursor-next': 'c2' });
      expect(await ids(client, prefetch)).toEqual([1, 2, 3, 4, 5]);
    });

    it(`the failed response went on but the good one is the last page (prefetch ${prefetch})`, async () => {
      const client = await serve({ 'x-files-cursor-next': 'c2' }, {});
      expect(await ids(client, prefetch)).toEqual([1, 2, 3, 4]);
    });

    it(`the legacy X-Files-Cursor header is discarded the same way (prefetch ${prefetch})`, async () => {
      const client = await serve({ 'x-files-cursor': 'WRONG' }, { 'x-files-cursor': 'c2' });
      expect(await ids(client, prefetch)).toEqual([1, 2, 3, 4, 5]);
    });
  }

  it('a failed response whose cursor would loop does not end the listing with a false cursor-loop error', async () => {
    const client = await serve({ 'x-files-cursor-next': 'c1' }, { 'x-files-cursor-next': 'c2' });
    expect(await ids(client, 1)).toEqual([1, 2, 3, 4, 5]);
  });

  it('pages() reports the good response cursors', async () => {
    const client = await serve({ 'x-files-cursor-next': 'WRONG', 'x-files-cursor-prev': 'P-WRONG' }, { 'x-files-cursor-next': 'c2', 'x-files-cursor-prev': 'P' });
    const pages = [];
    for await (const p of client.users.list().pages()) pages.push([p.cursor, p.nextCursor, p.prevCursor]);
    expect(pages).toEqual([
      [undefined, 'c1', undefined],
      ['c1', 'c2', 'P'],
      ['c2', undefined, undefined],
    ]);
  });

  it('an unparsable body is fetched again the same way', async () => {
    let c1 = 0;
    server = await tinyServer((_req, res, seen) => {
      const cursor = seen.query.get('cursor');
      if (cursor === null) return answer(res, 200, page(1), { 'x-files-cursor-next': 'c1' });
      if (cursor === 'c1') return ++c1 === 1 ? answer(res, 200, '[{"id":2', { 'x-files-cursor-next': 'WRONG' }) : answer(res, 200, page(2), { 'x-files-cursor-next': 'c2' });
      if (cursor === 'c2') return answer(res, 200, page(3));
      return answer(res, 200, page(900));
    });
    const client = createClient({ apiKey: 'steering-key-123', baseUrl: server.baseUrl, retry: { limit: 1, backoffMs: 1 } });
    expect(await ids(client, 1)).toEqual([1, 2, 3]);
    // Without retries left, the broken body is the error (no cursor of it is followed either).
    c1 = 0;
    const noRetry = createClient({ apiKey: 'steering-key-123', baseUrl: server.baseUrl, retry: false });
    const error = await noRetry.users.list().toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
  });
});
