// Partitioned listings against a server that does not play fair (issue #18, points 1, 2, 5
// and 8): times without a zone, a second's records in another order (or one deleted) when a
// listing resumes, pages that repeat records, records outside the range asked for or out of
// order past a slice's end, a slice that does not list what another slice handed to it,
// resume cursors edited by hand, and `take(n)` sending only the requests it needs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Paginated, PaginationError } from '../../src/index.js';
import { partitionedPages, type PartitionOptions, type PartitionSource } from '../../src/partition/partition.js';
import { parsePartitionCursor } from '../../src/partition/positions.js';
import type { Page } from '../../src/pagination/types.js';

/** A log record: no id (as action logs), so it is named by its content. */
interface Log {
  created_at: string;
  path: string;
}

const T0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const ms = (r: Log) => Date.parse(r.created_at.endsWith('Z') ? r.created_at : `${r.created_at}Z`);

/** `n` logs: `perSecond` on each second from `T0`, their paths numbered. */
function logs(n: number, perSecond: number, zone = 'Z'): Log[] {
  return Array.from({ length: n }, (_, i) => ({ created_at: iso(T0 + Math.floor(i / perSecond) * 1000).replace('Z', zone), path: `f${i}` }));
}

interface Request {
  from: number;
  to: number;
  page: number;
}

/**
 * A fake time-ranged list over `data()` (read at each request, so a test can change it between
 * runs): answers `[from, to)` pages of `perPage`, through `mangle` (a hostile server's turn).
 */
function server(data: () => Log[], options: { perPage?: number; mangle?: (page: Log[], request: Request, all: Log[]) => Log[] } = {}) {
  const perPage = options.perPage ?? 10;
  const requests: Request[] = [];
  const source: PartitionSource<Log> = {
    operation: 'actionLogs.list',
    openSlice(from, to, signal, slot) {
      return {
        async *[Symbol.asyncIterator](): AsyncGenerator<Page<Log>> {
          const all = data().filter((r) => ms(r) >= from && ms(r) < to);
          for (let page = 0; ; page++) {
            signal.throwIfAborted();
            const giveBack = await slot.acquire(signal);
            const request = { from, to, page };
            requests.push(request);
            giveBack(200);
            await Promise.resolve();
            const items = all.slice(page * perPage, (page + 1) * perPage);
            const more = (page + 1) * perPage < all.length;
            yield { items: options.mangle ? options.mangle(items, request, all) : items, cursor: undefined, nextCursor: more ? `p${page + 1}` : undefined, prevCursor: undefined };
            if (!more) return;
          }
        },
      };
    },
  };
  return { source, requests };
}

const listing = (source: PartitionSource<Log>, options: Partial<PartitionOptions> & { startCursor?: string; perPage?: number } = {}) =>
  new Paginated<Log>((demand) => partitionedPages(source, { since: T0, until: T0 + 3_600_000, perPage: 10, ...options }, demand));

/** Lists `take` records (pages whole, as the CLI writes them), returning them and the resume cursor after them. */
async function firstRun(list: Paginated<Log>, take: number): Promise<{ got: Log[]; cursor: string }> {
  const got: Log[] = [];
  let cursor: string | undefined;
  for await (const page of list.take(take).pages()) {
    got.push(...page.items);
    cursor = page.nextCursor;
  }
  return { got, cursor: cursor! };
}

const paths = (records: readonly Log[]) => records.map((r) => r.path);
/** Paths seen more than once, and paths of `all` never seen. */
function tally(got: readonly Log[], all: readonly Log[]): { duplicates: string[]; missing: string[] } {
  const seen = new Map<string, number>();
  for (const r of got) seen.set(r.path, (seen.get(r.path) ?? 0) + 1);
  return {
    duplicates: [...seen].filter(([, n]) => n > 1).map(([p]) => p),
    missing: all.filter((r) => !seen.has(r.path)).map((r) => r.path),
  };
}

describe('1. times without a zone are UTC, whatever the machine zone', () => {
  let zone: string | undefined;
  beforeEach(() => {
    zone = process.env.TZ;
  });
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  for (const tz of ['America/Los_Angeles', 'Asia/Tokyo', 'UTC']) {
    it(`records sent as 2024-01-01T00:00:05 (no Z) under TZ=${tz}: every record once, in order`, async () => {
      process.env.TZ = tz;
      const all = logs(2100, 3, '');
      const { source } = server(() => all, { perPage: 50 });
      for (const ordered of [true, false]) {
        const got = await listing(source, { since: '2024-01-01T00:00:00', until: T0 + 3_600_000, concurrency: 4, ordered, perPage: 50 }).toArray();
        expect(got).toHaveLength(2100);
        if (ordered) expect(paths(got)).toEqual(paths(all));
        else expect(tally(got, all)).toEqual({ duplicates: [], missing: [] });
      }
    });
  }

  it('a record outside the range a slice asked for is an error naming the times, never dropped', async () => {
    // The server ignores the upper bound of the range: the first slice gets records past it.
    const all = logs(400, 1);
    const { source } = server(() => all, { perPage: 10, mangle: (page, request, every) => (request.page === 0 ? every.slice(0, 5).concat(all.filter((r) => ms(r) >= request.to).slice(0, 5)) : page) });
    const error = await listing(source, { until: T0 + 400_000, concurrency: 2 }).toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as PaginationError).reason).toBe('inconsistent');
    expect((error as Error).message).toMatch(/for the range .* it was asked for/);
  });
});

