import { AsyncIterableX } from 'ix/asynciterable';
import type { Demand } from './page-pump.js';
import type { Page } from './types.js';

/** Produces the pages of one run of a listing; called once per iteration. */
export type PageSource<T> = (demand: Demand) => AsyncIterable<Page<T>>;

/**
 * A lazy, re-iterable listing: an IxJS `AsyncIterableX<T>` over every record of every page.
 *
 * - Nothing is fetched before iteration begins; each `for await` runs the listing again.
 * - `pages()` gives the pages with their cursors (`nextCursor` resumes after a page).
 * - `filter`, `map`, `take` and `batch` work on whole pages (one async step per page, not
 *   per record) and return `Paginated` again; `take(n)` never requests a page it cannot need.
 * - Any IxJS operator works through `pipe`.
 */
export class Paginated<T> extends AsyncIterableX<T> {
  readonly #source: PageSource<T>;

  /** Wraps a page source. Most code gets a `Paginated` from a list call instead. */
  constructor(source: PageSource<T>) {
    super();
    this.#source = source;
  }

  /** The pages of the listing: `{ items, cursor, nextCursor, prevCursor }`. */
  pages(): AsyncIterableX<Page<T>> {
    return AsyncIterableX.from(this.#source({}));
  }

  /** Iterates over every record. An IxJS signal, when given, stops the listing. */
  [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterator<T> {
    const pages = this.#source(signal ? { signal } : {})[Symbol.asyncIterator]();
    let items: T[] = [];
    let index = 0;
    return {
      async next(): Promise<IteratorResult<T>> {
        while (index >= items.length) {
          const step = await pages.next();
          if (step.done) return { done: true, value: undefined };
          items = step.value.items;
          index = 0;
        }
        return { done: false, value: items[index++] as T };
      },
      async return(): Promise<IteratorResult<T>> {
        await pages.return?.();
        return { done: true, value: undefined };
      },
    };
  }

  /** Keeps the records for which `predicate` is true, a page at a time. */
  filter<S extends T>(predicate: (value: T, index: number) => value is S): Paginated<S>;
  filter(predicate: (value: T, index: number) => boolean): Paginated<T>;
  filter(predicate: (value: T, index: number) => boolean): Paginated<T> {
    const source = this.#source;
    return new Paginated<T>(async function* (demand) {
      let index = 0;
      // A filter may drop any number of records: the limit cannot pass through it.
      for await (const page of source({ signal: demand.signal })) {
        const items = page.items.filter((v) => predicate(v, index++));
        yield { ...page, items };
      }
    });
  }

  /**
   * Transforms each record, a page at a time. `fn` must be synchronous; for an async
   * transform use `pipe(map(...))` from `ix/asynciterable/operators`.
   */
  map<R>(fn: (value: T, index: number) => R): Paginated<R> {
    const source = this.#source;
    return new Paginated<R>(async function* (demand) {
      let index = 0;
      for await (const page of source(demand)) {
        yield { ...page, items: page.items.map((v) => fn(v, index++)) };
      }
    });
  }

  /** The first `count` records; stops fetching once they are in and never requests an unneeded page. */
  take(count: number): Paginated<T> {
    const source = this.#source;
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`take: count must be a non-negative integer, got ${count}`);
    return new Paginated<T>(async function* (demand) {
      let left = Math.min(count, demand.limit ?? Infinity);
      if (left === 0) return;
      for await (const page of source({ ...demand, limit: left })) {
        const items = page.items.length > left ? page.items.slice(0, left) : page.items;
        left -= items.length;
        yield { ...page, items };
        if (left === 0) return;
      }
    });
  }

  /**
   * Groups records into arrays of `size` (the last one may be shorter). This is what IxJS
   * calls `buffer(size)`; IxJS's own `batch()` (whatever arrived while the consumer was busy)
   * stays available through `pipe(batch())`. The names differ from IxJS on purpose.
   */
  batch(size: number): Paginated<T[]> {
    const source = this.#source;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch: size must be a positive integer, got ${size}`);
    return new Paginated<T[]>(async function* (demand) {
      let carry: T[] = [];
      let last: Page<T> | undefined;
      const limit = demand.limit === undefined ? undefined : demand.limit * size;
      for await (const page of source({ signal: demand.signal, limit })) {
        last = page;
        const batches: T[][] = [];
        let from = 0;
        if (carry.length) {
          from = size - carry.length;
          carry = carry.concat(page.items.slice(0, from));
          if (carry.length < size) continue;
          batches.push(carry);
          carry = [];
        }
        for (; from + size <= page.items.length; from += size) batches.push(page.items.slice(from, from + size));
        carry = page.items.slice(from);
        if (batches.length) yield { ...page, items: batches };
      }
      if (carry.length && last) yield { ...last, items: [carry] };
    });
  }

  /** Collects the records into an array: all of them, or the first `limit`. */
  async toArray(options: { limit?: number } = {}): Promise<T[]> {
    const listing = options.limit === undefined ? this : this.take(options.limit);
    const out: T[] = [];
    for await (const page of listing.#source({})) for (const item of page.items) out.push(item);
    return out;
  }
}
