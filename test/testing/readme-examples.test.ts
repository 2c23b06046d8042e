// The examples of README-emulator.md, kept runnable.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { createEmulator, type EmulatorServer } from '../../src/testing/index.js';

describe('README: in-process, with msw', () => {
  const emulator = createEmulator({ seed: 1, users: 2_500 });
  const server = setupServer(...emulator.handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('exports every user exactly once, even when the API misbehaves', async () => {
    emulator.setFaults({ rateLimited: 0.05, connectionReset: 0.05, retryAfter: 0 });
    const files = createClient({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, retry: { backoffMs: 1, maxBackoffMs: 5 } });
    const ids = [];
    for await (const user of files.users.list({ per_page: 100 })) ids.push(user.id);
    expect(ids).toHaveLength(2_500);
    expect(new Set(ids).size).toBe(2_500);
    expect(emulator.stats.byOperation['users.list']).toBeGreaterThanOrEqual(25);
  });
});

describe('README: over HTTP', () => {
  const emulator = createEmulator({ seed: 7, files: 200 });
  let server: EmulatorServer;
  beforeAll(async () => {
    server = await emulator.listen();
  });
  afterAll(() => server.close());

  it('lists the root folder, folders first', async () => {
    const files = createClient({ apiKey: emulator.apiKey, baseUrl: server.baseUrl });
    const root = await files.folders.listFor('/').toArray();
    const firstFile = root.findIndex((entry) => entry.type === 'file');
    expect(firstFile).toBeGreaterThan(0);
    expect(root.slice(0, firstFile).every((entry) => entry.type === 'directory')).toBe(true);
  });
});
