/**
 * `npm run bench`: every benchmark of files-stream against the emulator's HTTP front end on
 * loopback, each contender in its own child process (so its peak RSS is its own), in one run.
 * Writes benchmarks/RESULTS.md, benchmarks/results.json and benchmarks/chart.svg.
 *
 *   npm run bench                 # 10k, 100k, 1M records; median of 3 runs
 *   npm run bench -- --quick      # 10k and 100k, one run: a smoke test
 *   npm run bench -- --runs 5 --only import,listing,operators,prefetch,tree,partition
 *   npm run bench -- --quick --only upload-tree   # uploadTree alone, small trees (well under a minute)
 */
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchDir, runChild, startEmulator, type ChildOutcome } from './lib/child.js';
import { lineCharts } from './lib/chart.js';
import { writeLocalTree, type LocalTree } from './lib/local-tree.js';
import { median, ratio } from './lib/stats.js';
import type { ListingResult } from './contenders/measure.js';
import { findPostgresBin, startPostgresCluster, type PostgresCluster } from '../test/helpers/postgres-cluster.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string) => argv[argv.indexOf(name) + 1];
const quick = flag('--quick');
const RUNS = Number(flag('--runs') ? option('--runs') : quick ? 1 : 3);
const SIZES = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
const ONLY = new Set((flag('--only') ? option('--only')! : 'import,listing,operators,prefetch,tree,upload-tree,partition,sync').split(','));
const log = (...a: unknown[]) => console.error('[bench]', ...a);

// Contenders load files-stream as npm installs it: the built `dist/`.
log('building dist/ (npm run build)');
execSync('npm run build', { cwd: join(benchDir, '..'), stdio: ['ignore', 'ignore', 'inherit'] });

interface Summary<T> {
  runs: T[];
  failure?: string;
}

/** Runs a child `RUNS` times (stopping at the first failure) and keeps every result. */
async function repeatChild<T>(script: string, env: Record<string, string>, opts: Parameters<typeof runChild>[2] = {}, runs = RUNS): Promise<Summary<T>> {
  const out: Summary<T> = { runs: [] };
  for (let i = 0; i < runs; i++) {
    const r: ChildOutcome<T> = await runChild<T>(script, env, opts);
    if (!r.ok) return { ...out, failure: r.failure };
    out.runs.push(r.result);
  }
  return out;
}
const med = <T>(s: Summary<T>, key: keyof T) => (s.runs.length ? median(s.runs.map((r) => Number(r[key]))) : null);

// ---------------------------------------------------------------- import time
type ImportTimes = { rounds: number; medianMs: Record<string, number>; overEmptyMs: { filesStream: number; official: number; cliHelp: number } };
let importTimes: ImportTimes | undefined;
let importFailure: string | undefined;
if (ONLY.has('import')) {
  log('import time (15 rounds)');
  const r = await runChild<ImportTimes>('import-time.ts', {}, { timeoutMs: 300_000 });
  if (r.ok) importTimes = r.result;
  else importFailure = r.failure;
}

// ---------------------------------------------------------------- listing
const listingContenders = [
  { id: 'plain', label: 'plain fetch loop', script: 'contenders/plain-fetch.ts', env: {} },
  { id: 'passthrough', label: 'files-stream (validation passthrough)', script: 'contenders/files-stream.ts', env: { BENCH_VALIDATION: 'passthrough' } },
  { id: 'off', label: 'files-stream (validation off)', script: 'contenders/files-stream.ts', env: { BENCH_VALIDATION: 'off' } },
  { id: 'official', label: 'official files.com package', script: 'contenders/official.ts', env: {} },
] as const;
type ListingRow = { size: number; contender: string; ms: number | null; firstMs: number | null; peakRssMB: number | null; requests: number | null; runs: number; failure?: string };
const listing: ListingRow[] = [];

if (ONLY.has('listing')) {
  for (const size of SIZES) {
    const emu = await startEmulator({ users: size, seed: 7 });
    const env = { BENCH_BASE_URL: emu.baseUrl, BENCH_API_KEY: emu.apiKey, BENCH_RECORDS: String(size), BENCH_PER_PAGE: '1000' };
    const summaries = new Map<string, Summary<ListingResult>>(listingContenders.map((c) => [c.id, { runs: [] }]));
    // Interleave contenders run by run, so drift on a shared machine hits all of them alike.
    for (let run = 0; run < RUNS; run++) {
      for (const c of listingContenders) {
        const s = summaries.get(c.id)!;
        if (s.failure) continue;
        // The official package collects every page in memory: give it a bounded heap and time.
        const opts = c.id === 'official' ? { nodeFlags: ['--max-old-space-size=4096'], timeoutMs: 240_000 } : {};
        log(`listing ${size} ${c.id} run ${run + 1}/${RUNS}`);
        const r = await runChild<ListingResult>(c.script, { ...env, ...c.env }, opts);
        if (r.ok) s.runs.push(r.result);
        else s.failure = r.failure;
      }
    }
    for (const c of listingContenders) {
      const s = summaries.get(c.id)!;
      listing.push({ size, contender: c.id, ms: med(s, 'ms'), firstMs: med(s, 'firstMs'), peakRssMB: med(s, 'peakRssMB'), requests: med(s, 'requests'), runs: s.runs.length, failure: s.failure });
    }
    await emu.stop();
  }
}