describe('2. positions name the records of their second, whatever the order', () => {
  /** 60 records on each of 20 seconds; the first run stops inside a second (after 130 of them). */
  const all = logs(1200, 60);
  const order = { shuffled: false, deleted: undefined as string | undefined };
  /** The server's answer: the records of each second in the order of the day (`shuffled`: reversed), one maybe deleted. */
  const data = () => {
    const kept = all.filter((r) => r.path !== order.deleted);
    if (!order.shuffled) return kept;
    const bySecond = new Map<string, Log[]>();
    for (const r of kept) bySecond.set(r.created_at, [...(bySecond.get(r.created_at) ?? []), r]);
    return [...bySecond.values()].flatMap((rs) => rs.reverse());
  };
  beforeEach(() => {
    order.shuffled = false;
    order.deleted = undefined;
  });

  for (const ordered of [true, false]) {
    const mode = ordered ? 'ordered' : 'arrival order';

    it(`resumed after the server reordered the second it stopped in: every record once (${mode})`, async () => {
      const { source } = server(data);
      const run1 = await firstRun(listing(source, { ordered, concurrency: 1 }), 130);
      expect(run1.got).toHaveLength(130);
      order.shuffled = true;
      const run2 = await listing(source, { ordered, concurrency: 3, startCursor: run1.cursor }).toArray();
      expect(tally([...run1.got, ...run2], all)).toEqual({ duplicates: [], missing: [] });
    });

    it(`resumed after a delivered record of that second was deleted (log retention): nothing lost, nothing twice (${mode})`, async () => {
      const { source } = server(data);
      const run1 = await firstRun(listing(source, { ordered, concurrency: 1 }), 130);
      order.deleted = run1.got.at(-3)!.path; // delivered, in the second the run stopped in
      const run2 = await listing(source, { ordered, concurrency: 3, startCursor: run1.cursor }).toArray();
      expect(tally([...run1.got, ...run2], all)).toEqual({ duplicates: [], missing: [] });
    });
  }

  it('identical records in one second (no id, same content) are told apart by their number', async () => {
    const twins = Array.from({ length: 30 }, (_, i) => ({ created_at: iso(T0 + Math.floor(i / 10) * 1000), path: i % 2 === 0 ? 'same' : `f${i}` }));
    const { source } = server(() => twins, { perPage: 4 });
    const run1 = await firstRun(listing(source, { concurrency: 1 }), 6);
    const run2 = await listing(source, { concurrency: 2, startCursor: run1.cursor }).toArray();
    const got = [...run1.got, ...run2];
    expect(got).toHaveLength(30);
    expect(got.filter((r) => r.path === 'same')).toHaveLength(15);
  });

  it('a page that repeats records of the second before it: each record once', async () => {
    // 1,000 records in one second, pages of 100; each later page starts with the last 37 of the page before.
    const burst = logs(1000, 1000);
    const { source } = server(() => burst, { perPage: 100, mangle: (page, request, every) => (request.page === 0 ? page : [...every.slice(request.page * 100 - 37, request.page * 100), ...page]) });
    for (const ordered of [true, false]) {
      const got = await listing(source, { ordered, concurrency: 4, until: T0 + 10_000, perPage: 100 }).toArray();
      expect(tally(got, burst)).toEqual({ duplicates: [], missing: [] });
      expect(got).toHaveLength(1000);
    }
  });

  it('a record inside the slice after one past its end (out of order) is an error, not a silent loss', async () => {
    const all = logs(300, 1);
    // The first page of each slice ends with one record of the next second, then one of the slice's own.
    const { source } = server(() => all, {
      perPage: 10,
      mangle: (page, request, every) => {
        if (request.page !== 0 || page.length < 10) return page;
        const inside = page.slice(0, 8);
        const rest = every.slice(8, 10);
        return [...inside, rest[1]!, rest[0]!];
      },
    });
    const error = await listing(source, { until: T0 + 300_000, concurrency: 1 }).toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as PaginationError).reason).toBe('inconsistent');
    expect((error as PaginationError).resumeCursor).toMatch(/^fs-partition:/);
  });

  it('a slice that does not list what a split slice handed to it: an error with a resume cursor, never a silent loss', async () => {
    // A burst; the server "forgets" the first records of any slice that starts in the middle of
    // it, although the slice before lists them (pages that contradict each other).
    const burst = logs(3000, 30);
    const { source, requests } = server(() => burst, {
      perPage: 50,
      mangle: (page, request) => {
        return request.from > T0 && request.page === 0 ? page.filter((r) => ms(r) >= request.from + 2000) : page;
      },
    });
    const result = await listing(source, { ordered: false, concurrency: 4, until: T0 + 100_000, perPage: 50 })
      .toArray()
      .catch((e: unknown) => e);
    // Whatever the slices did, the answer is never a silent loss: all records, or the error.
    if (Array.isArray(result)) expect(tally(result, burst)).toEqual({ duplicates: [], missing: [] });
    else {
      expect(result).toBeInstanceOf(PaginationError);
      expect((result as PaginationError).reason).toBe('inconsistent');
      expect((result as PaginationError).resumeCursor).toMatch(/^fs-partition:/);
    }
    // The contradiction was seen, by the check of what the split slice handed over.
    expect(result).toBeInstanceOf(PaginationError);
    expect((result as Error).message).toMatch(/did not list it|not listed by the slice of that time/);
    expect(requests.length).toBeGreaterThan(4);
  });
});

