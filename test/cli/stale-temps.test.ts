import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, openCheckpoint } from '../../src/cli/checkpoint/checkpoint-file.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

/** Pids no process has: beyond any pid_max. */
const DEAD = [2_147_483_000, 2_147_483_001];

describe('checkpoint temp files', () => {
  it('opening a checkpoint (its lock held) removes the temp files of dead processes and its own, and nothing else', async () => {
    const dir = await tempDir('fs-ckpt-');
    const checkpoint = join(dir, 'users.ckpt');
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
    const ended = new Promise((resolve) => live.once('exit', resolve));
    try {
      const liveTemp = `users.ckpt.${live.pid}.tmp`;
      for (const name of [`users.ckpt.${DEAD[0]}.tmp`, `users.ckpt.${DEAD[1]}.tmp`, `users.ckpt.${process.pid}.tmp`, liveTemp, 'users.ckpt.notes', 'other.ckpt.99.tmp', 'users.ndjson']) {
        writeFileSync(join(dir, name), 'x');
      }
      // Reading alone removes nothing: only the lock's holder may.
      expect(await loadCheckpoint(checkpoint)).toBeUndefined();
      expect(readdirSync(dir)).toHaveLength(7);
      const opened = await openCheckpoint(checkpoint, 'files-stream export users.list');
      expect(opened.saved).toBeUndefined();
      expect(readdirSync(dir).sort()).toEqual(['other.ckpt.99.tmp', 'users.ckpt.lock', 'users.ckpt.notes', liveTemp, 'users.ndjson'].sort());
      await opened.lock.release();
      expect(readdirSync(dir)).not.toContain('users.ckpt.lock');
    } finally {
      live.kill('SIGKILL');
      await ended;
    }
  });
});
