import type { RetryEvent } from '../index.js';

/** Counts the retries a command's client makes. */
export interface RetryCounter {
  /** Retries so far. */
  readonly count: number;
  /** The client's `beforeRetry` hook. */
  readonly hook: (event: RetryEvent) => void;
}

/**
 * A counter of retries, for the summary line of a command. (With `--verbose` each retry is
 * printed by the client's logger, see `cliLogger`, not here.)
 */
export function retryCounter(): RetryCounter {
  let count = 0;
  return {
    get count() {
      return count;
    },
    hook() {
      count++;
    },
  };
}

/** `, 3 retries` / `, 1 retry` / `, 0 retries`: the end of a summary line. */
export function retriesPhrase(count: number): string {
  return `, ${count} ${count === 1 ? 'retry' : 'retries'}`;
}
