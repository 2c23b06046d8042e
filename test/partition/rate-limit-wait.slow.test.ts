// A partitioned listing against a server limit of requests in flight (the emulator's
// `maxConcurrent`, whose 429s say `Retry-After: 1`): a request waiting out its Retry-After holds
// no place, so the other slices' requests go on meanwhile; every record still comes once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';

describe('rate limits: a Retry-After wait holds no place', () => {
  let site: TestEmulator;
  beforeAll(async () => {
    site = await startEmulator({ seed: 3, actionLogs: 12_000, maxConcurrent: 2, concurrencyRetryAfter: 1, faults: { latencyMs: 20 } });
  });
  afterAll(() => site?.close());

  it('the requests answered 200 never pause for a Retry-After (arrival order: nothing waits on the output); every record once', async () => {
    const answered: number[] = [];
    let refused = 0;
    const client = createClient({
      apiKey: site.apiKey,
      baseUrl: site.baseUrl,
      // When each response arrives (hooks report a 429 only after its retry's wait).
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (response.status === 429) refused++;
        else answered.push(performance.now());
        return response;
      },
    });
    // The validator (schemas, zod) loads with the first response: done before the timing.
    await client.actionLogs.list({ per_page: 1 }).take(1).toArray();
    answered.length = 0;
    const t = site.emulator.timeline('actionLogs');
    const got = await client.actionLogs
      .list({ per_page: 50 }, { partition: { since: t.first, until: t.first + t.span, concurrency: 4, ordered: false } })
      .toArray();
    expect(new Set(got.map((r) => JSON.stringify(r))).size).toBe(12_000);
    expect(got).toHaveLength(12_000);
    expect(refused, 'the limit answered 429s').toBeGreaterThan(0);
    expect(site.emulator.stats.peakInFlight).toBeLessThanOrEqual(2);
    // A request waiting 1 s for its retry holds no place: the others go on (pages take ~20 ms).
    // Held places would leave none free while two requests wait: a pause of a second.
    const gaps = answered.slice(1).map((at, i) => at - answered[i]!);
    expect(Math.max(...gaps)).toBeLessThan(500);
  });
});
