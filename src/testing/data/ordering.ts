import type { Collection } from './collection.js';
import type { SortKey, SortValue } from './cursor.js';

/**
 * A collection seen in one order, as a sequence of positions. Positions may be holes
 * (deleted records) which listings skip.
 */
export interface OrderedView {
  /** Number of positions. */
  readonly length: number;
  /** The record id at a position, or `undefined` for a hole. */
  idAt(position: number): number | undefined;
  /** The keyset key of a record, as stored in cursors. */
  keyOf(id: number): SortKey;
  /** The first position whose key is at or after `key` in this order, and whether it is `key` itself. */
  locate(key: SortKey): { position: number; exact: boolean };
  /**
   * Views in id order only: the positions `[from, to)` that hold ids `[first, end)`, so a
   * listing can read an id interval (a time range) without scanning to it.
   */
  positionsOf?(first: number, end: number): { from: number; to: number };
}

/** Compares two sort values: `null` first, then booleans, numbers, strings. */
export function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a !== typeof b) return typeof a < typeof b ? -1 : 1;
  return a < b ? -1 : 1;
}

/** A field value reduced to something sortable. */
export function toSortValue(value: unknown): SortValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/**
 * Ids in ascending or descending order. Also serves fields that grow with the id (such as
 * `created_at` of derived logs): no index, no scan, O(1) to locate a cursor.
 */
export function idOrder(collection: Collection, descending: boolean, field?: string): OrderedView {
  const max = collection.maxId;
  const keyOf = (id: number): SortKey => [field ? toSortValue(collection.field(id, field)) : id, id];
  return {
    length: max,
    idAt: (position) => {
      const id = descending ? max - position : position + 1;
      return collection.pristine || collection.has(id) ? id : undefined;
    },
    keyOf,
    locate: ([, id]) => {
      const exact = Number.isInteger(id) && id >= 1 && id <= max;
      const raw = descending ? max - id : id - 1;
      return { position: Math.min(Math.max(raw, 0), max), exact };
    },
    positionsOf: (first, end) => {
      const lo = Math.min(Math.max(first, 1), max + 1);
      const hi = Math.min(Math.max(end, lo), max + 1);
      return descending ? { from: max + 1 - hi, to: max + 1 - lo } : { from: lo - 1, to: hi - 1 };
    },
  };
}

interface SortedIndex {
  readonly version: number;
  readonly ids: Int32Array;
  readonly values: SortValue[];
}

/**
 * Sorted views over a collection, one index per field, built on first use by scanning and
 * sorting the whole collection (O(n log n)) and rebuilt after a mutation. Ties are broken
 * by id, so the order is total and keyset cursors are exact.
 */
export class SortedIndexes {
  readonly #collection: Collection;
  readonly #indexes = new Map<string, SortedIndex>();

  constructor(collection: Collection) {
    this.#collection = collection;
  }

  /** A view of the collection sorted on `field`. */
  view(field: string, descending: boolean): OrderedView {
    const index = this.#index(field);
    const { ids, values } = index;
    const n = ids.length;
    const at = (position: number): number => (descending ? n - 1 - position : position);
    const keyOf = (id: number): SortKey => [toSortValue(this.#collection.field(id, field)), id];
    const compareAt = (i: number, key: SortKey): number => {
      const c = compareValues(values[i]!, key[0]);
      return c !== 0 ? c : ids[i]! - key[1];
    };
    return {
      length: n,
      idAt: (position) => ids[at(position)],
      keyOf,
      locate: (key) => {
        let lo = 0;
        let hi = n;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (compareAt(mid, key) < 0) lo = mid + 1;
          else hi = mid;
        }
        const exact = lo < n && compareAt(lo, key) === 0;
        if (!descending) return { position: lo, exact };
        // Descending: the first position at or after `key` is the last ascending index <= key.
        const last = exact ? lo : lo - 1;
        return { position: n - 1 - last, exact };
      },
    };
  }

  #index(field: string): SortedIndex {
    const existing = this.#indexes.get(field);
    if (existing && existing.version === this.#collection.version) return existing;
    const collection = this.#collection;
    const valueById: SortValue[] = new Array<SortValue>(collection.maxId + 1);
    const live: number[] = [];
    for (let id = 1; id <= collection.maxId; id++) {
      if (!collection.has(id)) continue;
      live.push(id);
      valueById[id] = toSortValue(collection.field(id, field));
    }
    live.sort((a, b) => compareValues(valueById[a]!, valueById[b]!) || a - b);
    const index: SortedIndex = {
      version: collection.version,
      ids: Int32Array.from(live),
      values: live.map((id) => valueById[id]!),
    };
    this.#indexes.set(field, index);
    return index;
  }
}
