// Reliability, part 2: crash and resume. A CLI export (`export users --out F --checkpoint C`)
// and a tree download, each run in a child process, SIGKILLed at seeded random points and
// resumed: every record (every file) exactly once overall, nothing half-written left behind.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryUrl, startBin, startTs } from '../helpers/child-process.js';
import { repoRoot } from '../helpers/shared.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { randomInt, seededRandom } from './support/random.js';
import { recordFigures } from './support/report.js';
import { FORM, scaled, timeoutMs } from './support/scale.js';
import { API_KEY, scan } from './support/secrets.js';
import { collect, sizeOf, waitFor } from './support/children.js';
import { startSite, type Site } from './support/site.js';

const SEED = 4242;
const USERS = scaled(3_000, 20_000);
const PER_PAGE = 100;
const KILLS = scaled(3, 8);
const TREE_FILES = scaled(80, 400);
const TREE_KILLS = scaled(2, 5);

let temp: TempDir;
let dir: string;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  temp = await tempDir('reliability-crash-');
  dir = temp.path;
});

afterAll(async () => {
  await temp?.remove();
  await recordFigures('crash', figures);
  expect(scan.size).toBeGreaterThan(0);
  expect(scan.leaks()).toEqual([]);
});


/** Each id in 1..n exactly once. */
function expectEachIdOnce(ids: readonly number[], n: number): void {
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const duplicates = [...counts].filter(([, c]) => c > 1).map(([id]) => id);
  const missing: number[] = [];
  for (let id = 1; id <= n && missing.length < 10; id++) if (!counts.has(id)) missing.push(id);
  expect({ duplicates: duplicates.slice(0, 10), missing, count: ids.length }).toEqual({ duplicates: [], missing: [], count: n });
}

describe(`crash and resume (${FORM} form)`, () => {
  let site: Site;
  beforeAll(async () => {
    // Latency and a few faults: the export takes long enough to be killed at many points, and retries are part of it.
    site = await startSite({ seed: 77, users: USERS, faults: { latencyMs: [5, 25], unavailable: 0.02, connectionReset: 0.02, retryAfter: 0 } });
  });
  afterAll(async () => {
    await site?.close();
  });

  for (const format of scaled(['ndjson'] as const, ['ndjson', 'csv'] as const)) {
    it(
      `export users --format ${format} --checkpoint: SIGKILLed ${KILLS} times at seeded random points, resumed: every record exactly once`,
      async () => {
        const random = seededRandom(SEED + format.length);
        const out = join(dir, `users.${format}`);
        const checkpoint = join(dir, `users.${format}.ckpt`);
        const fields = format === 'csv' ? ['--fields', 'id,username,email'] : [];
        const args = ['export', 'users', '--format', format, ...fields, '--per-page', String(PER_PAGE), '--out', out, '--checkpoint', checkpoint];
        const env = site.env;
        // The output's size once complete, estimated from one page, spreads the kill points over the export.
        const { client } = site.client();
        const sample = await client.users.list({ per_page: PER_PAGE }).take(PER_PAGE).toArray();
        const lineBytes = (u: (typeof sample)[number]) =>
          format === 'csv' ? `${u.id},${u.username},${u.email}\n`.length : `${JSON.stringify(u)}\n`.length;
        const estimated = (sample.reduce((n, u) => n + lineBytes(u), 0) / sample.length) * USERS;
        const kills: { atBytes: number; extraDelayMs: number; checkpointRecords: number }[] = [];
        const t0 = performance.now();
        for (let k = 0; k < KILLS; k++) {
          const before = await sizeOf(out);
          // On average an even share of what is left, so the kills spread over the whole export.
          const left = Math.max(2, estimated - before);
          const target = before + randomInt(random, 1, Math.floor(Math.min(0.95 * left, (2 * left) / (KILLS - k + 1))));
          const extraDelayMs = randomInt(random, 0, 15);
          const child = startBin(args, { env });
          const reached = await waitFor(child, async () => (await sizeOf(out)) >= target);
          if (reached) {
            // Kill a little after the write: mid-page, mid-fsync or mid-checkpoint, wherever it lands
            // (a seeded random delay: where the kill lands in time is the point).
            await sleep(extraDelayMs);
            child.process.kill('SIGKILL');
          }
          const result = await child.done;
          collect(`export run ${k + 1}`, result);
          if (!reached) break; // it finished before this kill point: the last run below checks it
          expect(result.signal).toBe('SIGKILL');
          const saved = await readFile(checkpoint, 'utf8').then((t) => JSON.parse(t) as { records: number; done: boolean }, () => undefined);
          expect(saved?.done ?? false).toBe(false);
          kills.push({ atBytes: await sizeOf(out), extraDelayMs, checkpointRecords: saved?.records ?? 0 });
        }
        const last = startBin(args, { env });
        const result = await last.done;
        collect('export final run', result);
        expect(result.code, result.stderr).toBe(0);
        const ms = Math.round(performance.now() - t0);
        const text = await readFile(out, 'utf8');
        const ids =
          format === 'csv'
            ? text.trim().split('\n').slice(1).map((line) => Number(line.split(',')[0]))
            : text.trim().split('\n').map((line) => (JSON.parse(line) as { id: number }).id);
        expectEachIdOnce(ids, USERS);
        if (format === 'csv') expect(text.split('\n')[0]).toBe('id,username,email');
        const final = JSON.parse(await readFile(checkpoint, 'utf8')) as { done: boolean; records: number; bytes: number };
        expect(final).toMatchObject({ done: true, records: USERS, bytes: Buffer.byteLength(text) });
        expect(kills.length, 'kills that landed before the end').toBeGreaterThanOrEqual(Math.min(2, KILLS));
        // What a kill during a checkpoint save leaves beside it (reported, not a correctness issue).
        const litter = (await readdir(dir)).filter((n) => n.startsWith(`users.${format}.ckpt.`));
        figures[`export-${format}`] = { users: USERS, perPage: PER_PAGE, kills, runs: kills.length + 1, ms, checkpointTempFilesLeft: litter.length };
      },
      timeoutMs(60_000, 400_000),
    );
  }
});

