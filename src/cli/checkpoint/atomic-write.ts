import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isProcessAlive } from '../../lock/node/lock-file.js';

/**
 * Replaces `path` with `text` atomically: writes a temporary file beside it, fsyncs it and
 * renames it over `path` (then fsyncs the directory where the platform allows). A crash at
 * any point leaves either the old content or the new one, never a mix.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
  await syncDirectory(dirname(path));
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot open or fsync a directory; the rename is still atomic.
  }
}

/**
 * Removes the temporary files (`<path>.<pid>.tmp`) that a process killed mid-write left beside
 * `path`: those of this process and of pids that are dead on this host. Those of a live process
 * are left alone: it may be writing one right now. Call it only while holding the checkpoint's
 * lock (see `openCheckpoint`), so that no other run of the checkpoint is saving meanwhile.
 */
export async function removeStaleTemps(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = /^(\d+)\.tmp$/.exec(name.startsWith(prefix) ? name.slice(prefix.length) : '')?.[1];
    if (pid === undefined) continue;
    if (Number(pid) === process.pid || !isProcessAlive(Number(pid))) await unlink(join(dir, name)).catch(() => {});
  }
}
