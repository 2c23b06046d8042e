import type { Shard } from '../option-parsers.js';

const SECOND = 1000;

/** A half-open time range `[since, until)` in epoch milliseconds. */
export interface TimeRange {
  readonly since: number;
  readonly until: number;
}

/** `now` as the default `--until`: the current whole second (records carry whole seconds). */
export function defaultUntil(now: number): number {
  return Math.floor(now / SECOND) * SECOND;
}

/**
 * The `index`-th (1-based) of `count` contiguous parts of `[since, until)`, as GNU
 * `split -n K/N` cuts a file: the parts meet at `since + floor(i × (until − since) / count)`
 * rounded up to a whole second (records carry whole seconds, so no second is cut in two),
 * part 1 starts at `since` and part N ends at `until`. Together the parts cover the range,
 * each instant in exactly one; a part may be empty when the range has fewer seconds than parts.
 * Computed exactly (integers), so every machine cuts the same range the same way.
 */
export function shardOf(range: TimeRange, shard: Shard): TimeRange {
  return { since: cut(range, shard.count, shard.index - 1), until: cut(range, shard.count, shard.index) };
}

/** The `i`-th of the `count + 1` boundaries of the parts of `range`. */
function cut(range: TimeRange, count: number, i: number): number {
  if (i <= 0) return range.since;
  if (i >= count) return range.until;
  const width = BigInt(range.until - range.since);
  const at = range.since + Number((width * BigInt(i)) / BigInt(count));
  return Math.min(range.until, Math.ceil(at / SECOND) * SECOND);
}

/** An instant as ISO 8601 UTC, without milliseconds when there are none: `2024-05-01T00:00:00Z`. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
