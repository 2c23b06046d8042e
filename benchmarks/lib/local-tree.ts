import { randomFillSync } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';

/** What {@link writeLocalTree} wrote. */
export interface LocalTree {
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
}

/**
 * Writes a local tree for the upload benchmark: `files` files of random bytes, 100 to a
 * folder (`d000/f00000.bin`, ...), each of a size from `minBytes` to `maxBytes` drawn with a
 * seeded generator (the same tree on every run), written 1 MiB at a time.
 */
export async function writeLocalTree(dir: string, files: number, minBytes: number, maxBytes: number, seed = 23): Promise<LocalTree> {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const chunk = new Uint8Array(1024 * 1024);
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const folder = join(dir, `d${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) await mkdir(folder, { recursive: true });
    const size = minBytes + Math.floor(next() * (maxBytes - minBytes + 1));
    const handle = await open(join(folder, `f${String(i).padStart(5, '0')}.bin`), 'w');
    try {
      for (let written = 0; written < size; ) {
        const n = Math.min(chunk.byteLength, size - written);
        randomFillSync(chunk, 0, n);
        await handle.write(chunk, 0, n);
        written += n;
      }
    } finally {
      await handle.close();
    }
    bytes += size;
  }
  return { dir, files, bytes };
}
