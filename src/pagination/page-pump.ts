import { PaginationError } from '../errors/client-errors.js';
import { FilesError } from '../errors/files-error.js';
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
  cursor: string | undefined;
  head: Promise<PageHead<T>>;
  items?: Promise<T[]>;
  /** Record count, once the body has been read. */
  count?: number;
  /** Set when the head has arrived. */
  settled?: PageHead<T>;
}

/**
 * Turns a page fetcher into a lazy stream of pages. The next page is requested as soon as
 * the current page's headers (with its cursor) arrive, up to `prefetch` pages ahead of the
 * consumer, and never beyond what `demand.limit` can need. Stops on the last page; throws
 * `PaginationError` on a cursor loop or a guard; aborts in-flight requests on `break`.
 */
export async function* pumpPages<T>(
  fetcher: PageFetcher<T>,
  options: PumpOptions,
  demand: Demand = {},
): AsyncGenerator<Page<T>, void, undefined> {
  const controller = new AbortController();
  const signals = [options.signal, demand.signal].filter((s): s is AbortSignal => !!s);
  const onAbort = (event: Event) => controller.abort((event.target as AbortSignal).reason);
  for (const s of signals) {
    if (s.aborted) throw s.reason;
    s.addEventListener('abort', onAbort, { once: true });
  }
  const prefetch = Math.max(0, options.prefetch ?? 1);
  const seen = new Set<string>();
  if (options.startCursor !== undefined) seen.add(options.startCursor);
  const slots: Slot<T>[] = [];
  let current = 0; // index of the page the consumer is waiting for or handling
  let yieldedItems = 0;
  let largestPage = options.pageSize ?? 0;
  let pending: string | undefined; // cursor known but not requested yet
  let ended = false;
  let failure: PaginationError | undefined;

  const request = (cursor: string | undefined): void => {
    const slot: Slot<T> = { cursor, head: fetcher(cursor, controller.signal) };
    slots.push(slot);
    slot.head.then((head) => onHead(slot, head), () => {});
  };

  const onHead = (slot: Slot<T>, head: PageHead<T>): void => {
    slot.settled = head;
    if (controller.signal.aborted) return head.discard();
    // Ask for the next page first, then read this one's body: the round trip overlaps it.
    if (slot === slots[slots.length - 1]) takeCursor(head.nextCursor);
    slot.items = head.items();
    slot.items.then((items) => {
      slot.count = items.length;
      largestPage = Math.max(largestPage, items.length);
      pump();
    }, () => {});
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
    request(options.startCursor);
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
      let items: T[];
      try {
        const head = await slot.head;
        items = await (slot.items ?? head.items());
      } catch (error) {
        throw withResumeCursor(error, slot.cursor);
      }
      if (options.maxItems !== undefined && yieldedItems + items.length > options.maxItems) {
        throw new PaginationError('max-items', `listing has more than maxItems (${options.maxItems}) records`, {
          resumeCursor: slot.cursor,
        });
      }
      yieldedItems += items.length;
      const page: Page<T> = {
        items,
        cursor: slot.cursor,
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
    if (!controller.signal.aborted) controller.abort(new DOMException('listing stopped', 'AbortError'));
    for (let i = current; i < slots.length; i++) slots[i]?.settled?.discard();
  }
}

/** Marks an error raised mid-listing with the cursor to resume from. */
function withResumeCursor(error: unknown, cursor: string | undefined): unknown {
  if (error instanceof FilesError && error.resumeCursor === undefined && cursor !== undefined) {
    error.resumeCursor = cursor;
  }
  return error;
}
