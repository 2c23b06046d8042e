/**
 * When derived log records happened: a timeline maps record ids 1..count to whole-second
 * instants that never decrease as the id grows (so a time range is one interval of ids,
 * found by binary search). Uniform by default; a burst layout packs a share of the
 * records into a narrow window of the same span, many of them on the same second.
 *
 * A timeline starts near 2024-01-01 unless it is placed to end at an instant
 * (`logsUntil`), and it may grow: with a rate, new records keep arriving after the initial
 * ones, on the whole seconds after the emulator's creation, and exist once the emulator's
 * clock has reached their time (`logRate`).
 */

import { EPOCH_MS } from './time.js';

/** A burst: `share` of the records fall in a window of `width` of the time span. */
export interface BurstLayout {
  /** Share of the records inside the window, in (0, 1]. E.g. 0.9. */
  readonly share: number;
  /** Width of the window as a share of the span, in (0, 1]. E.g. 0.05. */
  readonly width: number;
  /** Start of the window as a share of the span, in [0, 1 - width]. Default: centred, `(1 - width) / 2`. */
  readonly at?: number;
}

/**
 * How record times are laid out over the span: `'uniform'` (one record every step) or a
 * burst. Either way record 1 is at the start of the span, every record is before its end,
 * and times never decrease as the id grows.
 */
export type TimeLayout = 'uniform' | { readonly burst: BurstLayout };

/**
 * The times of a derived collection, to compute expected answers of time-range queries.
 * `count`, `span`, `firstAtOrAfter` and `countBetween` read the emulator's clock when the
 * timeline grows (`logRate`), so they agree with what a listing answers at that clock.
 */
export interface Timeline {
  /**
   * Number of records that exist (ids 1..count): the initial ones, plus those that have
   * arrived by the emulator's clock when the timeline grows. Never decreases, even when the
   * clock is moved back.
   */
  readonly count: number;
  /** Number of records at creation (ids 1..initialCount). */
  readonly initialCount: number;
  /** New records per second after creation (`logRate`); 0 when the timeline does not grow. */
  readonly rate: number;
  /**
   * The whole second new records are counted from (`undefined` when the timeline does not
   * grow): the emulator's clock at creation, rounded down to the second (or the time of the
   * last initial record, when that is later). Record `initialCount + k` is at
   * `arrivalsFrom + s` seconds, `s` the first whole number with `floor(s × rate) >= k`:
   * at `rate` 50, records 1..50 after the initial ones share the next second.
   */
  readonly arrivalsFrom: number | undefined;
  /** The layout, as given. */
  readonly layout: TimeLayout;
  /**
   * Time of record 1, in ms since the epoch (whole seconds): `2024-01-01T00:00:00Z` plus one
   * step, or, with `logsUntil`, so placed that the last initial record is at that instant
   * (rounded down to the second).
   */
  readonly first: number;
  /**
   * Length of the span in ms: `initialCount × step`, or more once records have arrived.
   * Every record is in `[first, first + span)`.
   */
  readonly span: number;
  /** The uniform spacing of records in ms (5000 for action logs, 10000 for history). */
  readonly step: number;
  /** Time of record `id` in ms since the epoch (whole seconds), also of a record yet to arrive. */
  timeOf(id: number): number;
  /** The first id whose time is at or after `ms` (`count + 1` when none). O(log n). */
  firstAtOrAfter(ms: number): number;
  /** How many records have `since <= time < until` (ms since the epoch). O(log n). */
  countBetween(since: number, until: number): number;
}

/** Where a timeline sits in time, and whether (and how fast) it grows. */
export interface TimelinePlacement {
  /** The last initial record is at this instant (ms since the epoch, rounded down to the second). Default: the span starts at 2024-01-01. */
  readonly until?: number;
  /** New records per second after creation; `undefined` or 0: none. */
  readonly rate?: number;
  /** The emulator's clock (ms since the epoch): records exist once it reaches their time. Needed with `rate`. */
  readonly clock?: () => number;
  /** The clock at creation: new records arrive on the whole seconds after it. Default `clock()`. */
  readonly startedAt?: number;
}

/** A timeline's record count as a template source takes it: a number, or a function when the timeline grows. */
export function countOf(timeline: Timeline): number | (() => number) {
  return timeline.rate > 0 ? () => timeline.count : timeline.count;
}

/** Checks a layout; throws a `RangeError` naming `name` when it is malformed. */
export function checkLayout(layout: TimeLayout | undefined, name: string): TimeLayout {
  if (layout === undefined || layout === 'uniform') return 'uniform';
  const burst = typeof layout === 'object' && layout !== null ? layout.burst : undefined;
  if (!burst) throw new RangeError(`createEmulator: ${name} must be 'uniform' or { burst: { share, width } }`);
  const { share, width } = burst;
  if (!(share > 0 && share <= 1)) throw new RangeError(`createEmulator: ${name}.burst.share must be in (0, 1]`);
  if (!(width > 0 && width <= 1)) throw new RangeError(`createEmulator: ${name}.burst.width must be in (0, 1]`);
  const at = burst.at ?? (1 - width) / 2;
  if (!(at >= 0 && at <= 1 - width + 1e-12)) throw new RangeError(`createEmulator: ${name}.burst.at must be in [0, 1 - width]`);
  return { burst: { share, width, at: Math.min(at, 1 - width) } };
}

