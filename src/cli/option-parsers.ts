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
