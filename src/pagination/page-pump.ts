import { PaginationError } from '../errors/client-errors.js';
import { FilesError } from '../errors/files-error.js';
import { sliceWithRawJson } from './raw-json.js';
import { encodeResumeCursor, parseResumeCursor } from './resume-cursor.js';
import type { ListOptions, Page, PageFetcher, PageHead } from './types.js';

/** What the consumer of a listing tells the pump about its needs. */
export interface Demand {
  /** At most this many records are wanted; the pump never requests a page it cannot need. */
  limit?: number;
  /** Aborts the listing (in addition to the listing's own signal). */
  signal?: AbortSignal;
}

/** Listing options plus the expected page size (the `per_page` sent, when known). */
export interface PumpOptions extends ListOptions {
  pageSize?: number;
}

interface Slot<T> {
  /** Server cursor the page is requested with (`undefined`: the first page). */
  cursor: string | undefined;
  /** Records of the page already delivered by an earlier run (the resume cursor's skip). */
  skip: number;
  /** Cancels this page's request alone (a prefetch that followed a discarded cursor). */
  controller: AbortController;
  head: Promise<PageHead<T>>;
  items?: Promise<T[]>;
  /** Record count, once the body has been read. */
  count?: number;
  /** Set when the head has arrived. */
  settled?: PageHead<T>;
  /** The next cursor this slot's head announced and the pump followed. */
  followed?: string | undefined;
}

/**
 * Turns a page fetcher into a lazy stream of pages. The next page is requested as soon as
 * the current page's headers (with its cursor) arrive, up to `prefetch` pages ahead of the
 * consumer, and never beyond what `demand.limit` can need. Stops on the last page; throws
 * `PaginationError` on a cursor loop or a guard; aborts in-flight requests on `break`.
 *
 * A page whose body had to be fetched again may come back with other cursors: the body
 * that was read decides. Pages prefetched from the failed response's cursor are cancelled
 * and the listing continues from the cursor of the response that was read.
 *
 * `startCursor` may be a resume cursor inside a page (see `resume-cursor.ts`): the first
 * page then drops the records an earlier run already delivered.
 */
