/**
 * The checks of each page a slice lists: the server is not trusted.
 *
 * - Every record of a slice's pages must lie in the range asked for and come in ascending
 *   `created_at` order.
 * - A page that starts by repeating the end of the page before (overlapping pages): those
 *   records are dropped (they are the same records).
 * - The records at a resumed position's first second that it names as delivered are skipped,
 *   whatever their order.
 * - Records past a slice's (lowered) end belong to later slices (after a split, or an
 *   inclusive end parameter): each is checked off against the listing of the slice (or cut)
 *   that covers its time now, which must list it.
 * - Ordered (and the scout): a page that shows the slice dense cuts it before the page's last
 *   second; the planner takes the rest.
 *
 * What cannot be reconciled is a `PaginationError` (`inconsistent`), never a silent loss.
 */
import { PaginationError } from '../errors/index.js';
import { sliceWithRawJson } from '../pagination/raw-json.js';
import { isoOf, recordName } from './positions.js';
import { createdAt, endAt, moveOwed, owe, SECOND, settle, type Fetched, type Owed, type Slice } from './slice.js';
import type { SlicePlanner } from './slice-planner.js';

/** What the checks need of the listing. */
export interface PageContext<T> {
  /** Name of the operation, for errors. */
  readonly operation: string;
  /** Records in a full page. */
  readonly perPage: number;
  /** The running slices, by `from`. */
  readonly slices: readonly Slice<T>[];
  /** Decides cuts and holds the rest of cut slices. */
  readonly planner: SlicePlanner<T>;
}

/** A `PaginationError` (`inconsistent`) of the operation. */
export function inconsistent(operation: string, message: string): PaginationError {
  return new PaginationError('inconsistent', `${operation}: ${message}`);
}

/**
 * The part of a page that is the slice's: checks every record (in the range asked for, in
 * ascending order), checks off what was owed to the slice, drops repeats of records already
 * kept at its position's second, and hands records past its end to the slices that list them.
 * Ordered, a page that shows the slice dense cuts it before its last second. `undefined` when
 * the page holds nothing to hand out.
 *
 * @param last The slice's listing has no page after this one.
 * @throws PaginationError (`inconsistent`) when the page contradicts the range or order asked for, or another slice's pages.
 */
export function takePage<T>(ctx: PageContext<T>, slice: Slice<T>, all: T[], last: boolean): Fetched<T> | undefined {
  const times = timesInRange(ctx, slice, all);
  // A page that starts by repeating the end of the page before (overlapping pages): those
  // records were listed already. The rest must go on in ascending order.
  const repeated = repeatedRun(slice, all, times);
  slice.lastPage = { items: all, times };
  let previous = Math.max(slice.listedUpTo, slice.from);
  for (let i = repeated; i < all.length; i++) {
    if (times[i]! < previous) throw inconsistent(ctx.operation, 'records are not in ascending created_at order; a partitioned listing needs them to be');
    previous = times[i]!;
  }
  slice.ended = last;
  if (all.length > 0) slice.listedUpTo = Math.max(slice.listedUpTo, times[all.length - 1]!);
  watchAndSettle(ctx, slice, all, times, repeated);
  const repeats = skipped(slice, all, times, repeated);
  let end = all.length;
  for (let i = 0; i < all.length; i++) {
    if (times[i]! >= slice.to) {
      slice.done = true; // the rest belongs to later slices (a split, or an inclusive end)
      end = i;
      for (let j = i; j < all.length; j++) if (times[j]! < slice.askedTo) handOver(ctx, slice, times[j]!, recordName(all[j]));
      break;
    }
  }
  if (!slice.done && !last && end > 0) end = cutIfDense(ctx, slice, all, times, end, repeats);
  return kept(slice, all, times, end, repeats);
}

