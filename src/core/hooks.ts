import type { Redactor } from './redact.js';
import type { HttpMethod } from './types.js';

/**
 * What a `beforeRequest` hook sees. Auth headers are redacted, and the client's API key and
 * session id are replaced with `[redacted]` wherever else they appear (URL, header values).
 */
export interface RequestEvent {
  operation: string | undefined;
  method: HttpMethod;
  /**
   * The request URL, with the client's secrets, any userinfo and signature parameters
   * redacted; a presigned URL (download, upload part) by its origin alone:
   * `https://bucket.s3.amazonaws.com/[redacted]`.
   */
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
  /**
   * Retries the policy allows (`retry.limit`); a rate-limited retry with `Retry-After` may go
   * past it (`attempt > limit`).
   */
  limit: number;
  /** How long the client waits before it, in ms (the hook is called as the wait starts). */
  delayMs: number;
  /** Time since the request began, in ms: its attempts and the waits between them, this one's excluded. */
  elapsedMs: number;
  /** HTTP status that caused the retry, or the error name (`NetworkError`, `TimeoutError`). */
  reason: number | string;
  /** The network error's code when there is one (`ECONNREFUSED`, `ECONNRESET`). */
  code?: string;
}

/**
 * Observation hooks for logging and metrics. They cannot change requests. A hook may be async:
 * it is called and not awaited (it runs alongside the request). What a hook throws, and what
 * the promise of an async hook rejects with, is ignored. The client's API key and session id never appear in
 * an event.
 */
export interface ClientHooks {
  /** Called as each attempt of a request is sent (retries included), with its headers redacted. */
  beforeRequest?: (event: RequestEvent) => void;
  /** Called when an attempt's response arrives, before its body is read; retried responses too. */
  afterResponse?: (event: ResponseEvent) => void;
  /** Called when a retry is decided, as its wait begins. */
  beforeRetry?: (event: RetryEvent) => void;
}

/** Names of the headers that carry secrets. */
export const SECRET_HEADERS: readonly string[] = ['x-filesapi-key', 'x-filesapi-auth'];

/** A plain copy of headers with the secret ones shown as `[redacted]`, and `redact` applied to the others. */
export function redactHeaders(headers: Headers, redact: Redactor = (v) => v): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = SECRET_HEADERS.includes(name.toLowerCase()) ? '[redacted]' : redact(value);
  });
  return out;
}

/**
 * Calls a hook, ignoring what it throws and, for an async hook, what its promise rejects with:
 * observation must not break requests (nor raise an unhandled rejection).
 */
export function emit<E>(hook: ((event: E) => unknown) | undefined, event: E): void {
  if (!hook) return;
  try {
    const result = hook(event);
    if (isThenable(result)) result.then(undefined, ignore);
  } catch {
    // Hooks are for observation only.
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

function ignore(): void {
  // A rejected hook is ignored like a throwing one.
}
