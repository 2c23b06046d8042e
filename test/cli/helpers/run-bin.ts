import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The executable under test. */
export const binPath = join(repoRoot, 'bin', 'files-stream.js');

/** What a finished run of the executable printed and how it ended. */
export interface BinResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link spawnBin} and {@link runBin}. */
export interface BinOptions {
  /** Environment added to a clean one (no FILESCOM_* from the outer environment). */
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
}

/** The environment of a child: the outer one without FILESCOM_*, from sources, plus `extra`. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('FILESCOM_')) env[key] = value;
  return { ...env, FILES_STREAM_FROM_SOURCE: '1', ...extra };
}

/** Starts `node bin/files-stream.js ...args` (stdin closed, stdout and stderr piped). */
export function spawnBin(args: readonly string[], options: BinOptions = {}): ChildProcess {
  return spawn(process.execPath, [binPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcess): Promise<BinResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `node bin/files-stream.js ...args` to the end. */
export function runBin(args: readonly string[], options: BinOptions = {}): Promise<BinResult> {
  return finished(spawnBin(args, options));
}
