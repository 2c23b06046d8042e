import { createHash } from 'node:crypto';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { runInProcess } from '../../helpers/cli-in-process.js';
import { runBin, startBin } from '../../helpers/child-process.js';
import { parseNdjson } from '../../helpers/parse-output.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

const USERS = 3000;
let site: TestEmulator;
let dir: TempDir;

beforeAll(async () => {
  // 40 ms per request and 100 records per page: the export takes over a second, long enough to kill.
  site = await startEmulator({ seed: 7, users: USERS, faults: { latencyMs: 40 } });
  dir = await tempDir();
});
afterAll(async () => {
  await site?.close();
  await dir?.remove();
});

async function lineCount(path: string): Promise<number> {
  try {
    const text = await readFile(path, 'utf8');
    return text.split('\n').length - 1;
  } catch {
    return 0;
  }
}

/** Starts the export, waits until the output holds at least `minLines` lines, then SIGKILLs it. */
async function killMidway(args: string[], out: string, minLines: number): Promise<void> {
  const child = startBin(args, { env: site.env });
  let ended = false;
  void child.done.then(() => (ended = true));
  await vi.waitFor(
    async () => {
      if (ended) throw new Error(`export ended before it could be killed: ${child.stderr()}`);
      expect(await lineCount(out), 'lines written').toBeGreaterThanOrEqual(minLines);
    },
    { timeout: 20_000, interval: 10 },
  );
  child.process.kill('SIGKILL');
  const killed = await child.done;
  expect(killed.signal).toBe('SIGKILL');
}

function expectEachIdOnce(ids: readonly number[]): void {
  expect(ids).toHaveLength(USERS);
  expect(new Set(ids).size).toBe(USERS);
  expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: USERS }, (_, i) => i + 1));
}

describe('export --checkpoint survives kill -9', () => {
  it('NDJSON: killed mid-way (plus a torn page), resumed, every record exactly once; a third run does nothing', async () => {
    const out = join(dir.path, 'users.ndjson');
    const checkpoint = join(dir.path, 'users.ckpt');
    const args = ['export', 'users', '--per-page', '100', '--out', out, '--checkpoint', checkpoint];

    await killMidway(args, out, 300);
    const partial = await lineCount(out);
    expect(partial).toBeGreaterThanOrEqual(300);
    expect(partial).toBeLessThan(USERS);
    const saved = JSON.parse(await readFile(checkpoint, 'utf8')) as { bytes: number; records: number; done: boolean; cursor: string };
    expect(saved.done).toBe(false);
    expect(saved.records % 100).toBe(0);
    // A page the kill interrupted half way: the resume must cut it off.
    await appendFile(out, '{"id":1,"username":"torn');

    const resumed = await runBin(args, { env: site.env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resumed; 3000 in all/);
    expectEachIdOnce(parseNdjson<{ id: number }>(await readFile(out, 'utf8')).map((u) => u.id));
    const final = JSON.parse(await readFile(checkpoint, 'utf8')) as { done: boolean; records: number; bytes: number };
    expect(final).toMatchObject({ done: true, records: USERS, bytes: (await stat(out)).size });

    const again = await runBin(args, { env: site.env });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already complete per checkpoint .*nothing to do/);
    expect((await stat(out)).size).toBe(final.bytes);
  });

  it('JSON: the resumed output is still one valid array with every record once', async () => {
    const out = join(dir.path, 'users.json');
    const checkpoint = join(dir.path, 'users-json.ckpt');
    const args = ['export', 'users', '--format', 'json', '--fields', 'id,username', '--per-page', '100', '--out', out, '--checkpoint', checkpoint];

    await killMidway(args, out, 500);
    const resumed = await runBin(args, { env: site.env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resumed; 3000 in all/);
    const users = JSON.parse(await readFile(out, 'utf8')) as { id: number }[];
    expectEachIdOnce(users.map((u) => u.id));
  });

  it('--limit 2000, killed mid-way: a checkpoint whose records was lowered is refused (exit 2), never ending past the limit; unchanged, it ends at exactly 2000', async () => {
    const out = join(dir.path, 'limited.ndjson');
    const checkpoint = join(dir.path, 'limited.ckpt');
    const args = ['export', 'users', '--limit', '2000', '--per-page', '100', '--out', out, '--checkpoint', checkpoint];
    await killMidway(args, out, 300);
    const text = await readFile(checkpoint, 'utf8');
    const saved = JSON.parse(text) as { records: number; done: boolean };
    expect(saved.done).toBe(false);
    expect(saved.records).toBeGreaterThan(0);
    const output = await readFile(out);
    await writeFile(checkpoint, JSON.stringify({ ...saved, records: saved.records - 99 }));
    const edited = await runBin(args, { env: site.env });
    expect(edited.code, edited.stderr).toBe(2);
    expect(edited.stderr).toMatch(new RegExp(`^error: checkpoint .* field records is ${saved.records - 99}, but the \\d+ bytes it covers hold ${saved.records} records`, 'm'));
    expect((await readFile(out)).subarray(0, output.length).equals(output)).toBe(true);
    await writeFile(checkpoint, text);
    const resumed = await runBin(args, { env: site.env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(parseNdjson<{ id: number }>(await readFile(out, 'utf8')).map((u) => u.id)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
  });

  it('refuses (exit 2) a checkpoint written for a different export, naming the setting, before touching the output', async () => {
    const out = join(dir.path, 'other.csv');
    const checkpoint = join(dir.path, 'other.ckpt');
    await writeFile(out, 'precious');
    const identity = { operation: 'users.list', pathArgs: [], params: {}, format: 'ndjson' };
    const sha256 = createHash('sha256').update('pre').digest('hex');
    await writeFile(
      checkpoint,
      JSON.stringify({ version: 3, site: site.baseUrl, export: identity, output: resolve(out), sha256, cursor: 'c', bytes: 3, records: 1, pages: 1, done: false, savedAt: '' }),
    );
    // In this process the site comes from --base-url (commander reads process.env, not site.env).
    const run = await runInProcess(['--base-url', site.baseUrl, '--api-key', site.apiKey, 'export', 'users', '--format', 'csv', '--out', out, '--checkpoint', checkpoint]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/was saved by a different export: format \(checkpoint: "ndjson", now: "csv"\)/);
    expect(await readFile(out, 'utf8')).toBe('precious');
  });
});
