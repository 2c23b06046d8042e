// A request's slot (a shared limit of requests in flight, as a partitioned listing's): a place
// is taken before each attempt is sent and given back when its response headers arrive (or it
// fails), so a retry's `Retry-After` wait and the body's transfer hold none.
import { describe, expect, it } from 'vitest';
import { createRequestCore } from '../../src/core/request-core.js';
import { defaultRetryPolicy } from '../../src/core/retry.js';
import type { RequestSlot } from '../../src/core/types.js';

function core(fetch: typeof globalThis.fetch) {
  return createRequestCore(
    { baseUrl: 'https://files.test', timeout: 5_000, maxPageBytes: 1 << 20, retry: { ...defaultRetryPolicy, limit: 3 }, userAgent: 'test', fetch, hooks: {} },
    { apiKey: 'k' },
  );
}

/** A slot that records what happens to it, in order. */
function recordingSlot() {
  const events: string[] = [];
  let held = 0;
  const slot: RequestSlot = {
    async acquire() {
      held++;
      events.push('take');
      return (status) => {
        held--;
        events.push(`give ${status ?? 'none'}`);
      };
    },
  };
  return { slot, events, held: () => held };
}

const json = (body: unknown, init: ResponseInit = {}) => new Response(JSON.stringify(body), { ...init, headers: { 'content-type': 'application/json', ...init.headers } });

describe('request slot', () => {
  it('is taken before each attempt and given back with the status when the headers arrive, before the retry wait and before the body is read', async () => {
    const { slot, events, held } = recordingSlot();
    let calls = 0;
    const api = core(async () => {
      events.push(`send ${++calls}`);
      if (calls === 1) return json({ error: 'slow down', http_code: 429 }, { status: 429, headers: { 'retry-after': '1' } });
      return json([{ id: 1 }]);
    });
    const t0 = performance.now();
    let heldDuringWait = -1;
    const timer = setTimeout(() => (heldDuringWait = held()), 500);
    const res = await api.open({ method: 'GET', path: '/users', slot });
    clearTimeout(timer);
    // Given back before the body is read: the place is free while the caller reads it.
    expect(events).toEqual(['take', 'send 1', 'give 429', 'take', 'send 2', 'give 200']);
    expect(await res.json()).toEqual([{ id: 1 }]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(990);
    expect(heldDuringWait).toBe(0); // the Retry-After wait held no place
  });

  it('is given back (once) when the send fails without a response, and when the caller aborts while waiting for a place', async () => {
    const { slot, events, held } = recordingSlot();
    const api = core(async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
    });
    await expect(api.open({ method: 'GET', path: '/users', slot, budget: api.budget({ method: 'GET' }, undefined, { limit: 0 }) })).rejects.toThrow();
    expect(events).toEqual(['take', 'give none']);
    expect(held()).toBe(0);

    let fetched = 0;
    const controller = new AbortController();
    const reason = new Error('stopped');
    // A slot with no free place: the caller aborts while the request waits for one.
    const never: RequestSlot = {
      acquire: (signal) =>
        new Promise((_, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason));
          setTimeout(() => controller.abort(reason), 10);
        }),
    };
    const pending = core(async () => {
      fetched++;
      return json([]);
    }).open({ method: 'GET', path: '/users', slot: never, signal: controller.signal });
    await expect(pending).rejects.toBe(reason);
    expect(fetched).toBe(0);
  });
});
