import { csvEncoder, type DroppedColumnsWarning } from './csv.js';
import type { EncoderState, Format, RecordEncoder } from './encoder.js';
import { jsonArrayEncoder } from './json-array.js';
import { ndjsonEncoder } from './ndjson.js';

/** Options of {@link createEncoder}. */
export interface EncoderOptions {
  /** Fields to write (CSV columns), in order. Default: all (CSV: the first record's). */
  fields?: readonly string[];
  /** State saved by an earlier run, to continue its output. */
  resume?: EncoderState;
  /** CSV only: told once when a record has cells outside the header. */
  onDroppedColumns?: DroppedColumnsWarning;
  /** CSV only: write cells as sent, without neutralising formulas (`--csv-raw`). Default false. */
  csvRaw?: boolean;
}

/** The encoder of a format. */
export function createEncoder(format: Format, options: EncoderOptions = {}): RecordEncoder {
  switch (format) {
    case 'ndjson':
      return ndjsonEncoder(options.fields, options.resume);
    case 'json':
      return jsonArrayEncoder(options.fields, options.resume);
    case 'csv':
      return csvEncoder(options.fields, options.resume, options.onDroppedColumns, options.csvRaw);
  }
}
