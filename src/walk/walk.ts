/** Folder walks: every entry below a folder, as one lazy listing (`client.folders.walk`). */
import type { File } from '../generated/models/file.js';
import type { FolderListForParams, FoldersNamespace } from '../generated/resources/folders.js';
import type { Demand } from '../pagination/page-pump.js';
import { Paginated } from '../pagination/paginated.js';
import type { Page } from '../pagination/types.js';
import { normalizePath, toComparable } from '../paths/normalize.js';
import { relativeRemotePath } from '../paths/remote.js';

/** Which entries a walk yields. */
export type WalkEntryType = 'file' | 'directory' | 'all';

/** Options of `client.folders.walk`. */
export interface WalkOptions {
  /** Folder listings in flight at once. Default 4. */
  concurrency?: number;
  /** How deep to go: 1 = only the direct children of the folder. Default: no limit. */
  depth?: number;
  /** Yield files, folders or both. Default `'all'`. */
  type?: WalkEntryType;
  /** Yield only the entries for which this is true. It does not stop descent: see `descend`. */
  filter?: (entry: File) => boolean;
  /** List a subfolder only when this is true (prunes the walk). Default: every subfolder. */
  descend?: (folder: File) => boolean;
  /** `per_page` of each folder listing. Default: the client's `perPage`, else the server's. */
  perPage?: number;
  /** Pages each folder listing may request ahead. Default: the client's `prefetch`. */
  prefetch?: number;
  /** Stops every listing. */
  signal?: AbortSignal;
  /**
   * Called for each entry the walk drops because its Files.com path was named already
   * (`first`: the path and type of the entry that named it): a page the server repeats (the
   * same spelling) or a twin in another spelling (`A.TXT` after `a.txt`), which Files.com
   * treats as the same path.
   */
  onDuplicate?: (entry: File, first: WalkFirstEntry) => void;
}

/** The entry that named a Files.com path first (see `WalkOptions.onDuplicate`). */
export interface WalkFirstEntry {
  readonly path: string;
  readonly type: File['type'];
}

interface PendingFolder {
  readonly path: string;
  readonly depth: number;
  /** Its path in {@link toComparable}'s form. */
  readonly key: string;
}

/**
 * Every file and folder below `path`, as a lazy, re-iterable `Paginated` stream of File
 * records exactly as the listings return them (full `path`, no leading slash). Folders
 * are listed with `client.folders.listFor`, page by page (a folder is never held whole),
 * with up to `concurrency` listings in flight; the consumer's pace bounds how far they run
 * ahead (at most `concurrency` pages waiting, plus each listing's prefetch). `break`,
 * `take`, or the signal stops every listing.
 *
 * Order: breadth first. Each folder's entries come in server order (folders before files,
 * as Files.com lists them); with `concurrency` 1, one folder's entries are contiguous and
 * folders come level by level; with more, pages of different folders interleave. The
 * walked folder itself is not yielded. Only entries strictly below the listed folder are
 * descended into, so a listing that names an ancestor cannot loop. A listing error ends
 * the walk with that error.
 *
 * Each Files.com path is yielded once: Files.com compares paths ignoring case, accents and
 * Unicode form ({@link toComparable}), so an entry whose comparable path was yielded
 * already (a page the server repeats, in the same spelling or another: `a.txt`, `A.TXT`,
 * `Ａ.txt`) is dropped, whatever its type or content: the first one wins, and `onDuplicate`
 * hears of the others. A folder twin in another spelling (`docs` after `Docs`) is not
 * yielded, but it is listed too (a broken server may list other entries in it): its entries
 * are that folder's, and the twins among them are dropped as well. The check applies before
 * `type` and `filter`, so they only choose among the entries the walk keeps. For this the
 * walk remembers, while a folder is listed (in any spelling), the comparable paths of its
 * entries: memory grows with the folders listed at once, not with the files. Entries a
 * listing names outside its folder (Files.com never does) are yielded once each, and are
 * not compared with the listing of the folder they name.
 *
 * @throws RangeError for a `concurrency` or `depth` that is not a positive integer.
 */
export function walk(folders: Pick<FoldersNamespace, 'listFor'>, path: string, options: WalkOptions = {}): Paginated<File> {
  const concurrency = positive(options.concurrency ?? 4, 'concurrency');
  const depth = options.depth === undefined || options.depth === Infinity ? Infinity : positive(options.depth, 'depth');
  const settings = { ...options, concurrency, depth };
  // A walk merges many listings: it has no cursor of its own to resume from.
  return new Paginated<File>((demand) => walkPages(folders, path, settings, demand), { resumable: false });
}

