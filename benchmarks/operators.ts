/**
 * Operator cost: filter + map + take + batch over 1,000,000 in-memory records (1000 pages of
 * 1000), so only the operators are measured (no network). Three contenders over the same pages:
 * a hand-written loop, files-stream's page-fused operators, and plain IxJS `pipe`.
 *
 * Run: `npx tsx benchmarks/operators.ts [--records N] [--runs N]` (prints one JSON line).
 */
import { from } from 'ix/asynciterable';
import { buffer, filter, map, take } from 'ix/asynciterable/operators';
import { Paginated, type Page } from '../src/index.js';
import { median, ratio, repeat } from './lib/stats.js';

interface Rec {
  id: number;
  username: string;
  site_admin: boolean;
}

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const RECORDS = Number(args.get('--records') ?? 1_000_000);
const RUNS = Number(args.get('--runs') ?? 5);
const PER_PAGE = 1000;
const TAKE = Math.floor(RECORDS * 0.4); // of the 50% that pass the filter: stops at 80% of the listing
const BATCH = 500;

const pages: Rec[][] = Array.from({ length: RECORDS / PER_PAGE }, (_, p) =>
  Array.from({ length: PER_PAGE }, (_, i) => {
    const id = p * PER_PAGE + i;
    return { id, username: `user${id}`, site_admin: id % 2 === 0 };
  }),
);

/** The same pages as an async source, one await per page, as a real listing yields them. */
async function* pageSource(): AsyncGenerator<Page<Rec>> {
  for (let p = 0; p < pages.length; p++) {
    await null;
    yield { items: pages[p]!, cursor: String(p), nextCursor: String(p + 1), prevCursor: undefined };
  }
}

const keep = (r: Rec) => r.site_admin;
const project = (r: Rec) => r.id;

async function handWritten(): Promise<number> {
  let sum = 0;
  let taken = 0;
  let batch: number[] = [];
  outer: for await (const page of pageSource()) {
    for (const r of page.items) {
      if (!keep(r)) continue;
      batch.push(project(r));
      if (batch.length === BATCH) {
        sum += batch.length;
        batch = [];
      }
      if (++taken === TAKE) break outer;
    }
  }
  return sum + batch.length;
}

async function filesStream(): Promise<number> {
  let sum = 0;
  const listing = new Paginated<Rec>(() => pageSource()).filter(keep).map(project).take(TAKE).batch(BATCH);
  for await (const b of listing) sum += b.length;
  return sum;
}

async function ixPipe(): Promise<number> {
  let sum = 0;
  const items = new Paginated<Rec>(() => pageSource());
  for await (const b of from(items).pipe(filter(keep), map(project), take(TAKE), buffer(BATCH))) sum += b.length;
  return sum;
}

/** Time of `passes` consecutive runs of `fn`, checking each run's record count. */
async function time(fn: () => Promise<number>, passes: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < passes; i++) {
    const n = await fn();
    if (n !== TAKE) throw new Error(`expected ${TAKE} records, got ${n}`);
  }
  return (performance.now() - t0) / passes;
}

// One sample = PASSES passes; contenders interleaved round by round so drift hits all alike.
const PASSES = Number(args.get('--passes') ?? 10);
const fast = { handWritten, filesStream };
const samples: Record<string, number[]> = { handWritten: [], filesStream: [] };
for (const fn of Object.values(fast)) await time(fn, 2); // warm-up
for (let round = 0; round < RUNS; round++) {
  for (const [name, fn] of Object.entries(fast)) samples[name]!.push(await time(fn, PASSES));
}
const ix = await time(ixPipe, 1); // plain IxJS is ~100x slower: one pass shows the order of magnitude
const ms = { handWritten: median(samples.handWritten!), filesStream: median(samples.filesStream!), ixPipe: ix };
console.log(
  JSON.stringify({
    bench: 'operators',
    records: RECORDS,
    rounds: RUNS,
    passesPerSample: PASSES,
    msPerPass: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v * 10) / 10])),
    ratioVsHandWritten: { filesStream: ratio(ms.filesStream, ms.handWritten), ixPipe: ratio(ms.ixPipe, ms.handWritten) },
  }),
);
