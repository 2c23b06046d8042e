import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './report.js';

/** The CLI under test. */
export const binPath = join(repoRoot, 'bin', 'files-stream.js');

/** How a child ended and what it printed. */
export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running child whose output is collected as it comes. */
export interface RunningChild {
  readonly process: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  readonly done: Promise<ChildResult>;
}

/** The environment of a child: the outer one without FILESCOM_*, plus `extra`; sources, not dist/. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('FILESCOM_')) env[key] = value;
  return { ...env, FILES_STREAM_FROM_SOURCE: '1', ...extra };
}

/** Starts `node ...args` in the repository root, stdout and stderr collected. */
export function startChild(args: readonly string[], env: Record<string, string> = {}): RunningChild {
  const child = spawn(process.execPath, [...args], { cwd: repoRoot, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { process: child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Starts the CLI: `node bin/files-stream.js ...args`. */
export function startCli(args: readonly string[], env: Record<string, string> = {}): RunningChild {
  return startChild([binPath, ...args], env);
}

/** Starts a TypeScript file with tsx. */
export function startTs(file: string, args: readonly string[], env: Record<string, string> = {}): RunningChild {
  return startChild(['--import', 'tsx', file, ...args], env);
}
