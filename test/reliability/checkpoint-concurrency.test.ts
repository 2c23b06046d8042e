// Reliability: one checkpoint, many processes, other sites (issue #18, points 4 and 5). Real
// CLI processes on one checkpoint against one emulator with latency, so that they overlap:
// a second run is refused (exit 2, naming the holder) before it reads the checkpoint or opens
// the output, the first finishes with every record once, and no temporary file of a live
// process is removed. The lock of a SIGKILLed run is taken over by the rerun. A checkpoint
// resumed against another site is refused before any request.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBin, startNode, type ChildResult, type RunningChild } from '../helpers/child-process.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { collect, sizeOf, waitFor } from './support/children.js';
import { recordFigures } from './support/report.js';
import { FORM, scaled, timeoutMs } from './support/scale.js';
import { scan } from './support/secrets.js';
import { startSite, type Site } from './support/site.js';

const LOGS = scaled(12_000, 60_000);
const PER_PAGE = 50;
/** Refused runs started while the first one runs. */
const SECOND_RUNS = 3;

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

let temp: TempDir;
let site: Site;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  temp = await tempDir('reliability-ckpt-lock-');
  // 40 ms a request, 50 records a page, 2 at once: the export takes seconds, so runs overlap.
  site = await startSite({ seed: 41, actionLogs: LOGS, faults: { latencyMs: 40 } });
});
afterAll(async () => {
  await site?.close();
  await temp?.remove();
  await recordFigures('checkpoint-concurrency', figures);
  expect(scan.size).toBeGreaterThan(0);
  expect(scan.leaks()).toEqual([]);
});

/** The NDJSON lines of `[since, until)` as the plain cursor chain lists them. */
async function referenceLines(since: number, until: number): Promise<string[]> {
  const { client } = site.client();
  const records = await client.actionLogs.list({ per_page: 1000, filter_gteq: { created_at: iso(since) }, filter_lt: { created_at: iso(until) } }).toArray();
  return records.map((r) => JSON.stringify(r));
}

/** `text` is exactly `expected`, one line each, in order (duplicates and missing lines shown first). */
function expectExactly(text: string, expected: readonly string[]): void {
  const lines = text.split('\n').filter((l) => l !== '');
  const seen = new Map<string, number>();
  for (const line of lines) seen.set(line, (seen.get(line) ?? 0) + 1);
  const duplicates = [...seen].filter(([, n]) => n > 1).length;
  const missing = expected.filter((l) => !seen.has(l)).length;
  expect({ duplicates, missing, count: lines.length, torn: lines.filter((l) => !l.endsWith('}')).length }).toEqual({ duplicates: 0, missing: 0, count: expected.length, torn: 0 });
  expect(text).toBe(expected.map((l) => `${l}\n`).join(''));
}

/** A process that lives until killed: its pid is a live one that is not an export. */
function sleeper(): RunningChild {
  return startNode(['-e', 'setTimeout(() => {}, 600000)']);
}

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = startNode(['-e', '']);
  await child.done;
  return child.process.pid!;
}

function exportArgs(dir: string, since: number, until: number): { out: string; checkpoint: string; args: string[] } {
  const out = join(dir, 'logs.ndjson');
  const checkpoint = join(dir, 'logs.ckpt');
  const args = ['export', 'actionLogs', '--since', iso(since), '--until', iso(until), '--parallel', '2', '--per-page', String(PER_PAGE), '--out', out, '--checkpoint', checkpoint];
  return { out, checkpoint, args };
}

