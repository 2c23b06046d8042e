import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/cli/checkpoint/checkpoint-file.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

describe('checkpoint temp files', () => {
  it('loading a checkpoint removes the temp files a killed save left, and nothing else', async () => {
    const dir = await tempDir('fs-ckpt-');
    const checkpoint = join(dir, 'users.ckpt');
    for (const name of ['users.ckpt.4242.tmp', 'users.ckpt.17.tmp', 'users.ckpt.notes', 'other.ckpt.99.tmp', 'users.ndjson']) {
      writeFileSync(join(dir, name), 'x');
    }
    expect(await loadCheckpoint(checkpoint)).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual(['other.ckpt.99.tmp', 'users.ckpt.notes', 'users.ndjson']);
  });
});
