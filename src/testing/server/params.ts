/**
 * Request parameters as Files.com reads them: the query string (nested objects as
 * `field[key]=value`, arrays as repeated `field[]=`) merged with a JSON or form body; and
 * the typed readers route handlers use on them.
 */
import { fail } from './errors.js';
import { parseUtcTime } from '../../core/time.js';

/** Parameters after decoding: strings from the query, any JSON value from a body. */
export type Params = Record<string, unknown>;

/** Parses `a[b][c]=v` / `a[]=v` style pairs into nested objects and arrays. */
export function parseNested(pairs: Iterable<[string, string]>): Params {
  const out: Params = {};
  for (const [rawKey, value] of pairs) {
    const parts = splitKey(rawKey);
    if (parts.length === 0) continue;
    let target: Record<string, unknown> | unknown[] = out;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      if (Array.isArray(target)) {
        if (last) target.push(value);
        break;
      }
      if (last) {
        target[part] = value;
      } else {
        const arrayNext = parts[i + 1] === '';
        const existing: unknown = target[part];
        const next: Record<string, unknown> | unknown[] =
          existing !== null && typeof existing === 'object' ? (existing as Record<string, unknown>) : arrayNext ? [] : {};
        target[part] = next;
        target = next;
      }
    }
  }
  return out;
}

/** `filter[name]` → `['filter', 'name']`; `ids[]` → `['ids', '']`. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return key ? [key] : [];
  const parts = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(key.slice(open))) !== null) parts.push(match[1]!);
  return parts;
}

/** Parses a request body (JSON, or form-encoded) into parameters. Invalid JSON yields `undefined`. */
export function parseBody(text: string, contentType: string | null): Params | undefined {
  if (text.trim() === '') return {};
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return parseNested(new URLSearchParams(text));
  }
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Params) : {};
  } catch {
    return undefined;
  }
}

/** A string parameter, or `undefined`. Numbers and booleans are stringified. */
export function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'object' ? undefined : String(value);
}

/** An integer parameter; `NaN` when present but not an integer, `undefined` when absent. */
export function intParam(params: Params, name: string): number | undefined {
  const value = stringParam(params, name);
  if (value === undefined || value === '') return undefined;
  return /^[+-]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
}

/**
 * A boolean parameter (`true`, `1`, `yes`, `y`, `on`, `t` are true, in any case). The parameter
 * check (`param-types.ts`) has refused any other value than those and `false`, `0`, `no`, `n`,
 * `off`, `f` for a parameter the spec types `boolean`.
 */
export function boolParam(params: Params, name: string): boolean {
  const value = stringParam(params, name);
  return value !== undefined && ['true', '1', 'yes', 'y', 'on', 't'].includes(value.toLowerCase());
}

/** An object parameter such as `filter` or `sort_by`, or `undefined`. */
export function objectParam(params: Params, name: string): Record<string, unknown> | undefined {
  const value = params[name];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A date-time parameter as ms since the epoch, or `undefined`; fails with `400 bad-request/datetime-parse` when unparseable. */
export function timeParam(params: Params, name: string): number | undefined {
  const value = stringParam(params, name);
  if (value === undefined || value === '') return undefined;
  const ms = parseUtcTime(value);
  if (Number.isNaN(ms)) fail(400, 'bad-request/datetime-parse', `${name} must be a date-time.`);
  return ms;
}

/** Fails with `400 bad-request/request-params-required` when a required parameter is missing or empty. */
export function requireParams(params: Params, names: readonly string[]): void {
  for (const name of names) {
    const value = params[name];
    if (value === undefined || value === null || value === '') {
      fail(400, 'bad-request/request-params-required', `Parameter missing: ${name}`);
    }
  }
}

/** Keeps the entries of `body` whose key is a field of the model (never `id`). */
export function modelFields(body: Params, fields: ReadonlySet<string>): Params {
  return Object.fromEntries(Object.entries(body).filter(([key]) => fields.has(key) && key !== 'id'));
}

/** A record id from a path segment; `-1` (never found) when it is not a positive integer. */
export function recordId(raw: string | undefined): number {
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : -1;
}
