/**
 * A time-ranged export of action logs to an NDJSON file, as `files-stream export` writes it:
 * one cursor chain (`BENCH_PARALLEL=0`: the range as `filter_gteq`/`filter_lt`, prefetch 1) or a
 * partitioned listing with BENCH_PARALLEL slices side by side, ordered. Checks the record count
 * and that `created_at` never goes backwards; prints wall time, peak RSS, requests, 429s.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ActionLog } from 'files-stream';
import { env } from './measure.js';

const parallel = Number(process.env.BENCH_PARALLEL ?? 0);
const since = process.env.BENCH_SINCE!;
const until = process.env.BENCH_UNTIL!;
let requests = 0;
let rateLimited = 0;
const client = createClient({
  apiKey: env.apiKey,
  baseUrl: env.baseUrl,
  // Waits for a 429 are the server's Retry-After; keep ordinary backoff short.
  retry: { limit: 20, backoffMs: 50, maxBackoffMs: 500, maxRetryTimeMs: 600_000 },
  hooks: { afterResponse: (e) => void (requests++, e.status === 429 && rateLimited++) },
});

const out = join(tmpdir(), `files-stream-bench-${process.pid}.ndjson`);
const file = createWriteStream(out);
const t0 = performance.now();
let records = 0;
let last = '';
const listing =
  parallel > 0
    ? client.actionLogs.list({ per_page: env.perPage }, { partition: { since, until, concurrency: parallel, ...(process.env.BENCH_BUFFER ? { bufferPages: Number(process.env.BENCH_BUFFER) } : {}) } })
    : client.actionLogs.list({ per_page: env.perPage, filter_gteq: { created_at: since }, filter_lt: { created_at: until } });
for await (const page of listing.pages()) {
  let text = '';
  for (const record of page.items as ActionLog[]) {
    if ((record.created_at ?? '') < last) throw new Error(`created_at went backwards: ${record.created_at} after ${last}`);
    last = record.created_at ?? last;
    text += `${JSON.stringify(record)}\n`;
  }
  records += page.items.length;
  if (!file.write(text)) await once(file, 'drain');
}
file.end();
await once(file, 'finish');
const ms = performance.now() - t0;
await rm(out, { force: true });
if (records !== env.records) throw new Error(`expected ${env.records} records, got ${records}`);
const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
const cpu = process.cpuUsage();
console.log(JSON.stringify({ records, requests, rateLimited, ms: Math.round(ms), peakRssMB, cpuMs: Math.round((cpu.user + cpu.system) / 1000) }));
