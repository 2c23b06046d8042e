// The page checks on their own: records outside the range or out of order refused, repeated
// runs and resumed names dropped, records past a split checked off against the slice that
// lists them, and a dense page cutting its slice before its last second.
import { describe, expect, it } from 'vitest';
import { PaginationError } from '../../src/index.js';
import { checkOwed, takePage, type PageContext } from '../../src/partition/page-checks.js';
import { makeSlice, type Owed, type Slice } from '../../src/partition/slice.js';
import { SlicePlanner } from '../../src/partition/slice-planner.js';

interface Log {
  id?: number;
  created_at: string;
  path?: string;
}

const S = 1000;
const T0 = Date.parse('2024-01-01T00:00:00Z');
const at = (second: number, id?: number): Log => ({ ...(id === undefined ? { path: `p${second}` } : { id }), created_at: new Date(T0 + second * S).toISOString() });
const seconds = (...s: number[]) => s.map((x) => at(x, x));

function context(ordered = true, perPage = 10): PageContext<Log> & { slices: Slice<Log>[] } {
  const planner = new SlicePlanner<Log>({ since: T0, until: T0 + 100 * S, concurrency: 4, perPage, ordered });
  return { operation: 'actionLogs.list', perPage, slices: [], planner };
}
const sliceOf = (ctx: ReturnType<typeof context>, from: number, to: number, how: Parameters<typeof makeSlice>[3] = {}) => {
  const s = makeSlice<Log>(ctx.slices.length, T0 + from * S, T0 + to * S, how);
  ctx.slices.push(s);
  ctx.slices.sort((a, b) => a.from - b.from);
  return s;
};
const idsOf = (page: { items: Log[] } | undefined) => page?.items.map((r) => r.id ?? r.path);
const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as PaginationError).reason).toBe('inconsistent');
    return (error as Error).message;
  }
  throw new Error('no error');
};

describe('page checks: what the server sends must match what was asked', () => {
  it('a record outside the range asked for is an error naming the times', () => {
    const ctx = context();
    const s = sliceOf(ctx, 0, 10);
    expect(reason(() => takePage(ctx, s, seconds(1, 11), false))).toMatch(/created at 2024-01-01T00:00:11Z for the range 2024-01-01T00:00:00Z to 2024-01-01T00:00:10Z/);
  });

  it('records out of ascending created_at order are an error', () => {
    const ctx = context();
    const s = sliceOf(ctx, 0, 10);
    expect(reason(() => takePage(ctx, s, seconds(1, 3, 2), true))).toMatch(/not in ascending created_at order/);
  });

  it('the last page keeps every record; the names of those at its last second make the delivered position', () => {
    const ctx = context();
    const s = sliceOf(ctx, 0, 10);
    const page = takePage(ctx, s, [at(1, 1), at(4, 2), at(4, 3)], true)!;
    expect(idsOf(page)).toEqual([1, 2, 3]);
    expect(page.times).toEqual([T0 + 1 * S, T0 + 4 * S, T0 + 4 * S]);
    expect(page.lastNames).toEqual(['#2', '#3']);
    expect([s.ended, s.reachedAt, s.listedUpTo]).toEqual([true, T0 + 4 * S, T0 + 4 * S]);
  });
});

