/** Folder walks: every entry below a folder, as one lazy listing (`client.folders.walk`). */
import type { File } from '../generated/models/file.js';
import type { FolderListForParams, FoldersNamespace } from '../generated/resources/folders.js';
import type { Demand } from '../pagination/page-pump.js';
import { Paginated } from '../pagination/paginated.js';
import type { Page } from '../pagination/types.js';
import { normalizePath } from '../paths/normalize.js';
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
}

interface PendingFolder {
  readonly path: string;
  readonly depth: number;
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
 * folders come level by level; with more, pages of different folders interleave. Each
 * entry is yielded once, by its parent's listing; the walked folder itself is not yielded.
 * Only entries strictly below the listed folder are descended into, so a listing that
 * names an ancestor cannot loop. A listing error ends the walk with that error.
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
  const pending: PendingFolder[] = [{ path: normalizePath(root) || '/', depth: 0 }];
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
    for await (const page of listing.pages()) {
      const out: File[] = [];
      for (const entry of page.items) {
        if (entry.type === 'directory' && folder.depth + 1 < settings.depth && isBelow(folder.path, entry.path)) {
          if (settings.descend?.(entry) ?? true) pending.push({ path: entry.path!, depth: folder.depth + 1 });
        }
        if (wanted(entry, settings)) out.push(entry);
      }
      startListings();
      if (out.length > 0) await queue.push(out);
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
