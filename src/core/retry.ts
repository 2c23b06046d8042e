/**
 * Every retry decision of the client, in one place: the policy, the one classification of
 * what a retry can fix, the backoff (exponential, with jitter, or the server's
 * `Retry-After`), and the budget of one logical request (attempts and time waited). The
 * request core hands it to ky; a page whose body breaks off and a download whose bytes fail
 * their checks are retried with the same budget and the same rules.
 */
import type { HTTPError } from 'ky';
import { FilesApiError } from '../errors/api-errors.js';
import { FilesError } from '../errors/files-error.js';
import { IntegrityError, NetworkError, ProxyAuthenticationError, ResponseValidationError, TimeoutError } from '../errors/client-errors.js';
import { isPermanentProxyRefusal, networkCode } from './network-cause.js';
import type { HttpMethod } from './types.js';

/** How failed requests are retried. */
export interface RetryPolicy {
  /**
   * Retries after the first attempt. Default 5; 0 disables retries. A 429 with a usable
   * `Retry-After` may be retried past it, within `maxRetryTimeMs` (see {@link RetryBudget}).
   */
  limit: number;
  /** Methods that are safe to repeat whatever happened (idempotent ones by default). */
  methods: readonly HttpMethod[];
  /** HTTP statuses that are retried. Default 408, 429, 500, 502, 503, 504. */
  statusCodes: readonly number[];
  /** First backoff delay in ms; doubled at each retry, with jitter. Default 300. */
  backoffMs: number;
  /** Largest backoff delay in ms. Default 10,000. */
  maxBackoffMs: number;
  /** Give up once the retries of one request have waited this long in total (ms). Default 60,000. */
  maxRetryTimeMs: number;
  /** Retry requests that timed out. Default true. */
  retryOnTimeout: boolean;
}

/** The default retry policy. */
export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  limit: 5,
  methods: Object.freeze(['GET', 'PUT', 'DELETE', 'HEAD']) as readonly HttpMethod[],
  statusCodes: Object.freeze([408, 429, 500, 502, 503, 504]) as readonly number[],
  backoffMs: 300,
  maxBackoffMs: 10_000,
  maxRetryTimeMs: 60_000,
  retryOnTimeout: true,
});

/** Backoff before retry number `attempt` (1-based): exponential, with "equal jitter" (half fixed, half random). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Retry-After values of this many seconds or more are refused: normal backoff applies. */
export const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * Parses a `Retry-After` header as the official Files.com SDKs do: the first usable value
 * wins (a whole number of seconds, or an HTTP date, counted from `now` and rounded up);
 * non-numeric values are skipped; a value of 60 s or more, or a negative one, is refused.
 *
 * @param value the header: one string (several values joined by `, `) or the list of values.
 * @returns the delay in seconds, or `null` when there is no usable value.
 */
export function parseRetryAfter(value: string | readonly string[] | null | undefined, now: number = Date.now()): number | null {
  if (value == null) return null;
  const list = typeof value === 'string' ? [value] : [...value];
  // A joined header ("5, 10") is split on commas unless the whole value is an HTTP date.
  for (const candidate of list.flatMap((v) => (isHttpDate(v) ? [v] : v.split(',')))) {
    const v = candidate.trim();
    const seconds = /^\d+$/.test(v) ? Number(v) : isHttpDate(v) ? Math.ceil((Date.parse(v) - now) / 1000) : undefined;
    if (seconds === undefined) continue;
    return seconds >= 0 && seconds < MAX_RETRY_AFTER_SECONDS ? seconds : null;
  }
  return null;
}

function isHttpDate(v: string): boolean {
  return /[a-z]{3}/i.test(v) && !Number.isNaN(Date.parse(v));
}

/** Why a failed attempt is retried: an HTTP status or an error name. */
export type RetryReason = number | 'NetworkError' | 'TimeoutError' | 'IntegrityError';

/**
 * What went wrong with one attempt, as far as retrying goes:
 * - `status`: an HTTP error answer;
 * - `timeout`: no answer (or no next chunk of the body) in time;
 * - `network`: the connection failed or the body broke off or arrived cut short
 *   (`permanent` when the host does not exist, or a proxy refused with a 4xx such as 407);
 * - `integrity`: a download's bytes do not match the record (size, md5, crc32);
 * - `final`: nothing a retry can fix (an abort, a redirect, bad input, a valid answer that
 *   is not what was expected).
 */
export type Failure =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter: number | null }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network'; readonly permanent: boolean }
  | { readonly kind: 'integrity' }
  | { readonly kind: 'final' };

