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
  /** The text of one page of records (with the header or opening bracket when it is the first). */
  page(items: readonly unknown[]): string;
  /** The text that completes the output (JSON's closing bracket, a CSV header for no records). */
  end(): string;
  /** The state to save in a checkpoint after the text of a page is written. */
  state(): EncoderState;
}
