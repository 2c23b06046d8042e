// A page's records keep the JSON text the server sent (rawJsonOf), aligned with the items, so
// the CLI can write NDJSON without re-serialising; arrays made by operators have none.
import { describe, expect, it } from 'vitest';
import { rawJsonOf } from '../../src/extend.js';
import type { FilesClient } from '../../src/index.js';
import { startEmulator } from '../helpers/emulator.js';
import { useMswServer } from '../helpers/msw.js';

const server = useMswServer();
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The text of each item, checked to parse to that item. */
function texts(items: readonly unknown[]): string[] {
  const raw = rawJsonOf(items);
  expect(raw, 'the page has its records\' text').toBeDefined();
  expect(raw!.offsets.length).toBe(2 * items.length);
  return items.map((item, i) => {
    const text = decode(raw!.bytes.subarray(raw!.offsets[2 * i], raw!.offsets[2 * i + 1]));
    expect(JSON.parse(text)).toEqual(item);
    return text;
  });
}

describe('rawJsonOf: the server\'s text of a page\'s records', () => {
  let client: FilesClient;
  const setup = async () => (client = (await startEmulator({ users: 250, actionLogs: 500 }, { msw: server })).client);

  it('every page of a listing, aligned with its items; none after map, filter or batch', async () => {
    await setup();
    let count = 0;
    for await (const page of client.users.list({ per_page: 100 }, { rawJson: true }).pages()) count += texts(page.items).length;
    expect(count).toBe(250);
    for await (const page of client.users.list({ per_page: 100 }, { rawJson: true }).map((u) => u).pages()) expect(rawJsonOf(page.items)).toBeUndefined();
    for await (const page of client.users.list({ per_page: 100 }, { rawJson: true }).filter(() => true).pages()) expect(rawJsonOf(page.items)).toBeUndefined();
  });

  it('kept only when asked for (rawJson: true): otherwise a page holds no copy of its body', async () => {
    await setup();
    for await (const page of client.users.list({ per_page: 100 }).pages()) expect(rawJsonOf(page.items)).toBeUndefined();
    const all = await client.actionLogs.list({ per_page: 40 }).toArray();
    const since = all[0]!.created_at!;
    const until = new Date(Date.parse(all.at(-1)!.created_at!) + 1000).toISOString();
    let pages = 0;
    for await (const page of client.actionLogs.list({ per_page: 40 }, { partition: { since, until, concurrency: 4 } }).pages()) {
      expect(rawJsonOf(page.items)).toBeUndefined();
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
  });

  it('a resume inside a page keeps the text of the records that remain', async () => {
    await setup();
    let cursor: string | undefined;
    for await (const page of client.users.list({ per_page: 100 }).take(130).pages()) cursor = page.nextCursor;
    expect(cursor).toMatch(/^fs-resume:30:/);
    const ids: number[] = [];
    for await (const page of client.users.list({ per_page: 100 }, { startCursor: cursor, rawJson: true }).pages()) {
      ids.push(...texts(page.items).map((t) => (JSON.parse(t) as { id: number }).id));
    }
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
  });

  it('a partitioned listing: each page\'s text is that of its records, in created_at order', async () => {
    await setup();
    const all = await client.actionLogs.list({ per_page: 40 }).toArray();
    const since = all[0]!.created_at!;
    const until = new Date(Date.parse(all.at(-1)!.created_at!) + 1000).toISOString();
    const lines: string[] = [];
    for await (const page of client.actionLogs.list({ per_page: 40 }, { partition: { since, until, concurrency: 4 }, rawJson: true }).pages()) {
      lines.push(...texts(page.items));
    }
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(all);
  });
});
