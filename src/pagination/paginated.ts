import { AsyncIterableX } from 'ix/asynciterable/asynciterablex';
import type { Demand } from './page-pump.js';
import { batchStage, filterStage, mapStage, pipeline, sourceLimit, takeStage, type Stage } from './stages.js';
import { FilesError } from '../errors/files-error.js';
import { encodeResumeCursor, parseResumeCursor, START_CURSOR } from './resume-cursor.js';
import type { Page } from './types.js';

/** Produces the pages of one run of a listing; called once per iteration. */
export type PageSource<T> = (demand: Demand) => AsyncIterable<Page<T>>;

/** Options of a `Paginated` built over a page source. */
export interface PaginatedOptions {
  /**
   * Whether the source's page cursors are positions to resume from (default true). A
   * listing merged from several (a folder walk) is not: its pages and errors then carry
   * no resume cursors at all, rather than cursors of some inner listing.
   */
  resumable?: boolean;
}

/**
 * A lazy, re-iterable listing: an IxJS `AsyncIterableX<T>` over every record of every page.
 *
 * - Nothing is fetched before iteration begins; each `for await` runs the listing again.
 * - `pages()` gives the pages with their resume cursors: `startCursor: page.nextCursor`
 *   continues after a page, and an error's `resumeCursor` after the last page delivered,
 *   each record exactly once whatever operators are chained.
 * - `filter`, `map`, `take` and `batch` return `Paginated` again and are fused: a page's
 *   records run through all of them in one synchronous loop (one async step per page, not
 *   per record or per operator). `take(n)` never requests a page it cannot need.
 * - Any IxJS operator works through `pipe`.
 */
export class Paginated<T> extends AsyncIterableX<T> {
  readonly #source: PageSource<unknown>;
  readonly #options: PaginatedOptions;
  readonly #stages: readonly Stage[];

  /** Wraps a page source. Most code gets a `Paginated` from a list call instead. */
  constructor(source: PageSource<T>, options?: PaginatedOptions);
  /** @internal A source plus fused stages. */
  constructor(source: PageSource<unknown>, options: PaginatedOptions, stages: readonly Stage[]);
  constructor(source: PageSource<unknown>, options: PaginatedOptions = {}, stages: readonly Stage[] = []) {
    super();
    this.#source = source;
    this.#options = options;
    this.#stages = stages;
  }

  /**
   * The pages of the listing: `{ items, cursor, nextCursor, prevCursor }`, after the
   * operators. Save `nextCursor` after handling a page to resume there later.
   */
  pages(): AsyncIterableX<Page<T>> {
    return AsyncIterableX.from(this.#pages({}));
  }

  async *#pages(demand: Demand): AsyncGenerator<Page<T>, void, undefined> {
    const source = this.#source({ ...demand, limit: sourceLimit(this.#stages, demand.limit) });
    const pages = this.#stages.length ? this.#staged(source) : (source as AsyncIterable<Page<T>>);
    return yield* this.#options.resumable === false ? withoutCursors(pages) : pages;
  }

  /**
   * Runs the source's pages through the stages. Each page handed out says where the records
   * not yet handed out start: the earliest record a stage still holds (a partial batch), or
   * the record after the last one consumed (a `take` stops inside a page).
   */
  async *#staged(source: AsyncIterable<Page<unknown>>): AsyncGenerator<Page<T>, void, undefined> {
    let out: T[] = [];
    const run = pipeline(this.#stages, (v) => (out.push(v as T), true));
    const book = new PositionBook();
    // Resume cursor after the last page handed out; `null` until one is.
    let delivered: string | undefined | null = null;
    const page = (items: T[], cut?: number): Page<T> => {
      const cursor = delivered === null ? book.first : delivered;
      delivered = book.cursorAt(run.held() ?? cut ?? book.end);
      return { items, cursor, nextCursor: delivered, prevCursor: book.prevCursor };
    };
    try {
      for await (const sourcePage of source) {
        const at = book.add(sourcePage);
        const consumed = run.push(sourcePage.items, at);
        if (run.stopped) {
          run.end();
          return yield page(out, at + consumed);
        }
        yield page(out);
        out = [];
      }
    } catch (error) {
      // Records the stages took in but did not pass on yet are not delivered: resume before them.
      if (error instanceof FilesError && delivered !== null) error.resumeCursor = delivered === START_CURSOR ? undefined : delivered;
      throw error;
    }
    run.end();
    if (out.length) yield page(out);
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
    return new Paginated<R>(this.#source, this.#options, [...this.#stages, stage]);
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

/** The pages of a listing that cannot be resumed, with no cursors, and errors with none either. */
async function* withoutCursors<T>(pages: AsyncIterable<Page<T>>): AsyncGenerator<Page<T>, void, undefined> {
  try {
    for await (const page of pages) yield { items: page.items, cursor: undefined, nextCursor: undefined, prevCursor: undefined };
  } catch (error) {
    if (error instanceof FilesError) error.resumeCursor = undefined;
    throw error;
  }
}

/**
 * The source pages a run of stages has read, by source position (records numbered from the
 * start of the run), to turn a position into a resume cursor. Only cursors are kept, never
 * records; pages that no position can name any more are dropped.
 */
class PositionBook {
  #pages: {
    at: number;
    cursor: string | undefined;
    skip: number;
    count: number;
    next: string | undefined;
    inside: ((count: number) => string | undefined) | undefined;
  }[] = [];
  /** Source position after the last page read. */
  end = 0;
  /** Resume cursor of the first page read (`undefined`: the start of the listing). */
  first: string | undefined;
  /** The server's previous-page cursor of the last page read. */
  prevCursor: string | undefined;
  #started = false;

  /** Records a source page; returns the source position of its first record. */
  add(page: Page<unknown>): number {
    const { cursor, skip } = page.at ? { cursor: page.cursor, skip: 0 } : parseResumeCursor(page.cursor);
    if (!this.#started) {
      this.#started = true;
      this.first = page.cursor;
    }
    const at = this.end;
    this.#pages.push({ at, cursor, skip, count: page.items.length, next: page.nextCursor, inside: page.at });
    this.end += page.items.length;
    this.prevCursor = page.prevCursor;
    return at;
  }

  /**
   * The resume cursor of source position `at`: inside the page holding it, or the next
   * page's cursor after the last record read (`undefined` when that was the last page).
   */
  cursorAt(at: number): string | undefined {
    const pages = this.#pages;
    let i = pages.length - 1;
    while (i > 0 && pages[i]!.at > at) i--;
    // Pages before the one named can no longer be named: positions only move forward.
    if (i > 0) this.#pages = pages.slice(i);
    const page = this.#pages[0];
    if (!page) return START_CURSOR;
    const offset = at - page.at;
    if (offset >= page.count) return page.next;
    if (page.inside) return page.inside(offset);
    const position = { cursor: page.cursor, skip: page.skip + offset };
    return position.cursor === undefined && position.skip === 0 ? START_CURSOR : encodeResumeCursor(position);
  }
}
