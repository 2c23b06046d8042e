import { InvalidArgumentError } from 'commander';
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

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Reads an ISO 8601 instant: a date (`2024-05-01`, midnight UTC) or a date-time with its
 * offset (`2024-05-01T12:00:00Z`, `2024-05-01T14:00+02:00`; fractions of a second allowed),
 * as epoch milliseconds. A date-time without an offset is refused: it would mean the local
 * time of each machine, and shards on machines in different zones would not meet.
 *
 * @throws Error whose message says what is wrong (for `InvalidArgumentError`).
 */
export function parseInstant(value: string): number {
  const text = value.trim();
  const m = DATE_TIME.exec(text);
  if (!m) throw new Error(`expected an ISO 8601 date or date-time (2024-05-01, 2024-05-01T12:00:00Z), got "${value}"`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  if (h !== undefined && zone === undefined) {
    throw new Error(`"${value}" has no time zone: add Z for UTC (${text}Z) or an offset such as +02:00`);
  }
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const [hour, minute, second] = [Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    throw new Error(`"${value}" is not a valid date-time`);
  }
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const [oh, om] = [Number(digits.slice(1, 3)), Number(digits.slice(3, 5))];
    if (oh > 23 || om > 59) throw new Error(`"${value}" has an invalid offset ${zone}`);
    offsetMinutes = (digits[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, Number((frac ?? '0').slice(0, 3).padEnd(3, '0'))) - offsetMinutes * 60_000;
  if (year < 1970 || ms < 0) throw new Error(`"${value}" is before 1970-01-01T00:00:00Z`);
  return ms;
}

/** Commander parser of `--since` / `--until`: an ISO 8601 instant, as epoch milliseconds (see {@link parseInstant}). */
export function instantOption(value: string): number {
  try {
    return parseInstant(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
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
