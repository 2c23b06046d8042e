import { spawn } from 'node:child_process';
import { readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CheckpointError } from '../../src/cli/checkpoint/checkpoint-error.js';
import { LOCK_LEASE_MS, LOCK_RENEW_MS, lockCheckpoint, lockPathOf, type LockHolder } from '../../src/cli/checkpoint/checkpoint-lock.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

/** A pid no process has: beyond any pid_max. */
const NO_SUCH_PID = 2_147_483_000;

/** A live process that is not an export, for the test's duration (killed by `stop`). */
function liveProcess(): { pid: number; stop(): Promise<void> } {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGKILL');
      await ended;
    },
  };
}

function holderOf(more: Partial<LockHolder>): LockHolder {
  return { pid: NO_SUCH_PID, hostname: hostname(), startedAt: '2024-05-01T10:00:00.000Z', command: 'files-stream export actionLogs.list', token: 'earlier-run', ...more };
}

async function readHolder(checkpoint: string): Promise<LockHolder> {
  return JSON.parse(await readFile(lockPathOf(checkpoint), 'utf8')) as LockHolder;
}

async function refusal(checkpoint: string): Promise<CheckpointError> {
  const error = await lockCheckpoint(checkpoint, 'files-stream export users.list').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  return error as CheckpointError;
}

