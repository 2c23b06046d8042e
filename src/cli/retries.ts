import type { RetryEvent } from '../index.js';
import { counted } from './output/counted.js';

/** Counts the retries a command's client makes. */
export interface RetryCounter {
  /** Retries so far. */
  readonly count: number;
  /** The client's `beforeRetry` hook. */
  readonly hook: (event: RetryEvent) => void;
}

/**
 * A counter of retries, for the summary line of a command. With `notify`, a retry worth
 * telling a person about (see {@link retryNotice}) is also told as it is decided, one line
 * each. (With `--verbose` each retry is printed by the client's logger, see `cliLogger`.)
 */
export function retryCounter(notify?: (line: string) => void): RetryCounter {
  let count = 0;
  return {
    get count() {
      return count;
    },
    hook(event) {
      count++;
      const notice = notify && retryNotice(event);
      if (notice) notify(notice);
    },
  };
}

/** A retry is told once the request has been going on this long by its next attempt (ms). */
export const RETRY_NOTICE_AFTER_MS = 1000;

/**
 * The line that tells a person a request is being retried, and why:
 * `files-stream: retrying GET /users (connection refused), attempt 4 of 6, next in 1.2 s`.
 * `undefined` for a retry that comes quickly, so a blip goes unsaid: the line is for a request
 * that will have been going on for {@link RETRY_NOTICE_AFTER_MS} or more by its next attempt
 * (a server down, a timeout, a long `Retry-After`).
 */
export function retryNotice(event: RetryEvent): string | undefined {
  if (event.elapsedMs + event.delayMs < RETRY_NOTICE_AFTER_MS) return undefined;
  const attempts = event.limit + 1;
  const which = event.attempt < attempts ? `attempt ${event.attempt + 1} of ${attempts}` : `attempt ${event.attempt + 1} (past the limit of ${attempts}: rate limited)`;
  return `files-stream: retrying ${event.method} ${shownPath(event.url)} (${reasonPhrase(event)}), ${which}, next in ${(event.delayMs / 1000).toFixed(1)} s`;
}

/** An API URL by its path under `/api/rest/v1`, without its query (cursors are long); another URL by its origin and path. */
function shownPath(url: string): string {
  try {
    const { origin, pathname } = new URL(url);
    return pathname.startsWith('/api/rest/v1/') ? pathname.slice('/api/rest/v1'.length) : `${origin}${pathname}`;
  } catch {
    return url;
  }
}

const NETWORK_PHRASES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed',
  ETIMEDOUT: 'no connection in time',
  UND_ERR_CONNECT_TIMEOUT: 'no connection in time',
  EAI_AGAIN: 'temporary DNS failure',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** Why a retry is made, in words: `connection refused`, `429 rate limited`, `503 server error`. */
function reasonPhrase(event: RetryEvent): string {
  const { reason, code } = event;
  if (typeof reason === 'number') return reason === 429 ? '429 rate limited' : reason === 408 ? '408 request timeout' : reason >= 500 ? `${reason} server error` : `HTTP ${reason}`;
  if (reason === 'TimeoutError') return 'no response in time';
  if (reason === 'IntegrityError') return 'the bytes received do not match the file';
  return code ? (NETWORK_PHRASES[code] ?? `network error ${code}`) : 'network error';
}

/** `, 3 retries` / `, 1 retry` / `, 0 retries`: the end of a summary line. */
export function retriesPhrase(count: number): string {
  return `, ${counted(count, 'retry', 'retries')}`;
}
