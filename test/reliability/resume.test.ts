// Reliability: exactly once through every resume point. Whatever chain of filter, map, take
// and batch a listing carries, an error's `resumeCursor` and a page's `nextCursor` cover every
// record not yet delivered to the consumer, and nothing that was.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createClient, FilesApiError, NetworkError, Paginated, PaginationError, type User } from '../../src/index.js';
import { pumpPages } from '../../src/pagination/page-pump.js';
import type { Page, PageFetcher } from '../../src/pagination/types.js';
import { createEmulator, type EmulatorOptions } from '../../src/testing/index.js';
import { scaled, timeoutMs } from './support/scale.js';

/** Users 1..2100 in 7 pages of 300: the issue's own case. */
const USERS = 2100;
const PER_PAGE = 300;

/**
 * A client of an in-process emulator whose fetch fails the `failOn`-th request (1-based) to
 * a path matching `path` once with a 503, and counts those requests. Retries are off: the
 * failure reaches the caller.
 */
function flakyClient(failOn: number, options: EmulatorOptions = { seed: 3, users: USERS }, path: RegExp = /\/users$/) {
  const emulator = createEmulator(options);
  let lists = 0;
  const client = createClient({
    apiKey: emulator.apiKey,
    baseUrl: emulator.baseUrl,
    retry: false,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      if (path.test(new URL(request.url).pathname) && ++lists === failOn) {
        return new Response('{"type":"service-unavailable","title":"try again","http-code":503}', { status: 503 });
      }
      return emulator.handle(request);
    },
  });
  return { client, lists: () => lists };
}

const ids = (users: readonly User[]) => users.map((u) => u.id!);
const all = Array.from({ length: USERS }, (_, i) => i + 1);