describe('checkpoint locks', () => {
  it('a lock file beside the checkpoint holds pid, host, start time and command while held; release removes it', async () => {
    const dir = await tempDir('fs-lock-');
    const checkpoint = join(dir, 'job.ckpt');
    const lock = await lockCheckpoint(checkpoint, 'files-stream export users.list');
    expect(lock.path).toBe(`${checkpoint}.lock`);
    const holder = await readHolder(checkpoint);
    expect(holder).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'files-stream export users.list' });
    expect(Date.parse(holder.startedAt)).toBeGreaterThan(Date.now() - 60_000);
    await lock.assertHeld();
    await lock.release();
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('a second lock while the first is held (in this same process) is refused, naming the holder; after release it is granted', async () => {
    const dir = await tempDir('fs-lock-');
    const checkpoint = join(dir, 'job.ckpt');
    const first = await lockCheckpoint(checkpoint, 'files-stream export users.list');
    const error = await refusal(checkpoint);
    expect(error.message).toMatch(new RegExp(`^checkpoint \\S+job\\.ckpt is in use by pid ${process.pid} \\(files-stream export users\\.list, started 20\\d\\d-`));
    expect(error.hint).toMatch(/wait for it to end/);
    await first.release();
    const second = await lockCheckpoint(checkpoint, 'files-stream export users.list');
    await second.release();
  });

  it('a live process on this host holds it: refused, naming the pid, its command and start; once it is gone the lock is taken over', async () => {
    const dir = await tempDir('fs-lock-');
    const checkpoint = join(dir, 'job.ckpt');
    const live = liveProcess();
    try {
      await writeFile(lockPathOf(checkpoint), JSON.stringify(holderOf({ pid: live.pid })));
      const error = await refusal(checkpoint);
      expect(error.message).toBe(`checkpoint ${checkpoint} is in use by pid ${live.pid} (files-stream export actionLogs.list, started 2024-05-01T10:00:00.000Z)`);
      expect(error.hint).toContain(lockPathOf(checkpoint));
    } finally {
      await live.stop();
    }
    const lock = await lockCheckpoint(checkpoint, 'files-stream export users.list');
    expect((await readHolder(checkpoint)).pid).toBe(process.pid);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('the lock of a dead process is taken over, leaving nothing else behind', async () => {
    const dir = await tempDir('fs-lock-');
    const checkpoint = join(dir, 'job.ckpt');
    await writeFile(lockPathOf(checkpoint), JSON.stringify(holderOf({})));
    const lock = await lockCheckpoint(checkpoint, 'files-stream export users.list');
    expect(await readHolder(checkpoint)).toMatchObject({ pid: process.pid, command: 'files-stream export users.list' });
    expect(await readdir(dir)).toEqual(['job.ckpt.lock']);
    await lock.release();
  });

  it('a lock with this process\'s pid that this process does not hold (an earlier process had the pid) is taken over', async () => {
    const dir = await tempDir('fs-lock-');
    const checkpoint = join(dir, 'job.ckpt');
    await writeFile(lockPathOf(checkpoint), JSON.stringify(holderOf({ pid: process.pid })));
    const lock = await lockCheckpoint(checkpoint, 'files-stream export users.list');
    await lock.release();
  });

  it('a lock from another host (its pid cannot be checked from here) renewed within the lease: refused, naming the host; not renewed for the lease: taken over', async () => {
    const dir = await tempDir('fs-lock-');
    const checkpoint = join(dir, 'job.ckpt');
    await writeFile(lockPathOf(checkpoint), JSON.stringify(holderOf({ hostname: 'build-7.example' })));
    const error = await refusal(checkpoint);
    expect(error.message).toBe(`checkpoint ${checkpoint} is in use by pid ${NO_SUCH_PID} on build-7.example (files-stream export actionLogs.list, started 2024-05-01T10:00:00.000Z)`);
    expect(error.hint).toBe(`nothing was written: wait for it to end, then rerun; if that run is gone, its lock ${lockPathOf(checkpoint)} is taken over 2 minutes after it last renewed it (or delete it and rerun)`);
    const renewed = new Date(Date.now() - LOCK_LEASE_MS + 10_000);
    await utimes(lockPathOf(checkpoint), renewed, renewed);
    await refusal(checkpoint);
    const expired = new Date(Date.now() - LOCK_LEASE_MS - 1000);
    await utimes(lockPathOf(checkpoint), expired, expired);
    const lock = await lockCheckpoint(checkpoint, 'files-stream export users.list');
    expect((await readHolder(checkpoint)).hostname).toBe(hostname());
    await lock.release();
  });

  it(`a holder renews its lock every ${LOCK_RENEW_MS / 1000} s (the lock file's modification time), until released`, async () => {
    const dir = await tempDir('fs-lock-');
    const checkpoint = join(dir, 'job.ckpt');
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const lock = await lockCheckpoint(checkpoint, 'files-stream export users.list');
      const old = new Date(Date.now() - 3_600_000);
      await utimes(lock.path, old, old);
      vi.advanceTimersByTime(LOCK_RENEW_MS);
      await vi.waitFor(async () => expect((await stat(lock.path)).mtimeMs).toBeGreaterThan(Date.now() - 60_000), { interval: 5 });
      await lock.release();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a lock of this host from before its last boot is stale, whatever its pid', async () => {
    const bootId = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => undefined);
    if (bootId === undefined) return; // Linux only
    const dir = await tempDir('fs-lock-');
    const checkpoint = join(dir, 'job.ckpt');
    await writeFile(lockPathOf(checkpoint), JSON.stringify(holderOf({ pid: 1, bootId: '00000000-0000-0000-0000-000000000000' })));
    const lock = await lockCheckpoint(checkpoint, 'files-stream export users.list');
    await lock.release();
  });

  it('a lock file that is not a lock is refused when fresh (it may be being written), taken over when old', async () => {
    const dir = await tempDir('fs-lock-');
    const checkpoint = join(dir, 'job.ckpt');
    await writeFile(lockPathOf(checkpoint), 'not a lock');
    const error = await refusal(checkpoint);
    expect(error.message).toMatch(/lock .*job\.ckpt\.lock is not a files-stream lock/);
    expect(error.hint).toMatch(/delete .*job\.ckpt\.lock/);
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPathOf(checkpoint), old, old);
    const lock = await lockCheckpoint(checkpoint, 'files-stream export users.list');
    await lock.release();
  });

  it('ten runs taking over one stale lock at once: exactly one gets it', async () => {
    const dir = await tempDir('fs-lock-');
    const checkpoint = join(dir, 'job.ckpt');
    await writeFile(lockPathOf(checkpoint), JSON.stringify(holderOf({})));
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => lockCheckpoint(checkpoint, 'files-stream export users.list')));
    const granted = results.filter((r) => r.status === 'fulfilled');
    expect(granted).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(CheckpointError);
    await (granted[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof lockCheckpoint>>>).value.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('twenty runs taking over one stale lock at once, thirty times over: exactly one gets it each time, and no take-over file is left', async () => {
    // The old take-over (rename the stale file aside, put back what was not it) let a third
    // run create a lock while the put-back one also held it: two holders, about one time in ten.
    for (let round = 0; round < 30; round++) {
      const dir = await tempDir('fs-lock-');
      const checkpoint = join(dir, 'job.ckpt');
      await writeFile(lockPathOf(checkpoint), JSON.stringify(holderOf({})));
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => lockCheckpoint(checkpoint, 'files-stream export users.list')));
      const granted = results.filter((r) => r.status === 'fulfilled');
      expect(granted, `round ${round}`).toHaveLength(1);
      await (granted[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof lockCheckpoint>>>).value.release();
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it('release leaves a lock that is no longer this one (taken over after it was deleted); assertHeld then throws', async () => {
    const dir = await tempDir('fs-lock-');
    const checkpoint = join(dir, 'job.ckpt');
    const lock = await lockCheckpoint(checkpoint, 'files-stream export users.list');
    await rm(lockPathOf(checkpoint));
    await expect(lock.assertHeld()).rejects.toThrow(/no longer holds .*job\.ckpt\.lock .*removed/);
    const other = holderOf({ hostname: 'elsewhere.example', token: 'other' });
    await writeFile(lockPathOf(checkpoint), JSON.stringify(other));
    await expect(lock.assertHeld()).rejects.toThrow(new RegExp(`taken by pid ${NO_SUCH_PID} on elsewhere\\.example`));
    await lock.release();
    expect(await readHolder(checkpoint)).toEqual(other);
  });

  it('a folder that cannot take the lock file fails with the reason (not a refusal)', async () => {
    const dir = await tempDir('fs-lock-');
    const error = await lockCheckpoint(join(dir, 'missing', 'job.ckpt'), 'x').catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});
