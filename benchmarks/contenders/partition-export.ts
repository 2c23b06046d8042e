/**
 * A time-ranged export of action logs to an NDJSON file by the real `files-stream export`:
 * the built CLI (`dist/cli/main.js`) in a process of its own, started as the installed
 * `files-stream` command starts it (no TypeScript loader; `lib/exit-report.mjs` preloaded to
 * report its peak RSS and CPU time). One cursor chain (`BENCH_PARALLEL=0`: the range as
 * `filter_gteq`/`filter_lt` parameters) or `--since/--until --parallel BENCH_PARALLEL`
 * (ordered). Afterwards (outside the timing) checks the record count and that `created_at`
 * never goes backwards; prints wall time (spawn to exit), peak RSS, CPU time, and the
 * requests and 429s the emulator counted.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { benchDir } from '../lib/child.js';
import { env } from './measure.js';

const parallel = Number(process.env.BENCH_PARALLEL ?? 0);
const since = process.env.BENCH_SINCE!;
const until = process.env.BENCH_UNTIL!;
const out = join(tmpdir(), `files-stream-bench-${process.pid}.ndjson`);
const report = join(tmpdir(), `files-stream-bench-${process.pid}.report.json`);

interface Stats {
  byKind: { api: number };
  byStatus: Record<string, number>;
}
const stats = async (): Promise<Stats> => (await fetch(`${env.baseUrl}/emulator/stats`)).json() as Promise<Stats>;

const range =
  parallel > 0
    ? ['--since', since, '--until', until, '--parallel', String(parallel)]
    : ['--param', `filter_gteq[created_at]=${since}`, '--param', `filter_lt[created_at]=${until}`];
const args = ['export', 'actionLogs', ...range, '--per-page', String(env.perPage), '--out', out, '--quiet'];

const before = await stats();
const t0 = performance.now();
const cli = spawn(process.execPath, ['--import', join(benchDir, 'lib', 'exit-report.mjs'), join(benchDir, '..', 'dist', 'cli', 'main.js'), ...args], {
  env: { ...process.env, FILESCOM_API_KEY: env.apiKey, FILESCOM_BASE_URL: env.baseUrl, BENCH_EXIT_REPORT: report },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
cli.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
const code = await new Promise<number | null>((resolve) => cli.on('close', resolve));
const ms = performance.now() - t0;
if (code !== 0) throw new Error(`files-stream export exited with ${code}: ${stderr.trim()}`);
const after = await stats();
const { peakRssMB, cpuMs } = JSON.parse(await readFile(report, 'utf8')) as { peakRssMB: number; cpuMs: number };
await rm(report, { force: true });

let records = 0;
let last = '';
for await (const line of createInterface({ input: createReadStream(out), crlfDelay: Infinity })) {
  const at = line.indexOf('"created_at":"') + 14;
  const createdAt = line.slice(at, line.indexOf('"', at));
  if (createdAt < last) throw new Error(`created_at went backwards: ${createdAt} after ${last}`);
  last = createdAt;
  records++;
}
await rm(out, { force: true });
if (records !== env.records) throw new Error(`expected ${env.records} records, got ${records}`);
const requests = after.byKind.api - before.byKind.api;
const rateLimited = (after.byStatus['429'] ?? 0) - (before.byStatus['429'] ?? 0);
console.log(JSON.stringify({ records, requests, rateLimited, ms: Math.round(ms), peakRssMB, cpuMs }));
