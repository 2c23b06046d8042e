import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/run-cli.js';

/** The result of running the CLI in this process. */
export interface InProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runInProcess}. */
export interface InProcessOptions {
  /** Present stderr as a terminal (so progress lines are drawn). Default false. */
  readonly tty?: boolean;
}

/**
 * Runs `runCli` (what the executable runs) in this process with captured streams: for the
 * many argument checks that fail before anything is sent, where spawning costs a second each.
 */
export async function runInProcess(argv: readonly string[], env: Record<string, string> = {}, options: InProcessOptions = {}): Promise<InProcessResult> {
  const stdout = new PassThrough();
  const stderr = options.tty ? Object.assign(new PassThrough(), { isTTY: true, columns: 200 }) : new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const code = await runCli(argv, { stdout, stderr, env, stderrIsTTY: Boolean(options.tty) });
  return { code, stdout: out, stderr: err };
}
