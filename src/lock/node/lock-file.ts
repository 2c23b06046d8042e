// Node-only: exclusive lock files, one run at a time (a checkpoint's export, a sync destination).
/**
 * An exclusive lock file: created with O_EXCL and fsynced, holding the holder's pid, host, boot
 * id (Linux), start time, what it runs (never its arguments, which may hold a key) and a token
 * unique to this taking of the lock. A lock whose holder is gone is taken over atomically:
 * its pid is dead on this host, it dates from an earlier boot, it holds no lock and is older
 * than 10 s, or it is another host's lock not renewed for {@link LOCK_LEASE_MS} (a holder
 * renews it, the file's modification time, every {@link LOCK_RENEW_MS}: the pid of another
 * host cannot be checked from here). The stale file is removed, under a guard file only one
 * run can create, only if it still is the lock judged stale, so of runs taking it over at once
 * exactly one gets it.
 *
 * The locks of this process are known by token: a lock of this pid whose token is not one of
 * them was left by an earlier process with the same pid (a container's small pids). A process
 * that ends without releasing its locks (`process.exit`) removes them on `exit`; one that is
 * killed leaves them, for the next run to take over.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** What a lock file holds. */
export interface LockHolder {
  readonly pid: number;
  /** A pid is only checked on its own host. */
  readonly hostname: string;
  /** The host's boot id (Linux): a lock of an earlier boot is stale. */
  readonly bootId?: string;
  /** ISO 8601. */
  readonly startedAt: string;
  /** What the holder runs (`files-stream export actionLogs.list`), shown to a run that is refused. */
  readonly command?: string;
  /** Unique to this taking of the lock. */
  readonly token: string;
}

/** Why the lock could not be taken: a live `holder` (`here`: on this host), or a file that holds no lock. */
export type LockRefusal = { readonly holder: LockHolder; readonly here: boolean } | { readonly holder: undefined };

/** Why a held lock is no longer held: the file was `removed`, or holds another lock (`by`, when readable). */
export interface LockLoss {
  readonly removed: boolean;
  readonly by?: LockHolder;
}

/** A lock held until `release`. */
export interface HeldLock {
  /** The lock file. */
  readonly path: string;
  readonly holder: LockHolder;
  /** Checks that the lock file still holds this lock; throws `lost(...)`'s error when it does not. */
  assertHeld(): Promise<void>;
  /** Removes the lock file when it still holds this lock; leaves anyone else's. Idempotent. */
  release(): Promise<void>;
}

/** How {@link takeLock} takes a lock, and the errors it throws. */
export interface TakeLockOptions {
  /** What the holder runs (no secrets). */
  readonly command?: string;
  /** A live lock: wait for it (polled), rather than refuse. */
  readonly wait?: boolean;
  /** Stops a wait. */
  readonly signal?: AbortSignal;
  /** The error when the lock is held (and not waited for). */
  readonly refused: (refusal: LockRefusal) => Error;
  /** The error of `assertHeld` when the lock was lost. */
  readonly lost: (loss: LockLoss) => Error;
  /** The error when, without waiting, other runs keep changing the lock (taking it over, releasing it) round after round. */
  readonly contended: () => Error;
}

/** How often a holder renews its lock (the file's modification time). */
export const LOCK_RENEW_MS = 15_000;
/** A lock of another host not renewed for this long is stale. */
export const LOCK_LEASE_MS = 120_000;
/** A lock file that holds no lock (being written, or garbage) is stale after this long. */
const UNREADABLE_STALE_MS = 10_000;
/** How often a waiting run looks again. */
const WAIT_POLL_MS = 200;
/** Rounds of create / read / take over before giving up, without waiting (each round another run changed the lock). */
const ROUNDS = 8;

/** How long a run that finds another taking a stale lock over waits before it looks again. */
const TAKEOVER_POLL_MS = 5;

/** Locks of this process (held or being created), by token. */
const heldHere = new Map<string, { readonly path: string; readonly text: string }>();
let exitHookAdded = false;

/**
 * Takes the lock file `path` (its folder must exist); see the module comment.
 *
 * @throws `options.refused(...)`'s error when a live run holds it (unless `wait`);
 *   the signal's reason when a wait is stopped; the file system's error when the lock file
 *   cannot be created (a missing or read-only folder).
 */
