import { http, HttpResponse } from 'msw';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, NetworkError, RateLimitedError, ServiceUnavailableError, TimeoutError } from '../../src/index.js';
import { API, BASE, useMswServer } from '../helpers/msw.js';

const server = useMswServer();
const client = createClient({ apiKey: 'k-retry', baseUrl: BASE, retry: { backoffMs: 10, maxBackoffMs: 20 } });
const ok = () => HttpResponse.json({ id: 1 });

/** Answers with the given responses in turn, counting requests. */
function sequence(...answers: (() => Response)[]) {
  const seen = { count: 0 };
  server.use(
    http.all(`${API}/thing`, () => {
      const answer = answers[Math.min(seen.count, answers.length - 1)]!;
      seen.count++;
      return answer();
    }),
  );
  return seen;
}

// ky loads with the first request (not at import); load it before any test fakes the clock.
beforeAll(async () => {
  await import('ky');
});

afterEach(() => {
  vi.useRealTimers();
});

describe('retries', () => {
  it('retries a 429 after the Retry-After delay it states', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const seen = sequence(
      () => HttpResponse.json({ type: 'rate-limited/too-many-requests' }, { status: 429, headers: { 'Retry-After': '2' } }),
      ok,
    );
    const done = client.core.request({ method: 'GET', path: '/thing' });
    await vi.advanceTimersByTimeAsync(1_990);
    expect(seen.count).toBe(1);
    await vi.advanceTimersByTimeAsync(20);
    await expect(done).resolves.toMatchObject({ status: 200, body: { id: 1 } });
    expect(seen.count).toBe(2);
  });

  it('ignores a Retry-After of 60 s or more and backs off normally', async () => {
    const seen = sequence(() => new HttpResponse(null, { status: 503, headers: { 'Retry-After': '120' } }), ok);
    const t0 = Date.now();
    await client.core.request({ method: 'GET', path: '/thing' });
    expect(seen.count).toBe(2);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('retries 500/502/503/504 and network errors on GET, then succeeds', async () => {
    const seen = sequence(
      () => new HttpResponse('x', { status: 500 }),
      () => new HttpResponse('<html><title>502 Bad Gateway</title></html>', { status: 502 }),
      () => HttpResponse.error(),
      () => new HttpResponse(null, { status: 504 }),
      ok,
    );
    await expect(client.core.request({ method: 'GET', path: '/thing' })).resolves.toMatchObject({ body: { id: 1 } });
    expect(seen.count).toBe(5);
  });

  it('does not retry a POST on a 503 without Retry-After (the server may have acted)', async () => {
    const seen = sequence(() => new HttpResponse(null, { status: 503 }), ok);
    await expect(client.core.request({ method: 'POST', path: '/thing', body: {} })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(seen.count).toBe(1);
  });

  it('does not retry a 404', async () => {
    const seen = sequence(() => HttpResponse.json({ type: 'not-found' }, { status: 404 }), ok);
    await expect(client.core.request({ method: 'GET', path: '/thing' })).rejects.toMatchObject({ status: 404 });
    expect(seen.count).toBe(1);
  });

  it('gives up after the retry limit with the last error, typed', async () => {
    // (A 429 with Retry-After goes past the limit, until the time cap: see rate-limit.slow.test.ts.)
    const seen = sequence(() => HttpResponse.json({ type: 'service-unavailable' }, { status: 503, headers: { 'Retry-After': '0' } }));
    const limited = client.with({ retry: { limit: 3, backoffMs: 1 } });
    await expect(limited.core.request({ method: 'GET', path: '/thing' })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(seen.count).toBe(4);
    const plain = sequence(() => HttpResponse.json({ type: 'rate-limited' }, { status: 429 }));
    await expect(limited.core.request({ method: 'GET', path: '/thing' })).rejects.toBeInstanceOf(RateLimitedError);
    expect(plain.count).toBe(4); // a 429 without Retry-After: bounded like the rest
  });

  it('turns a persistent network failure into NetworkError', async () => {
    const seen = sequence(() => HttpResponse.error());
    const err = await client.with({ retry: { limit: 2, backoffMs: 1 } }).core.request({ method: 'GET', path: '/thing' }).catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(seen.count).toBe(3);
  });

  it('stops retrying once the total retry time cap would be passed', async () => {
    const seen = sequence(() => new HttpResponse(null, { status: 503, headers: { 'Retry-After': '1' } }));
    const capped = client.with({ retry: { limit: 10, maxRetryTimeMs: 1_500 } });
    await expect(capped.core.request({ method: 'GET', path: '/thing' })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(seen.count).toBe(2); // one retry after 1 s; a second would pass 1.5 s
  });

  it('times out a request that does not answer in time', async () => {
    // A server slower than the timeout (time is the point).
    server.use(http.get(`${API}/thing`, async () => { await new Promise((r) => setTimeout(r, 500)); return ok(); }));
    const err = await client.with({ timeout: 50, retry: false }).core.request({ method: 'GET', path: '/thing' }).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it('an aborted signal cancels the request and the retry wait', async () => {
    const seen = sequence(() => new HttpResponse(null, { status: 503, headers: { 'Retry-After': '30' } }));
    const controller = new AbortController();
    const done = client.core.request({ method: 'GET', path: '/thing', signal: controller.signal });
    done.catch(() => {}); // checked below
    // Abort once the server has answered the 503: its response is on the way, or its 30 s retry wait has begun.
    await vi.waitFor(() => expect(seen.count).toBe(1));
    controller.abort(new Error('cancelled by test'));
    await expect(done).rejects.toThrow('cancelled by test');
    expect(seen.count).toBe(1);
  });

  it('a page whose body breaks off is fetched again: a retry the hooks and the logger see, with its cursor', async () => {
    let served = 0;
    server.use(
      http.get(`${API}/users`, () => {
        if (served++ > 0) return HttpResponse.json([{ id: 1 }, { id: 2 }]);
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('[{"id":1},'));
            controller.error(new Error('connection reset'));
          },
        });
        return new HttpResponse(body, { headers: { 'content-type': 'application/json' } });
      }),
    );
    const events: string[] = [];
    const warnings: string[] = [];
    const observed = client.with({
      hooks: {
        beforeRequest: (e) => events.push(`request#${e.attempt}`),
        afterResponse: (e) => events.push(`response#${e.attempt}:${e.status}`),
        beforeRetry: (e) => events.push(`retry#${e.attempt}:${e.reason} ${e.operation} ${e.method} ${e.url}`),
      },
      logger: { warn: (line: string) => warnings.push(line) },
    });
    const users = await observed.users.list({ per_page: 2 }, { startCursor: 'c1' }).toArray();
    expect(users.map((u) => u.id)).toEqual([1, 2]);
    expect(served).toBe(2);
    expect(events).toEqual([
      'request#0',
      'response#0:200',
      `retry#1:NetworkError users.list GET ${API}/users?per_page=2&cursor=c1`,
      'request#1', // the refetch draws on the page's one retry budget: attempt 1
      'response#1:200',
    ]);
    expect(warnings).toEqual([expect.stringMatching(/^users\.list GET \S+cursor=c1: retry 1\/\d+ in \d+ ms after /)]);
  });

  it('reports every attempt to the hooks: each response and each retry', async () => {
    sequence(() => new HttpResponse(null, { status: 503 }), () => HttpResponse.error(), ok);
    const events: string[] = [];
    const observed = client.with({
      hooks: {
        beforeRequest: (e) => events.push(`request#${e.attempt}`),
        afterResponse: (e) => events.push(`response#${e.attempt}:${e.status}`),
        beforeRetry: (e) => events.push(`retry#${e.attempt}:${e.reason}`),
      },
    });
    await observed.core.request({ method: 'GET', path: '/thing' });
    expect(events).toEqual([
      'request#0',
      'response#0:503',
      'retry#1:503',
      'request#1',
      'retry#2:NetworkError',
      'request#2',
      'response#2:200',
    ]);
  });
});
