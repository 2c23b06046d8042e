// Reliability of `files-stream export <op> --since --until --parallel` as a process: SIGKILLed
// at seeded random points and resumed with --checkpoint (every record exactly once, in order),
// stopped by SIGINT / SIGTERM (no request after, nothing half-written, resumable), under a
// server limit on concurrent requests (429 storms: finishes, each record once), on bursty data
// (balance seen in the emulator's request log), and as N shard processes run side by side
// (their union is the whole export).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBin } from '../helpers/child-process.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { randomInt, seededRandom } from './support/random.js';
import { recordFigures } from './support/report.js';
import { FORM, scaled, timeoutMs } from './support/scale.js';
import { scan } from './support/secrets.js';
import { collect, sizeOf, waitFor } from './support/children.js';
import { startSite, type Site } from './support/site.js';

const SEED = 5150;
const LOGS = scaled(12_000, 100_000);
const PER_PAGE = 100;
const PARALLEL = 6;
const KILLS = scaled(4, 10);
/** 90% of the records in 5% of the span: many on the same second, slices split inside the burst. */
const BURST = { burst: { share: 0.9, width: 0.05 } } as const;

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

let temp: TempDir;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  temp = await tempDir('reliability-parallel-');
});
afterAll(async () => {
  await temp?.remove();
  await recordFigures('parallel-export', figures);
  expect(scan.size).toBeGreaterThan(0);
  expect(scan.leaks()).toEqual([]);
});


/** The NDJSON lines of `[since, until)` as the plain cursor chain lists them (the server's own filters). */
async function referenceLines(site: Site, since: number, until: number): Promise<string[]> {
  const { client } = site.client();
  const records = await client.actionLogs.list({ per_page: 1000, filter_gteq: { created_at: iso(since) }, filter_lt: { created_at: iso(until) } }).toArray();
  return records.map((r) => JSON.stringify(r));
}

/** Every line of `text` once, as in `expected` (duplicates and missing ones shown, a few each). */
function expectSameLines(text: string, expected: readonly string[], ordered: boolean): void {
  const lines = text.split('\n').filter((l) => l !== '');
  const count = (list: readonly string[]) => list.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const got = count(lines);
  const want = count(expected);
  const duplicates = [...got].filter(([l, n]) => n > (want.get(l) ?? 0)).slice(0, 3);
  const missing = [...want].filter(([l, n]) => (got.get(l) ?? 0) < n).slice(0, 3);
  expect({ duplicates, missing, count: lines.length }).toEqual({ duplicates: [], missing: [], count: expected.length });
  if (ordered) expect(text).toBe(expected.map((l) => `${l}\n`).join(''));
}

/** A request being sent, as `--verbose` logs it (a response line has ` -> `). */
const REQUEST_LINE = /^debug: \S+ GET \S+( \(retry \d+\))?$/;

