/**
 * Tree upload: `uploadTree` of the local folder BENCH_LOCAL into the remote folder
 * BENCH_REMOTE, concurrency BENCH_CONCURRENCY, against the emulator. Prints the time, the
 * counts, the requests (those that upload: `files.upload*` and `files.create`), peak RSS and
 * the peak heap used (sampled every 20 ms).
 */
import { createClient, uploadTree } from 'files-stream';
import { env } from './measure.js';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const local = process.env.BENCH_LOCAL ?? '';
const remote = process.env.BENCH_REMOTE ?? 'bench';
let requests = 0;
let uploadRequests = 0;
const client = createClient({
  apiKey: env.apiKey,
  baseUrl: env.baseUrl,
  hooks: {
    beforeRequest: (e) => {
      requests++;
      if (/^files\.(upload|create)\b/.test(e.operation ?? '')) uploadRequests++;
    },
  },
});
let peakHeap = process.memoryUsage().heapUsed;
const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
const t0 = performance.now();
const result = await uploadTree(client, local, remote, { concurrency });
const ms = performance.now() - t0;
clearInterval(sampler);
if (result.failed + result.refused > 0) throw new Error(`${result.failed} failed, ${result.refused} refused: ${result.errors.slice(0, 3).map((e) => `${e.path}: ${String(e.error)}`).join('; ')}`);
console.log(
  JSON.stringify({
    ms: Math.round(ms),
    uploaded: result.uploaded,
    skipped: result.skipped,
    bytes: result.bytes,
    requests,
    uploadRequests,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    peakHeapMB: Math.round(peakHeap / 2 ** 20),
  }),
);
