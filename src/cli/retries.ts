import type { RetryEvent } from '../index.js';
import type { MessageWriter } from './output/messages.js';

/** Counts the retries a command's client makes, and prints each one when asked. */
export interface RetryCounter {
  /** Retries so far. */
  readonly count: number;
  /** The client's `beforeRetry` hook. */
  readonly hook: (event: RetryEvent) => void;
}

/**
 * A counter of retries; with `messages`, each retry is printed as it happens (`--verbose`),
 * as one line of {@link describeRetry}, through the redacting writer.
 */
export function retryCounter(messages?: MessageWriter): RetryCounter {
  let count = 0;
  return {
    get count() {
      return count;
    },
    hook(event) {
      count++;
      messages?.line(describeRetry(event));
    },
  };
}

/**
 * One line for a retry: `retry: users.list attempt 2 after HTTP 503, waiting 600 ms`. A
 * request that is not an API operation (a presigned download) is named by its method and
 * URL without the query (which may hold a signature).
 */
export function describeRetry(event: RetryEvent): string {
  const what = event.operation ?? `${event.method} ${withoutQuery(event.url)}`;
  const reason = typeof event.reason === 'number' ? `HTTP ${event.reason}` : event.reason;
  return `retry: ${what} attempt ${event.attempt} after ${reason}, waiting ${Math.round(event.delayMs)} ms`;
}

/** `, 3 retries` / `, 1 retry` / `, 0 retries`: the end of a summary line. */
export function retriesPhrase(count: number): string {
  return `, ${count} ${count === 1 ? 'retry' : 'retries'}`;
}

function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : url.slice(0, cut);
}
