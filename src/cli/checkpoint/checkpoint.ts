import type { EncoderState, Format } from '../format/encoder.js';

/** What an export was asked for; a checkpoint only resumes the same export. */
export interface ExportIdentity {
  /** Operation id, e.g. `users.list`. */
  readonly operation: string;
  readonly pathArgs: readonly unknown[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly format: Format;
  readonly fields?: readonly string[];
  readonly limit?: number;
}

/**
 * The saved progress of an export, written after each page is durably in the output file.
 * Resuming cuts the output to `bytes` and continues the listing from `cursor`.
 */
export interface Checkpoint {
  readonly version: 1;
  readonly export: ExportIdentity;
  /** The next page's cursor; `null` when the listing has no more pages. */
  readonly cursor: string | null;
  /** Size of the output file after the last complete page. */
  readonly bytes: number;
  /** Records in the output. */
  readonly records: number;
  /** Pages written. */
  readonly pages: number;
  /** CSV columns, once fixed. */
  readonly columns?: readonly string[];
  /** True once the output is complete: a rerun does nothing. */
  readonly done: boolean;
  /** ISO time of the save. */
  readonly savedAt: string;
}

/** The encoder state a checkpoint restores. */
export function encoderStateOf(checkpoint: Checkpoint): EncoderState {
  return checkpoint.columns ? { records: checkpoint.records, columns: checkpoint.columns } : { records: checkpoint.records };
}

/** True when a checkpoint was written for this same export. */
export function sameExport(a: ExportIdentity, b: ExportIdentity): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)))
      : v,
  );
}
