import { FilesError } from '../errors/files-error.js';
import { serializeQuery } from './query.js';
import type { Scalar } from './types.js';

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
    return encodeURIComponent(String(value));
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
