import { suggestNames } from '../operations/suggest.js';
import { lookupField } from './select-fields.js';

/**
 * Watches the records of an export for the fields `--fields` names, to say once, at the end,
 * which of them no record had (a mistyped name gives a column of nulls or empty cells,
 * silently otherwise). Once every field has been seen it stops looking: no cost per record
 * after that.
 */
export interface FieldPresence {
  /** Looks at a page of records. */
  see(items: readonly unknown[]): void;
  /**
   * The warning to print when some field was in no record seen (and at least one record
   * was), else `undefined`: `--fields names "usrname", which no record has (did you mean
   * username?): written as null, or an empty CSV cell`.
   */
  warning(): string | undefined;
}

/** A {@link FieldPresence} for `fields`. */
export function fieldPresence(fields: readonly string[]): FieldPresence {
  const missing = new Set(fields);
  let records = 0;
  let keys: string[] | undefined;
  return {
    see(items) {
      records += items.length;
      if (missing.size === 0) return;
      for (const item of items) {
        if (keys === undefined && typeof item === 'object' && item !== null) keys = Object.keys(item);
        for (const field of missing) if (lookupField(item, field) !== undefined) missing.delete(field);
        if (missing.size === 0) return;
      }
    },
    warning() {
      if (missing.size === 0 || records === 0) return undefined;
      const names = [...missing];
      const close = [...new Set(names.flatMap((name) => suggestNames(name, keys ?? [], 3)))].filter((n) => !fields.includes(n));
      const quoted = names.map((n) => JSON.stringify(n)).join(', ');
      const hint = close.length ? ` (did you mean ${close.join(', ')}?)` : '';
      return names.length === 1
        ? `warning: --fields names ${quoted}, which no record has${hint}: written as null, or an empty CSV cell`
        : `warning: --fields names ${quoted}, which no record has${hint}: written as null, or empty CSV cells`;
    },
  };
}
