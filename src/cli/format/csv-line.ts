import { stringify } from 'csv-stringify/sync';

/** Characters that make csv-stringify (default options) quote a cell. */
const NEEDS_QUOTING = /[",\r\n]/;

/**
 * One CSV line (with its `\n`). Quoting is csv-stringify's: a cell holding a comma, a quote,
 * CR or LF is passed to it; any other cell is one csv-stringify would write unchanged
 * (default options), so it is written as is. This keeps csv-stringify's exact output at a
 * fraction of its per-cell cost (a test checks the two agree on arbitrary strings).
 */
export function csvLine(cells: readonly string[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (i > 0) line += ',';
    line += NEEDS_QUOTING.test(cell) ? quoted(cell) : cell;
  }
  return `${line}\n`;
}

function quoted(cell: string): string {
  const text = stringify([[cell]]);
  return text.slice(0, -1); // csv-stringify ends the record with \n
}