/** Codes of network failures that retrying cannot fix: the host does not exist, the URL is unusable. `EAI_AGAIN` is temporary. */
const PERMANENT_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'ERR_INVALID_URL']);

/**
 * ky's `HTTPError` (an answer with an error status), told by shape rather than class, so
 * ky itself is loaded only when the first request is sent.
 */
export function isKyHttpError(error: unknown): error is HTTPError {
  return error instanceof Error && error.name === 'HTTPError' && (error as Partial<HTTPError>).response instanceof Response;
}

/** ky's `TimeoutError` (no response headers in time): not files-stream's own, which is a `FilesError`. */
export function isKyTimeoutError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'TimeoutError' && !(error instanceof FilesError) && 'request' in error;
}

/** Classifies a failure: ky's and fetch's own errors (inside the core) and files-stream's typed ones. */
export function failureOf(error: unknown): Failure {
  if (isKyHttpError(error)) {
    return { kind: 'status', status: error.response.status, retryAfter: parseRetryAfter(error.response.headers.get('retry-after')) };
  }
  if (error instanceof FilesApiError) return { kind: 'status', status: error.status, retryAfter: error.retryAfter ?? null };
  if (isKyTimeoutError(error) || error instanceof TimeoutError) return { kind: 'timeout' };
  if (error instanceof IntegrityError) return { kind: 'integrity' };
  // A body cut short with an honest Content-Length parses as broken JSON: fetch it again.
  if (error instanceof ResponseValidationError) return error.cause instanceof SyntaxError ? { kind: 'network', permanent: false } : { kind: 'final' };
  if (error instanceof NetworkError || isFetchFailure(error)) {
    const code = error instanceof NetworkError ? error.code : networkCode(error);
    // A proxy that refused (407: credentials; 403: destination blocked) refuses again.
    const refused = error instanceof ProxyAuthenticationError || isPermanentProxyRefusal(error);
    return { kind: 'network', permanent: refused || (code !== undefined && PERMANENT_CODES.has(code)) };
  }
  return { kind: 'final' };
}

/** What `fetch` (undici) or a body stream throws when the connection fails: not an abort, not ours. */
function isFetchFailure(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === 'AbortError') return false;
  return !(error as { constructor?: { name?: string } }).constructor?.name?.endsWith('Error') || error instanceof TypeError || networkCode(error) !== undefined;
}

/** The request a decision is made for. */
export interface RetriedRequest {
  readonly method: HttpMethod;
  /** Safe to send again whatever happened, even if the method is not (an upload part request with its `ref`). */
  readonly idempotent?: boolean;
}

/**
 * The wait before retrying after `failure`, or `undefined` not to retry:
 * - any request, on 429 and on 503 with a usable `Retry-After` (the server did not act);
 * - a repeatable request (a method of the policy's `methods`, or marked `idempotent`), also
 *   on the policy's other statuses, on timeouts (unless `retryOnTimeout` is off), on network
 *   failures (unless permanent) and on integrity failures;
 * - never on anything else.
 *
 * A usable `Retry-After` is waited exactly; otherwise the backoff of retry number `attempt`.
 */
export function retryDelay(failure: Failure, request: RetriedRequest, policy: RetryPolicy, attempt: number): number | undefined {
  const repeatable = request.idempotent === true || policy.methods.includes(request.method);
  switch (failure.kind) {
    case 'status': {
      if (!policy.statusCodes.includes(failure.status)) return undefined;
      const serverDidNotAct = failure.status === 429 || (failure.status === 503 && failure.retryAfter !== null);
      if (!repeatable && !serverDidNotAct) return undefined;
      return failure.retryAfter !== null ? failure.retryAfter * 1000 : backoffDelay(policy, attempt);
    }
    case 'timeout':
      return repeatable && policy.retryOnTimeout ? backoffDelay(policy, attempt) : undefined;
    case 'network':
      return repeatable && !failure.permanent ? backoffDelay(policy, attempt) : undefined;
    case 'integrity':
      return repeatable ? backoffDelay(policy, attempt) : undefined;
    case 'final':
      return undefined;
  }
}

/** The reason a hook is told for a retry. */
function reasonOf(failure: Failure): RetryReason {
  if (failure.kind === 'status') return failure.status;
  if (failure.kind === 'timeout') return 'TimeoutError';
  if (failure.kind === 'integrity') return 'IntegrityError';
  return 'NetworkError';
}

/** A decided retry: how long to wait, and why. */
export interface RetryPlan {
  /** The retry about to be made (1 for the first). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: RetryReason;
  /**
   * True for a rate-limit retry past the policy's `limit` (a 429 with a usable
   * `Retry-After`: see {@link RetryBudget}); such retries are bounded by `maxRetryTimeMs` alone.
   */
  readonly pastLimit?: boolean;
}

