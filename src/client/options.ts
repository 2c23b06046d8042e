import type { ValidationMode } from '../api/context.js';
import type { ClientHooks } from '../core/hooks.js';
import type { Logger } from '../core/logger.js';
import type { RetryPolicy } from '../core/retry.js';

/** Options of `createClient`. Every one is optional. */
export interface ClientOptions {
  /** API key, sent as `X-FilesAPI-Key`. Default: `FILESCOM_API_KEY`. */
  apiKey?: string;
  /**
   * Session id (from `POST /sessions`), sent as `X-FilesAPI-Auth`. A session wins over an API
   * key, as in the official SDKs: with both, only the session is sent.
   */
  sessionId?: string;
  /** Site URL. Default: `FILESCOM_BASE_URL`, else `https://app.files.com`. */
  baseUrl?: string;
  /** Sent as `X-Files-Workspace-Id`. */
  workspaceId?: string | number;
  /** Sent as `Accept-Language`. */
  language?: string;
  /** Per-attempt timeout in ms (to the response headers). Default 60,000; `false` for none. */
  timeout?: number | false;
  /** Retry policy overrides, or `false` for no retries. */
  retry?: Partial<RetryPolicy> | false;
  /** Default `per_page` for list calls (capped at each operation's maximum). Default: server's. */
  perPage?: number;
  /**
   * Largest response body read, in bytes: a page (or record) larger than this fails with
   * `ResponseTooLargeError` instead of being buffered whole. Default 256 MiB, far above the
   * largest legitimate page (10,000 records of a few KB each); a list call can override it.
   */
  maxPageBytes?: number;
  /** Pages requested ahead of the consumer. Default 1. */
  prefetch?: number;
  /** Response validation. Default `passthrough`. */
  validation?: ValidationMode;
  /**
   * A `fetch` implementation to use instead of the global one (for an agent of your own:
   * `(url, init) => fetch(url, { ...init, dispatcher })` with an undici `Agent` or `ProxyAgent`).
   * With one, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` are left to it.
   */
  fetch?: typeof globalThis.fetch;
  /** Appended to the `User-Agent` header (`files-stream/<version> <suffix>`). */
  userAgent?: string;
  /** Observation hooks for logging and metrics. */
  hooks?: ClientHooks;
  /**
   * Where the client logs each request and response (`debug`) and each retry with its wait
   * and reason (`warn`), one line each, credentials redacted. Any of `debug`, `info`, `warn`,
   * `error` may be missing; `console` works. Default: none, or stderr with
   * `FILES_STREAM_DEBUG=1`.
   */
  logger?: Logger;
}

/** A problem with an option: which one (`retry.limit`; `options` for an unknown name) and what. */
export interface OptionProblem {
  readonly option: string;
  readonly message: string;
}

type Check = (value: unknown) => string | undefined;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const optional = (check: Check): Check => (v) => (v === undefined ? undefined : check(v));
const nonEmptyString: Check = (v) => (typeof v !== 'string' ? 'expected a string' : v === '' ? 'must not be empty' : undefined);
const anyString: Check = (v) => (typeof v === 'string' ? undefined : 'expected a string');
const fn: Check = (v) => (typeof v === 'function' ? undefined : 'expected a function');
const intIn = (min: number, max: number, message?: string): Check => (v) =>
  isInt(v) && v >= min && v <= max ? undefined : (message ?? `expected an integer from ${min} to ${max}`);
const atLeast = (min: number): Check => (v) => (typeof v === 'number' && Number.isFinite(v) && v >= min ? undefined : `expected a number >= ${min}`);
const oneOf = (values: readonly string[]): Check => (v) =>
  typeof v === 'string' && values.includes(v) ? undefined : `expected one of ${values.map((x) => `"${x}"`).join(', ')}`;
