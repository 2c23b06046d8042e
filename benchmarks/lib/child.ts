import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The benchmarks folder. */
export const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Node flags for a child script. Contenders import `files-stream` as a user's code would: the
 * built package (`dist/`, what npm installs); the emulator server may run from the sources.
 */
export function nodeArgs(script: string, extra: string[] = [], fromSource = false): string[] {
  return [...extra, ...(fromSource ? ['--conditions=files-stream-source'] : []), '--import', 'tsx', join(benchDir, script)];
}

/** What a child run gave: its last JSON line, or how it failed (crash, OOM, timeout). */
export type ChildOutcome<T> = { ok: true; result: T } | { ok: false; failure: string };

/** Runs a benchmark script in its own process (so its peak RSS is its own) and parses its last JSON line. */
export function runChild<T>(
  script: string,
  env: Record<string, string>,
  options: { timeoutMs?: number; nodeFlags?: string[] } = {},
): Promise<ChildOutcome<T>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgs(script, options.nodeFlags), {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let oom = false;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err = (err + d).slice(-4000);
      oom ||= /heap out of memory|Allocation failed|Reached heap limit/i.test(String(d));
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (code === 0 && line) return resolve({ ok: true, result: JSON.parse(line) as T });
      oom ||= /heap out of memory|Allocation failed|Reached heap limit/i.test(err);
      const why = oom ? `out of memory (${signal ?? `exit ${code}`})` : signal === 'SIGKILL' ? 'timed out' : `exit ${code ?? signal}`;
      resolve({ ok: false, failure: `${why}${oom ? '' : `: ${err.trim().split('\n').slice(-2).join(' ')}`}` });
    });
  });
}

/** A running emulator server in a child process. */
export interface EmulatorChild {
  baseUrl: string;
  apiKey: string;
  stop(): Promise<void>;
}

/** Starts the emulator's HTTP front end in a child process with the given options. */
export function startEmulator(options: Record<string, unknown>): Promise<EmulatorChild> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, nodeArgs('servers/emulator-server.ts', [], true), {
      env: { ...process.env, BENCH_EMULATOR_OPTIONS: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      const { baseUrl, apiKey } = JSON.parse(line) as { baseUrl: string; apiKey: string };
      resolve({
        baseUrl,
        apiKey,
        stop: () =>
          new Promise<void>((done) => {
            child.once('close', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('error', reject);
    child.once('close', (code) => reject(new Error(`emulator child exited (${code}) before listening`)));
  });
}
