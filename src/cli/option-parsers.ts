import { InvalidArgumentError } from 'commander';
import { isRelativeTime, readTime } from '../extend.js';
import type { KeyValue, SortOption } from './operations/build-params.js';

/** Commander parser of a positive integer (`--per-page`, `--limit`, `--concurrency`). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  }
  return n;
}

/** Commander parser of a non-negative integer (`--port`, `--users`). */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  }
  return n;
}

/** Commander parser of a rate in 0..1 (`--faults`). */
export function rate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new InvalidArgumentError(`expected a rate between 0 and 1, got "${value}"`);
  return n;
}

/** Commander parser of a repeatable `name=value` option; collects them in order. */
export function keyValue(value: string, previous: KeyValue[] | undefined): KeyValue[] {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected name=value, got "${value}"`);
  return [...(previous ?? []), { key: value.slice(0, at), value: value.slice(at + 1) }];
}

/** Commander parser of `--sort field:asc|desc` (the direction defaults to `asc`). */
export function sortOption(value: string): SortOption {
  const match = /^([^:]+)(?::(asc|desc))?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`expected field:asc or field:desc, got "${value}"`);
  return { field: match[1]!, direction: (match[2] ?? 'asc').toLowerCase() };
}

/** Commander parser of a comma-separated list (`--fields a,b`). */
export function commaList(value: string): string[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new InvalidArgumentError('expected a comma-separated list of field names');
  return list;
}

/** Largest `--parallel`: the library's limit of slices listed side by side. */
export const MAX_PARALLEL = 64;

/** Commander parser of `--parallel <n>`: an integer from 1 to {@link MAX_PARALLEL}. */
export function parallelOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !(n >= 1 && n <= MAX_PARALLEL)) {
    throw new InvalidArgumentError(`expected an integer from 1 to ${MAX_PARALLEL} (requests in flight at once), got "${value}"`);
  }
  return n;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Commander parser of a duration (`--lag`): a number and a unit, `ms`, `s`, `m`, `h` or `d`
 * (`90s`, `5m`, `1h`), or a plain number of seconds; as milliseconds.
 */
export function durationOption(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected a duration such as 60s, 5m or 1h (a plain number is seconds), got "${value}"`);
  return Math.round(Number(m[1]) * DURATION_UNITS[(m[2] ?? 's').toLowerCase()]!);
}

/**
 * Reads an instant given on the command line (see `readTime`): an ISO 8601 date (`2024-05-01`,
 * midnight UTC) or date-time (`2024-05-01T12:00:00Z`, `2024-05-01T14:00+02:00`; fractions of
 * a second allowed), or a time relative to `now` (default: the current time): `now`, `today` / `yesterday` (00:00 UTC),
 * `90m`, `24h`, `7d`, `2w` (that long before `now`), as epoch milliseconds. A date-time
 * without an offset is UTC, as every Files.com time is (never the machine's zone: shards on
 * machines in different zones meet).
 *
 * @throws Error whose message says what is wrong and names the forms taken (for `InvalidArgumentError`).
 */
export function parseInstant(value: string, now: number = Date.now()): number {
  const reading = readTime(value, now);
  if ('error' in reading) {
    throw new Error(`"${value}" is ${reading.error}`);
  }
  if (reading.ms < 0) throw new Error(`"${value}" is before 1970-01-01T00:00:00Z`);
  return reading.ms;
}

/** An instant of `--since` / `--until` as given. */
export interface GivenInstant {
  /** Epoch milliseconds; a relative time resolved against the run's one `now`. */
  readonly ms: number;
  /** Given relative to now (`24h`, `today`, `now`): on a rerun, the instant a checkpoint saved for it wins. */
  readonly relative: boolean;
}

/**
 * The clock of one run: every call returns the time of the first call, to the whole second
 * (as the default `--until`), so that `--since 24h --until now` is a range of exactly a day and
 * every relative option of a run is resolved against the same instant.
 */
export function runClock(read: () => number = Date.now): () => number {
  let now: number | undefined;
  return () => (now ??= Math.floor(read() / 1000) * 1000);
}

/**
 * Commander parser of `--since` / `--until` (see {@link parseInstant}): relative times are
 * resolved against `now`, the run's clock (see {@link runClock}).
 */
export function instantOption(now: () => number): (value: string) => GivenInstant {
  return (value) => {
    try {
      return { ms: parseInstant(value, now()), relative: isRelativeTime(value) };
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

/** A `--shard K/N`: the K-th (1-based) of N contiguous parts. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The most parts `--shard` cuts a range into. */
export const MAX_SHARDS = 100_000;

/** Commander parser of `--shard K/N` (K from 1 to N, as GNU `split -n K/N`). */
export function shardOption(value: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!m || !(count >= 1 && count <= MAX_SHARDS) || !(index >= 1 && index <= count)) {
    throw new InvalidArgumentError(`expected K/N with 1 <= K <= N <= ${MAX_SHARDS} (the K-th of N parts of the range, as split -n K/N), got "${value}"`);
  }
  return { index, count };
}
