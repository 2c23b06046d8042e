import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach } from 'vitest';

/** A fresh directory under the system's temporary folder. */
export interface TempDir {
  readonly path: string;
  /** Deletes it and everything in it. */
  remove(): Promise<void>;
}

/** Makes a fresh temporary directory (for a whole file: make it in `beforeAll`, remove it in `afterAll`). */
export async function tempDir(prefix = 'files-stream-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * For directories of one test: call at the top of a test file; the function it returns makes
 * a fresh temporary directory (its path), removed after the test that made it.
 */
export function useTempDirs(): (prefix?: string) => Promise<string> {
  const made: TempDir[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => dir.remove()));
  });
  return async (prefix?: string) => {
    const dir = await tempDir(prefix);
    made.push(dir);
    return dir.path;
  };
}

/** Every file and folder below `dir`, as sorted `/`-separated relative paths (folders end in `/`). */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .map((e) => relative(dir, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).split('\\').join('/') + (e.isDirectory() ? '/' : ''))
    .sort();
}

/** Writes a local tree into `dir`: a path ending in `/` is an (empty) folder; every file gets `mtime`. */
export async function writeTree(dir: string, entries: Record<string, string | Uint8Array>, mtime: Date): Promise<void> {
  for (const [path, content] of Object.entries(entries)) {
    const local = join(dir, ...path.split('/'));
    if (path.endsWith('/')) {
      await mkdir(local, { recursive: true });
      continue;
    }
    await mkdir(dirname(local), { recursive: true });
    await writeFile(local, content);
    await utimes(local, mtime, mtime);
  }
}
