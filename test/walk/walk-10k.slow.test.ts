// client.folders.walk over a 10,000-file tree: exact counts at scale. In the slow project (it
// lists 1,000 folders seven times over); the behaviours are tested small in walk.test.ts.
import { describe, expect, it } from 'vitest';
import type { FilesClient } from '../../src/index.js';
import { startEmulator } from '../helpers/emulator.js';
import { useMswServer } from '../helpers/msw.js';

const server = useMswServer();

type Entry = { path?: string | null; type?: string | null };

const depthOf = (path: string) => path.split('/').length;

async function collect(listing: AsyncIterable<Entry>): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const entry of listing) out.push(entry);
  return out;
}

describe('client.folders.walk over a 10,000-file tree', () => {
  // 10,000 files, 10 per folder, 4 subfolders each: 1,000 folders including the root.
  let client: FilesClient;
  const setup = async () => (client = (await startEmulator({ files: 10_000, filesPerFolder: 10, folderFanout: 4 }, { msw: server, client: { perPage: 1000 } })).client);

  it('yields every file and folder exactly once, with the exact counts, and respects depth and type', async () => {
    await setup();
    const all = await collect(client.folders.walk('/', { concurrency: 8 }));
    const paths = all.map((e) => e.path!);
    expect(all).toHaveLength(10_000 + 999);
    expect(new Set(paths).size).toBe(all.length);
    expect(all.filter((e) => e.type === 'file')).toHaveLength(10_000);
    expect(all.filter((e) => e.type === 'directory')).toHaveLength(999);

    const files = await collect(client.folders.walk('', { type: 'file', concurrency: 8 }));
    expect(files).toHaveLength(10_000);
    expect(new Set(files.map((e) => e.path)).size).toBe(10_000);
    const folders = await collect(client.folders.walk('', { type: 'directory', concurrency: 8 }));
    expect(folders.map((e) => e.path).sort()).toEqual(all.filter((e) => e.type === 'directory').map((e) => e.path).sort());

    for (const depth of [1, 2, 3]) {
      const shallow = await collect(client.folders.walk('', { depth, concurrency: 4 }));
      const expected = paths.filter((p) => depthOf(p) <= depth).sort();
      expect(shallow.map((e) => e.path).sort(), `depth ${depth}`).toEqual(expected);
    }
    expect(await collect(client.folders.walk('', { depth: 1 }))).toHaveLength(4 + 10);
  });
});

