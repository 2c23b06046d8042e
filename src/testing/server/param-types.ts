/**
 * The parameter check: every parameter a request gives (query string, JSON or form body) is
 * checked against the type the spec gives it for the matched operation, before any handler
 * runs, so a refused request changes nothing. A body's values are then handed on with their
 * type, as the API (Grape) coerces parameters: a form body's `disabled=1` or a JSON
 * `"password_validity_days": "30"` is stored as `true` and `30`, never as text a client's
 * schema would refuse. Query values stay text: the handlers' readers (`intParam`,
 * `boolParam`, ...) read them.
 *
 * What is checked, by spec type:
 * - `string`: text. A JSON number or boolean, or `a[]=` / `a[k]=` brackets, are refused (the
 *   mock server's Grape would turn `123` into `"123"`; the official SDKs refuse it before
 *   sending, `Bad parameter: username must be of type String`, and so does this project's
 *   client: the emulator refuses it so that a test sees the mistake). The spec types every
 *   date parameter `string`: one that sets a `date-time` (or `date`) field of the operation's
 *   model (`authenticate_until`, `expires_at`, `provided_mtime`, ...) must be an ISO 8601
 *   date or date-time, as `start_at` and `modified_at_datetime` (read by their handlers)
 *   already had to be.
 * - `int64`: an integer, or its decimal text; `double`: a number, or its text.
 * - `boolean`: `true`/`false`, `1`/`0`, or (in any case) `true`, `false`, `t`, `f`, `yes`,
 *   `no`, `y`, `n`, `on`, `off`, `1`, `0`: the words Grape's Boolean coercion takes. The query
 *   booleans the emulator has always read (`boolParam`: `true`, `1`, `yes`, `on`, `t` are true,
 *   anything else false) keep their meaning; what was silently false (`maybe`) is now refused.
 * - `object`: an object (`a[k]=v` in a query); `array(T)`: an array (`a[]=v`) of T.
 * - `filter`, `filter_gt`, `filter_gteq`, `filter_lt`, `filter_lteq`: an object whose values
 *   are of their field's type in the model the list answers (a `date-time` field takes a
 *   date-time, an `int64` field an integer, a `boolean` field a boolean; booleans are handed
 *   on as `true`/`false` and integers in decimal, as the list handlers compare text);
 *   `filter_prefix` takes any text. Fields the operation does not list are left to the
 *   handlers (`invalid-filter-field` where they check them).
 * - `file`, and types the emulator does not know: anything.
 * An empty query value is absence, as the readers have always taken it; `null` (JSON) is
 * absence too, and an empty body value of a scalar type is handed on as `null`.
 *
 * Unknown parameters are ignored, as before: the docs list no error for them, the official
 * SDKs' mock server (Grape `params` blocks) declares no refusal of them, and the handlers
 * keep only their model's fields. Missing required parameters stay the handlers' business
 * (`bad-request/request-params-required`), as before.
 *
 * The error types, from the spec's catalogue (`src/generated/error-types.ts`):
 * - `bad-request/request-params-invalid` ("Request Params Invalid") for a value not of its
 *   parameter's type: the catalogue's general type for a parameter whose value the API will
 *   not take (the emulator already answered it for `per_page=abc`, `sort_by=name` and the
 *   folder listing's `type`); `invalid-input-encoding` is about bytes, and the other
 *   `bad-request/*` types each name one specific check.
 * - `bad-request/datetime-parse` ("Datetime Parse") for a date-time parameter that is none:
 *   the catalogue's type for exactly that, and the one `start_at`, `end_at`, `provided_mtime`
 *   and `modified_at_datetime` already answered.
 * - `bad-request/invalid-filter-param-value` ("Invalid Filter Param Value") for a
 *   `filter*[field]` value not of the field's type (`filter_gteq[last_login_at]=notadate`):
 *   the filter family's own type for a bad value (the value, not the field
 *   (`invalid-filter-field`) nor the parameter's shape (`invalid-filter-param-format`) is
 *   wrong), and the one the emulator already answered for a filter value that is an object.
 *   It is preferred to `datetime-parse` because a client handling filter errors catches
 *   every bad filter value, of whatever type, by one type.
 * - `bad-request/invalid-filter-param-format` for a `filter*` parameter that is no object
 *   (`filter=abc`), as the list handlers already answered it.
 */
import { filterOperators } from '../data/list-query.js';
import { answerModel, fieldType, operationId, operationModel, operationParams, type ApiOperationInfo } from '../data/spec-facts.js';
import { parseUtcTime } from '../../core/time.js';
import { fail } from './errors.js';
import type { Params } from './params.js';

