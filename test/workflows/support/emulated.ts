import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { setupServer } from 'msw/node';
import { afterEach } from 'vitest';
import { createClient, type ClientOptions, type FilesClient } from '../../../src/index.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../../src/testing/index.js';

/** Origin the msw-served emulators answer on. */
export const EMULATOR_BASE = 'https://emulated.files.test';

/** An emulator served through msw (its handlers after any given first), and a client on it. */
export function emulated(
  server: ReturnType<typeof setupServer>,
  options: EmulatorOptions = {},
  clientOptions: ClientOptions = {},
): { emulator: Emulator; client: FilesClient } {
  const emulator = createEmulator({ baseUrl: EMULATOR_BASE, ...options });
  server.use(...emulator.handlers);
  const client = createClient({ apiKey: emulator.apiKey, baseUrl: EMULATOR_BASE, retry: { limit: 2, backoffMs: 1 }, ...clientOptions });
  return { emulator, client };
}

/** How many API requests of an operation (`files.download`, `folders.listFor`, ...) the emulator answered. */
export function operationCount(emulator: Emulator, operation: string): number {
  return emulator.stats.byOperation[operation] ?? 0;
}

/** Hex MD5 of some bytes. */
export function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Deterministic test bytes. */
export function testBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A fresh temporary folder, removed after the current test. */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'files-stream-'));
    made.push(dir);
    return dir;
  };
}

/** Every file and folder below `dir`, as sorted `/`-separated relative paths (folders end in `/`). */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .map((e) => relative(dir, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).split('\\').join('/') + (e.isDirectory() ? '/' : ''))
    .sort();
}
