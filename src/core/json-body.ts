/**
 * Parsing of JSON response bodies, tuned for list pages: a top-level array of objects is cut
 * at its records' boundaries (one pass over the bytes that skips strings with `indexOf`) and
 * parsed in pieces of about {@link PIECE_BYTES}. The result is the same value `JSON.parse`
 * gives for the whole text, but no string of the body's full size is ever made: V8 puts
 * strings over ~128 KB in its large-object space, which costs about as much as parsing them
 * (1.7 ms for a 375 KB page here). The record boundaries found on the way are kept, so a
 * writer can copy each record's JSON text as the server sent it (see {@link JsonRecords}).
 *
 * Any body that is not a plain array of objects (or that the cut does not account for
 * exactly) is parsed whole, so the value and the errors are always `JSON.parse`'s.
 *
 * A list page may hold at most `per_page` records ({@link ParseJsonOptions.maxRecords}): the
 * cut counts them and stops as soon as the count is exceeded, before any record is parsed,
 * so a hostile page of millions of tiny records (`[{},{},...]`) costs its bytes, not millions
 * of objects. A body parsed whole is counted first, the same way.
 */

/** The JSON text of a list page's records: record `i` is `bytes[offsets[2i] .. offsets[2i + 1])`. */
export interface JsonRecords {
  /** The response body. */
  readonly bytes: Uint8Array;
  /** Start and end (exclusive) of each record's text, in pairs. */
  readonly offsets: Uint32Array;
}

/** A parsed body, and for an array of single-line objects, where each one's text is. */
export interface ParsedJson {
  readonly value: unknown;
  /** Set when the body is an array of objects, none with a line break in it. */
  readonly records?: JsonRecords;
}

/** Options of {@link parseJsonBytes}. */
export interface ParseJsonOptions {
  /**
   * Most elements the body's top-level array may hold (a list page's `per_page`). Checked
   * while the body is cut, before anything is parsed: `tooMany()` is thrown as soon as an
   * element past the limit begins. Any other body (an object, a scalar) is not limited.
   */
  readonly maxRecords?: number;
  /** The error thrown past `maxRecords` (default: a `RangeError`). */
  readonly tooMany?: () => Error;
}

/** Size of the pieces parsed at once: small enough that their strings stay in V8's young generation. */
export const PIECE_BYTES = 32 * 1024;

const decoder = new TextDecoder();

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LF = 0x0a;
const CR = 0x0d;
/** The UTF-8 byte-order mark, which `TextDecoder` drops from the start of a body. */
const BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Parses a JSON body (UTF-8 bytes) as `JSON.parse(new TextDecoder().decode(bytes))` would.
 * Throws `SyntaxError` for invalid JSON, and `options.tooMany()` for a top-level array of
 * more than `options.maxRecords` elements (before parsing any). An empty body is `undefined`.
 */
export function parseJsonBytes(bytes: Uint8Array, options: ParseJsonOptions = {}): ParsedJson {
  const { maxRecords = Infinity, tooMany = () => new RangeError(`more than ${maxRecords} elements in the top-level array`) } = options;
  const cut = cutRecords(bytes, maxRecords, tooMany);
  if (cut) {
    const value = parsePieces(bytes, cut.offsets);
    if (value) return cut.singleLine ? { value, records: { bytes, offsets: cut.offsets } } : { value };
  }
  // Parsed whole: a body of millions of `0` or `[]` costs as much memory as millions of records.
  if (maxRecords !== Infinity && arrayLongerThan(bytes, maxRecords)) throw tooMany();
  const text = decoder.decode(bytes);
  return { value: text === '' ? undefined : JSON.parse(text) };
}

/** Parses the records in pieces; `undefined` when a piece does not hold the records the cut says. */
function parsePieces(bytes: Uint8Array, offsets: Uint32Array): unknown[] | undefined {
  const count = offsets.length / 2;
  const out: unknown[] = new Array(count);
  let first = 0;
  while (first < count) {
    const start = offsets[2 * first]!;
    let last = first;
    while (last + 1 < count && offsets[2 * (last + 1) + 1]! - start <= PIECE_BYTES) last++;
    const piece: unknown = JSON.parse(`[${decoder.decode(bytes.subarray(start, offsets[2 * last + 1]!))}]`);
    if (!Array.isArray(piece) || piece.length !== last - first + 1) return undefined;
    for (let i = 0; i < piece.length; i++) out[first + i] = piece[i];
    first = last + 1;
  }
  return out;
}

