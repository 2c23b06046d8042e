// Rate limits: a 429 with a usable Retry-After means the server is serving someone, so the
// request keeps retrying (honouring Retry-After, with a floor so `Retry-After: 0` does not
// spin) for as long as the total retry time cap allows, instead of failing after `limit`
// attempts. Other retries (5xx, resets, a 429 without Retry-After) stay bounded by `limit`.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, RateLimitedError, ServiceUnavailableError } from '../../src/index.js';
import { RetryBudget, defaultRetryPolicy, type RetryPolicy } from '../../src/core/retry.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { answer, tinyServer, type TinyServer } from '../reliability/support/tiny-server.js';

const KEY = 'sk-rate-limit-test-4e1b';
const servers: TinyServer[] = [];

beforeAll(async () => {
  await import('ky');
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server that serves one request at a time (in `serveMs`) and answers 429 `Retry-After: 0` to any other. */
async function oneAtATime(serveMs: number): Promise<{ server: TinyServer; served: () => number; refused: () => number; peak: () => number }> {
  let inFlight = 0;
  let served = 0;
  let refused = 0;
  let peak = 0;
  const server = await tinyServer((req, res) => {
    if (inFlight >= 1) {
      refused++;
      answer(res, 429, '{"type":"rate-limited/too-many-concurrent-requests","http-code":429}', { 'retry-after': '0' });
      return;
    }
    inFlight++;
    peak = Math.max(peak, inFlight);
    setTimeout(() => {
      inFlight--;
      served++;
      answer(res, 200, JSON.stringify({ path: req.url }));
    }, serveMs);
  });
  servers.push(server);
  return { server, served: () => served, refused: () => refused, peak: () => peak };
}

/** A 429 `Retry-After: N` as the budget sees it (a typed error from the core). */
const rateLimited = (retryAfter?: number) => new RateLimitedError({ status: 429, type: 'rate-limited', ...(retryAfter === undefined ? {} : { retryAfter }) });
const unavailable = () => new ServiceUnavailableError({ status: 503 });

describe('rate-limit retries never give up while the server answers within Retry-After', () => {
  it('64 concurrent requests of one client against a limit of 1 (429, Retry-After: 0): every one completes, each served once', async () => {
    const limit = await oneAtATime(5);
    const retries: number[] = [];
    const client = createClient({ apiKey: KEY, baseUrl: limit.server.baseUrl, hooks: { beforeRetry: (e) => retries.push(e.attempt) } });
    const results = await Promise.allSettled(Array.from({ length: 64 }, (_, i) => client.core.request<{ path: string }>({ method: 'GET', path: `/thing/${i}` })));
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(failed).toEqual([]);
    const paths = results.map((r) => (r as PromiseFulfilledResult<{ body: { path: string } }>).value.body.path).sort();
    expect(new Set(paths).size).toBe(64);
    expect(limit.served()).toBe(64);
    expect(limit.peak()).toBe(1);
    // Exactly one request per 429 retried, and one per success.
    expect(limit.server.seen).toHaveLength(64 + limit.refused());
    expect(retries).toHaveLength(limit.refused());
    expect(Math.max(...retries)).toBeGreaterThan(5); // past the limit of 5 retries
  });

  it('a partitioned listing at concurrency 64 against a server limit of 1 (Retry-After: 0): every record once', async () => {
    let site: TestEmulator | undefined;
    try {
      site = await startEmulator({ seed: 11, actionLogs: 3_000, maxConcurrent: 1, concurrencyRetryAfter: 0 });
      const client = createClient({ apiKey: site.apiKey, baseUrl: site.baseUrl });
      const t = site.emulator.timeline('actionLogs');
      const got = await client.actionLogs
        .list({ per_page: 50 }, { partition: { since: t.first, until: t.first + t.span, concurrency: 64 } })
        .toArray();
      expect(got).toHaveLength(3_000);
      expect(new Set(got.map((r) => JSON.stringify(r))).size).toBe(3_000);
      expect(site.emulator.stats.peakInFlight).toBe(1);
    } finally {
      await site?.close();
    }
  });

  it('the budget: 429s with Retry-After go past `limit` (with a growing floor under Retry-After: 0) until the time cap', () => {
    const policy: RetryPolicy = { ...defaultRetryPolicy, limit: 2, backoffMs: 100, maxBackoffMs: 1_000, maxRetryTimeMs: 5_000 };
    const budget = new RetryBudget(policy, { method: 'GET' });
    const waits: number[] = [];
    for (let plan = budget.plan(rateLimited(0)); plan; plan = budget.plan(rateLimited(0))) waits.push(plan.delayMs);
    // The first `limit` are waited exactly (0 ms); then the backoff is the floor, until the 5 s cap.
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    expect(waits.length).toBeGreaterThan(4);
    expect(waits.slice(2).every((w) => w > 0)).toBe(true);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5_000);
    // Never spins: past the limit, every wait is at least half the backoff of its retry (jitter).
    expect(waits[2]).toBeGreaterThanOrEqual(50);
  });

  it('a Retry-After longer than the floor is waited as stated, past the limit too', () => {
    const policy: RetryPolicy = { ...defaultRetryPolicy, limit: 1, backoffMs: 10, maxBackoffMs: 20, maxRetryTimeMs: 10_000 };
    const budget = new RetryBudget(policy, { method: 'POST' });
    const waits = [budget.plan(rateLimited(2)), budget.plan(rateLimited(2)), budget.plan(rateLimited(2))].map((p) => p?.delayMs);
    expect(waits).toEqual([2_000, 2_000, 2_000]);
    expect(budget.retries).toBe(3);
  });

  it('other failures stay bounded by `limit`, and rate-limit retries do not use it up', () => {
    const policy: RetryPolicy = { ...defaultRetryPolicy, limit: 2, backoffMs: 1, maxBackoffMs: 2 };
    const budget = new RetryBudget(policy, { method: 'GET' });
    for (let i = 0; i < 10; i++) expect(budget.plan(rateLimited(0)), `429 #${i + 1}`).toBeDefined();
    expect(budget.plan(unavailable())).toBeDefined();
    expect(budget.plan(unavailable())).toBeDefined();
    expect(budget.plan(unavailable())).toBeUndefined();
    // A 429 without a usable Retry-After is an ordinary retry: bounded too.
    const plain = new RetryBudget(policy, { method: 'GET' });
    expect([plain.plan(rateLimited()), plain.plan(rateLimited()), plain.plan(rateLimited())].map((p) => p !== undefined)).toEqual([true, true, false]);
  });

  it('retries off (limit 0) means no retry at all, 429 included', () => {
    const budget = new RetryBudget({ ...defaultRetryPolicy, limit: 0 }, { method: 'GET' });
    expect(budget.plan(rateLimited(0))).toBeUndefined();
  });

  it('a server that answers 429 Retry-After: 0 forever: the request gives up at the time cap with RateLimitedError', async () => {
    const api = await tinyServer((_req, res) => answer(res, 429, '{"type":"rate-limited"}', { 'retry-after': '0' }));
    servers.push(api);
    const client = createClient({ apiKey: KEY, baseUrl: api.baseUrl, retry: { limit: 3, backoffMs: 20, maxBackoffMs: 40, maxRetryTimeMs: 400 } });
    const started = performance.now();
    const error = await client.core.request({ method: 'GET', path: '/thing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(360); // waited (nearly) the cap, not 4 attempts in no time
    expect(elapsed).toBeLessThan(5_000);
    // 4 attempts within the limit, then one per floor wait (20 to 40 ms each) until 400 ms.
    expect(api.seen.length).toBeGreaterThan(4 + 400 / 40 - 1);
    expect(api.seen.length).toBeLessThanOrEqual(4 + 400 / 10 + 1);
  });
});
