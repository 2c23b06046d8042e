import type { Command } from 'commander';
import { createClient, type FilesClient } from '../index.js';
import type { CliIo } from './io.js';
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
  /** `--verbose`: each retry printed as it happens (and no progress line). */
  readonly verbose?: boolean;
}

/** The global options as seen from a (sub)command. */
export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** Per_page the CLI asks for unless told otherwise (Files.com recommends 1,000 or less). */
export const CLI_PER_PAGE = 1000;

/** A client for a command, from the global options (the environment fills what they omit). */
export function clientFor(options: GlobalOptions, retries?: RetryCounter): FilesClient {
  return createClient({
    apiKey: options.apiKey,
    baseUrl: options.baseUrl,
    perPage: CLI_PER_PAGE,
    ...(retries ? { hooks: { beforeRetry: retries.hook } } : {}),
  });
}

/** A command's client and the counter of its retries (printed as they happen with `--verbose`). */
export interface CommandClient {
  readonly client: FilesClient;
  readonly retries: RetryCounter;
}

/** The client of a command run from the CLI: retries are counted for its summary line. */
export function commandClient(options: GlobalOptions, messages: MessageWriter): CommandClient {
  const retries = retryCounter(options.verbose ? messages : undefined);
  return { client: clientFor(options, retries), retries };
}

/** True when a command should draw a progress line (a terminal, and neither `--quiet` nor `--verbose`). */
export function showProgress(io: CliIo, options: GlobalOptions): boolean {
  return io.stderrIsTTY && !options.quiet && !options.verbose;
}
