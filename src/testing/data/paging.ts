import type { CursorState } from './cursor.js';
import type { OrderedView } from './ordering.js';

/** One page of a listing: record ids in order, and cursors to the neighbouring pages. */
export interface PageResult {
  readonly ids: number[];
  /** Present when records follow this page. */
  readonly next?: CursorState;
  /** Present when records precede this page. */
  readonly prev?: CursorState;
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
}

/**
 * Reads one page with keyset semantics. Cost: the records of the page, plus the records
 * skipped by `match`, plus one look-ahead (and one look-behind) to decide whether a
 * next (previous) page exists.
 */
export function readPage(request: PageRequest): PageResult {
  const { view, cursor } = request;
  if (cursor?.direction === 'prev') return readBackward(request);
  let start = 0;
  if (cursor) {
    const { position, exact } = view.locate(cursor.key);
    start = exact ? position + 1 : position;
  }
  const ids: number[] = [];
  const end = scan(request, start, 1, ids);
  return finish(request, ids, end, cursor !== undefined);
}

function readBackward(request: PageRequest): PageResult {
  const { position } = request.view.locate(request.cursor!.key);
  const ids: number[] = [];
  scan(request, position - 1, -1, ids);
  ids.reverse();
  if (ids.length === 0) return { ids };
  const last = request.view.locate(request.view.keyOf(ids[ids.length - 1]!));
  return finish(request, ids, last.position + 1, true);
}

/** Collects up to perPage matching ids from `from` in `step` direction; returns the position after the last one read. */
function scan(request: PageRequest, from: number, step: 1 | -1, ids: number[]): number {
  const { view, perPage, match } = request;
  let position = from;
  for (; position >= 0 && position < view.length && ids.length < perPage; position += step) {
    const id = view.idAt(position);
    if (id !== undefined && (!match || match(id))) ids.push(id);
  }
  return position;
}

function finish(request: PageRequest, ids: number[], after: number, maybePrev: boolean): PageResult {
  if (ids.length === 0) return { ids };
  const { view, order } = request;
  const first = ids[0]!;
  const last = ids[ids.length - 1]!;
  const result: { ids: number[]; next?: CursorState; prev?: CursorState } = { ids };
  if (findFrom(request, after, 1)) result.next = { order, direction: 'next', key: view.keyOf(last) };
  if (maybePrev) {
    const firstPosition = view.locate(view.keyOf(first)).position;
    if (findFrom(request, firstPosition - 1, -1)) result.prev = { order, direction: 'prev', key: view.keyOf(first) };
  }
  return result;
}

/** True when a matching record exists from `from` on in `step` direction. */
function findFrom(request: PageRequest, from: number, step: 1 | -1): boolean {
  const { view, match } = request;
  for (let position = from; position >= 0 && position < view.length; position += step) {
    const id = view.idAt(position);
    if (id !== undefined && (!match || match(id))) return true;
  }
  return false;
}