// ---------------------------------------------------------------- operators
type OpsRow = { mode: string; ms: number | null; failure?: string };
const operators: OpsRow[] = [];
const OPS_SIZE = quick ? 100_000 : 1_000_000;
if (ONLY.has('operators')) {
  const emu = await startEmulator({ users: OPS_SIZE, seed: 7 });
  const env = { BENCH_BASE_URL: emu.baseUrl, BENCH_API_KEY: emu.apiKey, BENCH_RECORDS: String(OPS_SIZE) };
  const byMode = new Map<string, Summary<{ ms: number }>>([['hand', { runs: [] }], ['files-stream', { runs: [] }], ['ix', { runs: [] }]]);
  for (let run = 0; run < RUNS; run++) {
    for (const [mode, s] of byMode) {
      if (s.failure || (mode === 'ix' && run > 0)) continue; // IxJS pipe: one run shows its order of magnitude
      log(`operators ${mode} run ${run + 1}/${RUNS}`);
      const r = await runChild<{ ms: number }>('contenders/operators-listing.ts', { ...env, BENCH_MODE: mode });
      if (r.ok) s.runs.push(r.result);
      else s.failure = r.failure;
    }
  }
  for (const [mode, s] of byMode) operators.push({ mode, ms: med(s, 'ms'), failure: s.failure });
  await emu.stop();
}
const inMemory = ONLY.has('operators') ? await runChild<{ msPerPass: Record<string, number>; ratioVsHandWritten: Record<string, number> }>('operators.ts', {}, {}) : undefined;

// ---------------------------------------------------------------- prefetch
type PrefetchRow = { prefetch: number; ms: number | null; failure?: string };
const prefetch: PrefetchRow[] = [];
const PREFETCH_PAGES = 20;
if (ONLY.has('prefetch')) {
  const emu = await startEmulator({ users: PREFETCH_PAGES * 1000, seed: 7, faults: { latencyMs: 50 } });
  const env = { BENCH_BASE_URL: emu.baseUrl, BENCH_API_KEY: emu.apiKey, BENCH_RECORDS: String(PREFETCH_PAGES * 1000), BENCH_WORK: '50' };
  for (const p of [0, 1, 2]) {
    log(`prefetch ${p}`);
    const s = await repeatChild<{ ms: number }>('contenders/prefetch.ts', { ...env, BENCH_PREFETCH: String(p) });
    prefetch.push({ prefetch: p, ms: med(s, 'ms'), failure: s.failure });
  }
  await emu.stop();
}

// ---------------------------------------------------------------- tree
type TreeRow = { concurrency: number; ms: number | null; requests: number | null; failure?: string };
const tree: TreeRow[] = [];
const TREE_FILES = 10_000;
if (ONLY.has('tree')) {
  const emu = await startEmulator({ files: TREE_FILES, seed: 7, faults: { latencyMs: 20 } });
  const env = { BENCH_BASE_URL: emu.baseUrl, BENCH_API_KEY: emu.apiKey, BENCH_RECORDS: String(TREE_FILES) };
  for (const c of [1, 4, 16]) {
    log(`tree concurrency ${c}`);
    const s = await repeatChild<{ ms: number; requests: number }>('contenders/tree.ts', { ...env, BENCH_CONCURRENCY: String(c) }, {}, Math.min(RUNS, 2));
    tree.push({ concurrency: c, ms: med(s, 'ms'), requests: med(s, 'requests'), failure: s.failure });
  }
  await emu.stop();
}