/**
 * A timeline of `count` records spaced `stepMs` apart on average (a whole number of
 * seconds), the first at `EPOCH_MS + stepMs`, or the last at `placement.until`; with
 * `placement.rate`, records keep arriving after them (see {@link Timeline.arrivalsFrom}).
 */
export function createTimeline(count: number, stepMs: number, layout: TimeLayout = 'uniform', placement: TimelinePlacement = {}): Timeline {
  const checked = checkLayout(layout, 'layout');
  const stepSeconds = Math.round(stepMs / 1000);
  const spanSeconds = count * stepSeconds;
  const offsetOf = checked === 'uniform' ? (id: number) => (id - 1) * stepSeconds : burstOffsets(count, spanSeconds, checked.burst);
  const first = placement.until === undefined ? EPOCH_MS + stepSeconds * 1000 : wholeSecond(placement.until) - (count > 0 ? offsetOf(count) : 0) * 1000;
  const baseTimeOf = (id: number) => first + offsetOf(id) * 1000;
  const arrivals = placement.rate ? createArrivals(count, placement.rate, placement, count > 0 ? baseTimeOf(count) : -Infinity) : undefined;
  const timeOf = arrivals ? (id: number) => (id <= count ? baseTimeOf(id) : arrivals.timeOf(id - count)) : baseTimeOf;
  const live = arrivals ? () => arrivals.count() : () => count;
  const firstAtOrAfter = (ms: number, total = live()) => firstIdAtOrAfter(timeOf, ms, total);
  return {
    get count() {
      return live();
    },
    initialCount: count,
    rate: placement.rate ?? 0,
    arrivalsFrom: arrivals?.from,
    layout,
    first,
    get span() {
      const total = live();
      return total > count ? Math.max(spanSeconds * 1000, timeOf(total) + 1000 - first) : spanSeconds * 1000;
    },
    step: stepSeconds * 1000,
    timeOf,
    firstAtOrAfter: (ms) => firstAtOrAfter(ms),
    countBetween: (since, until) => {
      const total = live();
      return Math.max(0, firstAtOrAfter(until, total) - firstAtOrAfter(since, total));
    },
  };
}

/** `ms` rounded down to the whole second. */
function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** The records that arrive after the initial ones. */
interface Arrivals {
  /** The whole second they are counted from. */
  readonly from: number;
  /** Time of arrival `k` (1-based). */
  timeOf(k: number): number;
  /** Initial records plus arrivals by the clock; never decreases. */
  count(): number;
}

/**
 * Arrivals at `rate` a second: by `e` whole seconds after `from`, `floor(e × rate)` have
 * arrived, and arrival `k` is at the first whole second where that reaches `k` (both computed
 * from the same product, so float rounding never makes them disagree). The count is a
 * high-water mark: a record once listed stays, whatever the clock does next.
 */
function createArrivals(initial: number, rate: number, placement: TimelinePlacement, lastInitial: number): Arrivals {
  const clock = placement.clock ?? Date.now;
  const from = Math.max(wholeSecond(placement.startedAt ?? clock()), lastInitial);
  const byElapsed = (seconds: number) => Math.floor(seconds * rate);
  let seen = initial;
  return {
    from,
    timeOf: (k) => {
      let s = Math.max(1, Math.ceil(k / rate));
      while (s > 1 && byElapsed(s - 1) >= k) s--;
      while (byElapsed(s) < k) s++;
      return from + s * 1000;
    },
    count: () => {
      const elapsed = Math.floor((clock() - from) / 1000);
      if (elapsed > 0) seen = Math.max(seen, initial + byElapsed(elapsed));
      return seen;
    },
  };
}

/**
 * Offsets (whole seconds from the first record) of a burst layout: the cumulative share of
 * time is piecewise linear in the record's rank `u = (id - 1) / count`: sparse before the
 * window, dense inside, sparse after. Each piece is clamped to its own interval, so float
 * rounding can never make a later record earlier.
 */
function burstOffsets(count: number, spanSeconds: number, burst: BurstLayout): (id: number) => number {
  const { share, width } = burst;
  const at = burst.at ?? (1 - width) / 2;
  const sparse = share < 1 ? (1 - width) / (1 - share) : 0;
  const dense = width / share;
  const u1 = width < 1 && share < 1 ? ((1 - share) * at) / (1 - width) : 0;
  const u2 = share < 1 ? u1 + share : 1;
  const lastSecond = Math.max(0, spanSeconds - 1);
  return (id) => {
    const u = (id - 1) / count;
    let f: number;
    if (u < u1) f = Math.min(u * sparse, at);
    else if (u < u2) f = Math.min(Math.max(at + (u - u1) * dense, at), at + width);
    else f = Math.min(Math.max(at + width + (u - u2) * sparse, at + width), 1);
    return Math.min(Math.floor(f * spanSeconds), lastSecond);
  };
}

/**
 * The first id in `1..total` whose time (`timeOf`, never decreasing as the id grows) is at or
 * after `ms`; `total + 1` when none is. A binary search.
 */
export function firstIdAtOrAfter(timeOf: (id: number) => number, ms: number, total: number): number {
  let lo = 1;
  let hi = total + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (timeOf(mid) >= ms) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
