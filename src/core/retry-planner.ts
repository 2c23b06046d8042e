import { HTTPError, TimeoutError as KyTimeoutError } from 'ky';
import { isPermanentNetworkFailure } from './network-cause.js';
import { parseRetryAfter } from './retry-after.js';
import { backoffDelay, type RetryPolicy } from './retry-policy.js';
import type { HttpMethod } from './types.js';

/** Why a failed attempt is retried: an HTTP status or an error name. */
export type RetryReason = number | 'NetworkError' | 'TimeoutError';

/** The request a planner decides for. */
export interface PlannedRequest {
  method: HttpMethod;
  /** Safe to send again whatever happened (see `RequestSpec.idempotent`). */
  idempotent?: boolean;
}

/**
 * Decides, for one request, whether a failed attempt is retried and after how long: the
 * server's `Retry-After` when usable, else exponential backoff with jitter; never past the
 * policy's total retry time. ky asks `shouldRetry` first, then `delay`: the planner carries
 * the decision from one to the other.
 *
 * What is retried (each only within the policy's `limit` and `statusCodes`):
 * - any method, on 429 and on 503 with a usable `Retry-After`: the server did not act;
 * - a repeatable request (a method of the policy's `methods`, or one marked `idempotent`),
 *   also on the other statuses of `statusCodes`, on timeouts and on network errors, except
 *   a host that does not exist (`ENOTFOUND`);
 * - never a redirect (API requests refuse them) nor an abort.
 */
export class RetryPlanner {
  #waited = 0;
  #next = 0;
  readonly #repeatable: boolean;
  /** Why the last retry was decided. */
  reason: RetryReason = 'NetworkError';

  constructor(
    private readonly policy: RetryPolicy,
    private readonly signal: AbortSignal | undefined,
    request: PlannedRequest = { method: 'GET' },
  ) {
    this.#repeatable = request.idempotent === true || policy.methods.includes(request.method);
  }

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
      if (status < 400 || !this.policy.statusCodes.includes(status)) return undefined;
      const after = parseRetryAfter(error.response.headers.get('retry-after'));
      const serverDidNotAct = status === 429 || (status === 503 && after !== null);
      if (!this.#repeatable && !serverDidNotAct) return undefined;
      this.reason = status;
      return after !== null ? after * 1000 : backoffDelay(this.policy, attempt);
    }
    if (!this.#repeatable) return undefined;
    if (error instanceof KyTimeoutError) {
      if (!this.policy.retryOnTimeout) return undefined;
      this.reason = 'TimeoutError';
      return backoffDelay(this.policy, attempt);
    }
    if (error.name === 'AbortError' || isPermanentNetworkFailure(error)) return undefined;
    this.reason = 'NetworkError';
    return backoffDelay(this.policy, attempt);
  }
}