describe('page checks: repeated and already delivered records', () => {
  it('a page that starts by repeating the end of the page before: those records are dropped', () => {
    const ctx = context(false);
    const s = sliceOf(ctx, 0, 100);
    expect(idsOf(takePage(ctx, s, seconds(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), false))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(idsOf(takePage(ctx, s, seconds(9, 10, 11, 12), true))).toEqual([11, 12]);
  });

  it('records without an id: one identical to the last before the page may be its twin and is kept; a run of two is a repeat', () => {
    const ctx = context(false);
    const s = sliceOf(ctx, 0, 100);
    takePage(ctx, s, [at(1), at(2), at(3)], false);
    expect(idsOf(takePage(ctx, s, [at(3), at(4)], false))).toEqual(['p3', 'p4']);
    expect(idsOf(takePage(ctx, s, [at(3), at(4), at(5)], true))).toEqual(['p5']);
  });

  it('a resumed position: the records at its first second it names are skipped, in whatever order they come', () => {
    const ctx = context(false);
    const s = sliceOf(ctx, 5, 100, { seen: ['#52', '#50'] });
    expect(idsOf(takePage(ctx, s, [at(5, 50), at(5, 51), at(5, 52), at(6, 60)], true))).toEqual([51, 60]);
  });
});

describe('page checks: records past a slice end', () => {
  /** A parent slice split at 50 s: it lists to 50 s, its child from there. */
  function split(ctx: ReturnType<typeof context>) {
    const parent = sliceOf(ctx, 0, 100);
    parent.to = T0 + 50 * S;
    const child = sliceOf(ctx, 50, 100, { watch: true });
    parent.children.push(child);
    return { parent, child };
  }

  it('the parent hands the records past the split over to the child, which must list them', () => {
    const ctx = context(false);
    const { parent, child } = split(ctx);
    expect(idsOf(takePage(ctx, parent, seconds(48, 49, 50, 51), false))).toEqual([48, 49]);
    expect(parent.done).toBe(true);
    expect(child.owed).toEqual(new Map([[T0 + 50 * S, new Map([['#50', 1]])], [T0 + 51 * S, new Map([['#51', 1]])]]) satisfies Owed);
    takePage(ctx, child, seconds(50, 51, 52), true);
    expect(child.owed.size).toBe(0);
    expect(() => checkOwed('actionLogs.list', child)).not.toThrow();
  });

  it('a record the child watched is checked off its watch; one the child did not list is an error', () => {
    const ctx = context(false);
    const { parent, child } = split(ctx);
    takePage(ctx, child, seconds(50, 52), true); // the child's first page, watched; its listing is over
    expect(idsOf(takePage(ctx, parent, seconds(49, 50), false))).toEqual([49]);
    expect(child.watch!.names).toEqual(new Map([[T0 + 52 * S, new Map([['#52', 1]])]]));
    // Another parent lists a record at 51 s that its child, whose listing is over, did not list.
    const other = context(false);
    const pair = split(other);
    takePage(other, pair.child, seconds(50, 52), true);
    expect(reason(() => takePage(other, pair.parent, seconds(49, 51), false))).toMatch(/a record at 2024-01-01T00:00:51Z was listed by a slice past its end, and the slice listing that time did not list it/);
  });

  it('checkOwed: records owed to a slice that its listing passed without them are an error', () => {
    const ctx = context(false);
    const s = sliceOf(ctx, 0, 100);
    s.owed.set(T0 + 3 * S, new Map([['#3', 1]]));
    takePage(ctx, s, seconds(1, 2), false);
    expect(() => checkOwed(ctx.operation, s)).not.toThrow(); // 3 s may still come
    takePage(ctx, s, seconds(4), false);
    expect(() => checkOwed(ctx.operation, s)).toThrow(/1 record at 2024-01-01T00:00:03Z listed by one slice \(past its end\) was not listed/);
  });
});

describe('page checks: a dense page cuts its slice (ordered)', () => {
  it('a page showing well over another page left: the slice ends before its last second, the planner takes the rest', () => {
    const ctx = context(true);
    const s = sliceOf(ctx, 0, 100);
    const page = takePage(ctx, s, seconds(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), false)!;
    expect(idsOf(page)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect([s.done, s.to]).toEqual([true, T0 + 9 * S]);
    expect(ctx.planner.cuts).toEqual([{ from: T0 + 9 * S, to: T0 + 100 * S, records: 10, span: 9 * S, owed: new Map([[T0 + 9 * S, new Map([['#9', 1]])]]) }]);
  });

  it('not dense enough (1.5 pages left or less), the last page, or arrival order: no cut', () => {
    for (const [ordered, from, last] of [
      [true, 86, false], // 14 s left at one record a second
      [true, 0, true],
      [false, 0, false],
    ] as const) {
      const ctx = context(ordered);
      const s = sliceOf(ctx, from, 100);
      const page = takePage(ctx, s, seconds(...Array.from({ length: 10 }, (_, i) => from + i)), last)!;
      expect(page.items).toHaveLength(10);
      expect([s.done, s.ended, s.to, ctx.planner.cuts.length]).toEqual([false, last, T0 + 100 * S, 0]);
    }
  });

  it('the first slice over a range nothing is known of is cut in arrival order too: its rest is planned afresh', () => {
    const ctx = context(false);
    const s = sliceOf(ctx, 0, 100, { scout: true });
    takePage(ctx, s, seconds(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), false);
    expect(s.to).toBe(T0 + 9 * S);
    expect(ctx.planner.cuts).toEqual([]);
    expect(ctx.planner.unassigned).toEqual({ from: T0 + 9 * S, to: T0 + 100 * S, owed: new Map([[T0 + 9 * S, new Map([['#9', 1]])]]) });
  });
});