export async function takeLock(path: string, options: TakeLockOptions): Promise<HeldLock> {
  const boot = bootId();
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    ...(boot ? { bootId: boot } : {}),
    startedAt: new Date().toISOString(),
    ...(options.command ? { command: options.command } : {}),
    token: randomUUID(),
  };
  const text = `${JSON.stringify(holder)}\n`;
  // Known before the file exists: another run of this process must see it as live at once.
  heldHere.set(holder.token, { path, text });
  addExitHook();
  try {
    for (let round = 0; ; round++) {
      options.signal?.throwIfAborted();
      if (!options.wait && round >= ROUNDS) throw options.contended();
      if (await create(path, text)) return heldLock(path, holder, text, options.lost);
      const found = await readLock(path);
      if (!found) continue; // released meanwhile
      if (isStale(found)) {
        // Waiting for another run's take-over is not a round lost to contention.
        if (!(await takeOver(path, found.text))) round--;
        continue;
      }
      if (!options.wait) throw options.refused(refusalOf(found));
      await sleep(WAIT_POLL_MS);
    }
  } catch (error) {
    heldHere.delete(holder.token);
    throw error;
  }
}

function refusalOf(found: FoundLock): LockRefusal {
  return found.holder ? { holder: found.holder, here: found.holder.hostname === hostname() } : { holder: undefined };
}

function heldLock(path: string, holder: LockHolder, text: string, lost: TakeLockOptions['lost']): HeldLock {
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
      const by = now === undefined ? undefined : parseHolder(now);
      throw lost({ removed: now === undefined, ...(by ? { by } : {}) });
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

/** Creates the lock file with its content (synced); false when one exists. */
async function create(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw error;
  }
  await handle.close();
  return true;
}

/** A lock file as found: its text, its holder when it holds one, and its modification time. */
interface FoundLock {
  readonly text: string;
  readonly holder: LockHolder | undefined;
  readonly mtimeMs: number;
}

/** The lock file as found; `undefined` when there is none. Text that holds no lock is read again (it may be being written). */
async function readLock(path: string): Promise<FoundLock | undefined> {
  for (let attempt = 0; ; attempt++) {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
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
  const short = (x: unknown) => typeof x === 'string' && x.length > 0 && x.length <= 200;
  if (!Number.isSafeInteger(v.pid) || (v.pid as number) < 1) return undefined;
  if (!short(v.hostname) || !short(v.startedAt) || !short(v.token)) return undefined;
  if ((v.bootId !== undefined && !short(v.bootId)) || (v.command !== undefined && !short(v.command))) return undefined;
  return v as unknown as LockHolder;
}

/** True when a process with this pid exists on this host (one of another user counts). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid < 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
 * Removes the stale lock whose text is `staleText`, if it is still there. One run at a time
 * does this, the one that creates the guard file `<path>.takeover` (O_EXCL); while it checks
 * and removes the lock, no other run can move or remove the lock file, and a run that finds
 * the guard just tries again. So a live lock is never moved, not even for a moment, and of
 * runs taking a stale lock over at once exactly one creates the new one. (Renaming the stale
 * file aside and putting back what was not it left a window in which a third run could create
 * a lock while the put-back one also held: two holders.) A guard left by a run killed inside
 * this function is removed once it is older than {@link UNREADABLE_STALE_MS}.
 *
 * @returns false when another run holds the guard (nothing was done).
 */
async function takeOver(path: string, staleText: string): Promise<boolean> {
  const guard = `${path}.takeover`;
  let handle;
  try {
    handle = await open(guard, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const info = await stat(guard).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > UNREADABLE_STALE_MS) await unlink(guard).catch(() => {});
    else await sleep(TAKEOVER_POLL_MS);
    return false;
  }
  await handle.close();
  try {
    if ((await readFile(path, 'utf8').catch(() => undefined)) === staleText) await unlink(path).catch(() => {});
  } finally {
    await unlink(guard).catch(() => {});
  }
  return true;
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

/** Removes, when the process exits, the locks it still holds (`process.exit` skips the `finally` that releases them). */
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
