import type { Writable } from 'node:stream';
import { sameTerminal } from './progress/terminal.js';

/** The process facilities the CLI uses; tests may pass their own. */
export interface CliIo {
  /** Data (when no `--out`). */
  readonly stdout: Writable;
  /** Messages, errors and progress. */
  readonly stderr: Writable;
  /** Environment (`FILESCOM_API_KEY`, `FILESCOM_BASE_URL`, `FILES_STREAM_DEBUG`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stderr is a terminal (progress is drawn only then). */
  readonly stderrIsTTY: boolean;
  /**
   * Whether stdout writes to the same terminal as stderr: then a command that prints records
   * on stdout (`ls`, `export` without `--out`) draws no progress line over them. Default false.
   */
  readonly stdoutIsStderrTerminal?: boolean;
}

/**
 * The real process's streams and environment. A reader of stdout that goes away
 * (`files-stream --help | head -1`) is no failure: the writes after it are dropped (the
 * commands that stream records stop on the first one, see run-cli), rather than crashing on an
 * unhandled `EPIPE`.
 */
export function processIo(): CliIo {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdoutIsStderrTerminal: sameTerminal(process.stdout, process.stderr),
  };
}
