// Partitioned listings: every record of [since, until) exactly once, in order (or in arrival
// order), at slice boundaries too, with bursts balanced, 429s handled, and exact resumption.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NetworkError } from '../../src/index.js';
import { T0, records, fakeSource, listing, between } from './support/fake-source.js';

describe('partitioned listing: exactly once, in order', () => {
  const all = records(Array.from({ length: 500 }, (_, i) => Math.floor(i / 3))); // 3 records on each second

  for (const ordered of [true, false]) {
    for (const concurrency of [1, 3, 8]) {
      it(`every record of [since, until) once (${ordered ? 'ordered' : 'arrival order'}, concurrency ${concurrency})`, async () => {
        const since = T0 + 17_000;
        const until = T0 + 151_000;
        const got = (await listing(fakeSource(all).source, { since, until, concurrency, ordered }).toArray()).map((r) => r.id);
        const expected = between(all, since, until);
        if (ordered) expect(got).toEqual(expected);
        else expect([...got].sort((a, b) => a - b)).toEqual(expected);
      });
    }
  }

  it('records on a boundary second belong to exactly one slice, with an inclusive end parameter too', async () => {
    for (const inclusiveEnd of [false, true]) {
      const fake = fakeSource(all, { inclusiveEnd, perPage: 4 });
      const got = (await listing(fake.source, { since: T0, until: T0 + 167_000, concurrency: 6 }).toArray()).map((r) => r.id);
      expect(got).toEqual(between(all, T0, T0 + 167_000));
      // Slices met on whole seconds that hold records: the boundaries were really exercised.
      const boundaries = new Set(fake.requests.map((r) => r.from).filter((f) => f > T0));
      expect(boundaries.size).toBeGreaterThan(3);
      expect([...boundaries].every((b) => all.some((r) => Date.parse(r.created_at) === b))).toBe(true);
    }
  });

  it('an empty range sends nothing; take(0) sends nothing', async () => {
    const fake = fakeSource(all);
    expect(await listing(fake.source, { since: T0, until: T0 }).toArray()).toEqual([]);
    expect(await listing(fake.source, { since: T0, until: T0 + 100_000 }).take(0).toArray()).toEqual([]);
    expect(fake.requests).toEqual([]);
  });

  it('a sparse or empty range takes a few requests, not one per narrow slice', async () => {
    const sparse = records([20_000]); // one record in 8 hours
    const fake = fakeSource(sparse);
    const got = await listing(fake.source, { since: T0, until: T0 + 8 * 3600_000, concurrency: 4 }).toArray();
    expect(got.map((r) => r.id)).toEqual([0]);
    expect(fake.requests.length).toBeLessThanOrEqual(16);
  });

  it('a range that goes on long after its records: the empty rest takes a few requests, not one per narrow slice', async () => {
    const dense = records(Array.from({ length: 500 }, (_, i) => i)); // one record a second, then nothing
    const fake = fakeSource(dense);
    const got = await listing(fake.source, { since: T0, until: T0 + 5_000_000_000, concurrency: 4 }).toArray();
    expect(got.map((r) => r.id)).toEqual(dense.map((r) => r.id));
    // 50 pages of records; the empty 58 days after them in slices that double in width.
    expect(fake.requests.length).toBeLessThanOrEqual(Math.ceil(50 / 0.9) + 60);
  });

  it('records out of created_at order are refused rather than silently mixed up', async () => {
    const shuffled = [...all].reverse();
    const error = await listing(fakeSource(shuffled).source, { since: T0, until: T0 + 200_000, concurrency: 1 }).toArray().catch((e: unknown) => e);
    expect(String(error)).toMatch(/ascending created_at/);
  });
});

describe('balance: bursts keep every worker busy', () => {
  it('90% of the records in 5% of the range: the burst is split among the workers', async () => {
    const seconds = [
      ...Array.from({ length: 900 }, (_, i) => 500 + Math.floor(i / 18)), // 900 records in 50 s
      ...Array.from({ length: 100 }, (_, i) => i * 10), // 100 records over 1,000 s
    ];
    const all = records(seconds);
    const fake = fakeSource(all, { latencyMs: 2 });
    const got = (await listing(fake.source, { since: T0, until: T0 + 1_000_000, concurrency: 8, ordered: false }).toArray()).map((r) => r.id);
    expect([...got].sort((a, b) => a - b)).toEqual(all.map((r) => r.id));
    // The burst [500 s, 550 s) was listed by several slices at once, not one chain.
    const inBurst = new Set(fake.requests.filter((r) => r.from >= T0 + 500_000 && r.from < T0 + 550_000).map((r) => r.from));
    expect(inBurst.size).toBeGreaterThanOrEqual(4);
    expect(fake.maxInFlight()).toBe(8);
    // Few requests wasted: at most 25% more than one chain would need.
    expect(fake.requests.length).toBeLessThanOrEqual(Math.ceil((1000 / 10) * 1.25) + 8);
  });
});