describe('5. resume cursors are checked: edited, cut short or for another range, refused', () => {
  const all = logs(600, 2);
  const decode = (cursor: string) => JSON.parse(Buffer.from(cursor.slice('fs-partition:'.length), 'base64url').toString());
  const encode = (value: unknown) => `fs-partition:${Buffer.from(JSON.stringify(value)).toString('base64url')}`;

  it('a position duplicated or dropped by hand: refused before any request', async () => {
    const { source, requests } = server(() => all);
    const run1 = await firstRun(listing(source, { ordered: false, concurrency: 4, until: T0 + 300_000 }), 35);
    const data = decode(run1.cursor);
    expect(data.r.length).toBeGreaterThan(1);
    const sent = requests.length;
    for (const r of [[...data.r, data.r[0]], data.r.slice(1), [[data.r[0][0], data.r.at(-1)[1]]]]) {
      const edited = encode({ ...data, r });
      const error = await listing(source, { ordered: false, until: T0 + 300_000, startCursor: edited }).toArray().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toMatch(/corrupt/);
    }
    expect(() => parsePartitionCursor(run1.cursor.slice(0, -4), T0, T0 + 300_000)).toThrow(/corrupt/);
    expect(requests.length).toBe(sent);
  });

  it('a cursor of another range is refused; a listing without `until` resumes the cursor\'s range', async () => {
    const { source } = server(() => all);
    const run1 = await firstRun(listing(source, { until: T0 + 300_000 }), 25);
    await expect(listing(source, { until: T0 + 200_000, startCursor: run1.cursor }).toArray()).rejects.toThrow(/another range/);
    await expect(listing(source, { since: T0 + 1000, until: T0 + 300_000, startCursor: run1.cursor }).toArray()).rejects.toThrow(/another range/);
    const rest = await new Paginated<Log>((d) => partitionedPages(source, { since: T0, perPage: 10, startCursor: run1.cursor }, d)).toArray();
    expect(tally([...run1.got, ...rest], all)).toEqual({ duplicates: [], missing: [] });
  });

  it('ordered, a resume cursor holds one position, however many slices were running', async () => {
    const { source } = server(() => all);
    const run1 = await firstRun(listing(source, { concurrency: 6, until: T0 + 300_000 }), 45);
    expect(decode(run1.cursor).r).toHaveLength(1);
  });
});

describe('8. take(n) asks for one slice at a time until it knows it needs more', () => {
  const all = logs(5000, 2);

  it('take(1) is one request; take(999) is two (the first request, over the whole range, keeps 998 records: its page less its last second)', async () => {
    for (const [n, expected] of [
      [1, 1],
      [998, 1],
      [999, 2],
    ] as const) {
      const { source, requests } = server(() => all, { perPage: 1000 });
      const got = await listing(source, { concurrency: 8, until: T0 + 2_500_000, perPage: 1000 }).take(n).toArray();
      expect(paths(got)).toEqual(paths(all.slice(0, n)));
      expect(requests).toHaveLength(expected);
    }
  });

  it('take(n) over a range whose start is empty: slices one at a time until records come', async () => {
    const late = logs(50, 1).map((r) => ({ ...r, created_at: iso(ms(r) + 3_000_000) }));
    const { source, requests } = server(() => late, { perPage: 1000 });
    const got = await listing(source, { concurrency: 8, until: T0 + 3_600_000, perPage: 1000 }).take(3).toArray();
    expect(paths(got)).toEqual(['f0', 'f1', 'f2']);
    // Without the limit, 8 slices (and more) would go out at once; one at a time, widening after each empty one.
    expect(requests.length).toBeLessThanOrEqual(8);
    for (let i = 1; i < requests.length; i++) expect(requests[i]!.from).toBeGreaterThanOrEqual(requests[i - 1]!.to);
  });
});
