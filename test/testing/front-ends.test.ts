import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type EmulatorOptions } from '../../src/testing/index.js';
import { API_PATH, startEmulator, type TestEmulator } from '../helpers/emulator.js';

const options: EmulatorOptions = { seed: 77, users: 120, groups: 5, files: 60, listSize: 7, now: () => Date.UTC(2025, 0, 1) };
const mswEmulator = createEmulator({ ...options, baseUrl: 'https://emulated.files.test' });
const server = setupServer(...mswEmulator.handlers);
let http: TestEmulator;

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' });
  http = await startEmulator(options);
});
afterAll(async () => {
  server.close();
  await http.close();
});

interface Step {
  method?: string;
  path: string;
  json?: unknown;
}

/** The parts of an answer that must agree, with each front end's origin written as ORIGIN. */
async function answer(res: Response, origin: string) {
  const text = (await res.text()).replaceAll(origin, 'ORIGIN');
  const headers = Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('x-files-') || k === 'content-type' || k === 'retry-after'));
  return { status: res.status, headers, body: text };
}

async function run(base: string, steps: Step[], cursors: Map<string, string>): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const step of steps) {
    const path = step.path.replace(/\{cursor:(\w+)\}/, (_, name: string) => cursors.get(name) ?? '');
    const res = await fetch(`${base}${API_PATH}${path}`, {
      method: step.method ?? 'GET',
      headers: { 'X-FilesAPI-Key': 'emulatorkey', 'content-type': 'application/json' },
      body: step.json === undefined ? undefined : JSON.stringify(step.json),
    });
    const next = res.headers.get('x-files-cursor-next');
    if (next) cursors.set(String(out.length), next);
    out.push(await answer(res, base));
  }
  return out;
}

describe('front ends', () => {
  it('msw and HTTP answer the same for the same seed', async () => {
    const steps: Step[] = [
      { path: '/users?per_page=50' },
      { path: '/users?per_page=50&cursor={cursor:0}' },
      { path: '/users?per_page=50&cursor={cursor:1}' },
      { path: '/users?sort_by[email]=desc&per_page=30&filter_prefix[username]=a' },
      { path: '/users/3' },
      { method: 'POST', path: '/users', json: { username: 'same.everywhere', name: 'Same' } },
      { method: 'PATCH', path: '/users/3', json: { company: 'Initrode' } },
      { path: '/users?filter[company]=Initrode' },
      { path: '/users/9999' },
      { path: '/groups' },
      { path: '/group_users?group_id=2' },
      { path: '/folders/' },
      { path: '/folders/?per_page=3&sort_by[path]=desc' },
      { method: 'POST', path: '/folders/new%2Fdeep', json: { mkdir_parents: true } },
      { path: '/history?per_page=5' },
      { path: '/action_logs?per_page=5' },
      { path: '/automations?per_page=3' },
      { path: '/automations?per_page=3&cursor={cursor:16}' },
      { path: '/users?per_page=20000' },
      { path: '/nope' },
      { method: 'POST', path: '/files/up.txt', json: { action: 'put' } },
    ];
    const viaMsw = await run(mswEmulator.baseUrl, steps, new Map());
    const viaHttp = await run(http.baseUrl, steps, new Map());
    expect(viaMsw).toEqual(viaHttp);
    const first = viaMsw[0] as { headers: Record<string, string> };
    expect(first.headers['x-files-cursor-next']).toBeTruthy();
  });

  it('serves downloads and uploads on the msw origin', async () => {
    const root = (await (await mswEmulator.fetch(`${mswEmulator.baseUrl}${API_PATH}/folders/`, { headers: { 'X-FilesAPI-Key': 'emulatorkey' } })).json()) as { path: string; type: string; size: number }[];
    const listed = root.find((f) => f.type === 'file' && f.size > 0)!;
    const file = (await (await fetch(`${mswEmulator.baseUrl}${API_PATH}/files/${encodeURIComponent(listed.path)}`, { headers: { 'X-FilesAPI-Key': 'emulatorkey' } })).json()) as { download_uri: string };
    expect(file.download_uri.startsWith(`${mswEmulator.baseUrl}/emulator/download/`)).toBe(true);
    expect((await (await fetch(file.download_uri)).arrayBuffer()).byteLength).toBe(listed.size);
  });

  it('acts out resets and truncation in-process too', async () => {
    const emulator = createEmulator({ baseUrl: 'https://faulty.files.test', faults: { connectionReset: 1 } });
    const local = setupServer(...emulator.handlers);
    server.close();
    local.listen({ onUnhandledRequest: 'bypass' });
    try {
      const url = `${emulator.baseUrl}${API_PATH}/users`;
      const headers = { 'X-FilesAPI-Key': emulator.apiKey };
      await expect(fetch(url, { headers })).rejects.toThrow(TypeError);
      await expect(emulator.fetch(url, { headers })).rejects.toThrow(TypeError);
      expect((await emulator.handle(new Request(url, { headers }))).type).toBe('error');
      emulator.setFaults({ truncatedBody: 1 });
      const cut = await fetch(url, { headers });
      expect(cut.status).toBe(200);
      await expect(cut.text()).rejects.toThrow();
      await expect((await emulator.fetch(url, { headers })).json()).rejects.toThrow();
    } finally {
      local.close();
      server.listen({ onUnhandledRequest: 'bypass' });
    }
  });
});
