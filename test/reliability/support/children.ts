// What the suite's process-level tests (crash-resume, parallel-export) do with their children.
import { stat } from 'node:fs/promises';
import { expect, vi } from 'vitest';
import type { ChildResult, RunningChild } from '../../helpers/child-process.js';
import { randomInt, seededRandom } from './random.js';
import { scan } from './secrets.js';

/** A file's size, 0 when it does not exist (yet). */
export async function sizeOf(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0);
}

/** Waits until `ready()` or the child ends; false when it ended first. Checked every 3 ms, so a kill lands close to its point. */
export async function waitFor(child: RunningChild, ready: () => Promise<boolean> | boolean, limitMs = 60_000): Promise<boolean> {
  let ended = false;
  void child.done.then(() => (ended = true));
  return vi.waitFor(
    async () => {
      if (ended) return false;
      if (await ready()) return true;
      throw new Error(`child neither got there nor ended in ${limitMs} ms: ${child.stderr()}`);
    },
    { timeout: limitMs, interval: 3 },
  );
}

/** Adds a child's output to the suite's secret scan. */
export function collect(label: string, result: ChildResult): void {
  scan.add(`${label} stderr`, result.stderr);
  scan.add(`${label} stdout`, result.stdout);
}

/** How {@link killAndFinish} runs a command, kills it and looks at what it printed. */
export interface KillAndFinishOptions {
  /** The emulator whose served requests say when to kill. */
  readonly emulator: { readonly stats: { readonly total: number } };
  /** How many times to kill it (fewer when a run ends first). */
  readonly kills: number;
  /** The seed of the kill points. */
  readonly seed: number;
  /** A kill lands after 3 to this many more requests. */
  readonly maxRequests: number;
  /** Starts the command. */
  start(args: string[]): RunningChild;
  /** Looks at a finished child's output (e.g. {@link collect}). */
  collect(label: string, result: ChildResult): void;
  /** Runs between a kill and the next start (the k-th kill, from 0). */
  between?(k: number): Promise<void>;
}

/**
 * Runs `args` up to `kills` times, each SIGKILLed once the emulator has served a seeded random
 * number (3 to `maxRequests`) more requests; then once to the end, which must exit 0.
 */
export async function killAndFinish(args: string[], options: KillAndFinishOptions): Promise<{ kills: number; finalStderr: string }> {
  const random = seededRandom(options.seed);
  let kills = 0;
  for (let k = 0; k < options.kills; k++) {
    const target = options.emulator.stats.total + randomInt(random, 3, options.maxRequests);
    const child = options.start(args);
    const reached = await waitFor(child, () => options.emulator.stats.total >= target);
    if (reached) child.process.kill('SIGKILL');
    const result = await child.done;
    options.collect(`sync kill ${k + 1}`, result);
    if (!reached) break;
    expect(result.signal).toBe('SIGKILL');
    kills++;
    await options.between?.(k);
  }
  const final = await options.start(args).done;
  options.collect('sync final run', final);
  expect(final.code, final.stderr).toBe(0);
  return { kills, finalStderr: final.stderr };
}
