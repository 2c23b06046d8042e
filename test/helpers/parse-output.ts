/**
 * Parses RFC 4180 CSV (quoted fields with `""` escapes, commas, CR and LF inside quotes) into
 * rows of cells, for checking the exporter's output independently of csv-stringify.
 *
 * @throws Error on a quote in the middle of an unquoted field or an unterminated quote.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  let started = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        cell += c;
        i++;
      }
      continue;
    }
    if (c === '"') {
      if (cell !== '') throw new Error(`quote inside an unquoted field at offset ${i}`);
      quoted = true;
      started = true;
      i++;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      started = true;
      i++;
    } else if (c === '\n' || c === '\r') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      started = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      cell += c;
      started = true;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (started || cell !== '') {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** CSV rows as objects keyed by the header row. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.map((row) => {
    if (row.length !== header.length) throw new Error(`row has ${row.length} cells, header ${header.length}`);
    return Object.fromEntries(header.map((name, i) => [name, row[i]!]));
  });
}

/** Parses NDJSON text: one JSON value per non-empty line (throws on an invalid line or a missing final newline). */
export function parseNdjson<T = Record<string, unknown>>(text: string): T[] {
  if (text !== '' && !text.endsWith('\n')) throw new Error('NDJSON output does not end with a newline');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as T);
}
