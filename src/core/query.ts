import { FilesError } from '../errors/files-error.js';

/**
 * Serialises query parameters as Files.com expects them: scalars as `name=value`, nested
 * objects as `name[key]=value` (recursively), arrays as repeated `name[]=value`.
 * `undefined` and `null` are left out. Keys and values are percent-encoded; the brackets
 * are kept literal.
 */
export function serializeQuery(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) appendPair(parts, encode(key, key), value);
  return parts.join('&');
}

function appendPair(parts: string[], key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) appendPair(parts, `${key}[]`, item);
  } else if (value instanceof Date) {
    parts.push(`${key}=${encode(value.toISOString(), key)}`);
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) appendPair(parts, `${key}[${encode(k, key)}]`, v);
  } else {
    parts.push(`${key}=${encode(String(value), key)}`);
  }
}

/** A UTF-16 surrogate not part of a pair: `encodeURIComponent` throws a bare URIError on it. */
const LONE_SURROGATE = /\p{Cs}/u;

function encode(text: string, name: string): string {
  if (LONE_SURROGATE.test(text)) throw new FilesError(`Query parameter "${name}" is not well-formed Unicode (it holds a lone surrogate)`);
  return encodeURIComponent(text);
}