/**
 * Finds the records of a body that is an array of objects: their offsets, and whether any
 * has a line break between its tokens. `undefined` for any other body, or one the cut
 * cannot follow (it is then parsed whole, which reports what is wrong with it). Throws
 * `tooMany()` as soon as record `maxRecords + 1` begins.
 */
function cutRecords(bytes: Uint8Array, maxRecords: number, tooMany: () => Error): { offsets: Uint32Array; singleLine: boolean } | undefined {
  const n = bytes.length;
  if (n > 0xffff_fff0) return undefined;
  let i = skipSpace(bytes, skipBom(bytes));
  if (bytes[i] !== OPEN_BRACKET) return undefined;
  i = skipSpace(bytes, i + 1);
  let offsets = new Uint32Array(256);
  let count = 0;
  let singleLine = true;
  if (bytes[i] === CLOSE_BRACKET) return skipSpace(bytes, i + 1) === n ? { offsets: offsets.subarray(0, 0), singleLine } : undefined;
  while (true) {
    if (count >= maxRecords && i < n && bytes[i] !== CLOSE_BRACKET) throw tooMany();
    if (bytes[i] !== OPEN_BRACE) return undefined;
    const start = i;
    let depth = 0;
    for (; i < n; i++) {
      const c = bytes[i]!;
      if (c === QUOTE) {
        i = closingQuote(bytes, i);
        if (i < 0) return undefined;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) break;
      } else if (c === LF || c === CR) singleLine = false;
    }
    if (depth !== 0) return undefined;
    if (2 * count + 2 > offsets.length) {
      const grown = new Uint32Array(offsets.length * 2);
      grown.set(offsets);
      offsets = grown;
    }
    offsets[2 * count] = start;
    offsets[2 * count + 1] = i + 1;
    count++;
    i = skipSpace(bytes, i + 1);
    if (bytes[i] === COMMA) {
      i = skipSpace(bytes, i + 1);
      continue;
    }
    if (bytes[i] !== CLOSE_BRACKET || skipSpace(bytes, i + 1) !== n) return undefined;
    return { offsets: offsets.subarray(0, 2 * count), singleLine };
  }
}

/**
 * True when `bytes` holds a top-level array in which element `max + 1` begins (whatever the
 * elements are, and even if the body is cut short after it): one pass that skips strings and
 * tracks nesting, counting the commas of the top level.
 */
function arrayLongerThan(bytes: Uint8Array, max: number): boolean {
  const n = bytes.length;
  let i = skipSpace(bytes, skipBom(bytes));
  if (bytes[i] !== OPEN_BRACKET) return false;
  i = skipSpace(bytes, i + 1);
  if (i >= n || bytes[i] === CLOSE_BRACKET) return false;
  let count = 1;
  if (count > max) return true;
  for (let depth = 1; i < n; i++) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      i = closingQuote(bytes, i);
      if (i < 0) return false;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return false;
    } else if (c === COMMA && depth === 1) {
      const next = skipSpace(bytes, i + 1);
      if (next < n && bytes[next] !== CLOSE_BRACKET && ++count > max) return true;
    }
  }
  return false;
}

/** 3 when the body starts with a UTF-8 byte-order mark (`TextDecoder` drops it), else 0. */
function skipBom(bytes: Uint8Array): number {
  return bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2] ? 3 : 0;
}

/** Index of the quote closing the string that opens at `open`; -1 when the body ends first. */
function closingQuote(bytes: Uint8Array, open: number): number {
  let at = open;
  while (true) {
    at = bytes.indexOf(QUOTE, at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/** The first index at or after `i` that is not JSON whitespace. */
function skipSpace(bytes: Uint8Array, i: number): number {
  while (i < bytes.length) {
    const c = bytes[i];
    if (c !== 0x20 && c !== LF && c !== CR && c !== 0x09) return i;
    i++;
  }
  return i;
}
