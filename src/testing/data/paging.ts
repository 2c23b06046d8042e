import type { CursorState } from './cursor.js';
import type { OrderedView } from './ordering.js';

/** One page of a listing: record ids in order, and cursors to the neighbouring pages. */
export interface PageResult {
  readonly ids: number[];
  /** Present when records follow this page. */
  readonly next?: CursorState;
  /** Present when records precede this page. */
  readonly prev?: CursorState;
  /** Positions of the view looked at (page, records skipped by `match`, look-ahead and look-behind). */
  readonly examined: number;
}

/** What to read from a view. */
export interface PageRequest {
  readonly view: OrderedView;
  /** Names the ordering in cursors (e.g. `id:asc`). */
  readonly order: string;
  readonly perPage: number;
  readonly cursor?: CursorState;
  /** Keeps only matching records; a scan of the view from the cursor on. */
  readonly match?: (id: number) => boolean;
  /**
   * Reads only positions `[from, to)` of the view (records outside it do not match, and are
   * never looked at): a time range answered by binary search. Default: the whole view.
   */
  readonly window?: { readonly from: number; readonly to: number };
}

/** A request with its window resolved and a counter of the positions looked at. */
interface Reading extends PageRequest {
  readonly from: number;
  readonly to: number;
  examined: number;
}

/**
 * Reads one page with keyset semantics. Cost: the records of the page, plus the records
 * skipped by `match`, plus one look-ahead (and one look-behind) to decide whether a
 * next (previous) page exists; positions outside `window` cost nothing.
 */
export function readPage(request: PageRequest): PageResult {
  const reading: Reading = { ...request, from: Math.max(0, request.window?.from ?? 0), to: Math.min(request.view.length, request.window?.to ?? Infinity), examined: 0 };
  const { view, cursor } = reading;
  if (cursor?.direction === 'prev') return readBackward(reading);
  let start = 0;
  if (cursor) {
    const { position, exact } = view.locate(cursor.key);
    start = exact ? position + 1 : position;
  }
  const ids: number[] = [];
  const end = scan(reading, Math.max(start, reading.from), 1, ids);
  return finish(reading, ids, end, cursor !== undefined);
}

function readBackward(reading: Reading): PageResult {
  const { position } = reading.view.locate(reading.cursor!.key);
  const ids: number[] = [];
  scan(reading, Math.min(position, reading.to) - 1, -1, ids);
  ids.reverse();
  if (ids.length === 0) return { ids, examined: reading.examined };
  const last = reading.view.locate(reading.view.keyOf(ids[ids.length - 1]!));
  return finish(reading, ids, last.position + 1, true);
}

/** Collects up to perPage matching ids from `from` in `step` direction; returns the position after the last one read. */
function scan(reading: Reading, from: number, step: 1 | -1, ids: number[]): number {
  const { view, perPage, match } = reading;
  let position = from;
  for (; position >= reading.from && position < reading.to && ids.length < perPage; position += step) {
    reading.examined++;
    const id = view.idAt(position);
    if (id !== undefined && (!match || match(id))) ids.push(id);
  }
  return position;
}

function finish(reading: Reading, ids: number[], after: number, maybePrev: boolean): PageResult {
  if (ids.length === 0) return { ids, examined: reading.examined };
  const { view, order } = reading;
  const first = ids[0]!;
  const last = ids[ids.length - 1]!;
  let next: CursorState | undefined;
  let prev: CursorState | undefined;
  if (findFrom(reading, Math.max(after, reading.from), 1)) next = { order, direction: 'next', key: view.keyOf(last) };
  if (maybePrev) {
    const firstPosition = view.locate(view.keyOf(first)).position;
    if (findFrom(reading, Math.min(firstPosition, reading.to) - 1, -1)) prev = { order, direction: 'prev', key: view.keyOf(first) };
  }
  return { ids, ...(next ? { next } : {}), ...(prev ? { prev } : {}), examined: reading.examined };
}

/** True when a matching record exists from `from` on in `step` direction (inside the window). */
function findFrom(reading: Reading, from: number, step: 1 | -1): boolean {
  const { view, match } = reading;
  for (let position = from; position >= reading.from && position < reading.to; position += step) {
    reading.examined++;
    const id = view.idAt(position);
    if (id !== undefined && (!match || match(id))) return true;
  }
  return false;
}
