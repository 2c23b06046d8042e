import type { ApiOperationInfo, OperationSpec } from '../../extend.js';
import type { ExportRange } from '../checkpoint/checkpoint.js';
import { UsageError } from '../errors/usage-error.js';
import type { Shard } from '../option-parsers.js';
import { operationName } from '../operations/catalog.js';
import { takesTimeRange, timeRangedOperationsPhrase } from '../operations/time-range.js';
import { defaultUntil, isoOf, shardOf, type TimeRange } from './time-range.js';

/** `--parallel` when `--since` is given without it. */
export const DEFAULT_PARALLEL = 4;

/** The options of an export by time, as given (instants in epoch milliseconds). */
export interface RangeArgs {
  /** `--since`: records with `created_at >= since`. */
  readonly since?: number;
  /** `--until`: records with `created_at < until`. Default: now (resolved once, saved in the checkpoint). */
  readonly until?: number;
  /** `--parallel`: requests in flight at once. Default {@link DEFAULT_PARALLEL}. */
  readonly parallel?: number;
  /** `--unordered`: records in arrival order. */
  readonly unordered?: boolean;
  /** `--shard K/N`: only the K-th of N contiguous parts of the range. */
  readonly shard?: Shard;
  /** Which of `since` and `until` were given relative to now (`24h`, `today`): a checkpoint's saved instant wins over them. */
  readonly relative?: RelativeBounds;
}

/** Which bounds of a range were given relative to now (`--since 24h`, `--until now`). */
export interface RelativeBounds {
  readonly since?: boolean;
  readonly until?: boolean;
}

/** An export by time, checked (nothing read or sent yet). */
export interface CheckedRange {
  readonly since: number;
  /** Absent: now, or the checkpoint's. */
  readonly until?: number;
  readonly parallel: number;
  readonly ordered: boolean;
  readonly shard?: Shard;
  readonly relative?: RelativeBounds;
}

/** An export by time with its range resolved. */
export interface ResolvedRange {
  /** What the checkpoint records. */
  readonly identity: ExportRange;
  /** `[since, until)`. */
  readonly whole: TimeRange;
  /** The part this run lists: the shard's, or the whole range. */
  readonly part: TimeRange;
  readonly parallel: number;
  readonly ordered: boolean;
  /** `--until` was not given: it is now, or the checkpoint's. */
  readonly untilDefaulted: boolean;
  /** The bounds given relative to now that a checkpoint's saved instants replaced. */
  readonly fromCheckpoint: readonly ('since' | 'until')[];
}

const RANGE_FILTERS = ['filter_gt', 'filter_gteq', 'filter_lt', 'filter_lteq'];

/**
 * Checks the options of an export by time against each other and the operation, before
 * anything is read, written or sent. `undefined` when the export is not by time.
 *
 * @throws UsageError for `--parallel`, `--until`, `--unordered` or `--shard` without
 *   `--since`; an operation that takes no `created_at` range (naming those that do); an
 *   empty range; `--shard` without `--until`, or with a bound relative to now (`--since 24h`); a sort other than ascending `created_at`; a
 *   `created_at` range given as a parameter too.
 */
