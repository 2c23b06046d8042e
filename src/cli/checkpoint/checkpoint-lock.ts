import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, rename, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CheckpointError } from './checkpoint-error.js';
import { isProcessAlive } from './process-alive.js';

/** What a lock file holds: the run that holds the checkpoint. */
export interface LockHolder {
  /** Its process id. */
  readonly pid: number;
  /** The host it runs on: a pid is only checked on its own host. */
  readonly hostname: string;
  /** The host's boot id (Linux): a lock saved before the host's last boot is stale. */
  readonly bootId?: string;
  /** When it took the lock, ISO 8601. */
  readonly startedAt: string;
  /** What it runs (`files-stream export actionLogs.list`): never its arguments, which may hold a key. */
  readonly command: string;
  /** Unique to this taking of the lock: tells it from a later one of the same pid. */
  readonly token: string;
}

/** A checkpoint's lock, held by this run until `release`. */
export interface CheckpointLock {
  /** The lock file, `<checkpoint>.lock`. */
  readonly path: string;
  readonly holder: LockHolder;
  /**
   * Checks that the lock file still holds this lock (before each checkpoint save).
   *
   * @throws CheckpointError when it was removed or taken by another run meanwhile.
   */
  assertHeld(): Promise<void>;
  /** Removes the lock file when it still holds this lock; leaves anyone else's. Idempotent. */
  release(): Promise<void>;
}

/** The lock file of a checkpoint. */
export function lockPathOf(checkpoint: string): string {
  return `${checkpoint}.lock`;
}

/** A lock file that holds no lock is stale when older than this (a run writes its lock the moment it creates it). */
const UNREADABLE_STALE_MS = 10_000;
/** How often a holder renews its lock (the file's modification time). */
export const LOCK_RENEW_MS = 15_000;
/**
 * A lock of another host not renewed for this long is stale: its pid cannot be checked from
 * here, but its holder would have renewed it (a pod replaced on another node, over a shared volume).
 */
export const LOCK_LEASE_MS = 120_000;
/** Rounds of create / read / take over before giving up (each round another run changed the lock). */
const ROUNDS = 8;

/**
 * The locks this process holds (or is creating), by token. A lock of this pid whose token is
 * not here was left by an earlier process that had the same pid (a container's small pids).
 * The `exit` hook removes them when the process ends without releasing them.
 */
const heldHere = new Map<string, { readonly path: string; readonly text: string }>();
let exitHookAdded = false;

/**
 * Takes the exclusive lock of a checkpoint: creates `<checkpoint>.lock` (O_EXCL) holding this
 * process's pid, host, boot id, start time and `command`. A lock whose holder is gone (its pid
 * is dead on this host, it was saved before this host's last boot, or it holds no lock and is
 * older than 10 s) is taken over atomically: it is renamed aside and removed only if it still
 * is the lock judged stale, so of runs taking it over at once exactly one gets it. The pid of a
 * lock of another host cannot be checked from here: its holder renews it (the file's
 * modification time) every {@link LOCK_RENEW_MS}, and it is stale once not renewed for
 * {@link LOCK_LEASE_MS}.
 *
 * The lock is meant to be held from before the checkpoint is read until the run ends, and
 * released in a `finally`; a process that ends without releasing it (`process.exit`) removes
 * it on `exit`; one that is killed leaves it, to be taken over by the next run.
 *
 * @param command What the run is, shown to a run that is refused (no secrets: not the argv).
 * @throws CheckpointError naming the holder (pid, host, command, start) when it is held.
 * @throws Error (the file system's) when the lock file cannot be created (a missing or
 *   read-only folder).
 */
export async function lockCheckpoint(checkpoint: string, command: string): Promise<CheckpointLock> {
  const path = lockPathOf(checkpoint);
  const boot = bootId();
  const holder: LockHolder = { pid: process.pid, hostname: hostname(), ...(boot ? { bootId: boot } : {}), startedAt: new Date().toISOString(), command, token: randomUUID() };
  const text = `${JSON.stringify(holder)}\n`;
  // Known before the file exists: another export of this process must see it as live at once.
  heldHere.set(holder.token, { path, text });
  addExitHook();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      if (await create(path, text)) return heldLock(checkpoint, path, holder, text);
      const found = await readLock(path);
      if (!found) continue; // released meanwhile
      if (!isStale(found)) throw inUse(checkpoint, path, found);
      await takeOver(path, found.text);
    }
  } catch (err) {
    heldHere.delete(holder.token);
    throw err;
  }
  heldHere.delete(holder.token);
  throw new CheckpointError(`cannot lock checkpoint ${checkpoint}: its lock ${path} keeps changing (other runs are starting on it)`, 'nothing was written: run one export of a checkpoint at a time');
}

