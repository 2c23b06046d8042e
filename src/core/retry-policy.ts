import type { HttpMethod } from './types.js';

/** How failed requests are retried. */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 5; 0 disables retries. */
  limit: number;
  /**
   * Methods that are retried on network errors, timeouts and every status of `statusCodes`
   * (the idempotent ones by default: GET, PUT, DELETE, HEAD). Any method, POST and PATCH
   * included, is retried on 429, and on 503 with a usable `Retry-After`: the server did not
   * act. A request marked `idempotent` (an upload's part and end requests) is retried as if
   * its method were listed here.
   */
  methods: readonly HttpMethod[];
  /** HTTP statuses that are retried (see `methods`). Default 408, 429, 500, 502, 503, 504. */
  statusCodes: readonly number[];
  /** First backoff delay in ms; doubled at each retry, with jitter. Default 300. */
  backoffMs: number;
  /** Largest backoff delay in ms. Default 10,000. */
  maxBackoffMs: number;
  /** Give up once the retries of one request have waited this long in total (ms). Default 60,000. */
  maxRetryTimeMs: number;
  /** Retry requests that timed out (of the methods in `methods`). Default true. */
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
