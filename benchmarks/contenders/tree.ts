/** Tree walk: every entry below `/` with `client.folders.walk`, concurrency BENCH_CONCURRENCY. */
import { createClient } from 'files-stream';
import { env } from './measure.js';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
let requests = 0;
const client = createClient({ apiKey: env.apiKey, baseUrl: env.baseUrl, hooks: { afterResponse: () => void requests++ } });
const t0 = performance.now();
let files = 0;
let folders = 0;
for await (const entry of client.folders.walk('/', { concurrency })) {
  if (entry.type === 'directory') folders++;
  else files++;
}
if (files !== env.records) throw new Error(`expected ${env.records} files, got ${files}`);
console.log(JSON.stringify({ ms: Math.round(performance.now() - t0), files, folders, requests }));