const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD'] as const;
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** The checks of each option (hand-written: zod would cost ~40 ms at import, before any request). */
const CHECKS: Readonly<Record<keyof ClientOptions, Check>> = {
  apiKey: nonEmptyString,
  sessionId: nonEmptyString,
  baseUrl: (v) => {
    if (!(typeof v === 'string' && /^https?:\/\/[^/]+/i.test(v) && URL.canParse(v))) return 'must be an http(s) URL such as https://app.files.com';
    const url = new URL(v);
    // fetch refuses a URL with credentials, and they would show wherever the URL does.
    return url.username || url.password ? 'must not carry user:password@ (give the key as apiKey, or a session as sessionId)' : undefined;
  },
  workspaceId: (v) => (typeof v === 'string' ? nonEmptyString(v) : intIn(0, Number.MAX_SAFE_INTEGER, 'expected a non-empty string or an integer >= 0')(v)),
  language: nonEmptyString,
  timeout: (v) => (v === false || (typeof v === 'number' && v > 0 && v <= 2_147_483_647) ? undefined : 'expected a number of ms from 1 to 2147483647, or false'),
  retry: () => undefined, // checked field by field below
  perPage: intIn(1, 10_000),
  maxPageBytes: intIn(1024, Number.MAX_SAFE_INTEGER, 'must be an integer of at least 1024 bytes'),
  prefetch: intIn(0, 16),
  validation: oneOf(['passthrough', 'strict', 'off']),
  fetch: fn,
  userAgent: anyString,
  hooks: () => undefined, // checked field by field below
  logger: (v) =>
    typeof v === 'object' && v !== null && LEVELS.every((level) => fn((v as Record<string, unknown>)[level]) === undefined || (v as Record<string, unknown>)[level] === undefined)
      ? undefined
      : 'expected an object whose debug, info, warn and error (each optional) are functions, such as console',
};

const RETRY_CHECKS: Readonly<Record<keyof RetryPolicy, Check>> = {
  limit: intIn(0, 100),
  methods: (v) => (Array.isArray(v) && v.every((m) => oneOf(METHODS)(m) === undefined) ? undefined : `expected an array of ${METHODS.join(', ')}`),
  statusCodes: (v) => (Array.isArray(v) && v.every((c) => intIn(400, 599)(c) === undefined) ? undefined : 'expected an array of HTTP statuses from 400 to 599'),
  backoffMs: atLeast(0),
  maxBackoffMs: atLeast(0),
  maxRetryTimeMs: atLeast(0),
  retryOnTimeout: (v) => (typeof v === 'boolean' ? undefined : 'expected true or false'),
};

const HOOK_CHECKS: Readonly<Record<keyof ClientHooks, Check>> = { beforeRequest: fn, afterResponse: fn, beforeRetry: fn };

/** Checks a plain object's fields against `checks`: an unknown field, or the first bad one. */
function checkFields(value: unknown, checks: Readonly<Record<string, Check>>, prefix: string): OptionProblem | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { option: prefix || 'options', message: 'expected an object' };
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(checks, key)) return { option: prefix || 'options', message: `unknown option "${key}"` };
  }
  for (const [key, check] of Object.entries(checks)) {
    const message = optional(check)((value as Record<string, unknown>)[key]);
    if (message !== undefined) return { option: `${prefix}${key}`, message };
  }
  return undefined;
}

/**
 * Checks client options: the first problem (an unknown option name, or a value of the wrong
 * type or range), or `undefined` when they are fine.
 */
export function checkClientOptions(options: unknown): OptionProblem | undefined {
  const problem = checkFields(options, CHECKS, '');
  if (problem) return problem;
  const { retry, hooks } = options as ClientOptions;
  if (retry !== undefined && retry !== false) {
    const bad = checkFields(retry, RETRY_CHECKS, 'retry.');
    if (bad) return bad.option === 'retry.' ? { option: 'retry', message: `${bad.message} (or false)` } : bad;
  }
  if (hooks !== undefined) return checkFields(hooks, HOOK_CHECKS, 'hooks.');
  return undefined;
}
