import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { FilesApiError } from '../../src/index.js';
import { toComparable } from '../../src/paths/normalize.js';
import { EMULATOR_BASE, operationCount, startEmulator } from '../helpers/emulator.js';
import { useMswServer } from '../helpers/msw.js';

const server = useMswServer();
const LISTINGS = `${EMULATOR_BASE}/api/rest/v1/folders/*`;

type Entry = { path?: string | null; type?: string | null };

const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));

async function collect(listing: AsyncIterable<Entry>): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const entry of listing) out.push(entry);
  return out;
}

describe('client.folders.walk', () => {
  it('walks a subfolder: everything below it, not the folder itself', async () => {
    const { client } = await startEmulator({ files: 500, filesPerFolder: 10, folderFanout: 3 }, { msw: server });
    const top = (await collect(client.folders.walk('', { depth: 1, type: 'directory' })))[0]!.path!;
    const all = await collect(client.folders.walk('', {}));
    const below = await collect(client.folders.walk(`/${top}/`, { concurrency: 2 }));
    expect(below.map((e) => e.path).sort()).toEqual(all.map((e) => e.path!).filter((p) => p.startsWith(`${top}/`)).sort());
  });

  it('lists up to `concurrency` folders at once, and no more', async () => {
    const { client } = await startEmulator({ files: 400, filesPerFolder: 5, folderFanout: 4 }, { msw: server });
    let inFlight = 0;
    let most = 0;
    server.use(
      http.get(LISTINGS, async () => {
        most = Math.max(most, ++inFlight);
        // A slow server (on purpose): listings overlap, so how many run at once shows.
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return undefined;
      }),
    );
    await collect(client.folders.walk('', { concurrency: 3 }));
    expect(most).toBe(3);
    most = 0;
    await collect(client.folders.walk('', { concurrency: 1 }));
    expect(most).toBe(1);
  });

  it('streams each folder page by page: the first entries need the first page, not the whole folder', async () => {
    const { client, emulator } = await startEmulator({ files: 200, filesPerFolder: 50, folderFanout: 2 }, { msw: server });
    // The root holds 2 folders and 50 files: 6 pages of 10. Listings run at most
    // `concurrency` pages (here 1) ahead of the consumer, plus their own prefetch (here 0).
    const first = await client.folders.walk('', { perPage: 10, prefetch: 0, concurrency: 1 }).take(3).toArray();
    expect(first).toHaveLength(3);
    expect(operationCount(emulator, 'folders.listFor')).toBeLessThanOrEqual(2);

    emulator.resetLog();
    const all = await collect(client.folders.walk('', { perPage: 10, concurrency: 2 }));
    expect(all).toHaveLength(200 + 3);
    // 4 folders of 50 files (+ their subfolders): at least 5 pages each.
    expect(operationCount(emulator, 'folders.listFor')).toBeGreaterThanOrEqual(4 * 5);
  });

  it('stops every listing on break', async () => {
    const site = await startEmulator({ files: 2000, filesPerFolder: 10, folderFanout: 4 }, { msw: server });
    const { client, emulator } = site;
    let seen = 0;
    for await (const _ of client.folders.walk('', { concurrency: 4, perPage: 5 })) {
      if (++seen === 30) break;
    }
    // Whatever was on its way at the break has been answered, and nothing follows it.
    await site.idle();
    const after = operationCount(emulator, 'folders.listFor');
    await site.idle();
    expect(operationCount(emulator, 'folders.listFor')).toBe(after);
    expect(after).toBeLessThan(40);
  });

  it('in order: breadth first, each folder contiguous (concurrency 1), folders before files', async () => {
    const { client } = await startEmulator({ files: 300, filesPerFolder: 7, folderFanout: 3 }, { msw: server });
    const all = (await collect(client.folders.walk('', { concurrency: 1 }))).map((e) => ({ path: e.path!, type: e.type! }));
    const parents: string[] = [];
    for (const entry of all) {
      const parent = parentOf(entry.path);
      if (parents.at(-1) !== parent) {
        expect(parents, `${parent} listed twice`).not.toContain(parent);
        parents.push(parent);
      }
    }
    // Parents are listed in the order their folders were yielded (the root first).
    const folderOrder = ['', ...all.filter((e) => e.type === 'directory').map((e) => e.path)];
    expect(parents).toEqual(folderOrder.filter((p) => parents.includes(p)));
    for (const parent of parents) {
      const types = all.filter((e) => parentOf(e.path) === parent).map((e) => e.type);
      expect(types).toEqual([...types].sort()); // 'directory' < 'file'
    }
  });

  it('filters what it yields, prunes with descend, and works with the page-fused operators', async () => {
    const { client } = await startEmulator({ files: 300, filesPerFolder: 10, folderFanout: 3 }, { msw: server });
    const all = await collect(client.folders.walk(''));
    const csv = await collect(client.folders.walk('', { filter: (e) => e.path!.endsWith('.csv') }));
    expect(csv.map((e) => e.path).sort()).toEqual(all.filter((e) => e.path!.endsWith('.csv')).map((e) => e.path).sort());
    const pruned = all.find((e) => e.type === 'directory')!.path!;
    const rest = await collect(client.folders.walk('', { descend: (f) => f.path !== pruned }));
    expect(rest.map((e) => e.path).sort()).toEqual(all.map((e) => e.path!).filter((p) => !p.startsWith(`${pruned}/`)).sort());
    const names = await client.folders.walk('', { type: 'file' }).map((e) => e.path!).take(15).toArray();
    expect(names).toHaveLength(15);
  });

  it('is lazy and re-iterable: nothing is listed before iteration, each run lists again', async () => {
    const site = await startEmulator({ files: 50, filesPerFolder: 10, folderFanout: 2 }, { msw: server });
    const { client, emulator } = site;
    const walk = client.folders.walk('');
    await site.idle();
    expect(emulator.stats.total).toBe(0);
    const first = await collect(walk);
    const second = await collect(walk);
    expect(second.map((e) => e.path)).toEqual(first.map((e) => e.path));
  });

  it('ends with the error of a failing listing, and stops on abort', async () => {
    const { client } = await startEmulator({ files: 300, filesPerFolder: 10, folderFanout: 3 }, { msw: server });
    const sub = (await collect(client.folders.walk('', { depth: 1, type: 'directory' })))[1]!.path!;
    server.use(http.get(`${LISTINGS}`, ({ request }) => (decodeURIComponent(new URL(request.url).pathname).endsWith(`/${sub}`) ? new HttpResponse('nope', { status: 500 }) : undefined)));
    await expect(collect(client.folders.walk(''))).rejects.toBeInstanceOf(FilesApiError);

    server.resetHandlers();
    const { client: other } = await startEmulator({ files: 300 }, { msw: server });
    const controller = new AbortController();
    const walking = (async () => {
      let n = 0;
      for await (const _ of other.folders.walk('', { signal: controller.signal, perPage: 5 })) if (++n === 10) controller.abort(new Error('enough'));
    })();
    await expect(walking).rejects.toThrow('enough');
  });

  it('refuses a bad concurrency or depth', async () => {
    const { client } = await startEmulator({ files: 1 }, { msw: server });
    expect(() => client.folders.walk('', { concurrency: 0 })).toThrow(RangeError);
    expect(() => client.folders.walk('', { depth: 1.5 })).toThrow(RangeError);
  });

  it('never descends into a folder a listing names outside itself (no loops)', async () => {
    const { client } = await startEmulator({ files: 0 }, { msw: server });
    let listings = 0;
    server.use(
      http.get(LISTINGS, () => {
        listings++;
        return HttpResponse.json([
          { path: '', type: 'directory' },
          { path: 'elsewhere', type: 'directory' },
          { path: 'a/../a', type: 'directory' },
          { path: 'a/b', type: 'directory' },
        ]);
      }),
    );
    const entries = await collect(client.folders.walk('a/b', {}));
    expect(entries).toHaveLength(4);
    expect(listings).toBe(1);
  });
});