describe(`parallel export, SIGKILL and resume (${FORM} form)`, () => {
  let site: Site;
  beforeAll(async () => {
    // Latency and a few faults: long enough to be killed at many points, and retries are part of it.
    site = await startSite({ seed: 31, actionLogs: LOGS, actionLogTimes: BURST, faults: { latencyMs: [5, 25], unavailable: 0.01, connectionReset: 0.01, retryAfter: 0 } });
  });
  afterAll(async () => {
    await site?.close();
  });

  for (const ordered of [true, false]) {
    it(
      `--parallel ${PARALLEL}${ordered ? '' : ' --unordered'} --checkpoint: SIGKILLed ${KILLS} times at seeded random points, resumed: every record exactly once${ordered ? ', in order' : ''}`,
      async () => {
        const random = seededRandom(SEED + (ordered ? 0 : 1));
        const dir = join(temp.path, ordered ? 'kill-ordered' : 'kill-unordered');
        const out = join(dir, 'logs.ndjson');
        const checkpoint = join(dir, 'logs.ckpt');
        const t = site.emulator.timeline('actionLogs');
        // From a second inside the log (holding records) to past its end.
        const since = t.timeOf(Math.floor(LOGS / 40));
        const until = t.first + t.span;
        const expected = await referenceLines(site, since, until);
        const args = ['export', 'actionLogs', '--since', iso(since), '--until', iso(until), '--parallel', String(PARALLEL), '--per-page', String(PER_PAGE), '--out', out, '--checkpoint', checkpoint, ...(ordered ? [] : ['--unordered'])];
        const estimated = expected.reduce((n, l) => n + l.length + 1, 0);
        const kills: { atBytes: number; extraDelayMs: number; checkpointRecords: number }[] = [];
        const t0 = performance.now();
        for (let k = 0; k < KILLS; k++) {
          const before = await sizeOf(out);
          const left = Math.max(2, estimated - before);
          const target = before + randomInt(random, 1, Math.floor(Math.min(0.95 * left, (2 * left) / (KILLS - k + 1))));
          const extraDelayMs = randomInt(random, 0, 15);
          const child = startBin(args, { env: site.env });
          const reached = await waitFor(child, async () => (await sizeOf(out)) >= target);
          if (reached) {
            await sleep(extraDelayMs);
            child.process.kill('SIGKILL');
          }
          const result = await child.done;
          collect(`kill run ${k + 1}`, result);
          if (!reached) break;
          expect(result.signal).toBe('SIGKILL');
          const saved = await readFile(checkpoint, 'utf8').then((text) => JSON.parse(text) as { records: number; done: boolean; cursor: string | null }, () => undefined);
          expect(saved?.done ?? false).toBe(false);
          if (saved?.cursor) expect(saved.cursor).toMatch(/^fs-partition:/);
          kills.push({ atBytes: await sizeOf(out), extraDelayMs, checkpointRecords: saved?.records ?? 0 });
        }
        const result = await startBin(args, { env: site.env }).done;
        collect('final run', result);
        expect(result.code, result.stderr).toBe(0);
        expectSameLines(await readFile(out, 'utf8'), expected, ordered);
        const final = JSON.parse(await readFile(checkpoint, 'utf8')) as { done: boolean; records: number; export: { range: unknown } };
        expect(final).toMatchObject({ done: true, records: expected.length, export: { range: { since: new Date(since).toISOString(), until: new Date(until).toISOString() } } });
        expect(kills.length, 'kills that landed before the end').toBeGreaterThanOrEqual(Math.min(2, KILLS));
        // The resumed run removes what a kill during a checkpoint save left beside it.
        expect((await readdir(dir)).sort()).toEqual(['logs.ckpt', 'logs.ndjson']);
        figures[`kill-${ordered ? 'ordered' : 'unordered'}`] = { records: expected.length, parallel: PARALLEL, perPage: PER_PAGE, kills, runs: kills.length + 1, ms: Math.round(performance.now() - t0) };
      },
      timeoutMs(90_000, 600_000),
    );
  }

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(
      `${signal} mid-export: exit ${code}, no request after it, nothing half-written or left behind; the rerun resumes exactly`,
      async () => {
        const dir = join(temp.path, `signal-${signal}`);
        const out = join(dir, 'logs.ndjson');
        const checkpoint = join(dir, 'logs.ckpt');
        const t = site.emulator.timeline('actionLogs');
        const since = t.first;
        const until = t.timeOf(Math.floor(LOGS * 0.6));
        const args = ['--verbose', 'export', 'actionLogs', '--since', iso(since), '--until', iso(until), '--parallel', String(PARALLEL), '--per-page', String(PER_PAGE), '--out', out, '--checkpoint', checkpoint];
        const child = startBin(args, { env: site.env });
        const reached = await waitFor(child, async () => (await sizeOf(out)) >= 200_000);
        expect(reached, child.stderr()).toBe(true);
        const atSignal = site.emulator.stats.total;
        child.process.kill(signal);
        const result = await child.done;
        collect(`${signal} run`, result);
        expect(result.signal).toBeNull();
        expect(result.code, result.stderr).toBe(code);
        const lines = result.stderr.trimEnd().split('\n');
        const stopping = lines.findIndex((l) => l.startsWith(`${signal}: stopping`));
        expect(stopping, result.stderr.slice(-2000)).toBeGreaterThan(0);
        // The client logs each request as it sends it: none after the signal.
        expect(lines.slice(stopping).filter((l) => REQUEST_LINE.test(l))).toEqual([]);
        expect(lines.at(-2)).toMatch(new RegExp(`^error: export interrupted by ${signal}: \\d+ records in .*logs\\.ndjson, no request sent after it$`));
        expect(lines.at(-1)).toBe('hint: the checkpoint covers every record written: rerun the same command to resume');
        // On the server's side: what was in flight is answered, then nothing more comes.
        await sleep(300);
        const settled = site.emulator.stats.total;
        expect(settled - atSignal, 'requests answered after the signal').toBeLessThanOrEqual(2 * PARALLEL);
        await sleep(300);
        expect(site.emulator.stats.total).toBe(settled);
        // The checkpoint covers the output exactly; no temporary file.
        expect((await readdir(dir)).sort()).toEqual(['logs.ckpt', 'logs.ndjson']);
        const saved = JSON.parse(await readFile(checkpoint, 'utf8')) as { bytes: number; records: number; done: boolean };
        expect(saved.done).toBe(false);
        expect(await sizeOf(out)).toBe(saved.bytes);

        const rerun = await startBin(args.slice(1), { env: site.env }).done;
        collect(`${signal} rerun`, rerun);
        expect(rerun.code, rerun.stderr).toBe(0);
        expect(rerun.stderr).toMatch(/\(resumed; \d+ in all\)/);
        expectSameLines(await readFile(out, 'utf8'), await referenceLines(site, since, until), true);
        figures[`signal-${signal}`] = { recordsAtSignal: saved.records, requestsAnsweredAfter: settled - atSignal };
      },
      timeoutMs(60_000, 300_000),
    );
  }

  it(
    'shards 1/4..4/4 run as four processes side by side (as GNU parallel would): their union is the whole export, each shard in order',
    async () => {
      const dir = join(temp.path, 'shards');
      const t = site.emulator.timeline('actionLogs');
      const since = t.first;
      const until = t.first + t.span;
      const parts = [1, 2, 3, 4].map((k) => join(dir, `part-${k}.ndjson`));
      const results = await Promise.all(
        parts.map((out, i) => startBin(['export', 'actionLogs', '--since', iso(since), '--until', iso(until), '--shard', `${i + 1}/4`, '--parallel', '2', '--per-page', '500', '--out', out], { env: site.env }).done),
      );
      for (const [i, result] of results.entries()) {
        collect(`shard ${i + 1}`, result);
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toMatch(new RegExp(`shard ${i + 1}/4 = `));
      }
      const texts = await Promise.all(parts.map((p) => readFile(p, 'utf8')));
      expect(texts.filter((text) => text !== '').length).toBeGreaterThanOrEqual(3);
      expectSameLines(texts.join(''), await referenceLines(site, since, until), true);
    },
    timeoutMs(60_000, 300_000),
  );
});