/** The times of a page's records, each checked to lie in the range the slice asked for. */
function timesInRange<T>(ctx: PageContext<T>, slice: Slice<T>, all: T[]): number[] {
  const times = new Array<number>(all.length);
  for (let i = 0; i < all.length; i++) {
    const t = (times[i] = createdAt(all[i], ctx.operation));
    if (t < slice.from || t > slice.askedTo) {
      throw inconsistent(
        ctx.operation,
        `the server listed a record created at ${isoOf(t)} for the range ${isoOf(slice.from)} to ${isoOf(slice.askedTo)} it was asked for: the records' times are not read as the server filters them (a created_at without a time zone is read as UTC)`,
      );
    }
  }
  return times;
}

/**
 * A split child's watch takes in its first page's worth of records (and any more at that
 * page's last time); records owed to the slice are checked off as it lists them.
 */
function watchAndSettle<T>(ctx: PageContext<T>, slice: Slice<T>, all: T[], times: number[], repeated: number): void {
  const watch = slice.watch;
  if (watch) {
    for (let i = repeated; i < all.length && (watch.count < ctx.perPage || times[i] === watch.last); i++) {
      owe(watch.names, times[i]!, recordName(all[i]));
      watch.count++;
      watch.last = times[i]!;
    }
  }
  if (slice.owed.size > 0) {
    for (let i = repeated; i < all.length; i++) if (slice.owed.has(times[i]!)) settle(slice.owed, times[i]!, recordName(all[i]));
  }
}

/** Indexes of a page's records that are not the slice's to hand out: the repeated run, and those a resume position names (at its first second, in any order). */
function skipped<T>(slice: Slice<T>, all: T[], times: number[], repeated: number): Set<number> {
  const repeats = new Set<number>();
  for (let i = 0; i < repeated; i++) repeats.add(i);
  if (slice.skipNames.size > 0) {
    for (let i = repeated; i < all.length && times[i] === slice.from; i++) {
      const name = recordName(all[i]);
      const n = slice.skipNames.get(name) ?? 0;
      if (n > 0) {
        slice.skipNames.set(name, n - 1);
        repeats.add(i);
      }
    }
    if (all.length > 0 && times[all.length - 1]! > slice.from) slice.skipNames.clear();
  }
  return repeats;
}

/**
 * A slice whose page shows it has well over another page left (ordered, or the scout) is cut
 * after this page, before its last second (whose records may go on in the next page); the
 * planner takes the rest. Returns where the slice's records in the page now end.
 */
function cutIfDense<T>(ctx: PageContext<T>, slice: Slice<T>, all: T[], times: number[], end: number, repeats: Set<number>): number {
  const lastTime = times[end - 1]!;
  const records = slice.fetched + end - repeats.size;
  const span = Math.max(SECOND, lastTime - slice.from);
  let keep = end;
  while (keep > 0 && times[keep - 1] === lastTime) keep--;
  if (keep === 0 || !ctx.planner.worthCutting(slice, records, span, slice.to - lastTime)) return end;
  const owed: Owed = new Map();
  for (let j = keep; j < end; j++) if (!repeats.has(j)) owe(owed, times[j]!, recordName(all[j]));
  moveOwed(slice.owed, lastTime, owed);
  ctx.planner.restOf(slice, { from: lastTime, to: slice.to, records, span, owed });
  endAt(slice, lastTime);
  slice.done = true;
  return keep;
}

/** The records kept of a page (before `end`, not in `repeats`), their times, and the names of those at the last time. */
function kept<T>(slice: Slice<T>, all: T[], times: number[], end: number, repeats: Set<number>): Fetched<T> | undefined {
  let items: T[];
  let keptTimes: number[];
  if (repeats.size === 0) {
    items = end === all.length ? all : sliceWithRawJson(all, 0, end);
    keptTimes = end === all.length ? times : times.slice(0, end);
  } else {
    items = [];
    keptTimes = [];
    for (let i = 0; i < end; i++) {
      if (repeats.has(i)) continue;
      items.push(all[i]!);
      keptTimes.push(times[i]!);
    }
  }
  if (keptTimes.length === 0) return undefined;
  const lastTime = keptTimes[keptTimes.length - 1]!;
  let firstAtLast = keptTimes.length;
  while (firstAtLast > 0 && keptTimes[firstAtLast - 1] === lastTime) firstAtLast--;
  const lastNames: string[] = [];
  for (let i = firstAtLast; i < keptTimes.length; i++) lastNames.push(recordName(items[i]));
  slice.reachedAt = lastTime;
  return { items, times: keptTimes, lastNames };
}

