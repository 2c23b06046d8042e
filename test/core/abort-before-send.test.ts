// An abort that lands between a request's start and its `fetch` call (inside the request
// lifecycle's async steps) sends nothing: fetch is never called with an aborted signal.
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';

describe('abort before the send', () => {
  it('a signal aborted after the request started but before fetch: fetch is never called, the signal\'s reason is thrown', async () => {
    const controller = new AbortController();
    const reason = new Error('stopped by the caller');
    let fetchCalls = 0;
    const client = createClient({
      apiKey: 'k',
      baseUrl: 'https://files.test',
      retry: { limit: 0 },
      fetch: async () => {
        fetchCalls++;
        return new Response('[]', { headers: { 'content-type': 'application/json' } });
      },
      // Runs inside the request lifecycle, after the request started and before fetch.
      hooks: { beforeRequest: () => controller.abort(reason) },
    });
    await expect(client.users.find(1, {}, { signal: controller.signal })).rejects.toBe(reason);
    expect(fetchCalls).toBe(0);
  });
});
