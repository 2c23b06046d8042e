import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type FaultOptions } from '../../src/testing/index.js';
import { API_PATH, startEmulator, type TestEmulator } from '../helpers/emulator.js';

const ALL: FaultOptions = { rateLimited: 0.1, serverError: 0.1, unavailable: 0.1, connectionReset: 0.1, truncatedBody: 0.1 };

/** Sends requests in-process and describes each outcome. */
async function outcomes(emulator: Emulator, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await emulator.handle(new Request(`${emulator.baseUrl}${API_PATH}/users?per_page=5`, { headers: { 'X-FilesAPI-Key': emulator.apiKey } }));
    if (res.type === 'error') {
      out.push('reset');
      continue;
    }
    if (res.status !== 200) {
      await res.text();
      out.push(String(res.status));
      continue;
    }
    try {
      await res.json();
      out.push(String(res.status));
    } catch {
      out.push(`${res.status}-cut`);
    }
  }
  return out;
}

let harness: TestEmulator | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('fault injection', () => {
  it('is reproducible: same seed and request sequence give the same faults', async () => {
    const a = await outcomes(createEmulator({ seed: 9, faults: ALL }), 200);
    const b = await outcomes(createEmulator({ seed: 9, faults: ALL }), 200);
    const c = await outcomes(createEmulator({ seed: 10, faults: ALL }), 200);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const kind of ['200', '429', '500', '503', 'reset', '200-cut']) expect(a).toContain(kind);
    const failures = a.filter((o) => o !== '200').length;
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(140);
  });

  it('logs each request with its fault, and counts them', async () => {
    const emulator = createEmulator({ seed: 9, faults: ALL });
    const seen = await outcomes(emulator, 50);
    const log = emulator.requests;
    expect(log).toHaveLength(50);
    expect(log[0]).toMatchObject({ method: 'GET', path: '/api/rest/v1/users', query: { per_page: '5' }, operation: 'users.list', kind: 'api' });
    log.forEach((entry, i) => {
      const expected = { reset: 'connectionReset', '429': 'rateLimited', '500': 'serverError', '503': 'unavailable', '200-cut': 'truncatedBody', '200': undefined }[seen[i]!];
      expect(entry.fault).toBe(expected);
    });
    const { stats } = emulator;
    expect(stats.total).toBe(50);
    expect(stats.byOperation['users.list']).toBe(50);
    expect(stats.byFault.connectionReset).toBe(seen.filter((o) => o === 'reset').length);
    expect(stats.byStatus['0']).toBe(seen.filter((o) => o === 'reset').length);
    emulator.resetLog();
    expect(emulator.requests).toHaveLength(0);
    expect(emulator.stats.total).toBe(0);
  });

  it('keeps only the most recent requests', async () => {
    const emulator = createEmulator({ requestLogLimit: 5 });
    await outcomes(emulator, 12);
    expect(emulator.requests).toHaveLength(5);
    expect(emulator.stats.total).toBe(12);
  });

  it('answers 429 with Retry-After (configurable), 500 with HTML, 503 with a JSON error body', async () => {
    harness = await startEmulator({ faults: { rateLimited: 1 } });
    const limited = await harness.api('/users');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ type: 'rate-limited/too-many-requests', 'http-code': 429 });
    harness.emulator.setFaults({ rateLimited: 1, retryAfter: 3 });
    expect((await harness.api('/users')).headers.get('retry-after')).toBe('3');
    harness.emulator.setFaults({ rateLimited: 1, retryAfter: null });
    expect((await harness.api('/users')).headers.get('retry-after')).toBeNull();
    harness.emulator.setFaults({ serverError: 1 });
    const html = await harness.api('/users');
    expect(html.status).toBe(500);
    expect(html.headers.get('content-type')).toContain('text/html');
    harness.emulator.setFaults({ unavailable: 1 });
    const unavailable = await harness.api('/users');
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toMatchObject({ type: 'service-unavailable', 'http-code': 503 });
  });

  it('drops the connection or cuts the body over HTTP', async () => {
    harness = await startEmulator({ faults: { connectionReset: 1 } });
    await expect(harness.api('/users')).rejects.toThrow(TypeError);
    harness.emulator.setFaults({ truncatedBody: 1 });
    const res = await harness.api('/users?per_page=50');
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(1000);
    await expect(res.json()).rejects.toThrow();
  });

  it('can be switched on mid-listing; the walk then resumes from its cursor', async () => {
    harness = await startEmulator({ users: 1000 });
    const first = await harness.api('/users?per_page=100');
    const ids = ((await first.json()) as { id: number }[]).map((u) => u.id);
    let cursor = first.headers.get('x-files-cursor-next')!;
    harness.emulator.setFaults({ connectionReset: 1 });
    await expect(harness.api(`/users?per_page=100&cursor=${cursor}`)).rejects.toThrow();
    harness.emulator.setFaults({ serverError: 1 });
    expect((await harness.api(`/users?per_page=100&cursor=${cursor}`)).status).toBe(500);
    harness.emulator.setFaults({});
    while (cursor) {
      const res = await harness.api(`/users?per_page=100&cursor=${cursor}`);
      ids.push(...((await res.json()) as { id: number }[]).map((u) => u.id));
      cursor = res.headers.get('x-files-cursor-next')!;
    }
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('never touches the emulator’s own paths (downloads, uploads, control)', async () => {
    harness = await startEmulator({ files: 20 });
    const root = (await (await harness.api('/folders/')).json()) as { path: string; type: string }[];
    const file = (await (await harness.api(`/files/${encodeURIComponent(root.find((f) => f.type === 'file')!.path)}`)).json()) as { download_uri: string };
    harness.emulator.setFaults({ connectionReset: 1 });
    expect((await fetch(file.download_uri)).status).toBe(200);
    const stats = await fetch(`${harness.baseUrl}/emulator/stats`);
    expect(((await stats.json()) as { byKind: { download: number } }).byKind.download).toBe(1);
  });

  it('can be changed over HTTP (for an emulator in another process)', async () => {
    harness = await startEmulator({});
    const set = await fetch(`${harness.baseUrl}/emulator/faults`, { method: 'PUT', body: JSON.stringify({ unavailable: 1 }) });
    expect(await set.json()).toEqual({ unavailable: 1 });
    expect((await harness.api('/users')).status).toBe(503);
    await fetch(`${harness.baseUrl}/emulator/faults`, { method: 'PUT', body: '{}' });
    expect((await harness.api('/users')).status).toBe(200);
  });

  it('adds latency and caps runs of consecutive faults', async () => {
    const slow = createEmulator({ faults: { latencyMs: 40 } });
    const started = performance.now();
    await outcomes(slow, 3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    const capped = await outcomes(createEmulator({ seed: 4, faults: { serverError: 0.9, maxConsecutive: 2 } }), 100);
    const runs = capped.join(',').split('200').map((run) => run.split(',').filter(Boolean).length);
    expect(Math.max(...runs)).toBeLessThanOrEqual(2);
  });

  it('a read is answered from the state at its arrival (its latency runs from then); a write acts after its latency', async () => {
    harness = await startEmulator({ users: 5, faults: { latencyMs: 150 } });
    // The DELETE is sent first and acts when its latency has passed; the GET arrives 50 ms later,
    // before the DELETE acts, and is answered from the state it found then.
    const removed = harness.api('/users/3', { method: 'DELETE' });
    await new Promise((r) => setTimeout(r, 50));
    const read = harness.api('/users/3');
    expect((await removed).status).toBe(204);
    expect((await read).status).toBe(200);
    expect((await harness.api('/users/3')).status).toBe(404);
  });

  it('lets a retrying plain-fetch loop read every record exactly once at a 10% failure rate', async () => {
    harness = await startEmulator({ users: 5000, faults: { rateLimited: 0.025, serverError: 0.025, unavailable: 0.025, connectionReset: 0.025, truncatedBody: 0.025, retryAfter: 0 } });
    const ids: number[] = [];
    let cursor: string | null = '';
    let attempts = 0;
    while (cursor !== null) {
      attempts++;
      try {
        const res = await harness.api(`/users?per_page=100${cursor ? `&cursor=${cursor}` : ''}`);
        if (res.status !== 200) continue;
        const page = (await res.json()) as { id: number }[];
        ids.push(...page.map((u) => u.id));
        cursor = res.headers.get('x-files-cursor-next');
      } catch {
        // reset or truncated: retry the same cursor
      }
    }
    expect(ids).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(attempts).toBeGreaterThan(50);
    expect(harness.emulator.stats.byFault).not.toEqual({});
  });
});
