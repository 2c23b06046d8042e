/**
 * Flattens a record into one level of text cells for CSV, predictably:
 * - nested plain objects become dotted keys (`{ a: { b: 1 } }` → `a.b`), at any depth;
 *   an empty object is kept as the cell `{}`;
 * - arrays are written as JSON text (`["x","y"]`);
 * - `null` and `undefined` become empty cells;
 * - strings stay as they are; numbers and booleans are written with `String`.
 *
 * Keys keep their names (`subfolders_locked?` included); a key that itself contains a dot is
 * not escaped, so it reads the same as a nested one. `cellOf` turns each scalar or array
 * into its text (default {@link cell}; CSV passes one that also neutralises formulas).
 */
export function flattenRecord(record: unknown, cellOf: (value: unknown) => string = cell): Map<string, string> {
  const cells = new Map<string, string>();
  if (isPlainObject(record)) flattenInto(cells, '', record, cellOf);
  else cells.set('value', cellOf(record));
  return cells;
}

/** The text of one scalar or array value, as {@link flattenRecord} writes it. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function flattenInto(cells: Map<string, string>, prefix: string, object: Record<string, unknown>, cellOf: (value: unknown) => string): void {
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const value = object[key];
    const name = prefix === '' ? key : prefix + key;
    if (isPlainObject(value) && !isEmpty(value)) flattenInto(cells, `${name}.`, value, cellOf);
    else cells.set(name, cellOf(value));
  }
}

function isEmpty(object: Record<string, unknown>): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return false;
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
