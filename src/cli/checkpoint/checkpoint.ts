import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { FORMATS, type EncoderState, type Format } from '../format/encoder.js';
import { CheckpointError } from './checkpoint-error.js';

/**
 * The checkpoint format this version writes and reads: 3 added `site` (version 2 had none, so
 * its checkpoints are refused by their version).
 */
export const CHECKPOINT_VERSION = 3;

/** What an export was asked for; a checkpoint only resumes the same export. */
export interface ExportIdentity {
  /** Operation id, e.g. `users.list`. */
  readonly operation: string;
  readonly pathArgs: readonly unknown[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly format: Format;
  readonly fields?: readonly string[];
  readonly limit?: number;
  /** `--csv-raw`: CSV cells written without formula neutralisation. */
  readonly csvRaw?: boolean;
  /** A time-range export (`--since`): the range as resolved. */
  readonly range?: ExportRange;
}

/**
 * The time range of an export by `created_at` (`--since`), as resolved on its first run: a
 * rerun without `--until` resumes this same range (not one ending at its own "now"), and a
 * rerun with another range, shard or order is refused. `--parallel` is not part of it: a
 * resumed export may use more or fewer requests at once.
 */
export interface ExportRange {
  /** `--since`, ISO 8601 UTC. */
  readonly since: string;
  /** `--until` as resolved (the first run's now when it was not given), ISO 8601 UTC. */
  readonly until: string;
  /** `--shard K/N`, when given. */
  readonly shard?: string;
  /** `--unordered`: records in arrival order rather than ascending `created_at`. */
  readonly unordered?: boolean;
}

/**
 * The saved progress of an export, written after each page is durably in the output file.
 * Resuming checks that the output still starts with the `bytes` bytes whose hash is
 * `sha256`, cuts it to `bytes` and continues the listing from `cursor`.
 */
export interface Checkpoint {
  readonly version: typeof CHECKPOINT_VERSION;
  /** The site the export read, as {@link siteOf} writes it: a resume against another is refused. */
  readonly site: string;
  readonly export: ExportIdentity;
  /** The output file, as an absolute path. */
  readonly output: string;
  /** Hex SHA-256 of the output's first `bytes` bytes. */
  readonly sha256: string;
  /** Where the listing continues (an opaque resume point); `null` when it has no more pages. */
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

const count = z.int().min(0, 'must be an integer >= 0');
const pathArg = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The schema of {@link ExportIdentity} in a checkpoint file. */
export const exportIdentitySchema = z.strictObject({
  operation: z.string().min(1),
  pathArgs: z.array(pathArg),
  params: z.record(z.string(), z.unknown()),
  format: z.enum(FORMATS),
  fields: z.array(z.string()).optional(),
  limit: z.int().min(1, 'must be an integer >= 1').optional(),
  csvRaw: z.boolean().optional(),
  range: z
    .strictObject({
      since: z.iso.datetime(),
      until: z.iso.datetime(),
      shard: z.string().regex(/^\d+\/\d+$/, 'must be K/N').optional(),
      unordered: z.boolean().optional(),
    })
    .optional(),
});

/**
 * The schema of a checkpoint file: strict (an unknown field is refused); a `done` checkpoint
 * has no cursor left.
 */
export const checkpointSchema = z.strictObject({
  version: z.literal(CHECKPOINT_VERSION),
  site: z.string().refine((v) => URL.canParse(v) && siteOf(v) === v, 'must be a site URL such as https://app.files.com (no credentials, query or trailing slash)'),
  export: exportIdentitySchema,
  output: z.string().refine(isAbsolute, 'must be an absolute path'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  cursor: z.string().nullable(),
  bytes: count,
  records: count,
  pages: count,
  columns: z.array(z.string()).optional(),
  done: z.boolean(),
  savedAt: z.string(),
}).refine((c) => !c.done || c.cursor === null, { path: ['done'], message: 'is true, but cursor is not null (a done export has no page left)' });

/**
 * The site a checkpoint is bound to, from a client's base URL: scheme, host and port (as the
 * URL standard writes them: lower case, without the default port) and path, without a
 * trailing slash. Credentials, query and fragment are left out: a checkpoint never holds a
 * secret. `https://User:pw@ACME.files.com:443/` is `https://acme.files.com`.
 */
export function siteOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Checks that a checkpoint was saved against `site` (see {@link siteOf}): it continues a
 * listing of that site only, a cursor of which means nothing to another.
 *
 * @param path The checkpoint file, named in the message.
 * @throws CheckpointError naming both sites.
 */
export function checkSite(path: string, saved: Checkpoint, site: string): void {
  if (saved.site === site) return;
  throw new CheckpointError(
    `checkpoint ${path} was saved for site ${saved.site}, not ${site}: rerun with --base-url ${saved.site} (or FILESCOM_BASE_URL), or use another checkpoint and output`,
  );
}

/** The encoder state a checkpoint restores. */
export function encoderStateOf(checkpoint: Checkpoint): EncoderState {
  return checkpoint.columns ? { records: checkpoint.records, columns: checkpoint.columns } : { records: checkpoint.records };
}

/** True when a checkpoint was written for this same export (see {@link exportDifferences}). */
export function sameExport(a: ExportIdentity, b: ExportIdentity): boolean {
  return exportDifferences(a, b).length === 0;
}

/** Names of the path parameters, to name a differing path argument (`path`, `user_id`). */
export type PathParamNames = readonly string[];

/**
 * What differs between the export a checkpoint was saved by (`saved`) and this one (`now`),
 * one phrase per setting: `limit (checkpoint: none, now: 300)`,
 * `parameter per_page (checkpoint: 100, now: 50)`, `path argument 1, path (...)`. Empty when
 * they are the same export.
 */
export function exportDifferences(saved: ExportIdentity, now: ExportIdentity, pathParams: PathParamNames = []): string[] {
  const out: string[] = [];
  const differ = (name: string, a: unknown, b: unknown, show: (v: unknown) => string = shown): void => {
    if (stableJson(a) !== stableJson(b)) out.push(`${name} (checkpoint: ${show(a)}, now: ${show(b)})`);
  };
  differ('operation', saved.operation, now.operation);
  const args = Math.max(saved.pathArgs.length, now.pathArgs.length);
  for (let i = 0; i < args; i++) {
    differ(`path argument ${i + 1}${pathParams[i] ? `, ${pathParams[i]}` : ''}`, saved.pathArgs[i] ?? undefined, now.pathArgs[i] ?? undefined);
  }
  const names = [...new Set([...Object.keys(saved.params), ...Object.keys(now.params)])].sort();
  for (const name of names) differ(`parameter ${name}`, saved.params[name], now.params[name]);
  differ('format', saved.format, now.format);
  differ('fields', saved.fields, now.fields, (v) => (Array.isArray(v) ? v.join(',') : 'all'));
  differ('limit', saved.limit, now.limit);
  differ('csv-raw', saved.csvRaw ?? false, now.csvRaw ?? false, (v) => (v ? 'on' : 'off'));
  differ('since', saved.range?.since, now.range?.since);
  differ('until', saved.range?.until, now.range?.until);
  if (saved.range && now.range) {
    differ('shard', saved.range.shard, now.range.shard, (v) => (v === undefined ? 'whole range' : String(v)));
    const order = (range: ExportRange) => (range.unordered ? '--unordered' : 'ascending created_at');
    differ('order', order(saved.range), order(now.range), String);
  }
  return out;
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return 'none';
  return typeof value === 'string' ? JSON.stringify(value) : stableJson(value);
}

function stableJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'object' && v !== null && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)))
        : v,
    ) ?? 'undefined'
  );
}
