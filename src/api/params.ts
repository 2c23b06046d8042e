import { InvalidParameterError } from '../errors/client-errors.js';
import type { OperationParams } from './context.js';
import type { OperationSpec, ParamSpec } from './operation.js';

/** A sort direction of `sort_by`. */
export type SortDirection = 'asc' | 'desc';

/** `sort_by`: ONE field of the operation's valid fields and a direction, e.g. `{ name: 'asc' }`. */
export type SortBy<Field extends string> = Partial<Record<Field, SortDirection>>;

/** A value a `filter*` parameter compares a field with. Dates are sent as ISO strings. */
export type FilterValue = string | number | boolean | Date;

/** `filter`, `filter_prefix`, `filter_gt`, ...: field → value, fields from the operation's valid ones. */
export type Filter<Field extends string> = Partial<Record<Field, FilterValue>>;

/** The parameters object of an operation that takes none besides its path arguments. */
export type NoParams = Record<string, never>;

/** The `per_page` maximum when the spec gives none. */
const DEFAULT_PER_PAGE_MAX = 10_000;
const DEFAULT_DIRECTIONS: readonly string[] = ['asc', 'desc'];

/** How each spec type is checked, and how the expectation reads in an error message. */
const TYPE_CHECKS: Readonly<Record<string, readonly [(value: unknown) => boolean, string]>> = {
  string: [(v) => typeof v === 'string', 'a string'],
  email: [(v) => typeof v === 'string', 'a string'],
  'date-time': [(v) => typeof v === 'string', 'a string'],
  int64: [(v) => Number.isSafeInteger(v), 'an integer'],
  double: [(v) => typeof v === 'number' && Number.isFinite(v), 'a number'],
  boolean: [(v) => typeof v === 'boolean', 'a boolean'],
  object: [isPlainObject, 'an object'],
  file: [() => true, 'a file'],
};

/**
 * Checks the arguments of a call against its operation before anything is sent: the path
 * arguments (count; an `id` must be a positive integer, a `path` a non-empty string), required
 * parameters, unknown names, each value's type, `per_page` bounds, and the fields and
 * directions of `sort_by` and `filter*`.
 *
 * @throws InvalidParameterError naming the operation and the parameter at fault.
 */
export function checkParams(
  op: OperationSpec,
  pathArgs: readonly unknown[],
  params: Record<string, unknown> | undefined,
): void {
  checkPathArgs(op, pathArgs);
  if (params !== undefined && !isPlainObject(params)) {
    throw new InvalidParameterError(op.id, 'params', `must be an object of parameters, got ${describe(params)}`);
  }
  const accepted = acceptedParams(op);
  const given = params ?? {};
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const spec = accepted.get(name);
    if (!spec) throw unknownParameter(op, name, accepted);
    checkValue(op, spec, value);
  }
  for (const spec of accepted.values()) {
    if (spec.required && given[spec.name] === undefined) {
      throw new InvalidParameterError(op.id, spec.name, 'is required');
    }
  }
}

/**
 * Splits checked parameters by where they travel (`in`): the query string or the JSON body.
 * `undefined` values are left out; a part with nothing in it is absent.
 */
export function splitParams(
  op: OperationSpec,
  params: OperationParams | undefined,
): { query?: Record<string, unknown>; body?: Record<string, unknown> } {
  const out: { query?: Record<string, unknown>; body?: Record<string, unknown> } = {};
  if (!params) return out;
  const accepted = acceptedParams(op);
  for (const [name, value] of Object.entries(params)) {
    const where = accepted.get(name)?.in;
    if (value === undefined || (where !== 'query' && where !== 'body')) continue;
    (out[where] ??= {})[name] = value;
  }
  return out;
}

// ---------------------------------------------------------------- path arguments

function checkPathArgs(op: OperationSpec, args: readonly unknown[]): void {
  const names = op.pathParams;
  if (args.length > names.length) {
    const expected = names.length ? names.join(', ') : 'none';
    throw new InvalidParameterError(op.id, 'arguments', `expects ${names.length} path argument(s) (${expected}), got ${args.length}`);
  }
  names.forEach((name, i) => {
    const value = args[i];
    if (value === undefined || value === null || value === '') {
      throw new InvalidParameterError(op.id, name, `is required (path argument ${i + 1})`);
    }
    if (pathParamType(op, name) === 'int64') {
      if (!(Number.isSafeInteger(value) && (value as number) > 0)) {
        throw new InvalidParameterError(op.id, name, `must be a positive integer, got ${describe(value)}`);
      }
    } else if (typeof value !== 'string') {
      throw new InvalidParameterError(op.id, name, `must be a string, got ${describe(value)}`);
    }
  });
}

