/**
 * Records as the text format of PostgreSQL's `COPY ... FROM STDIN`: one line a row, values
 * separated by tabs, `\N` for null, backslash escapes for `\`, newline, carriage return and
 * tab.
 */
import { rowsOf, type Column } from '../columns.js';

/** A time PostgreSQL reads exactly as this client does: ISO 8601 with seconds, at most 6 fractional digits, a `Z` or an offset. */
const EXACT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]!) : text;
}

/**
 * The COPY text of `records` as rows of `columns` (see `rowsOf`: a field the columns lack, or
 * a value its column cannot hold, goes to `_extra`), in chunks of about `chunkChars`
 * characters, each a whole number of lines. Times are written as the server sent them when
 * PostgreSQL reads them alike (keeping microseconds), else as UTC instants.
 */
export function* copyChunks(records: readonly unknown[], columns: readonly Column[], chunkChars = 1 << 20): Generator<string> {
  const rows = rowsOf(records, columns);
  const times = columns.map((c, i) => (c.type === 'timestamptz' ? i : -1)).filter((i) => i >= 0);
  let chunk = '';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const record = records[r] as Record<string, unknown> | null;
    for (const t of times) {
      if (row[t] === null) continue;
      const sent = record?.[columns[t]!.name];
      row[t] = typeof sent === 'string' && EXACT_TIME.test(sent) ? sent : new Date(row[t] as number).toISOString();
    }
    let line = '';
    for (let c = 0; c < row.length; c++) {
      const value = row[c];
      const text =
        value === null || value === undefined
          ? '\\N'
          : typeof value === 'string'
            ? escape(value)
            : typeof value === 'boolean'
              ? value
                ? 't'
                : 'f'
              : String(value);
      line += c === 0 ? text : `\t${text}`;
    }
    chunk += `${line}\n`;
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** PostgreSQL's name of each column type. */
export const PG_TYPES: Readonly<Record<Column['type'], string>> = {
  bigint: 'bigint',
  integer: 'integer',
  double: 'double precision',
  boolean: 'boolean',
  timestamptz: 'timestamp with time zone',
  date: 'date',
  text: 'text',
  json: 'jsonb',
};
