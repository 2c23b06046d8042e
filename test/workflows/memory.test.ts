import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from './support/emulated.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tempDir = useTempDirs();
const SIZE = 256 * 1024 * 1024;
const HEAP_LIMIT_MB = 64;

describe('memory', () => {
  it(`stays flat while downloading a ${SIZE / 1024 / 1024} MB file with a ${HEAP_LIMIT_MB} MB heap`, async () => {
    const dest = join(await tempDir(), 'large.bin');
    const { stdout } = await run(
      process.execPath,
      [`--max-old-space-size=${HEAP_LIMIT_MB}`, '--import', 'tsx', join('test', 'workflows', 'fixtures', 'large-download.ts'), dest, String(SIZE)],
      { cwd: root, maxBuffer: 1024 * 1024, timeout: 240_000 },
    );
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    console.info('memory report', report);
    expect(report['bytes']).toBe(SIZE);
    expect((await stat(dest)).size).toBe(SIZE);
    expect(report['peakHeapUsedMb']).toBeLessThan(HEAP_LIMIT_MB);
    // The file is never held: RSS grows by well under half its size during the download.
    expect(report['peakRssMb']! - report['baselineRssMb']!).toBeLessThan(SIZE / 1024 / 1024 / 2);
  }, 300_000);
});