describe('resume through operators: the issue case (7 pages of 300, one page failing once)', () => {
  it('batch(500): resuming from err.resumeCursor gives every record once, in order', async () => {
    const { client } = flakyClient(4);
    const got: number[] = [];
    let startCursor: string | undefined;
    let failures = 0;
    for (;;) {
      try {
        for await (const batch of client.users.list({ per_page: PER_PAGE }, { startCursor }).batch(500)) got.push(...ids(batch));
        break;
      } catch (error) {
        expect(error).toBeInstanceOf(FilesApiError);
        failures++;
        startCursor = (error as FilesApiError).resumeCursor;
      }
    }
    expect(failures).toBe(1);
    expect(got).toEqual(all);
  });

  it('take(n) then a resume from the last page of pages(): the rest, once each', async () => {
    const { client } = flakyClient(Infinity);
    const first: number[] = [];
    let nextCursor: string | undefined;
    for await (const page of client.users.list({ per_page: PER_PAGE }).take(1000).pages()) {
      first.push(...ids(page.items));
      nextCursor = page.nextCursor;
    }
    expect(first).toEqual(all.slice(0, 1000));
    expect(nextCursor).toBeDefined(); // 1000 is inside the fourth page: there is more
    const rest = ids(await client.users.list({ per_page: PER_PAGE }, { startCursor: nextCursor }).toArray());
    expect([...first, ...rest]).toEqual(all);
  });

  it('batch(500).pages(): stopping after two pages and resuming from nextCursor loses nothing', async () => {
    const { client, lists } = flakyClient(Infinity);
    const got: number[] = [];
    let nextCursor: string | undefined;
    let pages = 0;
    for await (const page of client.users.list({ per_page: PER_PAGE }).batch(500).pages()) {
      for (const batch of page.items) got.push(...ids(batch));
      nextCursor = page.nextCursor;
      if (++pages === 2) break;
    }
    expect(got).toEqual(all.slice(0, 500)); // pages of 300 through batches of 500: one batch so far
    for await (const batch of client.users.list({ per_page: PER_PAGE }, { startCursor: nextCursor }).batch(500)) got.push(...ids(batch));
    expect(got).toEqual(all);
    expect(lists()).toBe(3 + 6); // run 1: 2 pages and the prefetch of a third; run 2: pages 2 to 7
  });

  it('a resume cursor that is not one is refused before any request', async () => {
    const { client, lists } = flakyClient(Infinity);
    expect(() => client.users.list({}, { startCursor: 'fs-resume:x:abc' })).toThrow(/startCursor/);
    expect(lists()).toBe(0);
  });

  it('take(0) sends no request, after a filter too', async () => {
    const { client, lists } = flakyClient(Infinity);
    expect(await client.users.list().take(0).toArray()).toEqual([]);
    expect(await client.users.list().filter((u) => u.id! > 5).take(0).toArray()).toEqual([]);
    expect(await client.users.list().toArray({ limit: 0 })).toEqual([]);
    expect(lists()).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: random page sizes, operator chains, failures and stops.

/** A fake cursor API over records 0..n-1 in pages of the given sizes; the listed pages fail once. */
function fakeServer(sizes: readonly number[], failOnce: ReadonlySet<number>, failInBody: boolean) {
  const failed = new Set<number>();
  let requests = 0;
  const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const fetcher: PageFetcher<number> = async (cursor) => {
    requests++;
    const index = cursor === undefined ? 0 : Number(cursor.slice(1));
    const fail = failOnce.has(index) && !failed.has(index);
    if (fail) failed.add(index);
    if (fail && !failInBody) throw new NetworkError(`page ${index}: connection reset`);
    return {
      nextCursor: index + 1 < sizes.length ? `c${index + 1}` : undefined,
      prevCursor: undefined,
      discard: () => {},
      items: async () => {
        if (fail) throw new NetworkError(`page ${index}: body cut short`);
        return Array.from({ length: sizes[index]! }, (_, i) => starts[index]! + i);
      },
    };
  };
  return { fetcher, requests: () => requests };
}

type Op = { kind: 'filter'; mod: number } | { kind: 'map' } | { kind: 'batch'; size: number };

/** A chain: record-level ops, then an optional take, then batches (take after batch is not comparable across runs). */
interface Chain {
  ops: Op[];
  take: number | undefined;
  batches: number[];
}

function apply(listing: Paginated<number>, chain: Chain, take: number | undefined): Paginated<unknown> {
  let out: Paginated<unknown> = listing;
  for (const op of chain.ops) {
    if (op.kind === 'filter') out = (out as Paginated<number>).filter((v) => v % op.mod !== 0);
    else out = (out as Paginated<number>).map((v) => v); // a map that keeps the record (to compare)
  }
  if (take !== undefined) out = out.take(take);
  for (const size of chain.batches) out = out.batch(size);
  return out;
}

const flat = (values: readonly unknown[]): number[] => (values as unknown[]).flat(Infinity) as number[];

const chainArb: fc.Arbitrary<Chain> = fc.record({
  ops: fc.array(fc.oneof(fc.record({ kind: fc.constant('filter' as const), mod: fc.integer({ min: 2, max: 5 }) }), fc.constant({ kind: 'map' as const })), { maxLength: 3 }),
  take: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  batches: fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 2 }),
});

const scenarioArb = fc.record({
  sizes: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 12 }),
  chain: chainArb,
  failOnce: fc.uniqueArray(fc.integer({ min: 0, max: 11 }), { maxLength: 4 }),
  failInBody: fc.boolean(),
  /** Per run: iterate pages() (and maybe stop after some pages) or records. */
  runs: fc.array(fc.record({ pagesMode: fc.boolean(), stopAfter: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }) }), { minLength: 1, maxLength: 6 }),
  prefetch: fc.integer({ min: 0, max: 3 }),
});