export async function* pumpPages<T>(
  fetcher: PageFetcher<T>,
  options: PumpOptions,
  demand: Demand = {},
): AsyncGenerator<Page<T>, void, undefined> {
  const start = parseResumeCursor(options.startCursor);
  const controller = new AbortController();
  const signals = [options.signal, demand.signal].filter((s): s is AbortSignal => !!s);
  const onAbort = (event: Event) => abortAll((event.target as AbortSignal).reason);
  for (const s of signals) {
    if (s.aborted) throw s.reason;
    s.addEventListener('abort', onAbort, { once: true });
  }
  const prefetch = Math.max(0, options.prefetch ?? 1);
  const seen = new Set<string>(); // server cursors requested or about to be, for loop detection
  if (start.cursor !== undefined) seen.add(start.cursor);
  const slots: Slot<T>[] = [];
  let current = 0; // index of the page the consumer is waiting for or handling
  let yieldedItems = 0;
  let largestPage = options.pageSize ?? 0;
  let pending: string | undefined; // cursor known but not requested yet
  let ended = false;
  let failure: PaginationError | undefined;

  const abortAll = (reason: unknown): void => {
    if (!controller.signal.aborted) controller.abort(reason);
    for (let i = current; i < slots.length; i++) slots[i]?.controller.abort(reason);
  };

  const request = (cursor: string | undefined, skip = 0): void => {
    const slotController = new AbortController();
    const slot: Slot<T> = { cursor, skip, controller: slotController, head: fetcher(cursor, slotController.signal) };
    slots.push(slot);
    slot.head.then((head) => onHead(slot, head), () => {});
  };

  const onHead = (slot: Slot<T>, head: PageHead<T>): void => {
    slot.settled = head;
    if (slot.controller.signal.aborted) return head.discard();
    // Ask for the next page first, then read this one's body: the round trip overlaps it.
    if (slot === slots[slots.length - 1]) {
      slot.followed = head.nextCursor;
      takeCursor(head.nextCursor);
    }
    slot.items = head.items().then((items) => {
      if (slot.skip > 0) items = sliceWithRawJson(items, slot.skip);
      if ('followed' in slot && head.nextCursor !== slot.followed) refollow(slot, head.nextCursor);
      slot.count = items.length;
      largestPage = Math.max(largestPage, items.length + slot.skip);
      pump();
      return items;
    });
    slot.items.catch(() => {});
  };

  const takeCursor = (next: string | undefined): void => {
    if (next === undefined) ended = true;
    else if (seen.has(next)) {
      ended = true;
      failure = new PaginationError('cursor-loop', `cursor loop: the server sent cursor "${next}" twice in one listing`);
    } else {
      seen.add(next);
      pending = next;
      pump();
    }
  };

  /**
   * The body of `slot` was read from a response other than the one whose headers the pump
   * followed, and it names another next page: drop what was requested from the old cursor.
   */
  const refollow = (slot: Slot<T>, next: string | undefined): void => {
    const index = slots.indexOf(slot);
    for (const stale of slots.splice(index + 1)) {
      stale.controller.abort(new DOMException('prefetch of a discarded cursor', 'AbortError'));
      stale.settled?.discard();
      if (stale.cursor !== undefined) seen.delete(stale.cursor);
    }
    if (pending !== undefined) seen.delete(pending);
    pending = undefined;
    ended = false;
    failure = undefined;
    slot.followed = next;
    takeCursor(next);
  };

  const mayNeedMore = (): boolean => {
    if (demand.limit === undefined) return true;
    let expected = yieldedItems;
    for (let i = current; i < slots.length; i++) {
      const count = slots[i]!.count ?? (largestPage || Infinity);
      expected += count;
    }
    return expected < demand.limit;
  };

  const pump = (): void => {
    if (pending === undefined || controller.signal.aborted) return;
    const ahead = slots.length - 1 - current;
    if (ahead >= prefetch) return;
    if (options.maxPages !== undefined && slots.length >= options.maxPages) return;
    if (!mayNeedMore()) return;
    const cursor = pending;
    pending = undefined;
    request(cursor);
  };

  try {
    if (demand.limit === 0) return;
    request(start.cursor, start.skip);
    while (true) {
      if (current >= slots.length) {
        if (failure) throw failure;
        if (ended && pending === undefined) return;
        if (options.maxPages !== undefined && slots.length >= options.maxPages) {
          throw new PaginationError('max-pages', `listing needs more than maxPages (${options.maxPages}) pages`, {
            resumeCursor: pending,
          });
        }
        pump();
        if (current >= slots.length) return; // the demand is met
      }
      const slot = slots[current]!;
      // Where this page starts, as a resume cursor (`undefined`: the start of the listing).
      const position = slot.cursor === undefined && slot.skip === 0 ? undefined : encodeResumeCursor(slot);
      let items: T[];
      try {
        const head = await slot.head;
        items = await (slot.items ?? head.items());
      } catch (error) {
        throw withResumeCursor(error, position);
      }
      if (options.maxItems !== undefined && yieldedItems + items.length > options.maxItems) {
        throw new PaginationError('max-items', `listing has more than maxItems (${options.maxItems}) records`, {
          resumeCursor: position,
        });
      }
      yieldedItems += items.length;
      const page: Page<T> = {
        items,
        cursor: position,
        nextCursor: slot.settled?.nextCursor,
        prevCursor: slot.settled?.prevCursor,
      };
      yield page;
      slots[current] = undefined as unknown as Slot<T>; // release the page for GC
      current++;
      if (controller.signal.aborted) throw controller.signal.reason;
      pump();
    }
  } finally {
    for (const s of signals) s.removeEventListener('abort', onAbort);
    abortAll(new DOMException('listing stopped', 'AbortError'));
    for (let i = current; i < slots.length; i++) slots[i]?.settled?.discard();
  }
}

/**
 * Marks an error raised mid-listing with the position to resume from (`undefined`: the
 * start). A position set by an inner listing is replaced: it means nothing to this one.
 */
function withResumeCursor(error: unknown, position: string | undefined): unknown {
  if (error instanceof FilesError) error.resumeCursor = position;
  return error;
}