describe(`one checkpoint, two runs at once (${FORM} form)`, () => {
  it(
    `a second run (${SECOND_RUNS} at once) while the first holds the checkpoint: each exits 2 naming the holder; the first exits 0 with every record once; no live temp file removed`,
    async () => {
      const dir = join(temp.path, 'twice');
      const t = site.emulator.timeline('actionLogs');
      const { out, checkpoint, args } = exportArgs(dir, t.first, t.first + t.span);
      const expected = await referenceLines(t.first, t.first + t.span);
      const live = sleeper();
      try {
        const first = startBin(args, { env: site.env });
        // The first run has saved a checkpoint (so a second one could resume it) and is far from done.
        const started = await waitFor(first, async () => (await sizeOf(checkpoint)) > 0 && (await sizeOf(out)) > 0);
        expect(started, first.stderr()).toBe(true);
        // A save's temporary file of a live process: never anyone else's to remove.
        const liveTemp = join(dir, `logs.ckpt.${live.process.pid}.tmp`);
        await writeFile(liveTemp, 'a save in progress');
        const before = await sizeOf(out);
        let firstEnded = false;
        void first.done.then(() => (firstEnded = true));
        const seconds: ChildResult[] = await Promise.all(Array.from({ length: SECOND_RUNS }, () => startBin(args, { env: site.env }).done));
        for (const [i, second] of seconds.entries()) {
          collect(`second run ${i + 1}`, second);
          expect(second.code, second.stderr).toBe(2);
          expect(second.stderr).toMatch(new RegExp(`^error: checkpoint \\S*logs\\.ckpt is in use by pid ${first.process.pid} \\(files-stream export actionLogs\\.list, started 20\\d\\d-[^)]+\\)`, 'm'));
          expect(second.stderr).toMatch(/^hint: .*wait for it to end/m);
        }
        expect(firstEnded, 'the first run was still running when the others ended (else this proves nothing)').toBe(false);
        expect(await readFile(liveTemp, 'utf8')).toBe('a save in progress');
        const result = await first.done;
        collect('first run', result);
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toMatch(new RegExp(`: ${expected.length} records, `));
        expectExactly(await readFile(out, 'utf8'), expected);
        const saved = JSON.parse(await readFile(checkpoint, 'utf8')) as { done: boolean; records: number };
        expect(saved).toMatchObject({ done: true, records: expected.length });
        // The lock is gone with its run; the live process's temp file is still there.
        expect((await readdir(dir)).sort()).toEqual(['logs.ckpt', `logs.ckpt.${live.process.pid}.tmp`, 'logs.ndjson']);
        figures.twice = { records: expected.length, secondRuns: SECOND_RUNS, outputBytesWhenRefused: before };
      } finally {
        live.process.kill('SIGKILL');
        await live.done;
      }
    },
    timeoutMs(90_000, 300_000),
  );

  it(
    'the lock of a SIGKILLed run is taken over by the rerun (which also removes the dead run\'s temp files): every record once, nothing left beside the checkpoint',
    async () => {
      const dir = join(temp.path, 'stale');
      const t = site.emulator.timeline('actionLogs');
      const until = t.timeOf(Math.floor(LOGS / 2));
      const { out, checkpoint, args } = exportArgs(dir, t.first, until);
      const killed = startBin(args, { env: site.env });
      expect(await waitFor(killed, async () => (await sizeOf(checkpoint)) > 0), killed.stderr()).toBe(true);
      killed.process.kill('SIGKILL');
      collect('killed run', await killed.done);
      const lock = JSON.parse(await readFile(`${checkpoint}.lock`, 'utf8')) as { pid: number; hostname: string; command: string };
      expect(lock).toMatchObject({ pid: killed.process.pid, command: 'files-stream export actionLogs.list' });
      const dead = await deadPid();
      await writeFile(join(dir, `logs.ckpt.${dead}.tmp`), 'torn save');
      const rerun = await startBin(args, { env: site.env }).done;
      collect('rerun', rerun);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).toMatch(/\(resumed; \d+ in all\)/);
      expectExactly(await readFile(out, 'utf8'), await referenceLines(t.first, until));
      expect((await readdir(dir)).sort()).toEqual(['logs.ckpt', 'logs.ndjson']);
    },
    timeoutMs(60_000, 300_000),
  );
});

describe(`a checkpoint is bound to its site (${FORM} form)`, () => {
  let other: Site;
  beforeAll(async () => {
    // The same data on another port: another site as far as the checkpoint can tell.
    other = await startSite({ seed: 41, actionLogs: LOGS, faults: { latencyMs: 40 } });
  });
  afterAll(async () => {
    await other?.close();
  });

  it(
    'a by-time checkpoint resumed with another FILESCOM_BASE_URL: exit 2 naming both sites, before any request, output unchanged; resumed on its own site: every record once',
    async () => {
      const dir = join(temp.path, 'site');
      const t = site.emulator.timeline('actionLogs');
      const until = t.timeOf(Math.floor(LOGS / 2));
      const { out, checkpoint, args } = exportArgs(dir, t.first, until);
      const stopped = startBin(args, { env: site.env });
      expect(await waitFor(stopped, async () => (await sizeOf(checkpoint)) > 0), stopped.stderr()).toBe(true);
      stopped.process.kill('SIGINT');
      const interrupted = await stopped.done;
      collect('interrupted run', interrupted);
      expect(interrupted.code, interrupted.stderr).toBe(130);
      const output = await readFile(out);
      const saved = await readFile(checkpoint, 'utf8');
      other.emulator.resetLog();
      const elsewhere = await startBin(args, { env: other.env }).done;
      collect('run on the other site', elsewhere);
      expect(elsewhere.code, elsewhere.stderr).toBe(2);
      expect(elsewhere.stderr).toContain(`error: checkpoint ${checkpoint} was saved for site ${site.baseUrl}, not ${other.baseUrl}`);
      expect(other.emulator.stats.total, 'requests sent to the other site').toBe(0);
      expect((await readFile(out)).equals(output), 'output unchanged').toBe(true);
      expect(await readFile(checkpoint, 'utf8')).toBe(saved);
      const home = await startBin(args, { env: site.env }).done;
      collect('run on its own site', home);
      expect(home.code, home.stderr).toBe(0);
      expectExactly(await readFile(out, 'utf8'), await referenceLines(t.first, until));
    },
    timeoutMs(60_000, 300_000),
  );
});
