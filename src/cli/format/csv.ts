import type { EncoderState, RecordEncoder } from './encoder.js';
import { csvLine } from './csv-line.js';
import { cell, flattenRecord } from './flatten.js';
import { neutraliseFormula, safeCell } from './formula-guard.js';
import { lookupField } from './select-fields.js';

/** Called once when a record has cells the header has no column for (they are dropped). */
export type DroppedColumnsWarning = (recordIndex: number, columns: readonly string[]) => void;

/**
 * CSV (RFC 4180 quoting by csv-stringify, see `csvLine`). The columns are `fields` when
 * given, else the flattened keys of the first record (see `flattenRecord`): they are fixed
 * then, a later record's extra cells are dropped (reported once through `onDropped`) and its
 * missing ones are empty.
 *
 * With `fields`, each cell is the value the name picks (a key, else a dotted path, as
 * `selectFields` reads it); a column whose value is an object or an array holds it as JSON
 * text (`{"days":[1,2]}`), never an empty cell. Without `fields`, nested objects are dotted
 * columns; a header column that holds an object in a later record (a `null` in the first)
 * gets that object as JSON text too.
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
        if (fields) {
          text += csvLine(fields.map((f) => cellOf(pick(item, f))));
          continue;
        }
        const cells = flattenRecord(item, cellOf);
        columns ??= [...cells.keys()];
        known ??= new Set(columns);
        if (!warned && onDropped && hasUnknownKey(cells, known)) {
          warned = true;
          onDropped(index, [...cells.keys()].filter((k) => !isKnown(k, known!)));
        }
        text += csvLine(columns.map((c) => cells.get(c) ?? cellOf(objectAt(item, c))));
        index++;
      }
      records += items.length;
      return (headerWritten ? '' : header()) + text;
    },
    end: () => (headerWritten ? '' : header()),
    state: () => (columns ? { records, columns: [...columns] } : { records }),
  };
}

/** The value a `--fields` name picks; a record that is not an object is its own `value` column. */
function pick(item: unknown, field: string): unknown {
  return typeof item === 'object' && item !== null ? lookupField(item, field) : field === 'value' ? item : undefined;
}

/** The object or array at a header column's path in a record whose flattened cells lack it (else `undefined`: an empty cell). */
function objectAt(item: unknown, column: string): unknown {
  const value = lookupField(item, column);
  return typeof value === 'object' ? value : undefined;
}

/** A flattened key is known when it is a column, or lies inside one (`a.b` inside the column `a`, written as JSON). */
function isKnown(key: string, known: ReadonlySet<string>): boolean {
  if (known.has(key)) return true;
  for (let dot = key.lastIndexOf('.'); dot > 0; dot = key.lastIndexOf('.', dot - 1)) if (known.has(key.slice(0, dot))) return true;
  return false;
}

function hasUnknownKey(cells: ReadonlyMap<string, string>, known: ReadonlySet<string>): boolean {
  for (const key of cells.keys()) if (!isKnown(key, known)) return true;
  return false;
}
