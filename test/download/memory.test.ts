import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/shared.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const run = promisify(execFile);
const tempDir = useTempDirs();
const SIZE = 256 * 1024 * 1024;
const HEAP_LIMIT_MB = 64;

describe('memory', () => {
  it(`stays flat while downloading a ${SIZE / 1024 / 1024} MB file with a ${HEAP_LIMIT_MB} MB heap`, async () => {
    const dest = join(await tempDir(), 'large.bin');
    const { stdout } = await run(
      process.execPath,
      [`--max-old-space-size=${HEAP_LIMIT_MB}`, '--conditions=files-stream-source', '--import', 'tsx', join('test', 'download', 'fixtures', 'large-download.ts'), dest, String(SIZE)],
      { cwd: repoRoot, maxBuffer: 1024 * 1024, timeout: 240_000 },
    );
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    // The whole report with each check, should one fail (a passing run prints nothing).
    const figures = `memory report ${JSON.stringify(report)}`;
    expect(report['bytes'], figures).toBe(SIZE);
    expect((await stat(dest)).size).toBe(SIZE);
    expect(report['peakHeapUsedMb'], figures).toBeLessThan(HEAP_LIMIT_MB);
    // The file is never held: RSS grows by well under half its size during the download.
    expect(report['peakRssMb']! - report['baselineRssMb']!, figures).toBeLessThan(SIZE / 1024 / 1024 / 2);
  }, 300_000);
});