describe(`tree download crash and resume (${FORM} form)`, () => {
  let site: Site;
  beforeAll(async () => {
    site = await startSite({ seed: 78, files: TREE_FILES, filesPerFolder: 8, folderFanout: 3, fileSize: { min: 20_000, max: 300_000, zeroRate: 0.05 } });
  });
  afterAll(async () => {
    await site?.close();
  });

  it(
    `downloadTree in a child SIGKILLed ${TREE_KILLS} times mid-way, then resumed: every file once with the right bytes, no temporary file left`,
    async () => {
      const random = seededRandom(SEED + 1);
      const local = join(dir, 'tree');
      const script = join(repoRoot, 'test', 'reliability', 'support', 'tree-child.ts');
      const env = { FILESCOM_API_KEY: API_KEY, FILES_STREAM_TEST_LIBRARY: libraryUrl('index') };
      const { client } = site.client();
      const remote = new Map<string, string>();
      for await (const f of client.folders.walk('', { type: 'file' })) remote.set(f.path!, f.md5!);
      const kills: { afterFiles: number; tempFiles: number }[] = [];
      let done = 0;
      for (let k = 0; k < TREE_KILLS; k++) {
        const left = Math.max(1, TREE_FILES - done);
        const target = done + randomInt(random, 1, Math.max(1, Math.floor(Math.min(0.9 * left, (2 * left) / (TREE_KILLS - k + 1)))));
        const child = startTs(script, [site.baseUrl, local, '2'], { env });
        const lines = () => child.stdout().split('\n').filter((l) => l.startsWith('downloaded ')).length;
        const reached = await waitFor(child, () => lines() >= target - done);
        if (reached) child.process.kill('SIGKILL');
        const result = await child.done;
        collect(`tree run ${k + 1}`, result);
        if (!reached) break;
        done += lines();
        kills.push({ afterFiles: done, tempFiles: (await localFiles(local)).filter((p) => p.endsWith('.download')).length });
      }
      const last = startTs(script, [site.baseUrl, local, '0'], { env });
      const result = await last.done;
      collect('tree final run', result);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/DONE .*"failed":0/);
      // Every remote file once, with the right bytes.
      const files = await localFiles(local);
      const present = files.filter((p) => !p.endsWith('.download') && remote.has(p));
      expect(present.sort()).toEqual([...remote.keys()].sort());
      for (const path of present) {
        const md5 = createHash('md5').update(await readFile(join(local, ...path.split('/')))).digest('hex');
        expect(md5, path).toBe(remote.get(path));
      }
      figures.tree = { files: TREE_FILES, kills, tempFilesLeft: files.filter((p) => p.endsWith('.download')).length };
      expect(kills.length).toBeGreaterThanOrEqual(1);
      expect(kills.some((k) => k.tempFiles > 0), 'a kill landed mid-file (else the temp-file check proves nothing)').toBe(true);
      // Temporary files of downloads a SIGKILL interrupted are removed by the resumed run (their process has ended).
      expect(files.filter((p) => p.endsWith('.download')), 'temporary files left').toEqual([]);
      expect(files.filter((p) => !remote.has(p) && !p.endsWith('.download'))).toEqual([]);
    },
    timeoutMs(60_000, 300_000),
  );
});

/** Files under `dir`, relative, `/`-separated (folders left out). */
async function localFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1).split(sep).join('/'));
}
