import type { Writable } from 'node:stream';

/** The process facilities the CLI uses; tests may pass their own. */
export interface CliIo {
  /** Data (when no `--out`). */
  readonly stdout: Writable;
  /** Messages, errors and progress. */
  readonly stderr: Writable;
  /** Environment (`FILESCOM_API_KEY`, `FILESCOM_BASE_URL`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stderr is a terminal (progress is drawn only then). */
  readonly stderrIsTTY: boolean;
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}
