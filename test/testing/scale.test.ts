import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/testing/index.js';
import { API_PATH } from '../helpers/emulator.js';

const get = async (emulator: ReturnType<typeof createEmulator>, path: string) => {
  const res = await emulator.handle(new Request(`${emulator.baseUrl}${API_PATH}${path}`, { headers: { 'X-FilesAPI-Key': emulator.apiKey } }));
  return { res, body: (await res.json()) as unknown };
};

describe('large synthetic collections', () => {
  it('cost no memory per record: ten million of each, created and read at once', async () => {
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    const emulator = createEmulator({ users: 10_000_000, groups: 100_000, groupUsers: 20_000_000, files: 10_000_000, history: 10_000_000, actionLogs: 10_000_000, permissions: 1_000_000 });
    const user = (await get(emulator, '/users/9999999')).body as { id: number; username: string; group_ids: string };
    expect(user.id).toBe(9_999_999);
    expect(user.group_ids.split(',')).toHaveLength(2);
    const page = await get(emulator, '/history?per_page=1000');
    expect((page.body as unknown[]).length).toBe(1000);
    const next = page.res.headers.get('x-files-cursor-next')!;
    expect(((await get(emulator, `/history?per_page=1000&cursor=${next}`)).body as { id: number }[])[0]!.id).toBe(1001);
    expect(((await get(emulator, '/action_logs?per_page=1000')).body as unknown[]).length).toBe(1000);
    expect(((await get(emulator, '/permissions?per_page=1000')).body as unknown[]).length).toBe(1000);
    const event = ((await get(emulator, '/history?per_page=20')).body as { path: string }[]).find((e) => e.path)!;
    expect((await get(emulator, `/file_actions/metadata/${encodeURIComponent(event.path)}`)).res.status).toBe(200);
    const root = (await get(emulator, '/folders/')).body as { path: string; type: string }[];
    expect(root.length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });
});