describe('client.folders.walk against listings that repeat entries (issue #18, point 7)', () => {
  type Listed = { path: string; type: 'file' | 'directory' };
  const file = (path: string): Listed => ({ path, type: 'file' });
  const dir = (path: string): Listed => ({ path, type: 'directory' });

  /** Answers each folder's listing from `pages` (by the folder as requested), one page per cursor; records what was listed. */
  function hostileListings(pages: Record<string, Listed[][]>): string[] {
    const listed: string[] = [];
    server.use(
      http.get(LISTINGS, ({ request }) => {
        const url = new URL(request.url);
        const folder = decodeURIComponent(url.pathname.slice(url.pathname.indexOf('/folders/') + '/folders/'.length)).replace(/^\/+|\/+$/g, '');
        const at = Number(url.searchParams.get('cursor') ?? 0);
        listed.push(`${folder}#${at}`);
        const folderPages = pages[folder] ?? [[]];
        const headers: Record<string, string> = at + 1 < folderPages.length ? { 'X-Files-Cursor-Next': String(at + 1) } : {};
        return HttpResponse.json(folderPages[at], { headers });
      }),
    );
    return listed;
  }

  const comparable = (entries: Entry[]) => entries.map((e) => toComparable(e.path!));

  it('yields each Files.com path once: overlapping pages, case and Unicode variants; a twin folder is listed, its twins dropped', async () => {
    const { client } = await startEmulator({ files: 0 }, { msw: server });
    const listed = hostileListings({
      '': [
        [dir('Docs'), file('a.txt')],
        [file('a.txt'), file('B.txt')], // the server repeats the end of the page before
        [file('A.TXT'), file('\uFF22.txt'), dir('docs'), file('Caf\u00E9.txt')], // case, full width (NFKC), a twin folder
        [file('cafe\u0301.TXT'), file('CAFE.txt')], // NFD, and the accent transliterated away
      ],
      Docs: [
        [file('Docs/x.csv'), file('docs/X.csv')],
        [file('Docs/x.csv'), file('DOCS/\uFF38.CSV')],
      ],
      // The twin folder's listing: a twin of Docs/x.csv, and a file the first spelling's listing lacks.
      docs: [[file('docs/x.CSV'), file('docs/other.csv')]],
    });
    for (const concurrency of [1, 4]) {
      listed.length = 0;
      const dropped: string[] = [];
      const all = await collect(client.folders.walk('', { concurrency, onDuplicate: (entry, first) => dropped.push(`${entry.path} (${first.path})`) }));
      // The first spelling of each path; with more than one listing in flight, folders interleave.
      const first = ['Docs', 'a.txt', 'B.txt', 'Caf\u00E9.txt', 'Docs/x.csv', 'docs/other.csv'];
      const order = all.map((e) => e.path!);
      expect(concurrency === 1 ? order : order.sort()).toEqual(concurrency === 1 ? first : [...first].sort());
      expect(new Set(comparable(all)).size).toBe(all.length);
      expect(listed.sort()).toEqual(['#0', '#1', '#2', '#3', 'Docs#0', 'Docs#1', 'docs#0']);
      // Every entry dropped was heard of, with the entry that named its path first.
      expect(dropped.sort()).toEqual(
        [
          'a.txt (a.txt)',
          'A.TXT (a.txt)',
          '\uFF22.txt (B.txt)',
          'docs (Docs)',
          'cafe\u0301.TXT (Caf\u00E9.txt)',
          'CAFE.txt (Caf\u00E9.txt)',
          'docs/X.csv (Docs/x.csv)',
          'Docs/x.csv (Docs/x.csv)',
          'DOCS/\uFF38.CSV (Docs/x.csv)',
          'docs/x.CSV (Docs/x.csv)',
        ].sort(),
      );
      const files = await collect(client.folders.walk('', { concurrency, type: 'file' }));
      expect(files.map((e) => e.path!).sort()).toEqual(['B.txt', 'Caf\u00E9.txt', 'Docs/x.csv', 'a.txt', 'docs/other.csv']);
    }
  });

  it('an entry a listing names outside itself is yielded once (not compared with the listing of its own folder)', async () => {
    const { client } = await startEmulator({ files: 0 }, { msw: server });
    const listed = hostileListings({
      a: [[file('a/b/early.txt'), dir('a/b'), file('a/b/late.txt'), file('x/y.txt'), file('X/Y.TXT')]],
      'a/b': [[file('A/B/EARLY.txt'), file('a/b/late.txt'), file('a/b/own.txt')]],
    });
    const all = await collect(client.folders.walk('a', { concurrency: 1 }));
    // What `a` names outside itself comes once; `a/b`'s listing of the same paths is dropped.
    expect(all.map((e) => e.path)).toEqual(['a/b/early.txt', 'a/b', 'a/b/late.txt', 'x/y.txt', 'a/b/own.txt']);
    expect(new Set(comparable(all)).size).toBe(all.length);
    expect(listed).toEqual(['a#0', 'a/b#0']);
  });
});
