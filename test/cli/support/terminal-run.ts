// Runs the CLI for the terminal tests: in this process with captured streams (presented as
// terminals as asked), or as the real executable inside a pseudo-terminal made by util-linux
// `script`.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../../src/cli/run-cli.js';
import { createEmulator, type Emulator, type EmulatorOptions, type EmulatorServer } from '../../../src/testing/index.js';
import { cliPath } from '../../helpers/child-process.js';
import { repoRoot } from '../../helpers/shared.js';


/** What a run printed and how it ended. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How the in-process run presents its streams. */
export interface TerminalOptions {
  /** stderr is a terminal. */
  readonly stderrTTY?: boolean;
  /** stdout writes to that same terminal. */
  readonly sameTerminal?: boolean;
}

/** Runs `runCli` in this process; stdout and stderr are captured separately. */
export async function runHere(argv: readonly string[], env: Record<string, string> = {}, terminal: TerminalOptions = {}): Promise<Run> {
  const stdout = terminal.sameTerminal ? Object.assign(new PassThrough(), { isTTY: true, columns: 200 }) : new PassThrough();
  const stderr = terminal.stderrTTY ? Object.assign(new PassThrough(), { isTTY: true, columns: 200 }) : new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const code = await runCli(argv, {
    stdout,
    stderr,
    env,
    stderrIsTTY: Boolean(terminal.stderrTTY),
    stdoutIsStderrTerminal: Boolean(terminal.sameTerminal),
  });
  return { code, stdout: out, stderr: err };
}

/** True when util-linux `script` (a pseudo-terminal for a command) is installed. */
export const hasScript: boolean = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Quotes a word for `sh -c`. */
export function sh(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * Runs `node bin/files-stream.js <args> <redirect>` inside a pseudo-terminal (`script -q -c`):
 * stdout and stderr both go to the terminal unless `redirect` sends one elsewhere (`> file`).
 * Resolves to what the terminal showed (stdout and stderr mixed, `\r\n` line ends).
 */
export function runInTerminal(args: readonly string[], env: Record<string, string>, redirect = ''): Promise<Run> {
  const command = `${[process.execPath, cliPath, ...args].map(sh).join(' ')} ${redirect}`;
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('FILESCOM_') && k !== 'FILES_STREAM_DEBUG') childEnv[k] = v;
  Object.assign(childEnv, { FILES_STREAM_FROM_SOURCE: '1', SHELL: '/bin/sh', ...env });
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** An emulator served over HTTP on 127.0.0.1, with the options and environment to reach it. */
export interface Site {
  readonly emulator: Emulator;
  readonly server: EmulatorServer;
  /** `--api-key K --base-url U`, for in-process runs (commander reads the real process environment). */
  readonly args: readonly string[];
  /** `FILESCOM_API_KEY` / `FILESCOM_BASE_URL`, for children. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

export async function startSite(options: EmulatorOptions = {}): Promise<Site> {
  const emulator = createEmulator({ seed: 11, ...options });
  const server = await emulator.listen({ port: 0 });
  return {
    emulator,
    server,
    args: ['--api-key', emulator.apiKey, '--base-url', server.baseUrl],
    env: { FILESCOM_API_KEY: emulator.apiKey, FILESCOM_BASE_URL: server.baseUrl },
    close: () => server.close(),
  };
}

/** A fresh temporary folder (`mkdtemp`) and its removal. */
export async function tempFolder(prefix = 'files-stream-cli-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A progress line drawn by cli-progress: it moves the cursor to column 1 (`ESC [ 1 G`). */
export const PROGRESS_DRAWN = /\u001b\[1G/;
