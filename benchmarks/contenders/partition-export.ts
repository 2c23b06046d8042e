/**
 * A time-ranged export of action logs to an NDJSON file by the real `files-stream export`
 * (the built CLI, `dist/cli/main.js`, run in this process so its peak RSS is this one's):
 * one cursor chain (`BENCH_PARALLEL=0`: the range as `filter_gteq`/`filter_lt` parameters)
 * or `--since/--until --parallel BENCH_PARALLEL` (ordered). Afterwards (outside the timing)
 * checks the record count and that `created_at` never goes backwards; prints wall time, peak
 * RSS, CPU time, and the requests and 429s the emulator counted.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { benchDir } from '../lib/child.js';
import { env } from './measure.js';

const parallel = Number(process.env.BENCH_PARALLEL ?? 0);
const since = process.env.BENCH_SINCE!;
const until = process.env.BENCH_UNTIL!;
const out = join(tmpdir(), `files-stream-bench-${process.pid}.ndjson`);

interface Stats {
  byKind: { api: number };
  byStatus: Record<string, number>;
}
const stats = async (): Promise<Stats> => (await fetch(`${env.baseUrl}/emulator/stats`)).json() as Promise<Stats>;

const range =
  parallel > 0
    ? ['--since', since, '--until', until, '--parallel', String(parallel)]
    : ['--param', `filter_gteq[created_at]=${since}`, '--param', `filter_lt[created_at]=${until}`];
process.argv = [process.argv[0]!, 'files-stream', 'export', 'actionLogs', ...range, '--per-page', String(env.perPage), '--out', out, '--quiet'];
process.env.FILESCOM_API_KEY = env.apiKey;
process.env.FILESCOM_BASE_URL = env.baseUrl;

const before = await stats();
const t0 = performance.now();
await import(pathToFileURL(join(benchDir, '..', 'dist', 'cli', 'main.js')).href);
const ms = performance.now() - t0;
const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
const cpu = process.cpuUsage();
const after = await stats();
if (process.exitCode) throw new Error(`files-stream export exited with ${process.exitCode}`);

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
console.log(JSON.stringify({ records, requests, rateLimited, ms: Math.round(ms), peakRssMB, cpuMs: Math.round((cpu.user + cpu.system) / 1000) }));
