import { readFile } from 'node:fs/promises';
import { removeStaleTemps, writeFileAtomic } from './atomic-write.js';
import type { Checkpoint } from './checkpoint.js';

/**
 * Reads a checkpoint file; `undefined` when there is none. Removes the temporary files an
 * earlier run killed while saving it left behind.
 *
 * @throws Error when the file exists but is not a checkpoint.
 */
export async function loadCheckpoint(path: string): Promise<Checkpoint | undefined> {
  await removeStaleTemps(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let value: Partial<Checkpoint>;
  try {
    value = JSON.parse(text) as Partial<Checkpoint>;
  } catch {
    throw new Error(`${path} is not a checkpoint file (not JSON)`);
  }
  if (value.version !== 1 || typeof value.bytes !== 'number' || typeof value.records !== 'number' || !value.export) {
    throw new Error(`${path} is not a files-stream checkpoint`);
  }
  return value as Checkpoint;
}

/** Saves a checkpoint atomically (temp file, fsync, rename). */
export async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(checkpoint, null, 2)}\n`);
}
