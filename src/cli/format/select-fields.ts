/**
 * Picks `fields` from a record, in that order, for the JSON formats. Each name is looked up
 * as a key of the record first (`subfolders_locked?`), else as a dotted path into nested
 * objects (`a.b`). The output key is the name as given; a missing field is `null`.
 */
export function selectFields(record: unknown, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) out[field] = lookupField(record, field) ?? null;
  return out;
}

/**
 * The value a `--fields` name picks from a record: the key of that name when the record has
 * one, else the value at that dotted path (`schedule.days`); `undefined` when neither exists.
 */
export function lookupField(record: unknown, field: string): unknown {
  if (typeof record !== 'object' || record === null) return undefined;
  const object = record as Record<string, unknown>;
  if (Object.hasOwn(object, field)) return object[field];
  if (!field.includes('.')) return undefined;
  let value: unknown = object;
  for (const part of field.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
