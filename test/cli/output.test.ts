import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../../src/cli/checkpoint/checkpoint-file.js';
import { CHECKPOINT_VERSION, sameExport, type Checkpoint } from '../../src/cli/checkpoint/checkpoint.js';
import { verifyOutput } from '../../src/cli/checkpoint/verify-output.js';
import { openFileSink } from '../../src/cli/output/file-sink.js';
import { streamSink } from '../../src/cli/output/stream-sink.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

let dir: TempDir;
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
        // A slow reader (time is the point): each write completes 2 ms later.
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

  it('a file sink keeps the SHA-256 of the whole file, across a resume that checks the covered bytes first', async () => {
    const path = join(dir.path, 'hashed.txt');
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const first = await openFileSink(path, { hash: true });
    await first.write('page1\n');
    await first.write('page2\n');
    expect(first.sha256()).toBe(sha256('page1\npage2\n'));
    await first.close();
    await writeFile(path, 'page1\npage2\ntorn pa');
    const saved = { output: path, bytes: 12, sha256: sha256('page1\npage2\n'), records: 2, export: { format: 'ndjson' } } as Checkpoint;
    const hash = await verifyOutput(saved, path, 'c.json');
    const resumed = await openFileSink(path, { resumeAt: 12, hash });
    await resumed.write('page3\n');
    expect(resumed.sha256()).toBe(sha256('page1\npage2\npage3\n'));
    await resumed.close();
    await writeFile(path, 'page1\nPAGE2\n');
    await expect(verifyOutput(saved, path, 'c.json')).rejects.toThrow(/first 12 bytes .* differ/);
    const plain = await openFileSink(join(dir.path, 'plain.txt'));
    expect(plain.sha256()).toBeUndefined();
    await plain.close();
  });
});

describe('checkpoint files', () => {
  it('are saved atomically (no temp file left) and read back; identity ignores key order', async () => {
    const path = join(dir.path, 'c.json');
    expect(await loadCheckpoint(path)).toBeUndefined();
    const identity = { operation: 'users.list', pathArgs: [], params: { a: 1, b: 2 }, format: 'ndjson' as const };
    const checkpoint: Checkpoint = {
      version: CHECKPOINT_VERSION,
      site: 'https://app.files.com',
      export: identity,
      output: join(dir.path, 'out.ndjson'),
      sha256: 'a'.repeat(64),
      cursor: 'abc',
      bytes: 10,
      records: 2,
      pages: 1,
      done: false,
      savedAt: '',
    };
    await saveCheckpoint(path, checkpoint);
    expect(await loadCheckpoint(path)).toEqual(checkpoint);
    expect(await readdir(dir.path)).not.toContainEqual(expect.stringMatching(/\.tmp$/));
    expect(sameExport(identity, { ...identity, params: { b: 2, a: 1 } })).toBe(true);
    expect(sameExport(identity, { ...identity, format: 'csv' })).toBe(false);
    await writeFile(path, 'not json');
    await expect(loadCheckpoint(path)).rejects.toThrow(/not a checkpoint/);
  });
});
