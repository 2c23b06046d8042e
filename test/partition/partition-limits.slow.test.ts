// Partitioned listings under a server limit on requests in flight: probes above the limit do
// not hold up the ordered output, and run + resumed runs give every record once. Seconds of
// real waits and hundreds of runs: in the slow project (partition.test.ts has the rest).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PartitionSource } from '../../src/partition/partition.js';
import { T0, records, fakeSource, listing, type Rec } from './support/fake-source.js';

describe('rate limits: probes do not hold up the ordered output', () => {
  it('under a server limit of 4, a probe above it is sent for a slice far ahead of the output: when refused, nothing waits for it', async () => {
    const all = records(Array.from({ length: 12_000 }, (_, i) => i * 2));
    const fake = fakeSource(all, { latencyMs: 1, maxConcurrent: 4 });
    let delivered = T0; // created_at of the last record handed out
    const refusedAhead: number[] = [];
    const source: PartitionSource<Rec> = {
      ...fake.source,
      openSlice: (from, to, signal, slot) =>
        fake.source.openSlice(from, to, signal, {
          acquire: async (s) => {
            const giveBack = await slot.acquire(s);
            return (status) => {
              if (status === 429 && delivered > T0) refusedAhead.push((from - delivered) / 2_000); // records between the output and the refused slice
              giveBack(status);
            };
          },
        }),
    };
    const ids: number[] = [];
    for await (const page of listing(source, { since: T0, until: T0 + 24_000_000, concurrency: 8 }).pages()) {
      for (const r of page.items) ids.push(r.id);
      if (page.items.length > 0) delivered = Date.parse(page.items.at(-1)!.created_at);
    }
    expect(ids).toEqual(all.map((r) => r.id));
    // Probes were made and refused (after the first burst), each for a slice 64 or more slices' worth ahead.
    expect(refusedAhead.length).toBeGreaterThan(0);
    expect(Math.min(...refusedAhead)).toBeGreaterThanOrEqual(64 * 9);
  });
});

describe('property under a server limit: run 1 + the resumed runs = the whole range, once each', () => {
  it('under a server limit (429s, probes carried by slices from the far end of the range), with stops', async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 800, maxLength: 1500 }),
        fc.integer({ min: 3, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }), { minLength: 1, maxLength: 4 }),
        async (gaps, concurrency, maxConcurrent, stops) => {
          let at = 0;
          const all = records(gaps.map((g) => (at += g)));
          const since = T0;
          const until = T0 + (at + 1) * 1000;
          const fake = fakeSource(all, { perPage: 3, maxConcurrent, latencyMs: 1 });
          const got: number[] = [];
          let startCursor: string | undefined;
          for (let run = 0; ; run++) {
            expect(run).toBeLessThan(10);
            const stopAfter = stops[run];
            const chain = listing(fake.source, { since, until, concurrency, startCursor, perPage: 3 });
            if (stopAfter === undefined) {
              for await (const r of chain) got.push(r.id);
              break;
            }
            let last: string | undefined = startCursor;
            for await (const page of chain.take(stopAfter).pages()) {
              got.push(...page.items.map((r) => r.id));
              last = page.nextCursor;
            }
            if (last === undefined) break;
            startCursor = last;
          }
          expect(got).toEqual(all.map((r) => r.id));
          refused += fake.refused();
        },
      ),
      { numRuns: Math.ceil(Number(process.env.PROP_RUNS ?? 150) / 15) },
    );
    expect(refused, 'the limit refused requests').toBeGreaterThan(0);
  }, 60_000);
});
