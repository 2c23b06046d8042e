/**
 * Prefetch: a listing whose pages take BENCH_LATENCY ms to answer, consumed with
 * BENCH_WORK ms of work per page, with `prefetch` BENCH_PREFETCH (0, 1, 2).
 */
import { createClient } from 'files-stream';
import { env } from './measure.js';

const prefetch = Number(process.env.BENCH_PREFETCH ?? 1);
const work = Number(process.env.BENCH_WORK ?? 50);
const client = createClient({ apiKey: env.apiKey, baseUrl: env.baseUrl });
const t0 = performance.now();
let pages = 0;
let records = 0;
for await (const page of client.users.list({ per_page: env.perPage }, { prefetch }).pages()) {
  pages++;
  records += page.items.length;
  await new Promise((r) => setTimeout(r, work)); // the consumer's work on this page
}
if (records !== env.records) throw new Error(`expected ${env.records} records, got ${records}`);
console.log(JSON.stringify({ ms: Math.round(performance.now() - t0), pages, records }));
