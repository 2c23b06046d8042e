import type { Command } from 'commander';
import type { FilesClient, Logger } from '../index.js';
import type { CliIo } from './io.js';
import { cliLogger, debugFromEnv, SILENT_LOGGER } from './log.js';
import type { MessageWriter } from './output/messages.js';
import { retryCounter, type RetryCounter } from './retries.js';

/** Options every command accepts. */
export interface GlobalOptions {
  /** `--api-key`, else `FILESCOM_API_KEY`. */
  readonly apiKey?: string;
  /** `--base-url`, else `FILESCOM_BASE_URL`, else `https://app.files.com`. */
  readonly baseUrl?: string;
  /** `--quiet`: no progress, no summary, no warnings. */
  readonly quiet?: boolean;
  /**
   * `--verbose`, or `FILES_STREAM_DEBUG=1` in the environment: the client's log (each
   * request, response and retry) on stderr, and no progress line.
   */
  readonly verbose?: boolean;
}

/**
 * The global options as seen from a (sub)command. `FILES_STREAM_DEBUG=1` (also `true`, `yes`,
 * `on`) in `env` turns `verbose` on, even with `--quiet` (which then still silences the
 * progress line, the summary and warnings): a script run with `--quiet` can be debugged
 * without editing it.
 */
export function globalOptions(command: Command, env: Readonly<Record<string, string | undefined>> = {}): GlobalOptions {
  const options = command.optsWithGlobals<GlobalOptions>();
  return debugFromEnv(env) ? { ...options, verbose: true } : options;
}

/** Per_page the CLI asks for unless told otherwise (Files.com recommends 1,000 or less). */
export const CLI_PER_PAGE = 1000;

/**
 * A client for a command, from the global options (the environment fills what they omit).
 * `logger` defaults to one that logs nothing (see `SILENT_LOGGER`).
 */
export async function clientFor(options: GlobalOptions, retries?: RetryCounter, logger: Logger = SILENT_LOGGER): Promise<FilesClient> {
  // The library loads when a command runs, not for --help.
  const { createClient } = await import('../index.js');
  return createClient({
    apiKey: options.apiKey,
    baseUrl: options.baseUrl,
    perPage: CLI_PER_PAGE,
    logger,
    ...(retries ? { hooks: { beforeRetry: retries.hook } } : {}),
  });
}

/** A command's client and the counter of its retries (for its summary line). */
export interface CommandClient {
  readonly client: FilesClient;
  readonly retries: RetryCounter;
}

/**
 * The client of a command run from the CLI: retries are counted for its summary line; with
 * `verbose`, the client's log is printed through `messages` (redacted, escaped); else, unless
 * `quiet`, a request retried for a second or more is told on stderr (see `retryNotice`).
 */
export async function commandClient(options: GlobalOptions, messages: MessageWriter): Promise<CommandClient> {
  const retries = retryCounter(options.quiet || options.verbose ? undefined : (line) => messages.line(line));
  return { client: await clientFor(options, retries, options.verbose ? cliLogger(messages) : SILENT_LOGGER), retries };
}

/** What a command prints, for {@link showProgress}. */
export interface ProgressContext {
  /** The command writes records on stdout (`ls`, `export` without `--out`). */
  readonly dataOnStdout: boolean;
}

/**
 * True when a command should draw a progress line on stderr: stderr is a terminal, neither
 * `--quiet` nor `--verbose` is on, and the command's records do not go to that same terminal
 * (records on the terminal: no progress line drawn over them).
 */
export function showProgress(io: CliIo, options: GlobalOptions, context: ProgressContext): boolean {
  if (!io.stderrIsTTY || options.quiet || options.verbose) return false;
  return !(context.dataOnStdout && io.stdoutIsStderrTerminal);
}