/** Where a value came from: query values stay text, body values are handed on with their type. */
export type ParamSource = 'query' | 'body';

/** Checks one value (`name` is its place, for the message); answers it as handlers receive it, or throws. */
type Check = (value: unknown, name: string, source: ParamSource) => unknown;

const INVALID = 'bad-request/request-params-invalid';
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
/** The words Grape's Boolean coercion (dry-types `Params::Bool`) takes; here in any case, as `boolParam` reads them. */
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', 'off', '0']);

/** A short description of a wrong value for a message: `a number (123)`, `an array`, `"abc"`. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
    case 'number':
      return `a number (${value})`;
    case 'boolean':
      return `a boolean (${value})`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function refuse(name: string, expected: string, value: unknown): never {
  fail(400, INVALID, `Invalid parameter: ${name} must be ${expected}, not ${describe(value)}.`);
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** An empty scalar: absence in a query (left as it is), `null` in a body. */
const empty = (source: ParamSource): unknown => (source === 'body' ? null : '');

/** An integer, or `undefined` when `value` is none (text is read as a decimal integer). */
function readInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return INTEGER.test(text) ? Number(text) : undefined;
}

function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return NUMBER.test(text) ? Number(text) : undefined;
}

function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  const word = value.toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}

const checkString: Check = (value, name) => (typeof value === 'string' ? value : refuse(name, 'text', value));

const checkInteger: Check = (value, name, source) => {
  if (value === '') return empty(source);
  const n = readInteger(value);
  if (n === undefined) refuse(name, 'an integer', value);
  return source === 'body' ? n : value;
};

const checkNumber: Check = (value, name, source) => {
  if (value === '') return empty(source);
  const n = readNumber(value);
  if (n === undefined) refuse(name, 'a number', value);
  return source === 'body' ? n : value;
};

const checkBoolean: Check = (value, name, source) => {
  if (value === '') return empty(source);
  const b = readBoolean(value);
  if (b === undefined) refuse(name, 'a boolean (true or false)', value);
  return source === 'body' ? b : value;
};

/** Date-times stay text (the handlers and records hold ISO 8601 text). */
const checkDateTime: Check = (value, name, source) => {
  if (value === '') return empty(source);
  if (typeof value !== 'string' || Number.isNaN(parseUtcTime(value))) {
    fail(400, 'bad-request/datetime-parse', `${name} must be an ISO 8601 date-time (such as 2024-05-01T12:00:00Z), not ${describe(value)}.`);
  }
  return value;
};

const checkObject: Check = (value, name) => (isObject(value) ? value : refuse(name, `an object (${name}[key]=value)`, value));

const checkAny: Check = (value) => value;

function arrayOf(item: Check): Check {
  return (value, name, source) => {
    if (!Array.isArray(value)) refuse(name, `an array (${name}[]=value)`, value);
    return value.map((v, i) => (v === null ? v : item(v, `${name}[${i}]`, source)));
  };
}

/** The check of a scalar of a spec type (`string`, `int64`, `array(string)`, ...). */
function checkOfType(type: string, dateTime: boolean): Check {
  const array = /^array\((.+)\)$/.exec(type);
  if (array) return arrayOf(checkOfType(array[1]!, false));
  switch (type) {
    case 'string':
      return dateTime ? checkDateTime : checkString;
    case 'int64':
    case 'int32':
    case 'integer':
      return checkInteger;
    case 'double':
    case 'float':
    case 'decimal':
    case 'number':
      return checkNumber;
    case 'boolean':
      return checkBoolean;
    case 'date-time':
    case 'date':
      return checkDateTime;
    case 'object':
      return checkObject;
    default:
      return checkAny; // `file`, and anything the spec may add
  }
}

// ---------------------------------------------------------------- filters

/**
 * How a filter value of a field of this model type is checked: `undefined` for any text.
 * Answers the value as the list handlers compare it: booleans as `true`/`false` (they
 * compare text, so `filter[site_admin]=1` finds the site admins), integers in decimal.
 */
function filterValueCheck(type: string | undefined): ((value: string | number | boolean) => string | number | boolean | undefined) | undefined {
  switch (type) {
    case 'date-time':
    case 'date':
      return (v) => (typeof v === 'string' && !Number.isNaN(parseUtcTime(v)) ? v : undefined);
    case 'int64': {
      return (v) => {
        const n = readInteger(v);
        if (n === undefined) return undefined;
        return typeof v === 'string' && Number.isSafeInteger(n) ? String(n) : v;
      };
    }
    case 'double':
    case 'decimal':
      return (v) => (readNumber(v) === undefined ? undefined : v);
    case 'boolean':
      return (v) => {
        const b = readBoolean(v);
        return b === undefined ? undefined : typeof v === 'string' ? String(b) : b;
      };
    default:
      return undefined;
  }
}

