import { AsyncIterableX } from 'ix/asynciterable/asynciterablex';
import type { Demand } from './page-pump.js';
import { batchStage, filterStage, mapStage, pipeline, sourceLimit, takeStage, type Stage } from './stages.js';
import type { Page } from './types.js';

/** Produces the pages of one run of a listing; called once per iteration. */
export type PageSource<T> = (demand: Demand) => AsyncIterable<Page<T>>;

/**
 * A lazy, re-iterable listing: an IxJS `AsyncIterableX<T>` over every record of every page.
 *
 * - Nothing is fetched before iteration begins; each `for await` runs the listing again.
 * - `pages()` gives the pages with their cursors (`nextCursor` resumes after a page).
 * - `filter`, `map`, `take` and `batch` return `Paginated` again and are fused: a page's
 *   records run through all of them in one synchronous loop (one async step per page, not
 *   per record or per operator). `take(n)` never requests a page it cannot need.
 * - Any IxJS operator works through `pipe`.
 */
export class Paginated<T> extends AsyncIterableX<T> {
  readonly #source: PageSource<unknown>;
  readonly #stages: readonly Stage[];

  /** Wraps a page source. Most code gets a `Paginated` from a list call instead. */
  constructor(source: PageSource<T>);
  /** @internal A source plus fused stages. */
  constructor(source: PageSource<unknown>, stages: readonly Stage[]);
  constructor(source: PageSource<unknown>, stages: readonly Stage[] = []) {
    super();
    this.#source = source;
    this.#stages = stages;
  }

  /** The pages of the listing: `{ items, cursor, nextCursor, prevCursor }`, after the operators. */
  pages(): AsyncIterableX<Page<T>> {
    return AsyncIterableX.from(this.#pages({}));
  }

  async *#pages(demand: Demand): AsyncGenerator<Page<T>, void, undefined> {
    const source = this.#source({ ...demand, limit: sourceLimit(this.#stages, demand.limit) });
    if (this.#stages.length === 0) return yield* source as AsyncIterable<Page<T>>;
    let out: T[] = [];
    const run = pipeline(this.#stages, (v) => (out.push(v as T), true));
    let last: Page<unknown> | undefined;
    for await (const page of source) {
      last = page;
      const more = run.push(page.items);
      if (!more) break;
      yield { ...page, items: out };
      out = [];
    }
    run.end();
    if (out.length && last) yield { ...last, items: out };
  }

  /** Iterates over every record. An IxJS signal, when given, stops the listing. */
  [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterator<T> {
    const pages = this.#pages(signal ? { signal } : {});
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
        await pages.return();
        return { done: true, value: undefined };
      },
    };
  }

  #with<R>(stage: Stage): Paginated<R> {
    return new Paginated<R>(this.#source, [...this.#stages, stage]);
  }

  /** Keeps the records for which `predicate` is true (`index` counts records seen by the filter). */
  filter<S extends T>(predicate: (value: T, index: number) => value is S): Paginated<S>;
  filter(predicate: (value: T, index: number) => boolean): Paginated<T>;
  filter(predicate: (value: T, index: number) => boolean): Paginated<T> {
    return this.#with(filterStage(predicate as (v: unknown, i: number) => boolean));
  }

  /**
   * Transforms each record. `fn` must be synchronous; for an async transform use
   * `pipe(map(...))` from `ix/asynciterable/operators`.
   */
  map<R>(fn: (value: T, index: number) => R): Paginated<R> {
    return this.#with(mapStage(fn as (v: unknown, i: number) => unknown));
  }

  /** The first `count` records; stops fetching once they are in and never requests an unneeded page. */
  take(count: number): Paginated<T> {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`take: count must be a non-negative integer, got ${count}`);
    return this.#with(takeStage(count));
  }

  /**
   * Groups records into arrays of `size` (the last one may be shorter). This is what IxJS
   * calls `buffer(size)`; IxJS's own `batch()` (whatever arrived while the consumer was busy)
   * stays available through `pipe(batch())`. The names differ from IxJS on purpose.
   */
  batch(size: number): Paginated<T[]> {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch: size must be a positive integer, got ${size}`);
    return this.#with(batchStage(size));
  }

  /** Collects the records into an array: all of them, or the first `limit`. */
  async toArray(options: { limit?: number } = {}): Promise<T[]> {
    const listing = options.limit === undefined ? this : this.take(options.limit);
    const out: T[] = [];
    for await (const page of listing.#pages({})) for (const item of page.items) out.push(item);
    return out;
  }
}
