import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './shared.js';

/** The CLI executable under test. */
export const binPath = join(repoRoot, 'bin', 'files-stream.js');

/**
 * The script a child runs as the CLI: the CLI built from the sources for this test run (see
 * test/setup/built-cli.ts), which starts far faster, or else `bin/files-stream.js`, which
 * runs the sources through tsx (FILES_STREAM_FROM_SOURCE=1). The packed package's test runs
 * the real executable as npm installs it.
 */
export const cliPath = process.env.FILES_STREAM_TEST_CLI ?? binPath;

/** The folder of this test run's build (its package.json and dist/), when there is one. */
export const libraryBuild = process.env.FILES_STREAM_TEST_BUILD;

/**
 * The URL of a library entry (`index`, `sync/index`, ...) for a child script to import: the
 * build of this test run (beside the CLI, see test/setup/built-cli.ts), which a child loads
 * in a tenth of the time tsx takes to load the sources, or else the TypeScript source.
 */
export function libraryUrl(entry: string): string {
  return pathToFileURL(libraryBuild ? join(libraryBuild, 'dist', `${entry}.js`) : join(repoRoot, 'src', `${entry}.ts`)).href;
}

/**
 * The node options for a child that runs a TypeScript file importing `files-stream` (an
 * example, the README's quickstart): tsx for the file, and `files-stream` resolved to this
 * test run's build (as a user's script gets the package's dist/; see
 * library-build-register.mjs), or else to the sources.
 */
export function importLibraryArgs(): string[] {
  if (!libraryBuild) return ['--conditions=files-stream-source', '--import', 'tsx'];
  return ['--import', 'tsx', '--import', pathToFileURL(join(repoRoot, 'test', 'helpers', 'library-build-register.mjs')).href];
}

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

/** Options of the functions below. */
export interface ChildOptions {
  /** Added to a clean environment (the outer one without FILESCOM_*). */
  readonly env?: Record<string, string | undefined>;
  /** Default: the repository root. */
  readonly cwd?: string;
}

/** The environment of a child: the outer one without FILESCOM_*, the CLI from sources (not dist/), plus `extra`. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('FILESCOM_')) env[key] = value;
  return { ...env, FILES_STREAM_FROM_SOURCE: '1', ...extra };
}

/** Starts `node ...args` (stdin closed, stdout and stderr collected). */
export function startNode(args: readonly string[], options: ChildOptions = {}): RunningChild {
  const child = spawn(process.execPath, [...args], { cwd: options.cwd ?? repoRoot, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Starts a TypeScript file with tsx: `node --import tsx file ...args`. */
export function startTs(file: string, args: readonly string[] = [], options: ChildOptions = {}): RunningChild {
  return startNode(['--import', 'tsx', file, ...args], options);
}

/** Starts a script: TypeScript (`.ts`, `.mts`) with tsx, JavaScript with node alone. */
export function startScript(file: string, args: readonly string[] = [], options: ChildOptions = {}): RunningChild {
  return /\.m?ts$/.test(file) ? startTs(file, args, options) : startNode([file, ...args], options);
}

/** Starts the CLI: `node bin/files-stream.js ...args`. */
export function startBin(args: readonly string[], options: ChildOptions = {}): RunningChild {
  return startNode([cliPath, ...args], options);
}

/** Runs the CLI to the end. */
export function runBin(args: readonly string[], options: ChildOptions = {}): Promise<ChildResult> {
  return startBin(args, options).done;
}
