/**
 * Typed columns from the spec: one column per model field, named exactly as Files.com spells
 * it, typed from the field's spec type; an `_extra` JSON column takes whatever a record holds
 * that its column cannot (a field the model lacks, or a value of another type), so nothing is
 * dropped. Rows are the records' values in column order, in plain JS types a destination maps
 * to its own (see {@link ColumnType}).
 */
import { parseUtcTime } from '../core/time.js';
import { rawJsonOf } from '../extend.js';
import { modelFields } from '../generated/model-fields.js';

/**
 * A column's type, as destinations know it, and the JS value a row holds for it:
 * `bigint` (a `bigint`), `integer` (a 32-bit integer `number`), `double` (a `number`),
 * `boolean`, `timestamptz` (epoch milliseconds, a `number`), `date` (`YYYY-MM-DD`), `text`,
 * `json` (JSON text). `null` for a missing value.
 */
export type ColumnType = 'bigint' | 'integer' | 'double' | 'boolean' | 'timestamptz' | 'date' | 'text' | 'json';

/** A column of a synced table. */
export interface Column {
  /** The column's name: the field's wire name (`subfolders_locked?`), or `_extra`. */
  readonly name: string;
  readonly type: ColumnType;
}

/** The column of a record's fields the model lacks (and of values their column cannot hold), as a JSON object. */
export const EXTRA_COLUMN = '_extra';

/** The type of the column of a field of this spec type. */
export function columnTypeOf(specType: string): ColumnType {
  switch (specType) {
    case 'int64':
      return 'bigint';
    case 'int32':
    case 'integer':
      return 'integer';
    case 'double':
    case 'decimal':
    case 'float':
    case 'number':
      return 'double';
    case 'boolean':
      return 'boolean';
    case 'date-time':
      return 'timestamptz';
    case 'date':
      return 'date';
    case 'string':
    case 'email':
    case 'file':
      return 'text';
    default:
      // object, array(...), hash(...), and nested models.
      return 'json';
  }
}

/**
 * The columns of a model's records: its fields in spec order, then `_extra`.
 *
 * @throws RangeError for a model the spec does not have.
 */
export function columnsOf(model: string): Column[] {
  const fields = modelFields[model];
  if (!fields) throw new RangeError(`sync: the spec has no model ${JSON.stringify(model)}`);
  return [...fields.map(([name, type]) => ({ name, type: columnTypeOf(type) })), { name: EXTRA_COLUMN, type: 'json' as const }];
}

/** Whether a model has an `id` field (lists of it are merged by `id`). */
export function hasId(model: string): boolean {
  return modelFields[model]?.some(([name]) => name === 'id') ?? false;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MISMATCH = Symbol('mismatch');
type Cell = unknown | typeof MISMATCH;

/** A record's value as its column holds it; `MISMATCH` when it cannot (it then goes to `_extra`). */
function cell(value: unknown, type: ColumnType): Cell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'text':
      return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : MISMATCH;
    case 'bigint':
      if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : MISMATCH;
      return typeof value === 'string' && /^-?\d{1,19}$/.test(value) ? BigInt(value) : MISMATCH;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 ? value : MISMATCH;
    case 'double': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      return Number.isFinite(n) ? n : MISMATCH;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : MISMATCH;
    case 'timestamptz': {
      const ms = typeof value === 'string' ? parseUtcTime(value) : Number.NaN;
      return Number.isFinite(ms) ? ms : MISMATCH;
    }
    case 'date':
      return typeof value === 'string' && DATE.test(value) ? value : MISMATCH;
    case 'json':
      return JSON.stringify(value);
  }
}

/**
 * Turns records into rows of `columns` (the last being `_extra`). A record's fields the columns
 * lack, and values their column cannot hold (a string in an integer field), go into `_extra`
 * as a JSON object (`null` when there are none): a row holds everything its record did.
 */
export function rowsOf(records: readonly unknown[], columns: readonly Column[]): unknown[][] {
  const named = columns.filter((c) => c.name !== EXTRA_COLUMN);
  const known = new Set(named.map((c) => c.name));
  const rows: unknown[][] = new Array(records.length);
  for (let r = 0; r < records.length; r++) {
    const record = (records[r] ?? {}) as Record<string, unknown>;
    const row: unknown[] = new Array(columns.length);
    let extra: Record<string, unknown> | undefined;
    for (let c = 0; c < named.length; c++) {
      const column = named[c]!;
      const value = record[column.name];
      const held = cell(value, column.type);
      if (held === MISMATCH) {
        row[c] = null;
        (extra ??= {})[column.name] = value;
      } else row[c] = held;
    }
    for (const key in record) {
      if (!known.has(key) && record[key] !== undefined) (extra ??= {})[key] = record[key];
    }
    row[named.length] = extra === undefined ? null : JSON.stringify(extra);
    rows[r] = row;
  }
  return rows;
}

/**
 * A time a JSON reader parses as this client does (ISO 8601 with seconds, at most 6 fractional
 * digits, a `Z`, an offset or no zone: UTC).
 */
