/**
 * Picks `fields` from a record, in that order, for the JSON formats. Each name is looked up
 * as a key of the record first (`subfolders_locked?`), else as a dotted path into nested
 * objects (`a.b`). The output key is the name as given; a missing field is `null`.
 */
export function selectFields(record: unknown, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) out[field] = lookup(record, field) ?? null;
  return out;
}

function lookup(record: unknown, field: string): unknown {
  if (typeof record !== 'object' || record === null) return undefined;
  const object = record as Record<string, unknown>;
  if (field in object) return object[field];
  let value: unknown = object;
  for (const part of field.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
