/**
 * filter + map + take + batch over a users listing from the emulator (BENCH_RECORDS users),
 * three ways (BENCH_MODE): `hand` (plain fetch loop with the operators written inline),
 * `files-stream` (page-fused operators on `client.users.list()`), `ix` (IxJS `pipe`).
 */
import { from } from 'ix/asynciterable';
import { buffer, filter, map, take } from 'ix/asynciterable/operators';
import { createClient } from 'files-stream';
import { env } from './measure.js';

const TAKE = Math.floor(env.records * 0.4); // 80% of the listing passes through before take stops it
const BATCH = 500;
const keep = (u: { id?: number | null }) => (u.id ?? 0) % 2 === 0;
const project = (u: { username?: string | null }) => u.username;

async function hand(): Promise<number> {
  let cursor: string | null = null;
  let taken = 0;
  let batches = 0;
  let batch: unknown[] = [];
  outer: do {
    const qs: string = `per_page=${env.perPage}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res: Response = await fetch(`${env.baseUrl}/api/rest/v1/users?${qs}`, { headers: { 'X-FilesAPI-Key': env.apiKey } });
    const users = JSON.parse(await res.text()) as { id: number; username: string }[];
    cursor = res.headers.get('x-files-cursor-next');
    for (const u of users) {
      if (!keep(u)) continue;
      batch.push(project(u));
      if (batch.length === BATCH) (batches++, (batch = []));
      if (++taken === TAKE) break outer;
    }
  } while (cursor);
  return batches * BATCH + batch.length;
}

const client = createClient({ apiKey: env.apiKey, baseUrl: env.baseUrl });

async function filesStream(): Promise<number> {
  let n = 0;
  const listing = client.users.list({ per_page: env.perPage }).filter(keep).map(project).take(TAKE).batch(BATCH);
  for await (const b of listing) n += b.length;
  return n;
}

async function ix(): Promise<number> {
  let n = 0;
  const listing = from(client.users.list({ per_page: env.perPage })).pipe(filter(keep), map(project), take(TAKE), buffer(BATCH));
  for await (const b of listing) n += b.length;
  return n;
}

const modes = { hand, 'files-stream': filesStream, ix };
const run = modes[(process.env.BENCH_MODE ?? 'hand') as keyof typeof modes];
const t0 = performance.now();
const n = await run();
if (n !== TAKE) throw new Error(`expected ${TAKE} records, got ${n}`);
console.log(JSON.stringify({ ms: Math.round(performance.now() - t0), records: n, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