/**
 * A `filter*` parameter: an object (else `invalid-filter-param-format`), each value a single
 * value (else `invalid-filter-param-value`) of its field's type (else `invalid-filter-param-value`,
 * see the module comment). `filter[not_site_admin]`, no field of a user, is a boolean: the
 * negation of the boolean field `site_admin` (see `takeNotSiteAdmin` in `resources/users.ts`).
 */
function filterCheck(operator: string, validFields: readonly string[] | undefined, model: string | undefined): Check {
  const typed = operator !== 'filter_prefix';
  const checks = new Map<string, NonNullable<ReturnType<typeof filterValueCheck>>>();
  for (const field of validFields ?? []) {
    let type = fieldType(model, field);
    if (type === undefined && field.startsWith('not_') && fieldType(model, field.slice(4)) === 'boolean') type = 'boolean';
    const check = typed ? filterValueCheck(type) : undefined;
    if (check) checks.set(field, check);
  }
  return (value, name) => {
    if (!isObject(value)) fail(400, 'bad-request/invalid-filter-param-format', `${name} must be an object such as ${name}[field]=value, not ${describe(value)}.`);
    let out: Record<string, unknown> | undefined;
    for (const [field, fieldValue] of Object.entries(value)) {
      if (fieldValue === undefined || fieldValue === null) continue;
      if (typeof fieldValue === 'object') {
        fail(400, 'bad-request/invalid-filter-param-value', `${name}[${field}] must be a single value, not ${describe(fieldValue)}.`);
      }
      const check = checks.get(field);
      if (!check || fieldValue === '') continue;
      const scalar = fieldValue as string | number | boolean;
      const read = check(scalar);
      if (read === undefined) {
        fail(400, 'bad-request/invalid-filter-param-value', `${name}[${field}] must be ${expectedOf(fieldType(model, field) ?? 'boolean')}, not ${describe(fieldValue)}.`);
      }
      if (read !== scalar) (out ??= { ...value })[field] = read;
    }
    return out ?? value;
  };
}

function expectedOf(type: string): string {
  switch (type) {
    case 'date-time':
    case 'date':
      return 'an ISO 8601 date-time';
    case 'int64':
      return 'an integer';
    case 'boolean':
      return 'a boolean (true or false)';
    default:
      return 'a number';
  }
}

// ---------------------------------------------------------------- per operation

const FILTERS: ReadonlySet<string> = new Set(filterOperators);

/** The checks of an operation's parameters, by name (path parameters left out). */
function checksOf(op: ApiOperationInfo): ReadonlyMap<string, Check> {
  const model = operationModel(op);
  const answered = answerModel(op);
  const checks = new Map<string, Check>();
  for (const p of operationParams(op)) {
    // `etags[etag]` and `etags[part]` of `files.create`: whether `etags` is then an object of two
    // arrays or an array of `{ etag, part }` the spec does not say (the mock server declares the
    // bracketed names as they are), so neither shape is refused.
    if (p.in === 'path' || p.name.includes('[')) continue;
    if (p.type === 'object' && FILTERS.has(p.name)) {
      checks.set(p.name, filterCheck(p.name, p.validFields, answered));
      continue;
    }
    const modelType = fieldType(model, p.name);
    checks.set(p.name, checkOfType(p.type, p.type === 'string' && (modelType === 'date-time' || modelType === 'date')));
  }
  return checks;
}

const cache = new Map<string, ReadonlyMap<string, Check>>();

/**
 * Checks the parameters of a request to `op` that came from `source` against the spec's types
 * (see the module comment); answers them as the handlers receive them (a body's values with
 * their type). Throws an `EmulatorApiError` (400) for the first value not of its type.
 * Unknown parameters pass unchecked.
 */
export function checkParamTypes(op: ApiOperationInfo, params: Params, source: ParamSource): Params {
  const id = operationId(op);
  let checks = cache.get(id);
  if (!checks) {
    checks = checksOf(op);
    cache.set(id, checks);
  }
  let out: Params | undefined;
  for (const [name, value] of Object.entries(params)) {
    const check = checks.get(name);
    if (!check || value === undefined || value === null) continue;
    const checked = check(value, name, source);
    if (checked !== value) (out ??= { ...params })[name] = checked;
  }
  return out ?? params;
}
