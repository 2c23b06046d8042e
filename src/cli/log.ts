import type { Logger } from '../index.js';
import type { MessageWriter } from './output/messages.js';

/**
 * The client's `logger` for `--verbose` / `FILES_STREAM_DEBUG=1`: each line the client logs
 * (a request sent, its response or failure, a retry with its wait and reason) is printed on
 * stderr as `<level>: <line>` through the CLI's message writer, so it is redacted (the API
 * key and session id in every form) and terminal-safe (control characters escaped) like
 * everything else the CLI prints:
 *
 * ```
 * debug: users.list GET https://app.files.com/api/rest/v1/users?per_page=1000
 * debug: users.list GET https://app.files.com/api/rest/v1/users?per_page=1000 -> 503 in 41 ms
 * warn: users.list GET https://app.files.com/api/rest/v1/users?per_page=1000: retry 1/5 in 600 ms after 503
 * ```
 */
export function cliLogger(messages: Pick<MessageWriter, 'line'>): Logger {
  const at = (level: string) => (message: string) => messages.line(`${level}: ${message}`);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * A logger that logs nothing. The CLI gives it to its clients when not verbose, so the
 * library's own `FILES_STREAM_DEBUG` logger (which writes to stderr directly) never runs
 * beside the CLI's writer: every log line the CLI shows goes through {@link cliLogger}.
 */
export const SILENT_LOGGER: Logger = Object.freeze({});

/** True when `FILES_STREAM_DEBUG` asks for the log (`1`, `true`, `yes`, `on`, any case), as the library reads it. */
export function debugFromEnv(env: Readonly<Record<string, string | undefined>>): boolean {
  return /^(1|true|yes|on)$/i.test(env.FILES_STREAM_DEBUG?.trim() ?? '');
}