describe('property: run 1 + the resumed runs = the full listing, once each, in order', () => {
  it(
    'for any page sizes, operator chain, failures and stops',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async ({ sizes, chain, failOnce, failInBody, runs, prefetch }) => {
          const listing = (fetcher: PageFetcher<number>, startCursor?: string) =>
            new Paginated<number>((demand) => pumpPages(fetcher, { startCursor, prefetch }, demand));
          const expected = flat(await apply(listing(fakeServer(sizes, new Set(), false).fetcher), chain, chain.take).toArray());

          const server = fakeServer(sizes, new Set(failOnce), failInBody);
          const got: number[] = [];
          let startCursor: string | undefined;
          for (let run = 0; ; run++) {
            expect(run, 'runs needed').toBeLessThan(50);
            const plan = runs[run] ?? { pagesMode: run % 2 === 0, stopAfter: undefined };
            const take = chain.take === undefined ? undefined : chain.take - got.length;
            const chained = apply(listing(server.fetcher, startCursor), chain, take);
            try {
              if (plan.pagesMode) {
                let pages = 0;
                let stopped = false;
                for await (const page of chained.pages()) {
                  got.push(...flat(page.items));
                  startCursor = page.nextCursor;
                  if (plan.stopAfter !== undefined && ++pages >= plan.stopAfter) {
                    stopped = true;
                    break;
                  }
                }
                if (stopped && startCursor !== undefined) continue;
                if (stopped) break; // stopped on the last page: nothing follows
              } else {
                for await (const value of chained) got.push(...flat([value]));
              }
              break;
            } catch (error) {
              if (!(error instanceof NetworkError)) throw error;
              startCursor = error.resumeCursor;
            }
          }
          expect(got).toEqual(expected);
        }),
        { numRuns: scaled(300, 3000) },
      );
    },
    timeoutMs(30_000),
  );
});

describe('resume cursors: what the pages say', () => {
  const sizes = [3, 3, 3];
  const listing = (startCursor?: string) =>
    new Paginated<number>((demand) => pumpPages(fakeServer(sizes, new Set(), false).fetcher, { startCursor }, demand));

  it('a listing without operators hands out the server cursors themselves', async () => {
    const pages: Page<number>[] = [];
    for await (const page of listing().pages()) pages.push(page);
    expect(pages.map((p) => [p.cursor, p.nextCursor])).toEqual([
      [undefined, 'c1'],
      ['c1', 'c2'],
      ['c2', undefined],
    ]);
  });

  it('take cut inside a page: nextCursor names the position inside it, and resuming there gives the rest', async () => {
    const pages: Page<number>[] = [];
    for await (const page of listing().take(4).pages()) pages.push(page);
    expect(pages.at(-1)!.nextCursor).toBe('fs-resume:1:c1');
    expect(await listing('fs-resume:1:c1').toArray()).toEqual([4, 5, 6, 7, 8]);
  });

  it('a batch holding records of the first page: nextCursor is the start, not the end', async () => {
    const first = (await listing().batch(5).pages()[Symbol.asyncIterator]().next()).value as Page<number[]>;
    expect(first.items).toEqual([]);
    expect(first.nextCursor).toBe('fs-resume:0:');
    expect(await listing(first.nextCursor).toArray()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('maxItems: the error says where to resume, so raising the guard continues exactly there', async () => {
    const error = await listing().map((n) => n).toArray().then(() => undefined, (e: unknown) => e);
    expect(error).toBeUndefined();
    const guarded = new Paginated<number>((demand) => pumpPages(fakeServer(sizes, new Set(), false).fetcher, { maxItems: 5 }, demand));
    const got: number[] = [];
    const err = await (async () => {
      for await (const n of guarded.batch(2)) got.push(...n);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaginationError);
    expect(got).toEqual([0, 1]); // [2] is held by the batch when page 2 trips the guard
    expect((err as PaginationError).resumeCursor).toBe('fs-resume:2:');
    expect(await listing((err as PaginationError).resumeCursor).toArray()).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('a folder walk merges many listings: it hands out no resume cursor', () => {
  it('an error of an inner listing carries no cursor of that listing; walk pages carry none', async () => {
    const { client } = flakyClient(3, { seed: 4, files: 40, folderFanout: 2, filesPerFolder: 10 }, /\/folders/);
    const error = await client.folders.walk('/', { perPage: 2, concurrency: 1 }).toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FilesApiError);
    expect((error as FilesApiError).resumeCursor).toBeUndefined();
    for await (const page of client.folders.walk('/', { perPage: 5 }).batch(3).pages()) {
      expect([page.cursor, page.nextCursor]).toEqual([undefined, undefined]);
    }
  });
});
