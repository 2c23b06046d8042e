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

/**
 * Parses a JSON body (UTF-8 bytes) as `JSON.parse(new TextDecoder().decode(bytes))` would.
 * Throws `SyntaxError` for invalid JSON. An empty body is `undefined`.
 */
export function parseJsonBytes(bytes: Uint8Array): ParsedJson {
  const cut = cutRecords(bytes);
  if (cut) {
    const value = parsePieces(bytes, cut.offsets);
    if (value) return cut.singleLine ? { value, records: { bytes, offsets: cut.offsets } } : { value };
  }
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
 * cannot follow (it is then parsed whole, which reports what is wrong with it).
 */
function cutRecords(bytes: Uint8Array): { offsets: Uint32Array; singleLine: boolean } | undefined {
  const n = bytes.length;
  if (n > 0xffff_fff0) return undefined;
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN_BRACKET) return undefined;
  i = skipSpace(bytes, i + 1);
  let offsets = new Uint32Array(256);
  let count = 0;
  let singleLine = true;
  if (bytes[i] === CLOSE_BRACKET) return skipSpace(bytes, i + 1) === n ? { offsets: offsets.subarray(0, 0), singleLine } : undefined;
  while (true) {
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
