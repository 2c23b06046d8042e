/**
 * Is anything retained as a listing grows? Lists N users (default 1,000,000) from the
 * emulator (in a child process) and samples heap used after a forced GC every 100,000
 * records. Flat numbers mean nothing is retained; peak RSS then only reflects GC sizing.
 *
 *   node --expose-gc --conditions=files-stream-source --import tsx benchmarks/heap-after-gc.ts [N]
 */
import { createClient } from 'files-stream';
import { startEmulator } from './lib/child.js';

const N = Number(process.argv[2] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const emulator = await startEmulator({ users: N, seed: 7 });
const client = createClient({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl });
const samples: string[] = [];
let records = 0;
for await (const page of client.users.list({ per_page: 1000 }).pages()) {
  records += page.items.length;
  if (records % 100_000 === 0) {
    gc();
    const { heapUsed, rss } = process.memoryUsage();
    samples.push(`${records / 1000}k: heap ${Math.round(heapUsed / 2 ** 20)} MB, rss ${Math.round(rss / 2 ** 20)} MB`);
  }
}
console.log(samples.join('\n'));
console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB over ${records} records`);
await emulator.stop();