type Settings = WalkOptions & { concurrency: number; depth: number };

async function* walkPages(
  folders: Pick<FoldersNamespace, 'listFor'>,
  root: string,
  settings: Settings,
  demand: Demand,
): AsyncGenerator<Page<File>> {
  const controller = new AbortController();
  const queue = new PageQueue<File[]>(settings.concurrency);
  const signals = [settings.signal, demand.signal].filter((s): s is AbortSignal => s !== undefined);
  const onAbort = (event: Event) => {
    const reason = (event.target as AbortSignal).reason;
    controller.abort(reason);
    queue.fail(reason);
  };
  for (const s of signals) {
    s.throwIfAborted();
    s.addEventListener('abort', onAbort, { once: true });
  }
  // The root is listed as `/`: an empty path argument is refused before sending.
  const top: PendingFolder = { path: normalizePath(root) || '/', depth: 0, key: toComparable(root) };
  const pending: PendingFolder[] = [top];
  const seen = new WalkDeduplication();
  seen.queue(top.key, top.path);
  const params: FolderListForParams = settings.perPage === undefined ? {} : { per_page: settings.perPage };
  let active = 0;

  const startListings = (): void => {
    while (active < settings.concurrency && pending.length > 0) {
      const folder = pending.shift()!;
      active++;
      listFolder(folder).then(
        () => {
          active--;
          startListings();
        },
        (error: unknown) => {
          queue.fail(error);
          controller.abort(error);
        },
      );
    }
    if (active === 0 && pending.length === 0) queue.close();
  };

  const listFolder = async (folder: PendingFolder): Promise<void> => {
    const listing = folders.listFor(folder.path, params, { signal: controller.signal, prefetch: settings.prefetch });
    try {
      for await (const page of listing.pages()) {
        const out: File[] = [];
        for (const entry of page.items) {
          const kept = seen.keep(folder.key, entry);
          // A folder is listed in each spelling the server names it by (once per spelling).
          if (entry.type === 'directory' && kept.key !== undefined && folder.depth + 1 < settings.depth && isBelow(folder.path, entry.path)) {
            if ((settings.descend?.(entry) ?? true) && seen.queue(kept.key, normalizePath(entry.path))) {
              pending.push({ path: entry.path, depth: folder.depth + 1, key: kept.key });
            }
          }
          if (kept.first) {
            settings.onDuplicate?.(entry, kept.first);
            continue;
          }
          if (wanted(entry, settings)) out.push(entry);
        }
        startListings();
        if (out.length > 0) await queue.push(out);
      }
    } finally {
      seen.listed(folder.key);
    }
  };

  try {
    startListings();
    for (let items = await queue.take(); items !== undefined; items = await queue.take()) {
      yield { items, cursor: undefined, nextCursor: undefined, prevCursor: undefined };
    }
  } finally {
    controller.abort();
    queue.fail(controller.signal.reason);
    for (const s of signals) s.removeEventListener('abort', onAbort);
  }
}

function wanted(entry: File, settings: Settings): boolean {
  const type = settings.type ?? 'all';
  if (type !== 'all' && entry.type !== type) return false;
  return settings.filter?.(entry) ?? true;
}

/** True when `path` names something strictly below `folder`. */
function isBelow(folder: string, path: string | null | undefined): path is string {
  if (typeof path !== 'string') return false;
  try {
    return relativeRemotePath(folder, path) !== '';
  } catch {
    return false;
  }
}

/**
 * What a walk remembers so that it yields each Files.com path once (the first entry that
 * names it wins), in memory that grows with the folders being listed, not with the files:
 *
 * - for each folder queued or being listed (by comparable path, in any of its spellings),
 *   the entries named directly inside it so far, dropped once no listing of it is left;
 * - the spellings of the folders queued (each is listed once);
 * - every entry a listing names outside its folder (Files.com never does; a broken or hostile
 *   server may, and the tree download refuses the unsafe ones), by comparable path.
 *
 * An entry whose path is not a string is always kept (there is nothing to compare).
 */
