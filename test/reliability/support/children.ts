// What the suite's process-level tests (crash-resume, parallel-export) do with their children.
import { stat } from 'node:fs/promises';
import { vi } from 'vitest';
import type { ChildResult, RunningChild } from '../../helpers/child-process.js';
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
