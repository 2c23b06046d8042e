import { fail } from '../errors.js';
import type { Params } from '../params.js';

/** A record id from a path segment; `-1` (never found) when it is not a positive integer. */
export function recordId(raw: string | undefined): number {
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : -1;
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