class WalkDeduplication {
  /** Entries named in each folder with a listing queued or running, and how many such listings. */
  readonly #folders = new Map<string, { entries: Map<string, WalkFirstEntry>; listings: number }>();
  /** Folder spellings queued (normalised paths): each is listed once. */
  readonly #spellings = new Set<string>();
  /** Entries named by a listing outside the listed folder, by comparable path. */
  readonly #strays = new Map<string, WalkFirstEntry>();

  /** Queues a listing of the folder `key` in the spelling `path`; false when that spelling was queued already. */
  queue(key: string, path: string): boolean {
    if (this.#spellings.has(path)) return false;
    this.#spellings.add(path);
    const folder = this.#folders.get(key);
    if (folder) folder.listings++;
    else this.#folders.set(key, { entries: new Map(), listings: 1 });
    return true;
  }

  /** A listing of the folder `key` is over. */
  listed(key: string): void {
    const folder = this.#folders.get(key);
    if (folder && --folder.listings === 0) this.#folders.delete(key);
  }

  /**
   * Decides on an entry of a listing of the folder `folder` (a comparable path): its
   * comparable path (`undefined` when its path is not a string) and, when its Files.com path
   * was named before, the entry that named it first (it is then dropped).
   */
  keep(folder: string, entry: File): { key: string | undefined; first?: WalkFirstEntry } {
    if (typeof entry.path !== 'string') return { key: undefined };
    const key = toComparable(entry.path);
    const entries = parentOf(key) === folder ? this.#folders.get(folder)?.entries : undefined;
    const first = entries?.get(key) ?? this.#strays.get(key);
    if (first) return { key, first };
    (entries ?? this.#strays).set(key, { path: entry.path, type: entry.type });
    return { key };
  }
}

/** The comparable path of the folder holding a comparable path (`''` at the top); `undefined` for `''`. */
function parentOf(key: string): string | undefined {
  if (key === '') return undefined;
  const slash = key.lastIndexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`walk: ${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * A bounded hand-over queue between producers (folder listings) and one consumer. `push`
 * waits while the queue is full, so producers never run further ahead of the consumer
 * than `capacity` items; `take` waits for an item, the end, or an error.
 */
class PageQueue<T> {
  readonly #capacity: number;
  readonly #items: T[] = [];
  #closed = false;
  #error: { reason: unknown } | undefined;
  #takers: (() => void)[] = [];
  #pushers: (() => void)[] = [];

  /** A queue of at most `capacity` waiting items (at least 1). */
  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Adds an item, waiting while the queue is full. Rejects once the queue has failed. */
  async push(item: T): Promise<void> {
    while (this.#items.length >= this.#capacity && !this.#error) {
      await new Promise<void>((resolve) => this.#pushers.push(resolve));
    }
    if (this.#error) throw this.#error.reason;
    this.#items.push(item);
    this.#wake(this.#takers);
  }

  /** The next item; `undefined` once the queue is closed and empty. Rejects once it has failed. */
  async take(): Promise<T | undefined> {
    while (this.#items.length === 0 && !this.#closed && !this.#error) {
      await new Promise<void>((resolve) => this.#takers.push(resolve));
    }
    if (this.#error) throw this.#error.reason;
    const item = this.#items.shift();
    this.#wake(this.#pushers);
    return item;
  }

  /** No more items will come: `take` drains what is left, then returns `undefined`. */
  close(): void {
    this.#closed = true;
    this.#wake(this.#takers);
  }

  /** Fails the queue: waiting and later `push` and `take` calls reject with `reason`. The first failure wins. */
  fail(reason: unknown): void {
    this.#error ??= { reason };
    this.#items.length = 0;
    this.#wake(this.#takers);
    this.#wake(this.#pushers);
  }

  #wake(waiters: (() => void)[]): void {
    const all = waiters.splice(0);
    for (const wake of all) wake();
  }
}

/** The walk method `client.folders` has besides the generated operations. */
export interface WalkMethods {
  /**
   * Every file and folder below `path`, streamed breadth first with bounded listing
   * concurrency (see {@link walk} for the order and the options).
   * @example for await (const f of client.folders.walk('reports', { type: 'file' })) console.log(f.path);
   */
  walk(path: string, options?: WalkOptions): Paginated<File>;
}

/** The plugin that adds {@link WalkMethods} to `client.folders`. */
export function walkPlugin(client: { folders: FoldersNamespace }): { folders: WalkMethods } {
  return { folders: { walk: (path, options) => walk(client.folders, path, options) } };
}
