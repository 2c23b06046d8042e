const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Converts a command-line string to the value a parameter of spec type `type` takes:
 * `int64` → integer, `double` → number, `boolean` → `true`/`false` (also `1`/`0`, `yes`/`no`,
 * `on`/`off`), `object` → parsed JSON object, anything else → the string itself.
 *
 * A value that does not convert is returned unchanged, so the client's own parameter check
 * rejects it with its usual message (`must be an integer, got "abc"`).
 */
export function coerceValue(type: string, raw: string): unknown {
  switch (type) {
    case 'int64':
      return /^[-+]?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    case 'double':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case 'boolean': {
      const lower = raw.trim().toLowerCase();
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : raw;
    }
    case 'object':
      return parseJsonObject(raw) ?? raw;
    default:
      return raw;
  }
}

/** The element type of an `array(type)` spec type, or `undefined` for any other type. */
export function arrayElementType(type: string): string | undefined {
  return /^array\((.+)\)$/.exec(type)?.[1];
}

function parseJsonObject(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
