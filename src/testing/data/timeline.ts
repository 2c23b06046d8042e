/**
 * When derived log records happened: a timeline maps record ids 1..count to whole-second
 * instants that never decrease as the id grows (so a time range is one interval of ids,
 * found by binary search). Uniform by default; a burst layout packs a share of the
 * records into a narrow window of the same span, many of them on the same second.
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

/** The times of a derived collection, to compute expected answers of time-range queries. */
export interface Timeline {
  /** Number of base records (ids 1..count). */
  readonly count: number;
  /** The layout, as given. */
  readonly layout: TimeLayout;
  /** Time of record 1, in ms since the epoch (whole seconds): `2024-01-01T00:00:00Z` plus one step. */
  readonly first: number;
  /** Length of the span in ms: `count × step`. Every record is in `[first, first + span)`. */
  readonly span: number;
  /** The uniform spacing of records in ms (5000 for action logs, 10000 for history). */
  readonly step: number;
  /** Time of record `id` in ms since the epoch (whole seconds). */
  timeOf(id: number): number;
  /** The first id whose time is at or after `ms` (`count + 1` when none). O(log n). */
  firstAtOrAfter(ms: number): number;
  /** How many records have `since <= time < until` (ms since the epoch). O(log n). */
  countBetween(since: number, until: number): number;
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
 * seconds), the first at `EPOCH_MS + stepMs`.
 */
export function createTimeline(count: number, stepMs: number, layout: TimeLayout = 'uniform'): Timeline {
  const checked = checkLayout(layout, 'layout');
  const stepSeconds = Math.round(stepMs / 1000);
  const spanSeconds = count * stepSeconds;
  const first = EPOCH_MS + stepSeconds * 1000;
  const offsetOf = checked === 'uniform' ? (id: number) => (id - 1) * stepSeconds : burstOffsets(count, spanSeconds, checked.burst);
  const timeOf = (id: number) => first + offsetOf(id) * 1000;
  const firstAtOrAfter = (ms: number) => {
    let lo = 1;
    let hi = count + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (timeOf(mid) >= ms) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  return {
    count,
    layout,
    first,
    span: spanSeconds * 1000,
    step: stepSeconds * 1000,
    timeOf,
    firstAtOrAfter,
    countBetween: (since, until) => Math.max(0, firstAtOrAfter(until) - firstAtOrAfter(since)),
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
