/**
 * The client's log: one line per request, response, failed attempt and retry, written to a
 * `logger` in the style of Octokit's `log` and the AWS SDK's `logger` (`console` is one).
 *
 * Levels: `debug` for each request sent and each response (or failed attempt); `warn` for
 * each retry, with its wait and reason. `info` and `error` are not used by the client (a
 * request that finally fails is thrown to the caller, not logged).
 */
import { FilesError } from '../errors/files-error.js';
import { emit } from './hooks.js';
import { ProxyAuthenticationError } from '../errors/client-errors.js';
import { networkCode, proxyRefusal } from './network-cause.js';
import type { Redactor } from './redact.js';
import { isKyTimeoutError, type RetryReason } from './retry.js';
import type { HttpMethod } from './types.js';

/**
 * Where the client writes its log. Every method is optional; each gets one line of text.
 * `console` works, as does a pino or winston logger. What a method throws, or what its
 * promise rejects with, is ignored (like a hook).
 */
export interface Logger {
  /** Each attempt of a request, and its status (or failure) and time; secrets redacted. */
  debug?: (message: string) => unknown;
  /** Not written by the client today; accepted so that any logger fits. */
  info?: (message: string) => unknown;
  /** Each retry, with its wait and reason. */
  warn?: (message: string) => unknown;
  /** Not written by the client today; accepted so that any logger fits. */
  error?: (message: string) => unknown;
}

/** The levels of a {@link Logger}. */
export type LogLevel = keyof Logger;

/** The prefix of every line of the {@link stderrLogger}. */
export const STDERR_PREFIX = 'files-stream:';

/** The logger of `FILES_STREAM_DEBUG=1`: every level to stderr, each line prefixed `files-stream:`. */
export const stderrLogger: Logger = Object.freeze({
  debug: writeStderr,
  info: writeStderr,
  warn: writeStderr,
  error: writeStderr,
});

function writeStderr(message: string): void {
  const stderr = (globalThis as { process?: { stderr?: { write?: (text: string) => unknown } } }).process?.stderr;
  if (typeof stderr?.write === 'function') stderr.write(`${STDERR_PREFIX} ${message}\n`);
  else console.error(`${STDERR_PREFIX} ${message}`);
}

/** True when `FILES_STREAM_DEBUG` asks for the default log (`1`, `true`, `yes`, `on`). */
export function debugFromEnv(env: Record<string, string | undefined>): boolean {
  return /^(1|true|yes|on)$/i.test(env.FILES_STREAM_DEBUG?.trim() ?? '');
}

/** What one request of the core is, for its log lines. */
export interface LoggedRequest {
  operation: string | undefined;
  method: HttpMethod;
  /** The URL as hooks show it (secrets redacted, a presigned URL without its query). */
  url: string;
}

/** The log lines of the request core, redacted and sent to one logger; a no-op without one. */
export class RequestLog {
  constructor(
    private readonly logger: Logger | undefined,
    private readonly redact: Redactor,
  ) {}

  /** An attempt is sent (`attempt` 0 for the first). */
  request(r: LoggedRequest, attempt: number): void {
    this.#write('debug', () => `${what(r)}${attempt > 0 ? ` (retry ${attempt})` : ''}`);
  }

  /** An attempt got a response (success or not). */
  response(r: LoggedRequest, status: number, durationMs: number): void {
    this.#write('debug', () => `${what(r)} -> ${status} in ${Math.round(durationMs)} ms`);
  }

  /** An attempt failed without a response (network error, timeout). */
  failure(r: LoggedRequest, reason: string, durationMs: number): void {
    this.#write('debug', () => `${what(r)} -> ${reason} after ${Math.round(durationMs)} ms`);
  }

  /**
   * A retry is decided: `attempt` of `limit`, after `delayMs`, because of `reason`. A
   * rate-limit retry past the limit (`pastLimit`) reads `retry 7 (past the limit of 5, rate
   * limited)`.
   */
  retry(r: LoggedRequest, attempt: number, limit: number, delayMs: number, reason: string, pastLimit = false): void {
    const which = pastLimit ? `${attempt} (past the limit of ${limit}, rate limited)` : `${attempt}/${limit}`;
    this.#write('warn', () => `${what(r)}: retry ${which} in ${Math.round(delayMs)} ms after ${reason}`);
  }

  #write(level: LogLevel, line: () => string): void {
    const logger = this.logger;
    const method = logger?.[level];
    if (typeof method !== 'function') return;
    // emit: what the logger throws, or its promise rejects with, is ignored.
    emit((text: string) => method.call(logger, text), this.redact(line()));
  }
}

/** `users.list GET https://…/users?per_page=1000`, or `GET https://…` without an operation. */
function what(r: LoggedRequest): string {
  return `${r.operation ? `${r.operation} ` : ''}${r.method} ${r.url}`;
}

/**
 * What a failed attempt without a response was, for the log: `TimeoutError`,
 * `NetworkError (ECONNRESET)`, `aborted`, or the error's name. Never its message.
 */
export function describeFailure(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'aborted';
  if (isKyTimeoutError(error) || (error instanceof Error && error.name === 'TimeoutError')) return 'TimeoutError';
  const refused = proxyRefusal(error);
  if (refused === 407 || error instanceof ProxyAuthenticationError) return 'ProxyAuthenticationError (407)';
  if (refused !== undefined) return `NetworkError (proxy answered ${refused})`;
  const code = networkCode(error);
  if (code) return `NetworkError (${code})`;
  if (error instanceof FilesError) return error.name;
  return 'NetworkError';
}

/** Why a retry is made, for the log: the status, or the failure (with its code). */
export function describeRetryReason(reason: RetryReason, error: unknown): string {
  if (typeof reason === 'number') return String(reason);
  return reason === 'NetworkError' ? describeFailure(error) : reason;
}
