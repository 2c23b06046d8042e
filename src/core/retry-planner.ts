import { HTTPError, TimeoutError as KyTimeoutError } from 'ky';
import { parseRetryAfter } from './retry-after.js';
import { backoffDelay, type RetryPolicy } from './retry-policy.js';

/** Why a failed attempt is retried: an HTTP status or an error name. */
export type RetryReason = number | 'NetworkError' | 'TimeoutError';

/**
 * Decides, for one request, whether a failed attempt is retried and after how long: the
 * server's `Retry-After` when usable, else exponential backoff with jitter; never past the
 * policy's total retry time. ky asks `shouldRetry` first, then `delay`: the planner carries
 * the decision from one to the other.
 */
export class RetryPlanner {
  #waited = 0;
  #next = 0;
  /** Why the last retry was decided. */
  reason: RetryReason = 'NetworkError';

  constructor(
    private readonly policy: RetryPolicy,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** ky's `shouldRetry`: true to retry after `delay()`, false to give up. */
  shouldRetry(error: Error, attempt: number): boolean {
    if (this.signal?.aborted) return false;
    const plan = this.#plan(error, attempt);
    if (plan === undefined || this.#waited + plan > this.policy.maxRetryTimeMs) return false;
    // The failed response is not read: release its body (and connection) now, not at GC.
    if (error instanceof HTTPError) error.response.body?.cancel().catch(() => {});
    this.#next = plan;
    this.#waited += plan;
    return true;
  }

  /** ky's `delay`: the wait decided by the last `shouldRetry`. */
  delay(): number {
    return this.#next;
  }

  #plan(error: Error, attempt: number): number | undefined {
    if (error instanceof HTTPError) {
      const status = error.response.status;
      if (!this.policy.statusCodes.includes(status)) return undefined;
      this.reason = status;
      const after = parseRetryAfter(error.response.headers.get('retry-after'));
      return after !== null ? after * 1000 : backoffDelay(this.policy, attempt);
    }
    if (error instanceof KyTimeoutError) {
      if (!this.policy.retryOnTimeout) return undefined;
      this.reason = 'TimeoutError';
      return backoffDelay(this.policy, attempt);
    }
    if (error.name === 'AbortError') return undefined;
    this.reason = 'NetworkError';
    return backoffDelay(this.policy, attempt);
  }
}