function heldLock(checkpoint: string, path: string, holder: LockHolder, text: string): CheckpointLock {
  let released = false;
  const renew = setInterval(() => {
    const now = new Date();
    void utimes(path, now, now).catch(() => {});
  }, LOCK_RENEW_MS);
  renew.unref();
  return {
    path,
    holder,
    async assertHeld() {
      const now = await readFile(path, 'utf8').catch(() => undefined);
      if (now === text) return;
      const other = now === undefined ? undefined : parseHolder(now);
      const what = now === undefined ? 'removed' : other ? `taken by pid ${other.pid}${other.hostname === hostname() ? '' : ` on ${other.hostname}`}` : 'replaced';
      throw new CheckpointError(
        `this run no longer holds checkpoint ${checkpoint}: its lock ${path} was ${what} while it ran; stopped before saving`,
        'another run may be writing the same output: let one run finish, or delete the checkpoint and its output to start over',
      );
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(renew);
      try {
        if ((await readFile(path, 'utf8').catch(() => undefined)) === text) await unlink(path).catch(() => {});
      } finally {
        heldHere.delete(holder.token);
      }
    },
  };
}

/** Creates the lock file with its content; false when one exists. */
async function create(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw err;
  }
  await handle.close();
  return true;
}

/** A lock file as found: its text, its holder when it holds one, and its age. */
interface FoundLock {
  readonly text: string;
  readonly holder: LockHolder | undefined;
  readonly mtimeMs: number;
}

/** Reads the lock file; `undefined` when there is none. Text that holds no lock is read again a few times (it may be being written). */
async function readLock(path: string): Promise<FoundLock | undefined> {
  for (let attempt = 0; ; attempt++) {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let found: FoundLock;
    try {
      const text = await handle.readFile('utf8');
      found = { text, holder: parseHolder(text), mtimeMs: (await handle.stat()).mtimeMs };
    } finally {
      await handle.close();
    }
    if (found.holder || attempt >= 3) return found;
    await sleep(20);
  }
}

/** The holder a lock file's text names, or `undefined` when it is not a lock. */
function parseHolder(text: string): LockHolder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const text200 = (x: unknown) => typeof x === 'string' && x.length > 0 && x.length <= 200;
  if (!Number.isSafeInteger(v.pid) || (v.pid as number) < 1) return undefined;
  if (!text200(v.hostname) || !text200(v.startedAt) || !text200(v.command) || !text200(v.token)) return undefined;
  if (v.bootId !== undefined && !text200(v.bootId)) return undefined;
  return v as unknown as LockHolder;
}

/** True when the lock's holder is surely gone. */
function isStale(found: FoundLock): boolean {
  const { holder } = found;
  if (!holder) return Date.now() - found.mtimeMs > UNREADABLE_STALE_MS;
  if (holder.hostname !== hostname()) return Date.now() - found.mtimeMs > LOCK_LEASE_MS;
  const boot = bootId();
  if (boot && holder.bootId && holder.bootId !== boot) return true;
  if (holder.pid === process.pid) return !heldHere.has(holder.token);
  return !isProcessAlive(holder.pid);
}

/**
 * Removes the stale lock whose text is `staleText`, if it is still there: renames whatever is
 * at `path` aside (atomic: of runs doing this at once, one gets it), and removes it when it is
 * that stale lock. When it is not (another run took the lock over since it was read), it is
 * put back.
 */
async function takeOver(path: string, staleText: string): Promise<void> {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== staleText) {
    // A live lock: back where it was, unless yet another run has created one meanwhile (that
    // run and the displaced one then see it at their next save: see `assertHeld`).
    await link(aside, path).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') await rename(aside, path).catch(() => {});
    });
  }
  await unlink(aside).catch(() => {});
}

function inUse(checkpoint: string, path: string, found: FoundLock): CheckpointError {
  const { holder } = found;
  if (!holder) {
    return new CheckpointError(
      `checkpoint ${checkpoint} is locked, but its lock ${path} is not a files-stream lock (or is being written)`,
      `nothing was written: if no export of this checkpoint is running, delete ${path} and rerun`,
    );
  }
  const here = holder.hostname === hostname();
  return new CheckpointError(
    `checkpoint ${checkpoint} is in use by pid ${holder.pid}${here ? '' : ` on ${holder.hostname}`} (${holder.command}, started ${holder.startedAt})`,
    here
      ? `nothing was written: wait for it to end (or stop it), then rerun; if pid ${holder.pid} is not that run any more, delete ${path} and rerun`
      : `nothing was written: wait for it to end, then rerun; if that run is gone, its lock ${path} is taken over ${LOCK_LEASE_MS / 60_000} minutes after it last renewed it (or delete it and rerun)`,
  );
}

let cachedBootId: string | null | undefined;

/** This host's boot id (Linux), or `undefined`. */
function bootId(): string | undefined {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      cachedBootId = null;
    }
  }
  return cachedBootId ?? undefined;
}

/** Removes, when the process exits, the locks it still holds (a `process.exit` skips the `finally` that releases them). */
function addExitHook(): void {
  if (exitHookAdded) return;
  exitHookAdded = true;
  process.on('exit', () => {
    for (const { path, text } of heldHere.values()) {
      try {
        if (readFileSync(path, 'utf8') === text) unlinkSync(path);
      } catch {
        // Gone already, or not ours to remove.
      }
    }
  });
}
