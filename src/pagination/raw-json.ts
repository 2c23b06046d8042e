/**
 * The JSON text of a page's records as the server sent them, kept beside the parsed records
 * so that a writer of JSON lines can copy bytes instead of calling `JSON.stringify` (the CLI's
 * `export` does). It belongs to the items array the page fetcher produced: any array made
 * from it (by `map`, `filter`, `batch`, ...) has none, except where this module carries it
 * over to an exact run of the same records.
 */

/** The text of records: record `i` is `bytes.subarray(offsets[2 * i], offsets[2 * i + 1])`, one line of JSON. */
export interface RawJson {
  /** The response body the records were parsed from. */
  readonly bytes: Uint8Array;
  /** Start and end (exclusive) of each record's text, in pairs, in the order of the items. */
  readonly offsets: Uint32Array;
}

const texts = new WeakMap<readonly unknown[], RawJson>();

/**
 * The JSON text the server sent for exactly these records (a page's `items`, from a listing
 * without operators), or `undefined` when there is none: the body was not an array of
 * single-line objects, or the array was made by an operator. The text is the one that was
 * validated; a record changed after it was received no longer matches it.
 */
export function rawJsonOf(items: readonly unknown[]): RawJson | undefined {
  return texts.get(items);
}

/** Records `raw` as the text of `items` (one pair of offsets per item); returns `items`. */
export function keepRawJson<T>(items: T[], raw: RawJson | undefined): T[] {
  if (raw && raw.offsets.length === 2 * items.length) texts.set(items, raw);
  return items;
}

/** `items.slice(start, end)`, with the text of those records when `items` has one. */
export function sliceWithRawJson<T>(items: T[], start: number, end = items.length): T[] {
  const raw = texts.get(items);
  const part = items.slice(start, end);
  if (raw) texts.set(part, { bytes: raw.bytes, offsets: raw.offsets.subarray(2 * start, 2 * Math.min(end, items.length)) });
  return part;
}
