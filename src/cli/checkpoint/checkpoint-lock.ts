import { hostname } from 'node:os';
import { LOCK_LEASE_MS, takeLock, type HeldLock } from '../../lock/node/lock-file.js';
import { CheckpointError } from './checkpoint-error.js';

export { LOCK_LEASE_MS, LOCK_RENEW_MS, type LockHolder } from '../../lock/node/lock-file.js';

/**
 * A checkpoint's lock, held by this run until `release`. `assertHeld` (before each checkpoint
 * save) throws a `CheckpointError` when the lock was removed or taken by another run meanwhile.
 */
export type CheckpointLock = HeldLock;

/** The lock file of a checkpoint. */
export function lockPathOf(checkpoint: string): string {
  return `${checkpoint}.lock`;
}

/**
 * Takes the exclusive lock of a checkpoint, `<checkpoint>.lock` (see `lock/node/lock-file.ts`:
 * a lock whose holder is gone is taken over). It is held from before the checkpoint is read
 * until the run ends, and released in a `finally`.
 *
 * @param command What the run is, shown to a run that is refused (no secrets: not the argv).
 * @throws CheckpointError naming the holder (pid, host, command, start) when it is held.
 * @throws Error (the file system's) when the lock file cannot be created (a missing or
 *   read-only folder).
 */
export function lockCheckpoint(checkpoint: string, command: string): Promise<CheckpointLock> {
  const path = lockPathOf(checkpoint);
  return takeLock(path, {
    command,
    refused: (refusal) => {
      const { holder } = refusal;
      if (!holder) {
        return new CheckpointError(
          `checkpoint ${checkpoint} is locked, but its lock ${path} is not a files-stream lock (or is being written)`,
          `nothing was written: if no export of this checkpoint is running, delete ${path} and rerun`,
        );
      }
      return new CheckpointError(
        `checkpoint ${checkpoint} is in use by pid ${holder.pid}${refusal.here ? '' : ` on ${holder.hostname}`} (${holder.command ?? 'files-stream'}, started ${holder.startedAt})`,
        refusal.here
          ? `nothing was written: wait for it to end (or stop it), then rerun; if pid ${holder.pid} is not that run any more, delete ${path} and rerun`
          : `nothing was written: wait for it to end, then rerun; if that run is gone, its lock ${path} is taken over ${LOCK_LEASE_MS / 60_000} minutes after it last renewed it (or delete it and rerun)`,
      );
    },
    lost: ({ removed, by }) => {
      const what = removed ? 'removed' : by ? `taken by pid ${by.pid}${by.hostname === hostname() ? '' : ` on ${by.hostname}`}` : 'replaced';
      return new CheckpointError(
        `this run no longer holds checkpoint ${checkpoint}: its lock ${path} was ${what} while it ran; stopped before saving`,
        'another run may be writing the same output: let one run finish, or delete the checkpoint and its output to start over',
      );
    },
    contended: () =>
      new CheckpointError(`cannot lock checkpoint ${checkpoint}: its lock ${path} keeps changing (other runs are starting on it)`, 'nothing was written: run one export of a checkpoint at a time'),
  });
}
