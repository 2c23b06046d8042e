// `client.fileMigrations.wait`: what users of the official SDKs write by hand after
// `files.copy` / `files.move`. The Files.com docs (node_modules/files.com/docs/models/FileAction.md):
// "`file_migration_id` (int64): If status is pending, this is the id of the File Migration to
// check for status updates"; the Go SDK's `file_migration.Client.Wait` polls
// `GET /file_migrations/{id}` until the status is `completed` or `failed` (and returns at once,
// without a request, for a FileAction already `completed`). The spec's FileMigration example
// says `complete`: both end the wait.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, FileMigrationError, InvalidParameterError, NotFoundError, TimeoutError, type FilesClient } from '../../src/index.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/testing/index.js';

let clock = Date.UTC(2025, 6, 1);

function setup(options: EmulatorOptions = {}): { emulator: Emulator; files: FilesClient; finds: () => number } {
  const emulator = createEmulator({ seed: 4, files: 120, folderFanout: 3, filesPerFolder: 5, now: () => clock, ...options });
  const files = createClient({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, fetch: emulator.fetch, retry: { limit: 0 } });
  return { emulator, files, finds: () => emulator.stats.byOperation['fileMigrations.find'] ?? 0 };
}

async function firstFolder(files: FilesClient): Promise<string> {
  const root = await files.folders.listFor('/').toArray();
  return root.find((entry) => entry.type === 'directory')!.path!;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('client.fileMigrations.wait', () => {
  it('resolves at once, without a request, for a FileAction already completed or without a migration id (as the Go SDK)', async () => {
    const { emulator, files } = setup();
    expect(await files.fileMigrations.wait({ status: 'completed', file_migration_id: 7 })).toEqual({ id: 7, status: 'completed' });
    expect(await files.fileMigrations.wait({ status: 'complete', file_migration_id: 8 })).toEqual({ id: 8, status: 'complete' });
    expect(await files.fileMigrations.wait({ status: 'pending' })).toEqual({ id: null, status: 'pending' });
    await expect(files.fileMigrations.wait({ status: 'failed', file_migration_id: 9 })).rejects.toBeInstanceOf(FileMigrationError);
    expect(emulator.stats.total).toBe(0);
  });

  it('polls a folder copy until complete and resolves with the migration (exactly one request per poll)', async () => {
    const { files, finds } = setup({ migrationMs: 250 });
    const folder = await firstFolder(files);
    const action = await files.files.copy(folder, { destination: 'copied' });
    expect(action).toEqual({ status: 'pending', file_migration_id: expect.any(Number) });
    const seen: string[] = [];
    const migration = await files.fileMigrations.wait(action, {
      intervalMs: 1,
      // Each poll moves the emulator's clock by 100 ms: complete on the 4th (0, 100, 200, 300).
      onProgress: (m) => {
        seen.push(String(m.status));
        clock += 100;
      },
    });
    expect(seen).toEqual(['pending', 'processing', 'processing', 'complete']);
    expect(finds()).toBe(4);
    expect(migration).toMatchObject({ id: action.file_migration_id, operation: 'copy', path: folder, dest_path: 'copied', status: 'complete', failure_message: null });
    expect(migration.files_moved).toBe(migration.files_total);
    const copied = await files.folders.walk('copied', { type: 'file' }).toArray();
    expect(copied.length).toBe(migration.files_total);
  });

  it('takes a migration id, and waits for a move (the source gone once it resolves)', async () => {
    const { files, finds } = setup({ migrationMs: 100 });
    const folder = await firstFolder(files);
    const { file_migration_id: id } = await files.files.move(folder, { destination: 'moved' });
    const migration = await files.fileMigrations.wait(id!, { intervalMs: 1, onProgress: () => void (clock += 100) });
    expect(migration).toMatchObject({ id, operation: 'move', status: 'complete' });
    expect(finds()).toBe(2);
    await expect(files.folders.listFor(folder).toArray()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a single file: one request', async () => {
    const { files, finds } = setup();
    const file = (await files.folders.walk('/', { type: 'file' }).take(1).toArray())[0]!;
    const migration = await files.fileMigrations.wait(await files.files.copy(file.path!, { destination: 'one.bin' }));
    expect(migration).toMatchObject({ status: 'complete', files_total: 1, files_moved: 1, dest_path: 'one.bin' });
    expect(finds()).toBe(1);
  });

  it('rejects with FileMigrationError when the migration fails (the destination created meanwhile)', async () => {
    const { files, finds } = setup({ migrationMs: 500 });
    const folder = await firstFolder(files);
    const action = await files.files.copy(folder, { destination: 'taken' });
    await files.folders.create('taken');
    clock += 500;
    const error = await files.fileMigrations.wait(action).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileMigrationError);
    expect(error).toMatchObject({
      name: 'FileMigrationError',
      migrationId: action.file_migration_id,
      operation: 'copy',
      path: folder,
      destPath: 'taken',
      failureMessage: 'taken already exists.',
    });
    expect((error as Error).message).toBe(`file migration ${action.file_migration_id} (copy ${folder} → taken) failed: taken already exists.`);
    expect(finds()).toBe(1);
  });

  it('rejects with TimeoutError after timeoutMs, and sends nothing more', async () => {
    const { files, finds } = setup({ migrationMs: 60_000 });
    const action = await files.files.copy(await firstFolder(files), { destination: 'slow' });
    const started = performance.now();
    const error = await files.fileMigrations.wait(action, { timeoutMs: 150, intervalMs: 10, maxIntervalMs: 20 }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 150 });
    expect((error as Error).message).toMatch(/not finished after 150 ms \(last status: pending\)/);
    expect(elapsed).toBeGreaterThanOrEqual(145);
    expect(elapsed).toBeLessThan(2_000);
    const sent = finds();
    expect(sent).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(finds()).toBe(sent);
  });

  it("rejects with the signal's reason (an AbortError) when aborted, and sends nothing more; an aborted signal sends nothing", async () => {
    const { files, finds } = setup({ migrationMs: 60_000 });
    const action = await files.files.copy(await firstFolder(files), { destination: 'cancelled' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await files.fileMigrations.wait(action, { signal: controller.signal, intervalMs: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    const sent = finds();
    expect(sent).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(finds()).toBe(sent);
    const reason = new Error('stop');
    await expect(files.fileMigrations.wait(action, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(finds()).toBe(sent);
  });

  it('backs off: intervalMs, doubling, up to maxIntervalMs (defaults 250 ms to 5 s)', async () => {
    const { files, finds } = setup({ migrationMs: 60_000 });
    const action = await files.files.copy(await firstFolder(files), { destination: 'backoff' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const controller = new AbortController();
    const done = files.fileMigrations.wait(action, { signal: controller.signal }).catch((e: unknown) => e);
    // Polls at 0, 250, 750, 1750, 3750, 7750, 12750 (5 s apart from there), 17750.
    const at = [250, 750, 1_750, 3_750, 7_750, 12_750, 17_750];
    await vi.advanceTimersByTimeAsync(0);
    expect(finds()).toBe(1);
    let now = 0;
    for (const [i, t] of at.entries()) {
      await vi.advanceTimersByTimeAsync(t - 1 - now);
      expect(finds(), `before ${t}`).toBe(i + 1);
      await vi.advanceTimersByTimeAsync(1);
      now = t;
      expect(finds(), `at ${t}`).toBe(i + 2);
    }
    controller.abort();
    expect(((await done) as Error).name).toBe('AbortError');
  });

  it('an unknown migration id rejects with the NotFoundError of the request; a bad id or option with InvalidParameterError, sending nothing', async () => {
    const { files, finds } = setup();
    await expect(files.fileMigrations.wait(424242)).rejects.toBeInstanceOf(NotFoundError);
    expect(finds()).toBe(1);
    await expect(files.fileMigrations.wait(-1)).rejects.toBeInstanceOf(InvalidParameterError);
    await expect(files.fileMigrations.wait(1, { timeoutMs: Number.NaN })).rejects.toBeInstanceOf(InvalidParameterError);
    expect(finds()).toBe(1);
  });
});