describe(`429 storms: a server limit on concurrent requests (${FORM} form)`, () => {
  let site: Site;
  const logs = scaled(6_000, 40_000);
  beforeAll(async () => {
    site = await startSite({ seed: 32, actionLogs: logs, maxConcurrent: 2, concurrencyRetryAfter: 1, faults: { latencyMs: 10 } });
  });
  afterAll(async () => {
    await site?.close();
  });

  it(
    '--parallel 8 against a limit of 2: many 429s with Retry-After, and the export still finishes with every record once, in order',
    async () => {
      const dir = join(temp.path, 'storm');
      const out = join(dir, 'logs.ndjson');
      const t = site.emulator.timeline('actionLogs');
      site.emulator.resetLog();
      const t0 = performance.now();
      const result = await startBin(['export', 'actionLogs', '--since', iso(t.first), '--until', iso(t.first + t.span), '--parallel', '8', '--per-page', '100', '--out', out, '--checkpoint', join(dir, 'c.ckpt')], { env: site.env }).done;
      const ms = Math.round(performance.now() - t0);
      collect('storm run', result);
      expect(result.code, result.stderr).toBe(0);
      const stats = site.emulator.stats;
      expect(stats.byStatus['429'] ?? 0, 'the limit answered 429s').toBeGreaterThan(0);
      expect(stats.peakInFlight).toBeLessThanOrEqual(2);
      expect(result.stderr).toMatch(/, [1-9]\d* retr(y|ies)$/m);
      expectSameLines(await readFile(out, 'utf8'), await referenceLines(site, t.first, t.first + t.span), true);
      figures.storm = { records: logs, requests: stats.byKind.api, status429: stats.byStatus['429'], ms };
    },
    timeoutMs(90_000, 400_000),
  );
});

describe(`bursty data: 90% of the records in 5% of the range (${FORM} form)`, () => {
  let site: Site;
  const logs = scaled(20_000, 200_000);
  beforeAll(async () => {
    site = await startSite({ seed: 33, actionLogs: logs, actionLogTimes: BURST, faults: { latencyMs: 20 }, requestLogLimit: 1_000_000 });
  });
  afterAll(async () => {
    await site?.close();
  });

  it(
    '--parallel 8: slices are split inside the burst, every worker stays busy, no cursor chain much longer than its share',
    async () => {
      const dir = join(temp.path, 'burst');
      const out = join(dir, 'logs.ndjson');
      const t = site.emulator.timeline('actionLogs');
      const since = t.first;
      const until = t.first + t.span;
      site.emulator.resetLog();
      const result = await startBin(['export', 'actionLogs', '--since', iso(since), '--until', iso(until), '--parallel', '8', '--per-page', '100', '--out', out], { env: site.env }).done;
      collect('burst run', result);
      expect(result.code, result.stderr).toBe(0);
      const requests = site.emulator.requests.filter((r) => r.operation === 'actionLogs.list');
      // One slice = one created_at range; the number of its requests = the length of its cursor chain.
      const chains = new Map<string, number>();
      for (const r of requests) {
        const key = `${r.query['filter_gteq[created_at]']}|${r.query['filter_lt[created_at]']}`;
        chains.set(key, (chains.get(key) ?? 0) + 1);
      }
      const burstFrom = t.first + 0.475 * t.span;
      const burstTo = burstFrom + 0.05 * t.span;
      const inBurst = [...chains].filter(([key]) => {
        const [from, to] = key.split('|').map((v) => Date.parse(v!));
        return from! < burstTo && to! > burstFrom;
      });
      const pages = requests.length;
      const longest = Math.max(...chains.values());
      // A single chain would take `pages` round trips; with balance the longest is near pages / 8.
      expect(inBurst.length, 'slices inside the burst').toBeGreaterThanOrEqual(8);
      expect(longest, `longest chain of ${pages} pages`).toBeLessThanOrEqual(Math.ceil((2 * pages) / 8));
      expect(site.emulator.stats.peakInFlight).toBe(8);
      expect(parseLines(await readFile(out, 'utf8'))).toBe(logs);
      figures.burst = { records: logs, pages, slices: chains.size, slicesInBurst: inBurst.length, longestChain: longest };
    },
    timeoutMs(60_000, 400_000),
  );
});

function parseLines(text: string): number {
  return text.split('\n').filter((l) => l !== '').length;
}
