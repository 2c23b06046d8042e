import { from } from 'ix/asynciterable';
import { filter as ixFilter, map as ixMap } from 'ix/asynciterable/operators';
import { describe, expect, it } from 'vitest';
import { PaginationError } from '../../src/errors/client-errors.js';
import { pumpPages, type PumpOptions } from '../../src/pagination/page-pump.js';
import { Paginated } from '../../src/pagination/paginated.js';
import { fakeApi, type FakeApi } from '../helpers/fake-pages.js';

const listing = (api: FakeApi, options: PumpOptions = {}) =>
  new Paginated<number>((demand) => pumpPages(api.fetcher, options, demand));

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

describe('Paginated: laziness and cursors', () => {
  it('sends nothing before iteration begins', async () => {
    const api = fakeApi(3, 10);
    const list = listing(api).filter((n) => n > 2).map((n) => n * 2).take(3).batch(2);
    await api.idle();
    expect(api.requests).toEqual([]);
    expect(list).toBeInstanceOf(Paginated);
  });

  it('follows cursors through 10 pages, each record once, 10 requests per iteration', async () => {
    const api = fakeApi(10, 100);
    const list = listing(api);
    const first = await collect(list);
    expect(first).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(api.requests).toEqual(['start', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9']);
    // Re-iterable: a second for-await runs the listing again from the start.
    const second = await collect(list);
    expect(second).toEqual(first);
    expect(api.requests).toHaveLength(20);
    expect(api.requests[10]).toBe('start');
  });

  it('gives pages with their cursors and resumes from a saved cursor', async () => {
    const api = fakeApi(4, 5);
    const pages = await collect(listing(api).pages());
    expect(pages.map((p) => [p.cursor, p.nextCursor, p.prevCursor])).toEqual([
      [undefined, 'c1', undefined],
      ['c1', 'c2', 'c0'],
      ['c2', 'c3', 'c1'],
      ['c3', undefined, 'c2'],
    ]);
    const resumed = await collect(listing(fakeApi(4, 5), { startCursor: pages[1]!.nextCursor }));
    expect(resumed).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
  });
});

describe('Paginated: prefetch', () => {
  it('requests the next page as soon as the headers arrive, before the body is read', async () => {
    const api = fakeApi(3, 2);
    await collect(listing(api));
    // Page c1 is requested right after the first page's headers, before its body is read.
    expect(api.events.indexOf('request:c1')).toBeLessThan(api.events.indexOf('body:start'));
    expect(api.events.indexOf('request:c2')).toBeLessThan(api.events.indexOf('body:c1'));
  });

  it('with prefetch 0 requests a page only when the consumer moves on to it', async () => {
    const api = fakeApi(3, 2);
    const seen: string[] = [];
    for await (const page of listing(api, { prefetch: 0 }).pages()) seen.push(`${page.cursor ?? 'start'}:${api.requests.length}`);
    expect(seen).toEqual(['start:1', 'c1:2', 'c2:3']);
  });

  it('with prefetch 1 stays one page ahead of a slow consumer; with 2, two pages', async () => {
    for (const prefetch of [1, 2]) {
      const api = fakeApi(6, 2);
      const ahead: number[] = [];
      for await (const page of listing(api, { prefetch }).pages()) {
        await api.idle(); // a slow consumer: every prefetch it allows lands meanwhile
        const index = page.cursor === undefined ? 0 : Number(page.cursor.slice(1));
        ahead.push(api.requests.length - 1 - index);
      }
      expect(ahead).toEqual([prefetch, prefetch, prefetch, prefetch, 1, 0].map((n, i) => Math.min(n, 5 - i)));
    }
  });

  it('take(5) on 1000-record pages sends exactly one request, prefetch included', async () => {
    const api = fakeApi(10, 1000);
    expect(await listing(api).take(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    await api.idle();
    expect(api.requests).toEqual(['start']);
  });

  it('take(1500) on 1000-record pages sends exactly two requests', async () => {
    const api = fakeApi(10, 1000);
    expect(await listing(api, { pageSize: 1000 }).take(1500).toArray()).toHaveLength(1500);
    await api.idle();
    expect(api.requests).toEqual(['start', 'c1']);
  });

  it('break stops fetching and aborts the in-flight prefetch', async () => {
    const api = fakeApi(10, 5);
    for await (const n of listing(api)) if (n === 0) break;
    await api.idle();
    expect(api.requests).toEqual(['start', 'c1']);
    expect(api.events).toContain('abort:c1');
  });

  it('an aborted signal stops the listing with its reason after the page in hand', async () => {
    const api = fakeApi(10, 5);
    const controller = new AbortController();
    const seen: number[] = [];
    await expect(async () => {
      for await (const n of listing(api, { signal: controller.signal })) {
        seen.push(n);
        if (n === 7) controller.abort(new Error('stop now'));
      }
    }).rejects.toThrow('stop now');
    // The records of the page already received are delivered; no further page is.
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(api.requests).toEqual(['start', 'c1', 'c2']);
    expect(api.events.some((e) => e.startsWith('abort:'))).toBe(true);
  });
});

describe('Paginated: guards and errors', () => {
  it('throws PaginationError on a cursor seen twice instead of looping', async () => {
    const api = fakeApi(100, 2, { loopAt: 2 });
    const seen: number[] = [];
    const err = await (async () => {
      try {
        for await (const n of listing(api)) seen.push(n);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PaginationError);
    expect((err as PaginationError).reason).toBe('cursor-loop');
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]); // pages start, c1, c2 once each
    expect(api.requests).toEqual(['start', 'c1', 'c2']);
  });

  it('maxPages and maxItems stop a listing that is larger than allowed', async () => {
    const pagesErr = await collect(listing(fakeApi(10, 2), { maxPages: 3 })).catch((e) => e);
    expect(pagesErr).toBeInstanceOf(PaginationError);
    expect(pagesErr.reason).toBe('max-pages');
    expect(pagesErr.resumeCursor).toBe('c3');
    const itemsErr = await collect(listing(fakeApi(10, 2), { maxItems: 5 })).catch((e) => e);
    expect(itemsErr.reason).toBe('max-items');
    expect(await collect(listing(fakeApi(3, 2), { maxPages: 3, maxItems: 6 }))).toHaveLength(6);
  });

  it('an error mid-listing carries the cursor to resume from', async () => {
    const api = fakeApi(5, 2, { failAt: 3 });
    const seen: number[] = [];
    const err = await (async () => {
      try {
        for await (const n of listing(api)) seen.push(n);
      } catch (e) {
        return e as Error & { resumeCursor?: string };
      }
    })();
    expect(err?.message).toBe('page 3 failed');
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('Paginated: operators', () => {
  it('filter, map, take and batch compose and keep returning Paginated', async () => {
    const api = fakeApi(10, 100);
    const list = listing(api)
      .filter((n) => n % 3 === 0)
      .map((n) => `#${n}`)
      .take(7)
      .batch(3);
    expect(list).toBeInstanceOf(Paginated);
    expect(await list.toArray()).toEqual([
      ['#0', '#3', '#6'],
      ['#9', '#12', '#15'],
      ['#18'],
    ]);
  });

  it('batch groups across page boundaries into arrays of n', async () => {
    const batches = await listing(fakeApi(3, 4)).batch(5).toArray();
    expect(batches).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]);
  });

  it('map and filter see the running index across pages', async () => {
    const idx: number[] = [];
    await listing(fakeApi(2, 3)).map((_, i) => idx.push(i)).toArray();
    expect(idx).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('toArray({ limit }) collects only that many and stops fetching', async () => {
    const api = fakeApi(10, 10);
    expect(await listing(api).toArray({ limit: 12 })).toHaveLength(12);
    expect(api.requests).toHaveLength(2);
  });

  it('works with any IxJS operator through pipe, and with from()', async () => {
    const list = listing(fakeApi(3, 3)).pipe(
      ixFilter((n: number) => n % 2 === 0),
      ixMap((n: number) => n + 1),
    );
    expect(await collect(list)).toEqual([1, 3, 5, 7, 9]);
    expect(await collect(from(listing(fakeApi(1, 2))))).toEqual([0, 1]);
  });

  it('refuses bad operator arguments before any request', () => {
    const api = fakeApi(1, 1);
    expect(() => listing(api).take(-1)).toThrow(RangeError);
    expect(() => listing(api).batch(0)).toThrow(RangeError);
    expect(api.requests).toEqual([]);
  });
});
