import { FilesError } from '../errors/files-error.js';
import { serializeQuery } from './query.js';
import type { Scalar } from './types.js';

/** A UTF-16 surrogate not part of a pair: `encodeURIComponent` throws a bare URIError on it. */
export const LONE_SURROGATE = /\p{Cs}/u;

/** The Files.com REST API prefix. */
export const API_PREFIX = '/api/rest/v1';

/**
 * Fills a path template (`/users/{id}`): each value is sent as ONE segment encoded with
 * `encodeURIComponent`, so a Files.com path `a/b` becomes `a%2Fb`, as the official SDKs send it.
 */
export function fillPath(template: string, params: Record<string, Scalar> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null || value === '') {
      throw new FilesError(`Missing value for path parameter "${name}" in ${template}`);
    }
    const text = String(value);
    if (text === '.' || text === '..') {
      throw new FilesError(`Path parameter "${name}" in ${template} cannot be "${text}": the URL parser would resolve it as a dot segment`);
    }
    if (LONE_SURROGATE.test(text)) {
      throw new FilesError(`Path parameter "${name}" in ${template} is not well-formed Unicode (it holds a lone surrogate)`);
    }
    return encodeURIComponent(text);
  });
}

/** Builds `{baseUrl}/api/rest/v1{path}?{query}`. */
export function buildUrl(
  baseUrl: string,
  template: string,
  pathParams?: Record<string, Scalar>,
  query?: Record<string, unknown>,
): string {
  const qs = serializeQuery(query);
  return `${baseUrl}${API_PREFIX}${fillPath(template, pathParams)}${qs ? `?${qs}` : ''}`;
}