describe('ordered slices: about one request each', () => {
  /** Requests that were a slice's second page or later (the slice held more than a page). */
  const overflows = (requests: { offset: number }[]) => requests.filter((r) => r.offset > 0).length;

  it('a steady density: slices grow to 0.97 of a page, so barely more requests than pages', async () => {
    const all = records(Array.from({ length: 20_000 }, (_, i) => i * 5)); // one record every 5 s
    const fake = fakeSource(all, { perPage: 100 });
    const got = await listing(fake.source, { since: T0, until: T0 + 100_000_000, concurrency: 4, perPage: 100 }).toArray();
    expect(got.map((r) => r.id)).toEqual(all.map((r) => r.id));
    // 200 pages' worth: slices of 0.9 of a page at first would take 222 requests; 0.97 takes 206.
    expect(fake.requests.length).toBeLessThanOrEqual(212);
    expect(overflows(fake.requests)).toBeLessThanOrEqual(2);
  });

  it('a scattered density (random gaps): slices stay small enough that few of them need a second request', async () => {
    let at = 0;
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // Gaps of 0 to 10 s, uniformly: counts per slice scatter about their prediction.
    const seconds = Array.from({ length: 20_000 }, () => (at += Math.floor(random() * 11)));
    const all = records(seconds);
    const fake = fakeSource(all, { perPage: 100 });
    const got = await listing(fake.source, { since: T0, until: T0 + (at + 1) * 1000, concurrency: 4, perPage: 100 }).toArray();
    expect(got.map((r) => r.id)).toEqual(all.map((r) => r.id));
    // Slices of a fixed 0.9 of a page: 11 of 235 overflow here; sized from the scatter seen: 4 of 240.
    expect(overflows(fake.requests)).toBeLessThanOrEqual(0.03 * fake.requests.length);
    expect(fake.requests.length).toBeLessThanOrEqual(1.25 * 200);
  });
});

describe('rate limits: the limit of requests in flight adapts', () => {
  it('halves on a 429 (once per burst of them), probes back up one at a time, never above the concurrency asked for', async () => {
    const all = records(Array.from({ length: 12_000 }, (_, i) => i));
    const fake = fakeSource(all, { latencyMs: 1, rateLimitAt: new Set([60, 61, 62]) });
    const got = await listing(fake.source, { since: T0, until: T0 + 12_000_000, concurrency: 8, ordered: false }).toArray();
    expect(got).toHaveLength(12_000);
    const inFlight = fake.requests.map((r) => r.inFlight);
    expect(Math.max(...inFlight.slice(0, 60))).toBe(8);
    // Three 429s of one burst (requests sent before any came back) halve the limit once: 8 -> 4.
    const drop = inFlight.findIndex((n, i) => i > 60 && n < 8);
    expect(inFlight[drop]).toBe(4);
    // Above the level a 429 halved it to, growth is a probe after a long run of successes: it
    // stays at 4 for a while, then grows one at a time, to 8 and never beyond.
    expect(Math.max(...inFlight.slice(drop, drop + 40))).toBe(4);
    const after = inFlight.slice(drop);
    for (let i = 1; i < after.length; i++) expect(after[i]! - after[i - 1]!).toBeLessThanOrEqual(1);
    expect(Math.max(...after)).toBe(8);
    expect(Math.max(...inFlight)).toBe(8);
  });

  it('under a server limit of 4: finishes, settles at the limit, and probes above it less and less often', async () => {
    const all = records(Array.from({ length: 6_000 }, (_, i) => i));
    const fake = fakeSource(all, { latencyMs: 1, maxConcurrent: 4 });
    const got = await listing(fake.source, { since: T0, until: T0 + 6_000_000, concurrency: 8 }).toArray();
    const ids = got.map((r) => r.id);
    const missing = all.filter((r) => !ids.includes(r.id)).map((r) => r.id);
    const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect({ missing: missing.slice(0, 20), dup: dup.slice(0, 20), n: ids.length }).toEqual({ missing: [], dup: [], n: 6000 });
    expect(ids).toEqual(all.map((r) => r.id));
    expect(fake.maxInFlight()).toBe(4);
    // Pages sent at the limit: most of them (the limit comes back to 4 quickly after each halving).
    const atLimit = fake.requests.filter((r) => r.inFlight === 4).length;
    expect(atLimit / fake.requests.length).toBeGreaterThan(0.6);
    // 600+ pages: the first burst (4 beyond the limit, a few times each while it lasts), then a
    // probe after 64 successes, 256, 1024 (each failed probe makes the wait 4x): not one per 70 pages.
    expect(fake.refused()).toBeLessThanOrEqual(16);
  });
});

// ---------------------------------------------------------------------------------------------
// Resume: a failure or a stop at any point, then the resume cursor: the rest, once each.

describe('property: run 1 + the resumed runs = the whole range, once each (in order when ordered)', () => {
  it('for any timestamps, concurrency, order, failures and stops', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 0, maxLength: 300 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 3 }),
        fc.array(fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 7 }),
        async (seconds, concurrency, ordered, failures, stops, perPage) => {
          const all = records(seconds);
          const since = T0;
          const until = T0 + 121_000;
          const failOn = new Map(failures.map((n) => [n, () => new NetworkError('connection reset')] as const));
          const fake = fakeSource(all, { failOn, perPage, latencyMs: Number(process.env.PROP_LATENCY ?? 0) });
          const got: number[] = [];
          let startCursor: string | undefined;
          for (let run = 0; ; run++) {
            expect(run).toBeLessThan(60);
            const stopAfter = stops[run];
            const chain = listing(fake.source, { since, until, concurrency, ordered, startCursor });
            try {
              if (stopAfter === undefined) {
                for await (const r of chain) got.push(r.id);
                break;
              }
              // Stop inside a page: take() then resume from the last page's nextCursor.
              let last: string | undefined = startCursor;
              let n = 0;
              for await (const page of chain.take(stopAfter).pages()) {
                got.push(...page.items.map((r) => r.id));
                n += page.items.length;
                last = page.nextCursor;
              }
              if (last === undefined) break;
              startCursor = last;
              if (n === 0) break;
            } catch (error) {
              if (!(error instanceof NetworkError)) throw error;
              startCursor = error.resumeCursor;
              if (startCursor === undefined) break;
            }
          }
          const expected = between(all, since, until);
          if (ordered) expect(got).toEqual(expected);
          else expect([...got].sort((a, b) => a - b)).toEqual(expected);
        },
      ),
      { numRuns: Number(process.env.PROP_RUNS ?? 150) },
    );
  }, 60_000);

});