export function checkRange(args: RangeArgs | undefined, info: ApiOperationInfo, spec: OperationSpec, params: Readonly<Record<string, unknown>>): CheckedRange | undefined {
  if (args?.since === undefined) {
    const stray = [
      args?.parallel !== undefined && '--parallel',
      args?.until !== undefined && '--until',
      args?.unordered && '--unordered',
      args?.shard && '--shard',
    ].filter((s): s is string => typeof s === 'string');
    if (stray.length) {
      throw new UsageError(`${stray.join(' and ')} ${stray.length > 1 ? 'need' : 'needs'} --since: a parallel export lists the records created from --since to --until (default now), as time slices side by side`);
    }
    return undefined;
  }
  const name = operationName(info);
  if (!takesTimeRange(spec)) {
    throw new UsageError(`${name} takes no created_at range, so it cannot be exported by time (--since); the operations that can: ${timeRangedOperationsPhrase()}`);
  }
  if (args.until !== undefined && args.since >= args.until) {
    throw new UsageError(`--since ${isoOf(args.since)} is not before --until ${isoOf(args.until)}: the range is empty`);
  }
  if (args.shard && args.until === undefined) {
    throw new UsageError(`--shard needs --until: every shard must cut the same range, and each machine's "now" (the default --until) is different`);
  }
  const relative = (['since', 'until'] as const).filter((bound) => args.relative?.[bound]);
  if (args.shard && relative.length) {
    throw new UsageError(`--shard needs ${relative.map((b) => `--${b}`).join(' and ')} as an instant (2024-05-01T00:00:00Z), not relative to now: every shard must cut the same range, and each machine's "now" is different`);
  }
  const sort = params.sort_by as Record<string, unknown> | undefined;
  if (sort !== undefined && !(Object.keys(sort).length === 1 && sort.created_at === 'asc')) {
    throw new UsageError(`--sort does not apply with --since: an export by time comes in ascending created_at order${args.unordered ? '' : ' (--unordered: in arrival order)'}`);
  }
  for (const filter of RANGE_FILTERS) {
    const value = params[filter];
    if (typeof value === 'object' && value !== null && 'created_at' in value) {
      throw new UsageError(`--param ${filter}[created_at] does not apply with --since: the created_at range is --since to --until`);
    }
  }
  for (const bound of ['start_at', 'end_at']) {
    if (params[bound] !== undefined) throw new UsageError(`--param ${bound} does not apply with --since: the time range is --since to --until`);
  }
  return {
    since: args.since,
    ...(args.until === undefined ? {} : { until: args.until }),
    parallel: args.parallel ?? DEFAULT_PARALLEL,
    ordered: !args.unordered,
    ...(args.shard ? { shard: args.shard } : {}),
    ...(args.relative ? { relative: args.relative } : {}),
  };
}

/**
 * Resolves the range of an export by time: `--until` when given; else the checkpoint's
 * (`saved`), so a rerun resumes the range of the first run; else now, to the whole second.
 * A bound given relative to now (`--since 24h`, `--until now`) is the checkpoint's too when
 * there is one: the first run resolved it, and a rerun resumes that range rather than one
 * starting a few hours later. Then the part of it this run lists (`--shard`).
 *
 * @throws UsageError when the range is empty (`--since` at or after now).
 */
export function resolveRange(checked: CheckedRange, saved: ExportRange | undefined, now: number): ResolvedRange {
  const untilDefaulted = checked.until === undefined;
  const fromCheckpoint = saved ? (['since', 'until'] as const).filter((bound) => checked.relative?.[bound]) : [];
  const since = fromCheckpoint.includes('since') ? Date.parse(saved!.since) : checked.since;
  const untilSaved = saved !== undefined && (untilDefaulted || fromCheckpoint.includes('until'));
  const until = untilSaved ? Date.parse(saved.until) : (checked.until ?? defaultUntil(now));
  if (since >= until) {
    const whose = untilSaved ? " (the checkpoint's)" : untilDefaulted ? ' (now, the default)' : '';
    throw new UsageError(`--since ${isoOf(since)}${fromCheckpoint.includes('since') ? " (the checkpoint's)" : ''} is not before --until ${isoOf(until)}${whose}: the range is empty`);
  }
  const whole = { since, until };
  const shard = checked.shard;
  return {
    identity: {
      since: new Date(whole.since).toISOString(),
      until: new Date(whole.until).toISOString(),
      ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}),
      ...(checked.ordered ? {} : { unordered: true }),
    },
    whole,
    part: shard ? shardOf(whole, shard) : whole,
    parallel: checked.parallel,
    ordered: checked.ordered,
    untilDefaulted,
    fromCheckpoint,
  };
}
