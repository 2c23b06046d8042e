/**
 * The lock of a Parquet destination's folder: `<dir>/.files-stream.lock` (an exclusive lock
 * file, see `lock/node/lock-file.ts`). One sync writes a folder at a time; another waits or is
 * refused, and never interleaves with it.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SyncError } from '../../../errors/client-errors.js';
import { LOCK_LEASE_MS, takeLock, type HeldLock } from '../../../lock/node/lock-file.js';

export type { LockHolder } from '../../../lock/node/lock-file.js';

/** The lock file's name in the folder. */
export const LOCK_FILE = '.files-stream.lock';

/**
 * A folder's lock, held until `release`. `assertHeld` (before each file is published) throws a
 * `SyncError` `in-use` when it was removed or taken by another sync meanwhile. Its holder's
 * token also marks the temporary files of its session.
 */
export type DirLock = HeldLock;

/**
 * Takes the lock of `dir` (which must exist). A lock whose holder is gone is taken over; a live
 * one: `SyncError` `in-use` naming its holder, or, with `wait`, polled until it is released
 * (the signal stops the wait).
 *
 * @param description The destination, for messages (`parquet:<dir>`).
 */
export function lockDirectory(dir: string, description: string, options: { wait?: boolean; signal?: AbortSignal } = {}): Promise<DirLock> {
  const path = join(dir, LOCK_FILE);
  return takeLock(path, {
    command: 'files-stream sync',
    ...(options.wait ? { wait: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    refused: (refusal) => {
      const { holder } = refusal;
      if (!holder) return new SyncError('in-use', `${description} is locked by ${path}, which is not a files-stream lock (or is being written): if no sync of it runs, delete it and rerun`);
      return new SyncError(
        'in-use',
        `${description} is in use by another sync (pid ${holder.pid}${refusal.here ? '' : ` on ${holder.hostname}`}, started ${holder.startedAt}): wait for it, or run again with --wait` +
          (refusal.here ? '' : `; if that run is gone, its lock ${path} is taken over ${LOCK_LEASE_MS / 60_000} minutes after it last renewed it`),
      );
    },
    lost: ({ removed, by }) =>
      new SyncError(
        'in-use',
        `this sync no longer holds ${description}: its lock ${path} was ${removed ? 'removed' : by ? `taken by pid ${by.pid}${by.hostname === hostname() ? '' : ` on ${by.hostname}`}` : 'replaced'} while it ran; stopped before writing more (what was committed stays, with its position)`,
      ),
    contended: () => new SyncError('in-use', `cannot lock ${description}: its lock ${path} keeps changing (other syncs are starting on it)`),
  });
}
