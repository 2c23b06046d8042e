import { rawJsonOf } from '../../extend.js';

/** Output formats of `export`. */
export const FORMATS = ['ndjson', 'csv', 'json'] as const;

/** An output format of `export`. */
export type Format = (typeof FORMATS)[number];

/**
 * What an encoder must remember to continue an output it did not start (saved in a
 * checkpoint): how many records were written and, for CSV, the header's columns.
 */
export interface EncoderState {
  /** Records already in the output. */
  readonly records: number;
  /** CSV columns, once fixed. */
  readonly columns?: readonly string[];
}

/**
 * Turns pages of records into text, page by page, so an output of any length is written in
 * constant memory. The concatenation of every `page()` and the final `end()` is the output.
 */
export interface RecordEncoder {
  /**
   * The text of one page of records (with the header or opening bracket when it is the
   * first): a string, or its UTF-8 bytes when copied from the server's text of the records.
   */
  page(items: readonly unknown[]): string | Uint8Array;
  /** The text that completes the output (JSON's closing bracket, a CSV header for no records). */
  end(): string;
  /** The state to save in a checkpoint after the text of a page is written. */
  state(): EncoderState;
}

/**
 * The server's JSON text of `items` (see `rawJsonOf`), joined as `first`, record 0,
 * `between`, record 1, ..., `between`, the last record, `after`: NDJSON and JSON array
 * output without re-serialising. `undefined` when the records have no such text.
 */
export function joinRawJson(items: readonly unknown[], first: string, between: string, after: string): Uint8Array | undefined {
  const raw = rawJsonOf(items);
  if (!raw || items.length === 0) return undefined;
  const { offsets } = raw;
  const bytes = Buffer.from(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength);
  const count = offsets.length / 2;
  let size = first.length + after.length + between.length * (count - 1);
  for (let i = 0; i < offsets.length; i += 2) size += offsets[i + 1]! - offsets[i]!;
  const out = Buffer.allocUnsafe(size);
  let at = out.write(first, 0, 'latin1');
  const start = offsets[0]!;
  const end = offsets[offsets.length - 1]!;
  if (between.length === 1 && end - start === size - first.length - after.length) {
    // Records one byte apart (a comma): one copy, then each comma becomes `between`.
    at += bytes.copy(out, at, start, end);
    for (let i = 1; i < offsets.length - 1; i += 2) out[first.length + offsets[i]! - start] = between.charCodeAt(0);
    out.write(after, at, 'latin1');
    return out;
  }
  for (let i = 0; i < offsets.length; i += 2) {
    if (i > 0) at += out.write(between, at, 'latin1');
    at += bytes.copy(out, at, offsets[i]!, offsets[i + 1]!);
  }
  out.write(after, at, 'latin1');
  return out;
}
