// The slice planner on its own: the first slice over a range nothing is known of, slices
// sized from the density a page showed (ordered) or one per worker (arrival order), the rest
// of a cut slice, resumed positions, far slices for probes, and splits. Then the planner in a
// listing: a range holding less than a page is one request, whatever the concurrency.
import { describe, expect, it } from 'vitest';
import { Paginated } from '../../src/index.js';
import type { Page } from '../../src/pagination/types.js';
import { partitionedPages, type PartitionSource } from '../../src/partition/partition.js';
import { endAt, makeSlice, owe, type Owed, type Slice } from '../../src/partition/slice.js';
import { SlicePlanner, type PlannedSlice, type PlannerSettings } from '../../src/partition/slice-planner.js';

interface Rec {
  id: number;
  created_at: string;
}

const S = 1000;
const planner = (settings: Partial<PlannerSettings> = {}) => new SlicePlanner<Rec>({ since: 0, until: 100 * S, concurrency: 8, perPage: 10, ordered: true, ...settings });
const start = (planned: PlannedSlice<Rec>, id = 0): Slice<Rec> => makeSlice<Rec>(id, planned.from, planned.to, planned.how);
const ledger = (entries: [number, string][]): Owed => {
  const owed: Owed = new Map();
  for (const [t, name] of entries) owe(owed, t, name);
  return owed;
};
const range = (p: PlannedSlice<Rec> | undefined) => (p ? [p.from / S, p.to / S] : undefined);

/**
 * The scout's first page held 10 records, one a second from 0 s: the page-checks cut it
 * before its last second (9 s), keeping 9; the record at 9 s is owed to what comes next.
 */
function firstPageCut(p: SlicePlanner<Rec>): Slice<Rec> {
  const scout = start(p.next([])!);
  expect(p.worthCutting(scout, 10, 9 * S, scout.to - 9 * S)).toBe(true);
  p.restOf(scout, { from: 9 * S, to: scout.to, records: 10, span: 9 * S, owed: ledger([[9 * S, '#9']]) });
  endAt(scout, 9 * S);
  scout.done = true;
  scout.fetched = 9;
  scout.reachedAt = 8 * S;
  scout.scout = undefined;
  return scout;
}

describe('slice planner: a range nothing is known of', () => {
  it('the first slice (the scout) asks for the whole range; nothing more is planned until its first page is in', () => {
    const p = planner();
    const first = p.next([])!;
    expect(first).toEqual({ from: 0, to: 100 * S, how: { scout: true, owed: new Map() } });
    const scout = start(first);
    expect(p.next([scout])).toBeUndefined();
    expect(p.exhausted).toBe(true);
    // A page that was not full: the scout listed everything; nothing is left to plan.
    scout.fetched = 2;
    scout.reachedAt = 5 * S;
    scout.ended = scout.done = true;
    scout.scout = undefined;
    expect(p.next([scout])).toBeUndefined();
    expect(p.remaining()).toEqual([]);
  });

  it('ordered: after a dense first page, slices of 0.9 of a page at its density; the records it dropped are owed to the first of them', () => {
    const p = planner();
    const scout = firstPageCut(p);
    expect(p.remaining()).toEqual([{ from: 9 * S, to: 100 * S, seen: [] }]);
    const a = p.next([scout])!;
    // 9 records in 9 s: 0.9 x 10 records take 9 s.
    expect(a).toEqual({ from: 9 * S, to: 18 * S, how: { density: 9 / (9 * S), owed: ledger([[9 * S, '#9']]) } });
    const b = p.next([scout, start(a, 1)])!;
    expect(range(b)).toEqual([18, 27]);
    expect(b.how.owed).toEqual(new Map());
  });

  it('arrival order: after a dense first page, the rest over the workers (one slice each)', () => {
    const p = planner({ ordered: false });
    const scout = firstPageCut(p);
    const planned: (number[] | undefined)[] = [];
    const slices = [scout];
    for (let i = 0; i < 9; i++) {
      const next = p.next(slices);
      planned.push(range(next));
      if (next) slices.push(start(next, i + 1));
    }
    // 91 s over 8 workers: 11.375 s each, rounded up to whole seconds.
    expect(planned).toEqual([[9, 21], [21, 33], [33, 45], [45, 57], [57, 69], [69, 81], [81, 93], [93, 100], undefined]);
  });

  it('cuts a page only when the time left holds more than 1.5 pages at its density (arrival order: the scout only)', () => {
    const ordered = planner();
    const unordered = planner({ ordered: false });
    const slice = start({ from: 0, to: 100 * S, how: {} });
    expect(ordered.worthCutting(slice, 10, 10 * S, 16 * S)).toBe(true); // 16 records left
    expect(ordered.worthCutting(slice, 10, 10 * S, 15 * S)).toBe(false); // 15: a second page will do
    expect(unordered.worthCutting(slice, 10, 10 * S, 50 * S)).toBe(false);
    expect(unordered.worthCutting({ ...slice, scout: true }, 10, 10 * S, 50 * S)).toBe(true);
  });
});