// ---------------------------------------------------------------- upload tree
// `uploadTree` (files-stream's, from dist/) of local trees into the emulator at 50 ms latency
// per API request (the part PUTs go to presigned URLs, without latency): a tree of small files
// (1 to 64 KiB, 100 a folder) and one of 64 MiB files, at concurrency 1, 4 and 16, each into a
// fresh emulator, then the same upload again with nothing changed (listings alone). Every run
// in a child process with a 64 MB heap (--max-old-space-size=64). Sizes: a small file costs two
// API round trips (put, end), so at concurrency 1 the 10,000-file tree would take about 17 minutes:
// concurrency 1 uploads 1,000 files (--quick, a smoke test: 30 at 1, 120 at 4, 360 at 16, and 2 files of
// 64 MiB; a rerun's fixed cost, about 0.4 s of listing round trips and first-request loading, is then
// near 10% of the first run: the 10% target is judged on the full sizes only).
type UploadTreeRow = {
  tree: 'small' | 'large';
  files: number;
  bytes: number;
  concurrency: number;
  ms: number | null;
  requests: number | null;
  peakRssMB: number | null;
  peakHeapMB: number | null;
  rerunMs: number | null;
  rerunUploadRequests: number | null;
  failure?: string;
};
type UploadTreeResult = { ms: number; uploaded: number; skipped: number; bytes: number; requests: number; uploadRequests: number; peakRssMB: number; peakHeapMB: number };
const uploadTreeRows: UploadTreeRow[] = [];
const UPLOAD_LEVELS = [1, 4, 16] as const;
const UPLOAD_SMALL_FILES: Record<(typeof UPLOAD_LEVELS)[number], number> = quick ? { 1: 30, 4: 120, 16: 360 } : { 1: 1_000, 4: 10_000, 16: 10_000 };
const UPLOAD_LARGE_FILES = quick ? 2 : 16;
const UPLOAD_HEAP_MB = 64;
if (ONLY.has('upload-tree')) {
  const root = await mkdtemp(join(tmpdir(), 'files-stream-bench-upload-'));
  try {
    const small = new Map<number, LocalTree>();
    for (const files of new Set(Object.values(UPLOAD_SMALL_FILES))) {
      log(`upload-tree: writing a local tree of ${files} files of 1-64 KiB`);
      small.set(files, await writeLocalTree(join(root, `small-${files}`), files, 1024, 64 * 1024));
    }
    log(`upload-tree: writing a local tree of ${UPLOAD_LARGE_FILES} files of 64 MiB`);
    const large = await writeLocalTree(join(root, 'large'), UPLOAD_LARGE_FILES, 64 * 2 ** 20, 64 * 2 ** 20);
    const cases = [
      ...UPLOAD_LEVELS.map((concurrency) => ({ tree: 'small' as const, local: small.get(UPLOAD_SMALL_FILES[concurrency])!, concurrency })),
      ...UPLOAD_LEVELS.map((concurrency) => ({ tree: 'large' as const, local: large, concurrency })),
    ];
    for (const { tree: kind, local, concurrency } of cases) {
      const emu = await startEmulator({ files: 0, seed: 7, faults: { latencyMs: 50 } });
      const env = { BENCH_BASE_URL: emu.baseUrl, BENCH_API_KEY: emu.apiKey, BENCH_LOCAL: local.dir, BENCH_REMOTE: 'bench', BENCH_CONCURRENCY: String(concurrency) };
      const opts = { nodeFlags: [`--max-old-space-size=${UPLOAD_HEAP_MB}`], timeoutMs: 1_800_000 };
      log(`upload-tree ${kind} ${local.files} files concurrency ${concurrency}`);
      const first = await runChild<UploadTreeResult>('contenders/upload-tree.ts', env, opts);
      log(`upload-tree ${kind} ${local.files} files concurrency ${concurrency}: rerun, nothing changed`);
      const again = first.ok ? await runChild<UploadTreeResult>('contenders/upload-tree.ts', env, opts) : undefined;
      const wrong = first.ok && first.result.uploaded !== local.files ? `uploaded ${first.result.uploaded} of ${local.files} files` : undefined;
      uploadTreeRows.push({
        tree: kind,
        files: local.files,
        bytes: local.bytes,
        concurrency,
        ms: first.ok && !wrong ? first.result.ms : null,
        requests: first.ok ? first.result.requests : null,
        peakRssMB: first.ok ? first.result.peakRssMB : null,
        peakHeapMB: first.ok ? first.result.peakHeapMB : null,
        rerunMs: again?.ok ? again.result.ms : null,
        rerunUploadRequests: again?.ok ? again.result.uploadRequests : null,
        failure: !first.ok ? first.failure : wrong ?? (again && !again.ok ? `rerun: ${again.failure}` : undefined),
      });
      await emu.stop();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- partition
type PartitionRow = { parallel: number; maxConcurrent: number | null; ms: number | null; peakRssMB: number | null; requests: number | null; rateLimited: number | null; failure?: string };
const partition: PartitionRow[] = [];
const LOG_RECORDS = quick ? 100_000 : 1_000_000;
if (ONLY.has('partition')) {
  // Action log i has created_at = 2024-01-01T00:00:00Z + 5 s x i (i from 1): the range covers them all.
  const since = '2024-01-01T00:00:00Z';
  const until = new Date(Date.parse(since) + (LOG_RECORDS + 1) * 5_000).toISOString();
  const env = (emu: { baseUrl: string; apiKey: string }) => ({ BENCH_BASE_URL: emu.baseUrl, BENCH_API_KEY: emu.apiKey, BENCH_RECORDS: String(LOG_RECORDS), BENCH_PER_PAGE: '1000', BENCH_SINCE: since, BENCH_UNTIL: until });
  type PartitionResult = { ms: number; peakRssMB: number; requests: number; rateLimited: number };
  for (const maxConcurrent of [null, 4]) {
    const emu = await startEmulator({ actionLogs: LOG_RECORDS, seed: 7, faults: { latencyMs: 50 }, ...(maxConcurrent ? { maxConcurrent } : {}) });
    const levels = maxConcurrent ? [0, 8] : [0, 2, 4, 8, 16];
    const summaries = new Map<number, Summary<PartitionResult>>(levels.map((p) => [p, { runs: [] }]));
    // Interleaved run by run (peak RSS follows the garbage collector's timing: one run says little).
    for (let run = 0; run < RUNS; run++) {
      for (const parallel of levels) {
        const s = summaries.get(parallel)!;
        if (s.failure) continue;
        log(`partition ${LOG_RECORDS} parallel ${parallel}${maxConcurrent ? ` max-concurrent ${maxConcurrent}` : ''} run ${run + 1}/${RUNS}`);
        const r = await runChild<PartitionResult>('contenders/partition-export.ts', { ...env(emu), BENCH_PARALLEL: String(parallel) }, { timeoutMs: 600_000 });
        if (r.ok) s.runs.push(r.result);
        else s.failure = r.failure;
      }
    }
    for (const parallel of levels) {
      const s = summaries.get(parallel)!;
      partition.push({ parallel, maxConcurrent, ms: med(s, 'ms'), peakRssMB: med(s, 'peakRssMB'), requests: med(s, 'requests'), rateLimited: med(s, 'rateLimited'), failure: s.failure });
    }
    await emu.stop();
  }
}

// ---------------------------------------------------------------- sync
// `files-stream sync` of 1,000,000 action logs at 50 ms latency, --parallel 8, into DuckDB,
// Parquet and PostgreSQL, beside the NDJSON export of the same range (the baseline) and the
// two-steps a user writes today (that export, then DuckDB's read_json; or `psql \copy` into a
// jsonb staging table and `INSERT ... SELECT`); then 1,000,000 users merged into an existing
// table of DuckDB and of PostgreSQL. The PostgreSQL server is a throwaway cluster on this same
// machine (test/helpers/postgres-cluster.ts): it shares the cores, and its CPU time is not in
// the CPU column (that of the measured process only). Without PostgreSQL, its rows are skipped
// with a note.
type SyncRow = { what: string; records: number; ms: number | null; peakRssMB: number | null; cpuMs: number | null; failure?: string };
const syncRows: SyncRow[] = [];
/** Why the PostgreSQL rows are missing, when they are. */
let postgresSkipped: string | undefined;
if (ONLY.has('sync')) {
  const since = '2024-01-01T00:00:00Z';
  const until = new Date(Date.parse(since) + (LOG_RECORDS + 1) * 5_000).toISOString();
  type SyncResult = { what: string; records: number; ms: number; peakRssMB: number; cpuMs: number };
  const found = findPostgresBin();
  let cluster: PostgresCluster | undefined;
  if ('missing' in found) postgresSkipped = found.missing;
  else {
    log('sync: starting a throwaway PostgreSQL cluster');
    try {
      cluster = await startPostgresCluster();
    } catch (error) {
      postgresSkipped = `the PostgreSQL cluster did not start: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  if (postgresSkipped) log(`sync: PostgreSQL rows skipped (${postgresSkipped})`);
  /** One run of contenders/sync.ts; a PostgreSQL case gets a fresh database of its own, dropped afterwards. */
  const runSync = async (what: string, env: Record<string, string>): Promise<ChildOutcome<SyncResult>> => {
    if (!what.startsWith('postgres')) return runChild<SyncResult>('contenders/sync.ts', { ...env, BENCH_SYNC: what }, { timeoutMs: 900_000 });
    const db = await cluster!.createDatabase();
    try {
      const bin = (found as { bin: string }).bin;
      return await runChild<SyncResult>('contenders/sync.ts', { ...env, BENCH_SYNC: what, BENCH_PG_URL: cluster!.url(db), BENCH_PG_ENV: JSON.stringify(cluster!.env(db)), BENCH_PSQL: join(bin, 'psql') }, { timeoutMs: 900_000 });
    } finally {
      // FORCE: a run killed at its timeout may leave a connection behind.
      await cluster!.query(`DROP DATABASE "${db}" WITH (FORCE)`).catch((error: Error) => log(`sync: could not drop database ${db}: ${error.message}`));
    }
  };
  try {
    const logsEmu = await startEmulator({ actionLogs: LOG_RECORDS, seed: 7, faults: { latencyMs: 50 } });
    const contenders = ['export', 'duckdb', 'parquet', 'two-step', ...(cluster ? ['postgres', 'postgres-two-step'] : [])];
    const summaries = new Map<string, Summary<SyncResult>>(contenders.map((c) => [c, { runs: [] }]));
    for (let run = 0; run < RUNS; run++) {
      for (const what of contenders) {
        const s = summaries.get(what)!;
        if (s.failure) continue;
        log(`sync ${what} ${LOG_RECORDS} run ${run + 1}/${RUNS}`);
        const r = await runSync(what, { BENCH_BASE_URL: logsEmu.baseUrl, BENCH_API_KEY: logsEmu.apiKey, BENCH_RECORDS: String(LOG_RECORDS), BENCH_PER_PAGE: '1000', BENCH_SINCE: since, BENCH_UNTIL: until, BENCH_PARALLEL: '8' });
        if (r.ok) s.runs.push(r.result);
        else s.failure = r.failure;
      }
    }
    await logsEmu.stop();
    for (const what of contenders) {
      const s = summaries.get(what)!;
      syncRows.push({ what, records: LOG_RECORDS, ms: med(s, 'ms'), peakRssMB: med(s, 'peakRssMB'), cpuMs: med(s, 'cpuMs'), failure: s.failure });
    }
    const users = quick ? 100_000 : 1_000_000;
    const usersEmu = await startEmulator({ users, seed: 7 });
    for (const what of ['merge', ...(cluster ? ['postgres-merge'] : [])]) {
      const merged: Summary<SyncResult> = { runs: [] };
      for (let run = 0; run < Math.min(RUNS, 2); run++) {
        log(`sync ${what} ${users} users run ${run + 1}/${Math.min(RUNS, 2)}`);
        const r = await runSync(what, { BENCH_BASE_URL: usersEmu.baseUrl, BENCH_API_KEY: usersEmu.apiKey, BENCH_RECORDS: String(users), BENCH_PER_PAGE: '1000' });
        if (!r.ok) {
          merged.failure = r.failure;
          break;
        }
        merged.runs.push(r.result);
      }
      syncRows.push({ what, records: users, ms: med(merged, 'ms'), peakRssMB: med(merged, 'peakRssMB'), cpuMs: med(merged, 'cpuMs'), failure: merged.failure });
    }
    await usersEmu.stop();
  } finally {
    await cluster?.destroy();
  }
}

// ---------------------------------------------------------------- targets
const row = (size: number, id: string) => listing.find((r) => r.size === size && r.contender === id);
type Target = { target: string; measured: string; pass: boolean | null };
const targets: Target[] = [];
const big = SIZES[SIZES.length - 1]!;
const mid = 100_000;
const verdict = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? 'PASS' : 'FAIL');
{
  const plain = row(big, 'plain');
  const pass = row(big, 'passthrough');
  const off = row(big, 'off');
  if (plain?.ms && pass?.ms && off?.ms && plain.peakRssMB && pass.peakRssMB && off.peakRssMB) {
    const extra = Math.max(pass.peakRssMB, off.peakRssMB) - plain.peakRssMB;
    targets.push({ target: `Listing ${big.toLocaleString('en')}: peak RSS at most 64 MB above the plain loop's`, measured: `+${extra} MB (passthrough ${pass.peakRssMB} MB, off ${off.peakRssMB} MB, plain ${plain.peakRssMB} MB)`, pass: extra <= 64 });
    const at100k = row(mid, 'passthrough');
    if (at100k?.peakRssMB && big > mid) {
      const growth = pass.peakRssMB - at100k.peakRssMB;
      targets.push({ target: 'No memory growth from 100,000 to 1,000,000 records (files-stream, passthrough; within 16 MB)', measured: `${at100k.peakRssMB} MB → ${pass.peakRssMB} MB (${growth >= 0 ? '+' : ''}${growth} MB)`, pass: growth <= 16 });
    }
    targets.push({ target: `Listing ${big.toLocaleString('en')}: wall time within 1.25x of the plain loop, validation on`, measured: `${ratio(pass.ms, plain.ms)}x`, pass: pass.ms <= 1.25 * plain.ms });
    targets.push({ target: `Listing ${big.toLocaleString('en')}: wall time within 1.1x of the plain loop, validation off`, measured: `${ratio(off.ms, plain.ms)}x`, pass: off.ms <= 1.1 * plain.ms });
    targets.push({ target: 'Aim: validated streaming at or below the plain sequential loop\'s time', measured: `${ratio(pass.ms, plain.ms)}x`, pass: pass.ms <= plain.ms });
    const small = row(SIZES[0]!, 'passthrough');
    if (small?.firstMs != null && pass.firstMs != null && plain.firstMs != null) {
      targets.push({
        target: 'First record after one page round trip, whatever the list length',
        measured: `${pass.firstMs} ms at ${big.toLocaleString('en')} vs ${small.firstMs} ms at ${SIZES[0]!.toLocaleString('en')} (plain loop: ${plain.firstMs} ms)`,
        pass: pass.firstMs <= Math.max(2 * small.firstMs, small.firstMs + 100),
      });
    }
  }
  if (importTimes) {
    const { medianMs: m, overEmptyMs: o } = importTimes;
    targets.push({ target: "`import('files-stream')` within 60 ms of an empty `node` start (median of 15)", measured: `+${o.filesStream} ms (${m.filesStream} vs ${m.empty} ms; official files.com: +${o.official} ms)`, pass: o.filesStream <= 60 });
    targets.push({ target: '`files-stream --help` within 150 ms of an empty `node` start', measured: `+${o.cliHelp} ms (${m.cliHelp} ms)`, pass: o.cliHelp <= 150 });
  }
  const seq = partition.find((p) => p.parallel === 0 && p.maxConcurrent === null);
  const p8 = partition.find((p) => p.parallel === 8 && p.maxConcurrent === null);
  const p8limited = partition.find((p) => p.parallel === 8 && p.maxConcurrent === 4);
  const seqLimited = partition.find((p) => p.parallel === 0 && p.maxConcurrent === 4);
  if (seq?.ms && p8?.ms && seq.peakRssMB && p8.peakRssMB) {
    targets.push({ target: `Partitioned export of ${LOG_RECORDS.toLocaleString('en')} action logs, 50 ms latency: \`--parallel 8\` at least 6x faster than one cursor chain`, measured: `${ratio(seq.ms, p8.ms)}x (${p8.ms} ms vs ${seq.ms} ms)`, pass: seq.ms >= 6 * p8.ms });
    targets.push({ target: 'Partitioned export: peak RSS within the sequential export\'s + 64 MB', measured: `${p8.peakRssMB} MB vs ${seq.peakRssMB} MB (+${p8.peakRssMB - seq.peakRssMB} MB)`, pass: p8.peakRssMB - seq.peakRssMB <= 64 });
  }
  if ((seqLimited?.ms ?? seq?.ms) && p8limited) {
    const base = seqLimited?.ms ?? seq!.ms!;
    targets.push({ target: 'Under a server limit of 4 concurrent requests: at least 3.5x, no failure', measured: p8limited.ms ? `${ratio(base, p8limited.ms)}x, ${p8limited.rateLimited} × 429 answered` : `**${p8limited.failure}**`, pass: p8limited.ms !== null && base >= 3.5 * p8limited.ms });
  }
  const syncOf = (what: string) => syncRows.find((r) => r.what === what);
  const exported = syncOf('export');
  const rowsPerSecond = (r: SyncRow) => (r.ms ? `${Math.round((r.records * 1000) / r.ms).toLocaleString('en')} rows/s` : '');
  for (const [what, name, limit] of [['duckdb', 'DuckDB', 1.25], ['parquet', 'Parquet', 1.25], ['postgres', 'PostgreSQL on this machine', 1.5]] as const) {
    const row = syncOf(what);
    const target = `\`sync\` of ${LOG_RECORDS.toLocaleString('en')} action logs into ${name} at 50 ms latency, --parallel 8: within ${limit}x the wall time of \`export --format ndjson --out\``;
    if (what === 'postgres' && postgresSkipped && ONLY.has('sync')) {
      targets.push({ target, measured: `skipped: ${postgresSkipped}`, pass: null });
      continue;
    }
    if (!exported?.ms || !exported.peakRssMB || !row) continue;
    targets.push({
      target,
      measured: row.ms ? `${ratio(row.ms, exported.ms)}x (${row.ms} ms vs ${exported.ms} ms; ${rowsPerSecond(row)} vs ${rowsPerSecond(exported)})` : `**${row.failure}**`,
      pass: row.ms !== null && row.ms <= limit * exported.ms,
    });
    targets.push({
      target: `\`sync\` into ${name.replace(' on this machine', '')}: peak RSS within the export's + 64 MB`,
      measured: row.peakRssMB ? `${row.peakRssMB} MB vs ${exported.peakRssMB} MB (+${row.peakRssMB - exported.peakRssMB} MB)` : '—',
      pass: row.peakRssMB !== null && row.peakRssMB - exported.peakRssMB <= 64,
    });
  }
  const hand = operators.find((o) => o.mode === 'hand')?.ms;
  const fs = operators.find((o) => o.mode === 'files-stream')?.ms;
  if (hand && fs) targets.push({ target: `filter + map + take + batch over ${OPS_SIZE.toLocaleString('en')} records: under 1.3x a hand-written loop`, measured: `${ratio(fs, hand)}x (over the emulator)`, pass: fs < 1.3 * hand });
  const p0 = prefetch.find((p) => p.prefetch === 0)?.ms;
  const p1 = prefetch.find((p) => p.prefetch === 1)?.ms;
  if (p0 && p1) targets.push({ target: 'Prefetch with 50 ms latency and 50 ms work per page: about half the sequential time', measured: `prefetch 1: ${p1} ms vs prefetch 0: ${p0} ms (${ratio(p1, p0)}x)`, pass: p1 <= 0.6 * p0 });
}

/** Parts in flight across a tree upload at this concurrency: each file sends floor(8 / concurrency) parts at once, 1 to 3 (see `uploadTree`). */
const partsInFlight = (concurrency: number) => concurrency * Math.max(1, Math.min(3, Math.floor(8 / concurrency)));
for (const r of uploadTreeRows) {
  const what = `${r.files.toLocaleString('en')} ${r.tree === 'small' ? 'files of 1-64 KiB' : 'files of 64 MiB'}, concurrency ${r.concurrency}`;
  targets.push({
    target: `\`uploadTree\` again with nothing changed (${what}): no upload request, under 10% of the first run's time`,
    measured: r.ms !== null && r.rerunMs !== null ? `${r.rerunUploadRequests} upload requests, ${r.rerunMs} ms = ${Math.round((100 * r.rerunMs) / r.ms)}% of ${r.ms} ms${quick ? ' (--quick: the time is not judged)' : ''}` : `**${r.failure}**`,
    // --quick trees upload in seconds: a rerun's fixed cost (listing round trips, first-request loading) is not judged there.
    pass: quick && r.rerunUploadRequests === 0 ? null : r.ms !== null && r.rerunMs !== null && r.rerunUploadRequests === 0 && r.rerunMs < 0.1 * r.ms,
  });
  if (r.tree === 'large') {
    targets.push({
      target: `\`uploadTree\` of ${r.files} × 64 MiB files in a ${UPLOAD_HEAP_MB} MB heap (concurrency ${r.concurrency}): completes; peak RSS bounded by the parts in flight, not by the files (200 MB + 20 MiB a part: its 5 MiB, the chunks it was read in and fetch's copy, until collected)`,
      measured: r.ms !== null ? `peak heap ${r.peakHeapMB} MB, peak RSS ${r.peakRssMB} MB (${partsInFlight(r.concurrency)} parts in flight at most)` : `**${r.failure}**`,
      pass: r.ms !== null && r.peakRssMB !== null && r.peakRssMB <= 200 + 20 * partsInFlight(r.concurrency),
    });
  }
}

// ---------------------------------------------------------------- report
const results = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memGB: Math.round(totalmem() / 2 ** 30), runs: RUNS, quick, importTimes, listing, operators, inMemory, prefetch, tree, uploadTree: uploadTreeRows, partition, sync: syncRows, ...(postgresSkipped ? { postgresSkipped } : {}), targets };
writeFileSync(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

const label = Object.fromEntries(listingContenders.map((c) => [c.id, c.label]));
const cell = (v: number | null | undefined, unit = '') => (v == null ? '—' : `${v.toLocaleString('en')}${unit}`);
const md: string[] = [
  '# Benchmark results',
  '',
  `Command: \`npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}\` · ${results.date.slice(0, 10)} · Node ${results.node} · ${results.cpus} × ${results.cpuModel} · ${results.memGB} GiB · median of ${RUNS} run(s), contenders interleaved.`,
  '',
  'Every contender runs in its own child process (files-stream loaded from the built `dist/`, as npm installs it) against the emulator\'s HTTP front end (its own child process) on loopback, per_page 1000. Ratios are against the plain `fetch` + `JSON.parse` cursor loop of the same run. The machine is shared: compare ratios, not absolute times.',
  '',
  '## Targets (from DESIGN.md)',
  '',
  '| target | measured | result |',
  '|---|---|---|',
  ...targets.map((t) => `| ${t.target} | ${t.measured} | ${verdict(t.pass)} |`),
  '',
  '## Start-up: import and `--help`',
  '',
  importTimes
    ? [
        `Wall time of fresh \`node\` processes, median of ${importTimes.rounds} interleaved rounds (\`npx tsx benchmarks/import-time.ts\`): the built package through its \`exports\`, as npm installs it.`,
        '',
        '| process | median | over an empty start |',
        '|---|---:|---:|',
        `| empty \`node\` | ${importTimes.medianMs.empty} ms | — |`,
        `| \`import('files-stream')\` | ${importTimes.medianMs.filesStream} ms | +${importTimes.overEmptyMs.filesStream} ms |`,
        `| \`import('files.com')\` (official) | ${importTimes.medianMs.official} ms | +${importTimes.overEmptyMs.official} ms |`,
        `| \`files-stream --help\` | ${importTimes.medianMs.cliHelp} ms | +${importTimes.overEmptyMs.cliHelp} ms |`,
      ].join('\n')
    : importFailure ? `**${importFailure}**` : 'not measured',
  '',
  '## Listing users',
  '',
  '| records | contender | wall time | vs plain | first record | peak RSS | requests |',
  '|---:|---|---:|---:|---:|---:|---:|',
  ...listing.map((r) => {
    const plain = row(r.size, 'plain')?.ms;
    const vs = r.ms && plain ? `${ratio(r.ms, plain)}x` : r.failure ?? '—';
    return `| ${r.size.toLocaleString('en')} | ${label[r.contender]} | ${r.failure ? `**${r.failure}**` : cell(r.ms, ' ms')} | ${vs} | ${cell(r.firstMs, ' ms')} | ${cell(r.peakRssMB, ' MB')} | ${cell(r.requests)} |`;
  }),
  '',
  '![time and memory against record count](chart.svg)',
  '',
  `## Operators: filter + map + take + batch over ${OPS_SIZE.toLocaleString('en')} users`,
  '',
  'Over the emulator: a hand-written loop over the same pages (plain fetch, no validation), files-stream\'s page-fused operators (validation passthrough), and plain IxJS `pipe` over the same listing (one run).',
  '',
  '| contender | wall time | vs hand-written |',
  '|---|---:|---:|',
  ...operators.map((o) => `| ${o.mode} | ${o.failure ? `**${o.failure}**` : cell(o.ms, ' ms')} | ${o.ms && operators[0]?.ms ? `${ratio(o.ms, operators[0].ms)}x` : '—'} |`),
  '',
  inMemory?.ok ? `In memory (operators only, no network; \`npx tsx benchmarks/operators.ts\`): ms per pass ${JSON.stringify(inMemory.result.msPerPass)}, ratio vs hand-written ${JSON.stringify(inMemory.result.ratioVsHandWritten)}.` : '',
  '',
  `## Prefetch: ${PREFETCH_PAGES} pages, 50 ms latency per page, 50 ms consumer work per page`,
  '',
  '| prefetch | wall time |',
  '|---:|---:|',
  ...prefetch.map((p) => `| ${p.prefetch} | ${p.failure ? `**${p.failure}**` : cell(p.ms, ' ms')} |`),
  '',
  `## Partitioned export: ${LOG_RECORDS.toLocaleString('en')} action logs, 50 ms latency per request`,
  '',
  'An NDJSON export of a created_at range by the real `files-stream export` (`contenders/partition-export.ts` starts the built CLI as the installed command runs, in a process of its own without the TypeScript loader; median of the interleaved runs; peak RSS and CPU time are those of that process): one cursor chain (the range as `--param filter_gteq/filter_lt`) against `--since/--until --parallel n` (ordered), the emulator in its own process; then with the emulator refusing more than 4 requests at once (429 with `Retry-After: 1`).',
  '',
  '| export | server limit | wall time | vs one chain | peak RSS | requests | 429s |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...partition.map((p) => {
    const base = partition.find((q) => q.parallel === 0 && q.maxConcurrent === p.maxConcurrent)?.ms ?? partition.find((q) => q.parallel === 0)?.ms;
    const name = p.parallel === 0 ? 'one cursor chain' : `--parallel ${p.parallel}`;
    return `| ${name} | ${p.maxConcurrent ?? '—'} | ${p.failure ? `**${p.failure}**` : cell(p.ms, ' ms')} | ${p.ms && base ? `${ratio(base, p.ms)}x` : '—'} | ${cell(p.peakRssMB, ' MB')} | ${cell(p.requests)} | ${cell(p.rateLimited)} |`;
  }),
  '',
  `## Sync into databases: ${LOG_RECORDS.toLocaleString('en')} action logs, 50 ms latency per request, --parallel 8`,
  '',
  'The built CLI in a process of its own (`contenders/sync.ts`; median of the interleaved runs; peak RSS and CPU time are those of that process): the NDJSON export of the range (the baseline), `sync` into a DuckDB file, into Parquet files and into PostgreSQL, and the two-steps a user writes without `sync` (that export, then DuckDB\'s `read_json` into a table; or that export, then one `psql` script: `\\copy` of the file into a jsonb staging table, then `INSERT ... SELECT` from `jsonb_populate_record` into a table of the columns `sync` makes; each timed end to end). Then users merged into an existing table (the second of two runs), of DuckDB and of PostgreSQL.',
  '',
  postgresSkipped
    ? `PostgreSQL rows skipped: ${postgresSkipped}.`
    : `PostgreSQL: a throwaway cluster (\`test/helpers/postgres-cluster.ts\`: fsync and full_page_writes off, other settings the defaults) on this same ${results.cpus}-core machine, over TCP on loopback, a fresh database each run: the server shares the cores with the CLI and the emulator, and its CPU time is not in the CPU column (nor in peak RSS). For the psql two-step, the wall time is end to end (export, then psql), but peak RSS and CPU are the export\'s node process only: psql and the server are other processes.`,
  '',
  '| run | rows | wall time | vs export | rows/s | peak RSS | CPU |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...syncRows.map((r) => {
    const base = syncRows.find((q) => q.what === 'export')?.ms;
    const name =
      {
        export: '`export --out` (NDJSON)',
        duckdb: '`sync --to x.duckdb`',
        parquet: '`sync --to parquet:dir`',
        'two-step': 'export, then `read_json` into DuckDB',
        postgres: '`sync --to postgres://…`',
        'postgres-two-step': 'export, then `psql`: `\\copy` into jsonb, `INSERT ... SELECT` (RSS, CPU: the export\'s only)',
        merge: '`sync users` (merge into an existing DuckDB table)',
        'postgres-merge': '`sync users --to postgres://…` (merge into an existing table)',
      }[r.what] ?? r.what;
    return `| ${name} | ${r.records.toLocaleString('en')} | ${r.failure ? `**${r.failure}**` : cell(r.ms, ' ms')} | ${r.ms && base && !r.what.endsWith('merge') ? `${ratio(r.ms, base)}x` : '—'} | ${r.ms ? Math.round((r.records * 1000) / r.ms).toLocaleString('en') : '—'} | ${cell(r.peakRssMB, ' MB')} | ${cell(r.cpuMs, ' ms')} |`;
  }),
  '',
  '## Tree upload: `uploadTree`, 50 ms latency per API request',
  '',
  `Local trees of random bytes (small: 1-64 KiB files, 100 a folder; large: 64 MiB files) uploaded by the built \`uploadTree\` in a child process with a ${UPLOAD_HEAP_MB} MB heap, each into a fresh emulator (its own process; the part PUTs go to presigned URLs, without latency), then again with nothing changed. A small file costs two API round trips (put, end), so concurrency 1 uploads fewer files (see the files column). One run each.`,
  '',
  '| tree | files | MiB | concurrency | wall time | files/s | MiB/s | requests | peak RSS | peak heap | rerun | rerun upload requests | rerun / first |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...uploadTreeRows.map((r) => {
    const perSecond = (n: number) => (r.ms ? Math.round((n * 1000 * 10) / r.ms) / 10 : null);
    const rerunShare = r.ms && r.rerunMs !== null ? `${Math.round((100 * r.rerunMs) / r.ms)}%` : '—';
    return `| ${r.tree} | ${r.files.toLocaleString('en')} | ${Math.round(r.bytes / 2 ** 20).toLocaleString('en')} | ${r.concurrency} | ${r.failure ? `**${r.failure}**` : cell(r.ms, ' ms')} | ${cell(perSecond(r.files))} | ${cell(perSecond(r.bytes / 2 ** 20))} | ${cell(r.requests)} | ${cell(r.peakRssMB, ' MB')} | ${cell(r.peakHeapMB, ' MB')} | ${cell(r.rerunMs, ' ms')} | ${cell(r.rerunUploadRequests)} | ${rerunShare} |`;
  }),
  '',
  `## Tree walk: ${TREE_FILES.toLocaleString('en')} files, 20 ms latency per request`,
  '',
  '| concurrency | wall time | requests |',
  '|---:|---:|---:|',
  ...tree.map((t) => `| ${t.concurrency} | ${t.failure ? `**${t.failure}**` : cell(t.ms, ' ms')} | ${cell(t.requests)} |`),
  '',
];
writeFileSync(join(benchDir, 'RESULTS.md'), md.join('\n'));

if (listing.length) {
  const series = listingContenders.map((c, i) => ({
    name: c.label,
    color: ['#444', '#1f77b4', '#2ca02c', '#d62728'][i]!,
    time: SIZES.map((s) => { const r = row(s, c.id); return r?.ms != null ? r.ms / 1000 : null; }),
    rss: SIZES.map((s) => row(s, c.id)?.peakRssMB ?? null),
  }));
  const failures = listing.filter((r) => r.failure).map((r) => `✕ ${label[r.contender]} at ${r.size.toLocaleString('en')}: ${r.failure}`).join('; ');
  const svg = lineCharts(SIZES, 'users listed (log scale)', [
    { title: 'Wall time', unit: 's', series: series.map((s) => ({ name: s.name, color: s.color, values: s.time })) },
    { title: 'Peak RSS', unit: 'MB', series: series.map((s) => ({ name: s.name, color: s.color, values: s.rss })) },
  ], failures);
  writeFileSync(join(benchDir, 'chart.svg'), svg);
}
console.log(md.join('\n'));