/**
 * How many records at the start of a page repeat the end of the slice's page before, in the
 * same order (overlapping pages). Only a page that starts at or before the time listed last
 * can: at an earlier time any run is a repeat (else the page is out of order); at that same
 * time a record with an id is, but records named by their content need a run of two, since
 * one record identical to the last one before the page may be its twin (two identical log
 * lines) and is kept.
 */
export function repeatedRun<T>(slice: Slice<T>, all: T[], times: number[]): number {
  const before = slice.lastPage;
  if (!before || all.length === 0 || times[0]! > slice.listedUpTo) return 0;
  const names = new Map<number, string>();
  const nameBefore = (j: number) => names.get(j) ?? names.set(j, recordName(before.items[j])).get(j)!;
  const nameHere: string[] = [];
  const nameOf = (i: number) => (nameHere[i] ??= recordName(all[i]));
  const n = before.items.length;
  // The longest run: the earliest place in the page before where one could start.
  for (let j = Math.max(0, n - all.length); j < n; j++) {
    if (before.times[j] !== times[0] || nameBefore(j) !== nameOf(0)) continue;
    let k = 1;
    while (j + k < n && times[k] === before.times[j + k] && nameBefore(j + k) === nameOf(k)) k++;
    if (j + k < n) continue;
    const ambiguous = times[0] === slice.listedUpTo && k === 1 && !nameOf(0).startsWith('#');
    return ambiguous ? 0 : k;
  }
  return 0;
}

/**
 * A record `parent` listed past its lowered end (`t` in `[to, askedTo)`): a later slice lists
 * it. It must be among what the split child watched, or still to come in the listing of the
 * slice (or cut) that covers `t` now; anything else is a contradiction between the pages.
 */
function handOver<T>(ctx: PageContext<T>, parent: Slice<T>, t: number, name: string): void {
  for (const child of parent.children) if (child.watch && settle(child.watch.names, t, name)) return;
  const slice = ctx.slices.find((s) => s.from <= t && t < s.to) ?? parent.children.find((s) => s.from <= t && t < s.to);
  if (slice && !slice.ended && slice.listedUpTo < t) return owe(slice.owed, t, name);
  const cut = ctx.planner.cuts.find((c) => c.from <= t && t < c.to);
  if (cut) return owe(cut.owed, t, name);
  throw inconsistent(
    ctx.operation,
    `a record at ${isoOf(t)} was listed by a slice past its end, and the slice listing that time did not list it: the server's pages contradict each other (a record deleted in between does this too); resume from resumeCursor to list the rest again`,
  );
}

/**
 * Checks a slice's listing against what was owed to it, after a page (once its listing has
 * ended, everything owed must have been listed).
 *
 * @throws PaginationError (`inconsistent`) for records owed that the slice did not list.
 */
export function checkOwed<T>(operation: string, slice: Slice<T>): void {
  for (const [t, names] of slice.owed) {
    if (t >= slice.listedUpTo && !slice.ended) continue;
    const count = [...names.values()].reduce((a, b) => a + b, 0);
    throw inconsistent(
      operation,
      `${count} record${count === 1 ? '' : 's'} at ${isoOf(t)} listed by one slice (past its end) ${count === 1 ? 'was' : 'were'} not listed by the slice of that time: the server's pages contradict each other (a record deleted in between does this too); resume from resumeCursor to list the rest again`,
    );
  }
}