describe('slice planner: what comes next', () => {
  it('the rest of a cut slice comes before the unassigned range, sized from the cut density', () => {
    const p = planner({ until: 1000 * S });
    const scout = firstPageCut(p);
    const a = start(p.next([scout])!, 1);
    p.restOf(a, { from: 12 * S, to: 18 * S, records: 30, span: 3 * S, owed: new Map() }); // 10 records a second
    expect(range(p.next([scout, a]))).toEqual([12, 13]); // 0.9 x 10 records: under a second, so one second
    expect(p.gap()).toBe(13 * S);
  });

  it('resumed: the named first second on its own, the other parts as they were, the part running to `until` planned afresh', () => {
    const p = new SlicePlanner<Rec>(
      { since: 0, until: 100 * S, concurrency: 4, perPage: 10, ordered: false },
      {
        since: 0,
        until: 100 * S,
        positions: [
          { from: 5 * S + 500, to: 20 * S, seen: ['#3'] },
          { from: 30 * S, to: 100 * S, seen: [] },
        ],
      },
    );
    expect(p.next([])).toEqual({ from: 5 * S + 500, to: 6 * S, how: { seen: ['#3'] } });
    expect(p.next([])).toEqual({ from: 6 * S, to: 20 * S, how: { seen: [] } });
    expect(p.next([])).toEqual({ from: 30 * S, to: 100 * S, how: { scout: true, owed: new Map() } });
  });

  it('a probe due (ordered, no limit): a one-page slice from the far end of a long unassigned range', () => {
    const p = planner({ until: 1000 * S });
    const scout = firstPageCut(p);
    expect(p.next([scout], true, true)).toMatchObject({ from: 9 * S, to: 18 * S }); // with a limit: no probe
    const far = p.next([scout], true)!;
    expect(far).toEqual({ from: 991 * S, to: 1000 * S, how: { far: true, density: 9 / (9 * S), owed: new Map() } });
    expect(p.remaining()).toEqual([{ from: 18 * S, to: 991 * S, seen: [] }]);
    // One far slice at a time.
    expect(range(p.next([scout, start(far, 1)], true))).toEqual([18, 27]);
  });

  it('nothing unassigned: the slice with the most time left that has shown a full page is split in the middle of what it has left', () => {
    const p = planner({ ordered: false });
    const scout = start(p.next([])!);
    scout.scout = undefined;
    const sparse = { ...start({ from: 0, to: 100 * S, how: {} }, 1), fetched: 9 };
    expect(p.next([sparse])).toBeUndefined();
    scout.fetched = 10;
    scout.reachedAt = 9 * S;
    owe(scout.owed, 70 * S, '#70');
    const split = p.next([scout])!;
    expect(split).toEqual({ from: 55 * S, to: 100 * S, how: { owed: ledger([[70 * S, '#70']]), watch: true }, parent: scout });
    expect(scout.to).toBe(55 * S);
    expect(scout.owed.size).toBe(0);
  });

  it('density evidence: a slice sized from a density that came back empty makes the next ones twice as wide', () => {
    const p = planner({ until: 10_000 * S });
    const scout = firstPageCut(p);
    const a = start(p.next([scout])!, 1);
    a.done = true;
    p.finished(a); // empty: 9 s with no record
    const b = p.next([scout, a])!;
    // The density seen (9 records in 18 s) sizes 18 s; after an empty 9 s, at least 18 s.
    expect(range(b)).toEqual([18, 36]);
    const c = start(b, 2);
    c.done = true;
    p.finished(c);
    p.retired(a);
    p.retired(c);
    expect(range(p.next([scout]))).toEqual([36, 72]);
  });
});

describe('slice planner in a listing: a small range is not split into more requests than it has records', () => {
  const T0 = Date.parse('2024-01-01T00:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

  function fake(all: Rec[], perPage: number) {
    const requests: { from: number; to: number }[] = [];
    const source: PartitionSource<Rec> = {
      operation: 'actionLogs.list',
      openSlice(from, to, signal, slot) {
        const inRange = all.filter((r) => Date.parse(r.created_at) >= from && Date.parse(r.created_at) < to);
        return {
          async *[Symbol.asyncIterator](): AsyncGenerator<Page<Rec>> {
            for (let offset = 0; ; offset += perPage) {
              (await slot.acquire(signal))(200);
              requests.push({ from, to });
              const more = offset + perPage < inRange.length;
              yield { items: inRange.slice(offset, offset + perPage), cursor: undefined, nextCursor: more ? 'more' : undefined, prevCursor: undefined };
              if (!more) return;
            }
          },
        };
      },
    };
    return { source, requests };
  }

  for (const ordered of [true, false]) {
    it(`2 records in 10 seconds, concurrency 8: one request for the whole range (${ordered ? 'ordered' : 'arrival order'})`, async () => {
      const all = [3, 7].map((s, id) => ({ id, created_at: iso(T0 + s * S) }));
      const { source, requests } = fake(all, 10);
      const got = await new Paginated<Rec>((d) => partitionedPages(source, { since: T0, until: T0 + 10 * S, concurrency: 8, ordered, perPage: 10 }, d)).toArray();
      expect(got.map((r) => r.id)).toEqual([0, 1]);
      expect(requests).toEqual([{ from: T0, to: T0 + 10 * S }]);
    });
  }

  it('25 records in a range of 100 seconds: the first page, then the rest in slices sized from its density', async () => {
    const all = Array.from({ length: 25 }, (_, id) => ({ id, created_at: iso(T0 + id * S) }));
    const { source, requests } = fake(all, 10);
    const got = await new Paginated<Rec>((d) => partitionedPages(source, { since: T0, until: T0 + 100 * S, concurrency: 8, perPage: 10 }, d)).toArray();
    expect(got.map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(requests[0]).toEqual({ from: T0, to: T0 + 100 * S });
    // The 91 s after the first page's 9 in slices of 9 s (0.9 of a page at its density), 10 at once.
    expect(requests.length).toBeLessThanOrEqual(12);
    expect(requests.slice(1).map((r) => (r.to - r.from) / S)).toContain(9);
  });
});
