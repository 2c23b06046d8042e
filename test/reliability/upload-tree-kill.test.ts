// Reliability: a tree upload (`uploadTree`, issue #23) killed with SIGKILL mid-way and
// resumed: every file present once on Files.com, byte-identical, none half-written after any
// kill; a rerun with nothing changed sends no upload request; a folder of 10,000 entries.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, uploadTree, type FilesClient } from '../../src/index.js';
import { createEmulator } from '../../src/testing/index.js';
import { md5, testBytes } from '../helpers/bytes.js';
import { libraryUrl, startTs } from '../helpers/child-process.js';
import { operationCount } from '../helpers/emulator.js';
import { repoRoot } from '../helpers/shared.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { collect, waitFor } from './support/children.js';
import { randomInt, seededRandom } from './support/random.js';
import { recordFigures } from './support/report.js';
import { FORM, scaled, timeoutMs } from './support/scale.js';
import { API_KEY, scan } from './support/secrets.js';
import { startSite, type Site } from './support/site.js';

const SEED = 2323;
const FILES = scaled(40, 200);
const KILLS = scaled(3, 6);
/** 64 KiB parts: most files are several parts, so a kill lands between a file's first part and its end. */
const PART = 64 * 1024;
const CHILD = join(repoRoot, 'test', 'reliability', 'support', 'upload-tree-child.ts');

let temp: TempDir;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  temp = await tempDir('reliability-upload-');
});

afterAll(async () => {
  await temp?.remove();
  await recordFigures('upload-tree', figures);
  expect(scan.leaks()).toEqual([]);
});

/** The remote files below `root`, as `relative path -> md5`; fails on a path listed twice. */
async function remoteFiles(client: FilesClient, root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const f of client.folders.walk(root, { type: 'file' })) {
    const path = f.path!.slice(root.length + 1);
    expect(out.has(path), `${path} listed twice`).toBe(false);
    out.set(path, f.md5!);
  }
  return out;
}

/** Counts of the requests that upload: `POST /files/...` (put, end) and part PUTs. */
function uploadRequests(site: Pick<Site, 'emulator'>): { files: number; parts: number } {
  return { files: operationCount(site.emulator, 'files.create'), parts: site.emulator.stats.byKind.upload };
}