/** The spec type of a path parameter: from its `in: 'path'` entry, else `path` is a string and ids are integers. */
function pathParamType(op: OperationSpec, name: string): string {
  const spec = op.params.find((p) => p.name === name && p.in === 'path');
  return spec?.type ?? (name === 'path' ? 'string' : 'int64');
}

// ---------------------------------------------------------------- named parameters

const acceptedCache = new WeakMap<OperationSpec, Map<string, ParamSpec>>();

/** The parameters a call may pass in its parameters object, by name (path ones excluded). */
function acceptedParams(op: OperationSpec): Map<string, ParamSpec> {
  let accepted = acceptedCache.get(op);
  if (!accepted) {
    accepted = new Map(op.params.filter((p) => p.in !== 'path').map((p) => [p.name, p]));
    acceptedCache.set(op, accepted);
  }
  return accepted;
}

function unknownParameter(op: OperationSpec, name: string, accepted: Map<string, ParamSpec>): InvalidParameterError {
  const valid = [...accepted.keys()];
  if (name === 'cursor' && op.paginated) {
    return new InvalidParameterError(op.id, name, 'is set by the listing: resume with the `startCursor` option');
  }
  const position = op.pathParams.indexOf(name);
  if (position >= 0) {
    return new InvalidParameterError(op.id, name, `is a path parameter: pass it as argument ${position + 1}`);
  }
  return new InvalidParameterError(op.id, name, 'is not a parameter of this operation', valid);
}

function checkValue(op: OperationSpec, spec: ParamSpec, value: unknown): void {
  if (value === null) throw new InvalidParameterError(op.id, spec.name, 'must not be null');
  checkType(op, spec.name, spec.type, value);
  if (spec.name === 'per_page') checkPerPage(op, spec, value as number);
  else if (spec.name === 'sort_by') checkSortBy(op, spec, value as Record<string, unknown>);
  else if (spec.name.startsWith('filter') && spec.type === 'object') {
    checkFilter(op, spec, value as Record<string, unknown>);
  }
}

function checkType(op: OperationSpec, name: string, type: string, value: unknown): void {
  const array = /^array\((.+)\)$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) {
      throw new InvalidParameterError(op.id, name, `must be an array, got ${describe(value)}`);
    }
    value.forEach((item, i) => checkType(op, `${name}[${i}]`, array[1]!, item));
    return;
  }
  const check = TYPE_CHECKS[type];
  if (check && !check[0](value)) {
    throw new InvalidParameterError(op.id, name, `must be ${check[1]}, got ${describe(value)}`);
  }
}

function checkPerPage(op: OperationSpec, spec: ParamSpec, value: number): void {
  const max = spec.max ?? DEFAULT_PER_PAGE_MAX;
  if (value < 1 || value > max) {
    throw new InvalidParameterError(op.id, spec.name, `must be between 1 and ${max}, got ${value}`);
  }
}

function checkSortBy(op: OperationSpec, spec: ParamSpec, value: Record<string, unknown>): void {
  const fields = Object.keys(value);
  if (fields.length !== 1) {
    const problem = fields.length === 0 ? 'must name one field' : `sorts by one field only, got ${fields.join(', ')}`;
    throw new InvalidParameterError(op.id, spec.name, problem, spec.validFields);
  }
  const field = fields[0]!;
  checkField(op, spec, field);
  const directions = spec.directions ?? DEFAULT_DIRECTIONS;
  const direction = value[field];
  if (typeof direction !== 'string' || !directions.includes(direction)) {
    throw new InvalidParameterError(op.id, spec.name, `direction of "${field}" must be one of the valid ones, got ${describe(direction)}`, directions);
  }
}

function checkFilter(op: OperationSpec, spec: ParamSpec, value: Record<string, unknown>): void {
  for (const [field, fieldValue] of Object.entries(value)) {
    checkField(op, spec, field);
    if (fieldValue === undefined) continue;
    const ok = ['string', 'number', 'boolean'].includes(typeof fieldValue) || fieldValue instanceof Date;
    if (!ok) {
      throw new InvalidParameterError(op.id, spec.name, `value of "${field}" must be a string, number, boolean or Date, got ${describe(fieldValue)}`);
    }
  }
}

function checkField(op: OperationSpec, spec: ParamSpec, field: string): void {
  if (spec.validFields?.length && !spec.validFields.includes(field)) {
    throw new InvalidParameterError(op.id, spec.name, `"${field}" is not a valid field`, spec.validFields);
  }
}

// ---------------------------------------------------------------- helpers

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A short description of a value for an error message: `"abc"`, `3.5`, `an array`, `null`. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return value instanceof Date ? 'a Date' : 'an object';
  return `${typeof value} ${String(value)}`;
}
