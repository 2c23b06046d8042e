import type { OperationSpec } from '../../extend.js';
import { InvalidParameterError } from '../../index.js';
import { arrayElementType, coerceValue } from './coerce.js';

/** A `name=value` pair from the command line. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/** A `--sort field:direction` option. */
export interface SortOption {
  readonly field: string;
  readonly direction: string;
}

/** The listing options of `export` that become API parameters. */
export interface ListingArgs {
  /** `--filter field=value`, repeatable. */
  readonly filter?: readonly KeyValue[];
  /** `--filter-prefix field=value`, repeatable. */
  readonly filterPrefix?: readonly KeyValue[];
  /** `--sort field:asc|desc`. */
  readonly sort?: SortOption;
  /** `--per-page N`. */
  readonly perPage?: number;
  /** `--param name=value`, repeatable; `name[key]=value` sets one key of an object parameter. */
  readonly param?: readonly KeyValue[];
}

/**
 * Builds the parameters object of a list call from command-line options. Values of `--param`
 * are converted by the parameter's spec type; whether a name, field or value is accepted is
 * left to the client, which checks every parameter before sending.
 *
 * @throws InvalidParameterError for a `--param` value that cannot be placed (an object key on
 *   a parameter that is not an object).
 */
export function buildListParams(op: OperationSpec, args: ListingArgs): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (args.filter?.length) params.filter = toObject(args.filter);
  if (args.filterPrefix?.length) params.filter_prefix = toObject(args.filterPrefix);
  if (args.sort) params.sort_by = { [args.sort.field]: args.sort.direction };
  if (args.perPage !== undefined) params.per_page = args.perPage;
  for (const pair of args.param ?? []) setParam(op, params, pair);
  return params;
}

/**
 * Converts positional path arguments by their spec type (`id`s and `user_id`s to integers),
 * one per path parameter (a missing one is `undefined`, for the client to report as
 * required). Values that do not convert are passed as given for the client to reject.
 *
 * @throws InvalidParameterError when there are more arguments than path parameters.
 */
export function buildPathArgs(op: OperationSpec, raw: readonly string[]): unknown[] {
  if (raw.length > op.pathParams.length) {
    const expected = op.pathParams.length ? `${op.pathParams.length} path argument(s) (${op.pathParams.join(', ')})` : 'no path arguments';
    throw new InvalidParameterError(op.id, 'arguments', `takes ${expected}, got ${raw.length}: ${raw.join(' ')}`);
  }
  return op.pathParams.map((name, i) => {
    const value = raw[i];
    if (value === undefined) return undefined;
    const spec = op.params.find((p) => p.name === name && p.in === 'path');
    const type = spec?.type ?? (name === 'path' ? 'string' : 'int64');
    return coerceValue(type, value);
  });
}

function toObject(pairs: readonly KeyValue[]): Record<string, string> {
  return Object.fromEntries(pairs.map((p) => [p.key, p.value]));
}

function setParam(op: OperationSpec, params: Record<string, unknown>, { key, value }: KeyValue): void {
  const nested = /^([^[\]]+)\[([^[\]]+)\]$/.exec(key);
  const name = nested ? nested[1]! : key;
  const type = op.params.find((p) => p.name === name && p.in !== 'path')?.type ?? 'string';
  if (nested) {
    if (type !== 'object') throw new InvalidParameterError(op.id, name, `is not an object parameter: "${key}" cannot set a key of it`);
    const target = (params[name] ??= {}) as Record<string, unknown>;
    target[nested[2]!] = value;
    return;
  }
  const element = arrayElementType(type);
  if (element) {
    const list = Array.isArray(params[name]) ? (params[name] as unknown[]) : (params[name] = []) as unknown[];
    list.push(coerceValue(element, value));
    return;
  }
  params[name] = coerceValue(type, value);
}
