import type { RecordEncoder } from '../format/encoder.js';
import { escapeControl } from '../output/escape-control.js';

/** The fields of a File record `ls` shows. */
interface Entry {
  readonly path?: string | null;
  readonly display_name?: string | null;
  readonly type?: string | null;
  readonly size?: number | null;
  readonly mtime?: string | null;
}

/** Options of {@link lsTextEncoder}. */
export interface LsTextOptions {
  /** One line per entry with type, size and modification time. */
  readonly long?: boolean;
  /** Show full paths (a recursive listing) rather than names. */
  readonly fullPaths?: boolean;
  /**
   * Makes a name printable on one line. Default `escapeControl` (control characters, line
   * feeds included, written as visible escapes); the CLI also redacts secrets.
   */
  readonly clean?: (text: string) => string;
}

/**
 * Text lines for `ls`: the entry's name (or full path, for `-R`), folders with a trailing
 * `/`; with `long`, `d`/`-`, the size in bytes and the modification time before it. Text
 * from the server goes through `clean`, so each entry is exactly one line and a name cannot
 * drive the terminal (`--json` is the exact data).
 */
export function lsTextEncoder(options: LsTextOptions = {}): RecordEncoder {
  let records = 0;
  return {
    page(items) {
      let text = '';
      for (const item of items as readonly Entry[]) text += `${line(item, options)}\n`;
      records += items.length;
      return text;
    },
    end: () => '',
    state: () => ({ records }),
  };
}

function line(entry: Entry, options: LsTextOptions): string {
  const clean = options.clean ?? escapeControl;
  const folder = entry.type === 'directory';
  const name = `${clean(String((options.fullPaths ? entry.path : entry.display_name ?? entry.path) ?? ''))}${folder ? '/' : ''}`;
  if (!options.long) return name;
  const size = folder ? '-' : clean(String(entry.size ?? 0));
  return `${folder ? 'd' : '-'} ${size.padStart(12)} ${clean(String(entry.mtime ?? '')).padEnd(20)} ${name}`;
}