describe(`uploadTree killed and resumed (${FORM} form)`, () => {
  let site: Site;
  beforeAll(async () => {
    site = await startSite({ files: 0, uploadPartSize: PART });
  });
  afterAll(async () => {
    await site?.close();
  });

  it(
    `a child SIGKILLed ${KILLS} times mid-upload, then resumed: every file once, byte-identical, none half-written; an unchanged rerun sends no upload request`,
    async () => {
      const random = seededRandom(SEED);
      const local = join(temp.path, 'tree');
      const expected = new Map<string, string>();
      for (let i = 0; i < FILES; i++) {
        const path = `d${i % 5}/${i % 3 === 0 ? 'deep/' : ''}f${i}.bin`;
        const bytes = testBytes(randomInt(random, 1_000, 400_000), SEED + i);
        await mkdir(join(local, ...path.split('/').slice(0, -1)), { recursive: true });
        await writeFile(join(local, ...path.split('/')), bytes);
        expected.set(path, md5(bytes));
      }
      const { client } = site.client();
      const env = { FILESCOM_API_KEY: API_KEY, FILES_STREAM_TEST_LIBRARY: libraryUrl('index') };
      const kills: { remoteFiles: number; inFlight: number }[] = [];
      let done = 0;
      for (let k = 0; k < KILLS; k++) {
        const left = Math.max(1, FILES - done);
        const target = randomInt(random, 1, Math.max(1, Math.floor(Math.min(0.9 * left, (2 * left) / (KILLS - k + 1)))));
        const child = startTs(CHILD, [site.baseUrl, local, 'dest', '15'], { env });
        const lines = () => child.stdout().split('\n');
        const reached = await waitFor(child, () => lines().filter((l) => l.startsWith('uploaded ')).length >= target);
        if (reached) child.process.kill('SIGKILL');
        const result = await child.done;
        collect(`upload run ${k + 1}`, result);
        if (!reached) break;
        const sending = new Set(lines().filter((l) => l.startsWith('sending ')).map((l) => l.slice(8)));
        const finished = new Set(lines().filter((l) => l.startsWith('uploaded ')).map((l) => l.slice(9)));
        done += finished.size;
        // None half-written: whatever a killed run left under a final name is complete.
        const remote = await remoteFiles(client, 'dest');
        for (const [path, sum] of remote) expect(sum, `${path} after kill ${k + 1}`).toBe(expected.get(path));
        kills.push({ remoteFiles: remote.size, inFlight: [...sending].filter((p) => !finished.has(p)).length });
      }
      const last = startTs(CHILD, [site.baseUrl, local, 'dest', '0'], { env });
      const result = await last.done;
      collect('upload final run', result);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/DONE .*"failed":0/);
      const remote = await remoteFiles(client, 'dest');
      expect([...remote.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [path, sum] of remote) expect(sum, path).toBe(expected.get(path));
      expect(kills.length).toBeGreaterThanOrEqual(1);
      expect(kills.some((k) => k.inFlight > 0), 'a kill landed while a file was part-sent (else "none half-written" proves nothing)').toBe(true);

      // Nothing changed: listings only, not one upload request.
      site.emulator.resetLog();
      const t0 = performance.now();
      const again = await uploadTree(client, local, 'dest');
      const rerunMs = Math.round(performance.now() - t0);
      expect(again).toMatchObject({ uploaded: 0, skipped: FILES, failed: 0, refused: 0 });
      expect(uploadRequests(site)).toEqual({ files: 0, parts: 0 });
      figures.kill = { files: FILES, kills, rerunMs };
    },
    timeoutMs(90_000, 400_000),
  );

  it(
    'a folder of 10,000 entries: uploaded once, then a rerun skips every one with ten listing pages and no upload request',
    async () => {
      const local = join(temp.path, 'many');
      const count = 10_000;
      await mkdir(join(local, 'entries'), { recursive: true });
      for (let i = 0; i < count; i += 500) {
        await Promise.all(Array.from({ length: 500 }, (_, j) => writeFile(join(local, 'entries', `e${String(i + j).padStart(5, '0')}.txt`), `entry ${i + j}\n`)));
      }
      // In this process, through the emulator's own fetch (no sockets: 30,000 requests cost a
      // third of the time over HTTP); the kill test above is the one over HTTP.
      const emulator = createEmulator({ seed: SEED, apiKey: API_KEY });
      const client = createClient({ apiKey: API_KEY, fetch: emulator.fetch });
      const site = { emulator };
      const t0 = performance.now();
      const first = await uploadTree(client, local, 'many', { concurrency: 16, perPage: 1000 });
      const firstMs = Math.round(performance.now() - t0);
      expect(first).toMatchObject({ uploaded: count, skipped: 0, failed: 0, refused: 0, folders: 2 });
      expect(uploadRequests(site)).toEqual({ files: 2 * count, parts: count });
      expect((await remoteFiles(client, 'many/entries')).size).toBe(count);

      site.emulator.resetLog();
      const t1 = performance.now();
      const again = await uploadTree(client, local, 'many', { concurrency: 16, perPage: 1000 });
      const againMs = Math.round(performance.now() - t1);
      expect(again).toMatchObject({ uploaded: 0, skipped: count, failed: 0, folders: 0 });
      expect(uploadRequests(site)).toEqual({ files: 0, parts: 0 });
      // The folder named (one page: one entry), then the 10,000 entries' folder: 10 pages of 1,000.
      expect(operationCount(site.emulator, 'folders.listFor')).toBe(1 + 10);
      figures.folder10k = { entries: count, firstMs, rerunMs: againMs };
    },
    timeoutMs(300_000, 600_000),
  );
});
