import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../../src/cli/checkpoint/checkpoint-file.js';
import { sameExport, type Checkpoint } from '../../src/cli/checkpoint/checkpoint.js';
import { openFileSink } from '../../src/cli/output/file-sink.js';
import { streamSink } from '../../src/cli/output/stream-sink.js';
import { tempDir } from './helpers/temp-dir.js';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir?.remove());

describe('output sinks', () => {
  it('a stream sink waits for drain when the reader is slow, so at most one page is buffered', async () => {
    let pending = 0;
    let maxPending = 0;
    const slow = new Writable({
      highWaterMark: 16,
      write(_chunk, _enc, done) {
        pending++;
        maxPending = Math.max(maxPending, pending);
        setTimeout(() => {
          pending--;
          done();
        }, 2);
      },
    });
    const sink = streamSink(slow);
    for (let i = 0; i < 20; i++) await sink.write('x'.repeat(100));
    expect(slow.writableLength).toBeLessThanOrEqual(100);
    expect(maxPending).toBe(1);
    expect(sink.bytes).toBe(2000);
  });

  it('a file sink resumes by cutting the file to the saved size and appending', async () => {
    const path = join(dir.path, 'out.txt');
    await writeFile(path, 'page1\npage2\ntorn pa');
    const sink = await openFileSink(path, { resumeAt: 12 });
    await sink.write('page3\n');
    await sink.sync();
    await sink.close();
    expect(await readFile(path, 'utf8')).toBe('page1\npage2\npage3\n');
    await expect(openFileSink(path, { resumeAt: 1000 })).rejects.toThrow(/not the output the checkpoint describes/);
  });
});

describe('checkpoint files', () => {
  it('are saved atomically (no temp file left) and read back; identity ignores key order', async () => {
    const path = join(dir.path, 'c.json');
    expect(await loadCheckpoint(path)).toBeUndefined();
    const identity = { operation: 'users.list', pathArgs: [], params: { a: 1, b: 2 }, format: 'ndjson' as const };
    const checkpoint: Checkpoint = { version: 1, export: identity, cursor: 'abc', bytes: 10, records: 2, pages: 1, done: false, savedAt: '' };
    await saveCheckpoint(path, checkpoint);
    expect(await loadCheckpoint(path)).toEqual(checkpoint);
    expect(await readdir(dir.path)).not.toContainEqual(expect.stringMatching(/\.tmp$/));
    expect(sameExport(identity, { ...identity, params: { b: 2, a: 1 } })).toBe(true);
    expect(sameExport(identity, { ...identity, format: 'csv' })).toBe(false);
    await writeFile(path, 'not json');
    await expect(loadCheckpoint(path)).rejects.toThrow(/not a checkpoint/);
  });
});
