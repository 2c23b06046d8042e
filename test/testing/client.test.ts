import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { createEmulator } from '../../src/testing/index.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';

const options = { seed: 31, users: 2_500, files: 40 };
const inProcess = createEmulator({ ...options, baseUrl: 'https://client.files.test' });
const msw = setupServer(...inProcess.handlers);
let http: TestEmulator;

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: 'bypass' });
  http = await startEmulator(options);
});
afterAll(async () => {
  msw.close();
  await http.close();
});

const fastRetry = { backoffMs: 1, maxBackoffMs: 5 };

describe('the project client against the emulator', () => {
  for (const frontEnd of ['msw', 'http'] as const) {
    it(`lists every user exactly once (${frontEnd})`, async () => {
      const baseUrl = frontEnd === 'msw' ? inProcess.baseUrl : http.baseUrl;
      const client = createClient({ apiKey: 'emulatorkey', baseUrl, retry: fastRetry });
      const ids: number[] = [];
      for await (const user of client.users.list({ per_page: 300 })) ids.push((user as { id: number }).id);
      expect(ids).toEqual(Array.from({ length: 2_500 }, (_, i) => i + 1));
      const emulator = frontEnd === 'msw' ? inProcess : http.emulator;
      expect(emulator.requests.filter((r) => r.operation === 'users.list').length).toBeGreaterThanOrEqual(9);
    });
  }

  it('survives 10% failures (429, 500, 503, resets, truncated bodies) without losing or duplicating a record', async () => {
    http.emulator.setFaults({ rateLimited: 0.02, serverError: 0.02, unavailable: 0.02, connectionReset: 0.02, truncatedBody: 0.02, retryAfter: 0, maxConsecutive: 3 });
    try {
      const client = createClient({ apiKey: 'emulatorkey', baseUrl: http.baseUrl, retry: fastRetry });
      const ids: number[] = [];
      for await (const user of client.users.list({ per_page: 50 })) ids.push((user as { id: number }).id);
      expect(ids).toEqual(Array.from({ length: 2_500 }, (_, i) => i + 1));
      expect(Object.values(http.emulator.stats.byFault).reduce((a, b) => a + (b ?? 0), 0)).toBeGreaterThan(0);
    } finally {
      http.emulator.setFaults({});
    }
  });
});
