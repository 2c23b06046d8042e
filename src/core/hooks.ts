import type { HttpMethod } from './types.js';

/** What a `beforeRequest` hook sees. Auth headers are redacted. */
export interface RequestEvent {
  operation: string | undefined;
  method: HttpMethod;
  url: string;
  /** Request headers, with `X-FilesAPI-Key` and `X-FilesAPI-Auth` shown as `[redacted]`. */
  headers: Record<string, string>;
  /** 0 for the first attempt, then 1, 2, ... for retries. */
  attempt: number;
}

/** What an `afterResponse` hook sees. */
export interface ResponseEvent {
  operation: string | undefined;
  method: HttpMethod;
  url: string;
  status: number;
  /** Time from sending to the response headers, in ms. */
  durationMs: number;
  attempt: number;
}

/** What a `beforeRetry` hook sees. */
export interface RetryEvent {
  operation: string | undefined;
  method: HttpMethod;
  url: string;
  /** The retry about to be made (1 for the first retry). */
  attempt: number;
  /** How long the client waits before it, in ms. */
  delayMs: number;
  /** HTTP status that caused the retry, or the error name (`NetworkError`, `TimeoutError`). */
  reason: number | string;
}

/** Observation hooks for logging and metrics. They cannot change requests; errors they throw are ignored. */
export interface ClientHooks {
  beforeRequest?: (event: RequestEvent) => void;
  afterResponse?: (event: ResponseEvent) => void;
  beforeRetry?: (event: RetryEvent) => void;
}

/** Names of the headers that carry secrets. */
export const SECRET_HEADERS: readonly string[] = ['x-filesapi-key', 'x-filesapi-auth'];

/** A plain copy of headers with the secret ones redacted. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = SECRET_HEADERS.includes(name.toLowerCase()) ? '[redacted]' : value;
  });
  return out;
}

/** Calls a hook, ignoring what it throws: observation must not break requests. */
export function emit<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (!hook) return;
  try {
    hook(event);
  } catch {
    // Hooks are for observation only.
  }
}
