import type { EncoderState, RecordEncoder } from './encoder.js';
import { csvLine } from './csv-line.js';
import { cell, flattenRecord } from './flatten.js';
import { neutraliseFormula, safeCell } from './formula-guard.js';

/** Called once when a record has cells the header has no column for (they are dropped). */
export type DroppedColumnsWarning = (recordIndex: number, columns: readonly string[]) => void;

/**
 * CSV (RFC 4180 quoting by csv-stringify, see `csvLine`). Records are flattened by `flattenRecord`. The
 * columns are `fields` when given, else the flattened keys of the first record: they are
 * fixed then, a later record's extra cells are dropped (reported once through `onDropped`)
 * and its missing ones are empty.
 *
 * Unless `raw`, text cells and header names that a spreadsheet would run as a formula are
 * neutralised with a leading `'` (see `safeCell`); real numbers stay numbers. The saved
 * columns (the encoder state) are the names as sent, whatever `raw` is.
 */
export function csvEncoder(
  fields: readonly string[] | undefined,
  resume?: EncoderState,
  onDropped?: DroppedColumnsWarning,
  raw = false,
): RecordEncoder {
  let records = resume?.records ?? 0;
  let columns: readonly string[] | undefined = resume?.columns ?? fields;
  let known: Set<string> | undefined;
  let headerWritten = records > 0;
  let warned = false;
  const cellOf = raw ? cell : safeCell;

  function header(): string {
    headerWritten = true;
    return columns && columns.length ? csvLine(raw ? columns : columns.map(neutraliseFormula)) : '';
  }

  return {
    page(items) {
      if (items.length === 0) return '';
      let text = '';
      let index = records;
      for (const item of items) {
        const cells = flattenRecord(item, cellOf);
        columns ??= [...cells.keys()];
        known ??= new Set(columns);
        if (!warned && onDropped && !fields && hasUnknownKey(cells, known)) {
          warned = true;
          onDropped(index, [...cells.keys()].filter((k) => !known!.has(k)));
        }
        text += csvLine(columns.map((c) => cells.get(c) ?? ''));
        index++;
      }
      records += items.length;
      return (headerWritten ? '' : header()) + text;
    },
    end: () => (headerWritten ? '' : header()),
    state: () => (columns ? { records, columns: [...columns] } : { records }),
  };
}

function hasUnknownKey(cells: ReadonlyMap<string, string>, known: ReadonlySet<string>): boolean {
  for (const key of cells.keys()) if (!known.has(key)) return true;
  return false;
}