const PLAIN_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$/;

/** Whether every field of a record fits its column as sent (no field the model lacks, no value of another type). */
function fits(record: Record<string, unknown>, types: ReadonlyMap<string, ColumnType>): boolean {
  for (const key in record) {
    const value = record[key];
    if (value === undefined) continue;
    const type = types.get(key);
    if (type === undefined) return false;
    if (value === null) continue;
    switch (type) {
      case 'text':
        if (typeof value !== 'string') return false;
        break;
      case 'bigint':
        if (!Number.isSafeInteger(value)) return false;
        break;
      case 'integer':
        if (!(Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31)) return false;
        break;
      case 'double':
        if (!(typeof value === 'number' && Number.isFinite(value))) return false;
        break;
      case 'boolean':
        if (typeof value !== 'boolean') return false;
        break;
      case 'timestamptz':
        if (!(typeof value === 'string' && PLAIN_TIME.test(value) && Number.isFinite(parseUtcTime(value)))) return false;
        break;
      case 'date':
        if (!(typeof value === 'string' && DATE.test(value))) return false;
        break;
      case 'json':
        break;
    }
  }
  return true;
}

const encoder = new TextEncoder();
const OPEN = encoder.encode('[');
const COMMA = encoder.encode(',');
const CLOSE = encoder.encode(']');

/**
 * The records of one batch, as a destination takes them: as rows ({@link RecordBatch.rows}),
 * or, when it reads JSON itself (DuckDB's `read_json`, far faster than appending values one
 * by one from JS), as one JSON array of the records that fit their columns as sent, in the
 * server's own text, and rows of the others ({@link RecordBatch.split}). A page is sorted as
 * it is added, and only its JSON text (and the records that do not fit) is kept: a batch holds
 * bytes, not objects.
 */
export class RecordBatch {
  readonly #types: ReadonlyMap<string, ColumnType>;
  /** The JSON text of the records that fit, in runs of `{...},{...}`. */
  readonly #runs: Uint8Array[] = [];
  /** Records that do not fit their columns as sent (a field the model lacks, a value of another type). */
  readonly #others: unknown[] = [];
  #fitting = 0;

  constructor(readonly columns: readonly Column[]) {
    this.#types = new Map(columns.filter((c) => c.name !== EXTRA_COLUMN).map((c) => [c.name, c.type]));
  }

  /** Records in the batch. */
  get size(): number {
    return this.#fitting + this.#others.length;
  }

  /** Adds a page's records (the listing's own `items` array, so that its JSON text is found: see `rawJsonOf`). */
  add(records: readonly unknown[]): void {
    if (records.length === 0) return;
    const raw = rawJsonOf(records);
    const fit = records.map((record) => record !== null && typeof record === 'object' && fits(record as Record<string, unknown>, this.#types));
    if (raw && fit.every(Boolean)) {
      // The page's records are one run of its body, as the server sent them.
      this.#runs.push(raw.bytes.subarray(raw.offsets[0]!, raw.offsets[2 * records.length - 1]!));
      this.#fitting += records.length;
      return;
    }
    for (let i = 0; i < records.length; i++) {
      if (!fit[i]) this.#others.push(records[i]);
      else {
        this.#runs.push(raw ? raw.bytes.subarray(raw.offsets[2 * i]!, raw.offsets[2 * i + 1]!) : encoder.encode(JSON.stringify(records[i])));
        this.#fitting++;
      }
    }
  }

  /** Every record of the batch, parsed (those that fit their columns first). */
  records(): unknown[] {
    const decoder = new TextDecoder();
    const fitting = this.#runs.flatMap((run) => JSON.parse(`[${decoder.decode(run)}]`) as unknown[]);
    return [...fitting, ...this.#others];
  }

  /** Every record as a row of the batch's columns (see {@link rowsOf}). */
  rows(): unknown[][] {
    return rowsOf(this.records(), this.columns);
  }

  /**
   * The batch for a destination that reads JSON: one JSON array (in pieces, to write one after
   * another) of the records that fit their columns as sent, and the rows of the others (with
   * `_extra`).
   */
  split(): { readonly json: Uint8Array[]; readonly count: number; readonly rows: unknown[][] } {
    const json: Uint8Array[] = [OPEN];
    this.#runs.forEach((run, i) => json.push(...(i > 0 ? [COMMA, run] : [run])));
    json.push(CLOSE);
    return { json, count: this.#fitting, rows: rowsOf(this.#others, this.columns) };
  }

  /**
   * The batch for a destination that reads JSON runs of its own: the runs of records that fit
   * their columns as sent (each `{...},{...}`, the server's text of one or more records of a
   * page), and the records that do not (to be written as rows).
   */
  runs(): { readonly runs: readonly Uint8Array[]; readonly count: number; readonly others: readonly unknown[] } {
    return { runs: this.#runs, count: this.#fitting, others: this.#others };
  }
}