/** True for a 429 with a usable `Retry-After`: the server is serving others, and says when to come back. */
export function isRateLimitWithRetryAfter(failure: Failure): boolean {
  return failure.kind === 'status' && failure.status === 429 && failure.retryAfter !== null;
}

/**
 * The retries of one logical request: a page (its request, and the refetches of a body that
 * broke off), one download, one upload part. Every layer that retries it (ky inside the
 * core, the page fetcher, the download) draws on the same budget, and its waits never add up
 * past `maxRetryTimeMs`.
 *
 * `limit` bounds the retries of every failure but one: a 429 with a usable `Retry-After`
 * (the server is answering, and serving someone else meanwhile). Those are retried as long
 * as the total wait stays under `maxRetryTimeMs`: the first `limit` of them wait exactly the
 * `Retry-After`; later ones wait at least the backoff of their rank past the limit (300 ms
 * doubling to `maxBackoffMs`, with jitter, by default), so `Retry-After: 0` never spins.
 * They do not use up `limit` for the other failures. With `limit` 0 nothing is retried.
 */
export class RetryBudget {
  #retries = 0;
  /** Retries counted against `limit`: all but those of a 429 with a usable `Retry-After`. */
  #counted = 0;
  /** Retries of a 429 with a usable `Retry-After`. */
  #rateLimited = 0;
  /** Those of them past `limit` (each waits at least the backoff of its rank). */
  #pastLimit = 0;
  #waited = 0;
  /** The last retry decided. */
  last: RetryPlan | undefined;
  /** When the budget was made (`performance.now()`): the request's start, for {@link elapsedMs}. */
  readonly #startedAt = performance.now();

  constructor(
    readonly policy: RetryPolicy,
    readonly request: RetriedRequest,
    private readonly signal?: AbortSignal,
  ) {}

  /** Milliseconds since the budget was made: how long its request has been going on, attempts and waits included. */
  get elapsedMs(): number {
    return performance.now() - this.#startedAt;
  }

  /** Retries decided so far (rate-limit retries included). */
  get retries(): number {
    return this.#retries;
  }

  /** Decides whether `error` is retried: the plan, or `undefined` to give up (then the error stands). */
  plan(error: unknown): RetryPlan | undefined {
    if (this.signal?.aborted || this.policy.limit <= 0) return undefined;
    const failure = failureOf(error);
    const rateLimit = isRateLimitWithRetryAfter(failure);
    // Past the limit only a rate limit with Retry-After is retried, at least at the backoff of its rank.
    const pastLimit = rateLimit ? this.#rateLimited >= this.policy.limit : false;
    if (!rateLimit && this.#counted >= this.policy.limit) return undefined;
    let wait = retryDelay(failure, this.request, this.policy, this.#counted + 1);
    if (wait !== undefined && pastLimit) wait = Math.max(wait, backoffDelay(this.policy, this.#pastLimit + 1));
    if (wait === undefined || this.#waited + wait > this.policy.maxRetryTimeMs) return undefined;
    this.#retries++;
    if (rateLimit) this.#rateLimited++;
    else this.#counted++;
    if (pastLimit) this.#pastLimit++;
    this.#waited += wait;
    // The failed response is not read: release its body (and connection) now, not at GC.
    if (isKyHttpError(error)) error.response.body?.cancel().catch(() => {});
    this.last = { attempt: this.#retries, delayMs: wait, reason: reasonOf(failure), ...(pastLimit ? { pastLimit } : {}) };
    return this.last;
  }
}

/** Options of {@link withRetries}. */
export interface WithRetriesOptions {
  /** Cancels the waits; an abort ends the loop with the signal's reason. */
  signal?: AbortSignal;
  /** Called before each retry's wait. */
  onRetry?: (plan: RetryPlan, error: unknown) => void;
}

/**
 * Runs `attempt` until it succeeds or its failure is not worth retrying under `budget`
 * (whose retries may have been partly spent by the core already). `attempt` gets the retry
 * number (0 for the first run).
 */
export async function withRetries<T>(budget: RetryBudget, attempt: (retry: number) => Promise<T>, options: WithRetriesOptions = {}): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(retry);
    } catch (error) {
      options.signal?.throwIfAborted();
      const plan = budget.plan(error);
      if (!plan) throw error;
      options.onRetry?.(plan, error);
      await delay(plan.delayMs, options.signal);
    }
  }
}

/** Waits `ms` milliseconds; rejects with the signal's reason as soon as it aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
