// `files-stream cat` through the real executable into a pipe: every byte arrives, and a
// reader that goes away early (`| head`) ends it with status 0 and nothing on stderr.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5, testBytes } from '../../helpers/bytes.js';
import { binPath, childEnv } from '../../helpers/child-process.js';
import { startEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { repoRoot } from '../../helpers/shared.js';
import { useTempDirs } from '../../helpers/temp-dir.js';

const run = promisify(execFile);
const tempDir = useTempDirs();
const BYTES = testBytes(3 * 1024 * 1024 + 17, 9);

let site: TestEmulator;

beforeAll(async () => {
  site = await startEmulator({ files: 0, users: 1 });
  await site.client.files.uploadData('data/big.bin', BYTES, { mkdir_parents: true });
});
afterAll(async () => {
  await site?.close();
});

/**
 * Runs `files-stream cat data/big.bin | <reader>` in bash: what the reader printed, the
 * CLI's exit status and what it printed on stderr.
 */
async function catInto(reader: string): Promise<{ out: string; status: number; stderr: string }> {
  const err = join(await tempDir(), 'stderr.txt');
  const script = `node "$BIN" cat data/big.bin 2>"$ERR" | ${reader}; echo "status=\${PIPESTATUS[0]}"`;
  const { stdout } = await run('bash', ['-c', script], { cwd: repoRoot, env: childEnv({ ...site.env, BIN: binPath, ERR: err }) });
  const status = /status=(\d+)\n$/.exec(stdout);
  return { out: stdout.slice(0, status?.index), status: Number(status?.[1]), stderr: await readFile(err, 'utf8') };
}

describe('cat into a pipe (the executable)', () => {
  it('every byte arrives, in order', async () => {
    const { out, status, stderr } = await catInto('md5sum');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(out).toBe(`${md5(BYTES)}  -\n`);
  });

  it('a reader that stops early ends it with status 0 and nothing on stderr', async () => {
    const { out, status, stderr } = await catInto('head -c 100 | wc -c');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(out.trim()).toBe('100');
  });
});
