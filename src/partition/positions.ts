/**
 * Positions of a partitioned listing, and the resume cursor that holds them.
 *
 * A position is a part of the range not delivered yet: the records of `[from, to)`, minus
 * those at `from` that were already delivered. Those are named, not counted: by their `id`
 * where the model has one, else by a hash of their content. So a resume is exact whatever
 * order the server lists the records of a second in, when one of them was deleted since
 * (log retention), or when the server repeats them: a record is skipped because it is one
 * that was delivered, never because of where it comes in a page.
 *
 * Records identical in every field in the same second (two log lines of the same read, say)
 * are told apart by how many of them there are: the names form a multiset.
 */

import { hash53 } from '../core/hash.js';

/** A part of the range not delivered yet: records of `[from, to)` minus those at `from` named in `seen`. */
export interface RangePosition {
  readonly from: number;
  readonly to: number;
  /** Names (`recordName`) of the records at `from` already delivered; a name twice for two identical records. */
  readonly seen: readonly string[];
}

/** A resume cursor's content: the range it was made for, and the positions not yet delivered. */
export interface PartitionCursor {
  readonly since: number;
  readonly until: number;
  readonly positions: RangePosition[];
}

/** Names of records and how many records of each name (identical records share one). */
export type NameCounts = Map<string, number>;

const TOKEN_PREFIX = 'fs-partition:';
const VERSION = 2;

/**
 * The name a partitioned listing knows a record by: `#<id>` for a record with a numeric or
 * string `id`, else `~` and a 53-bit hash of its content (keys sorted, so the server's key
 * order does not matter).
 */
export function recordName(record: unknown): string {
  const id = (record as { id?: unknown } | null)?.id;
  if (typeof id === 'number' && Number.isFinite(id)) return `#${id}`;
  if (typeof id === 'string' && id.length > 0 && id.length <= 64 && !/[\s"\\]/.test(id)) return `#${id}`;
  return `~${hash53(canonicalJson(record)).toString(36)}`;
}

/** JSON text with object keys sorted at every level: one text for one content. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const v = (value as Record<string, unknown>)[keys[i]!];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(keys[i])}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}


/** Counts of a list of names. */
export function countNames(names: Iterable<string>): NameCounts {
  const counts: NameCounts = new Map();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** The names of counts as a list (a name as many times as its count), sorted: one list for one multiset. */
export function namesOf(counts: NameCounts): string[] {
  const out: string[] = [];
  for (const [name, n] of counts) for (let i = 0; i < n; i++) out.push(name);
  return out.sort();
}

/** A slice's delivered position: its records before `from`, and those at `from` named in `seen`, went out. */
export interface Delivered {
  readonly from: number;
  readonly seen: NameCounts;
}

/** A delivered position moved past records up to `lastTime` (`names`: those at `lastTime`). */
export function advance(at: Delivered, lastTime: number, names: readonly string[]): Delivered {
  const seen = lastTime === at.from ? new Map(at.seen) : new Map<string, number>();
  for (const name of names) seen.set(name, (seen.get(name) ?? 0) + 1);
  return { from: lastTime, seen };
}

/** What {@link listingPositions} needs of a running slice. */
export interface SlicePosition {
  readonly to: number;
  readonly done: boolean;
  readonly buffer: { readonly length: number };
  readonly delivered: Delivered;
}

/**
 * The positions of a listing not yet delivered: those of its running `slices` and the parts no
 * slice lists yet (`rest`), by `from`. A finished slice with nothing left to hand out is
 * complete (left out), unless it is `current`, whose page is being handed out. Ordered, one
 * position says it all: everything from the earliest part not delivered to `until`.
 */
export function listingPositions(slices: readonly SlicePosition[], rest: readonly RangePosition[], ordered: boolean, until: number, current?: SlicePosition): RangePosition[] {
  const out: RangePosition[] = [];
  for (const s of slices) {
    if (s.done && s.buffer.length === 0 && s !== current) continue;
    out.push({ from: s.delivered.from, to: s.to, seen: namesOf(s.delivered.seen) });
  }
  out.push(...rest);
  const parts = out.filter((p) => p.from < p.to).sort((a, b) => a.from - b.from);
  return ordered && parts.length > 0 ? [{ ...parts[0]!, to: until }] : parts;
}

/** Writes the positions of a listing of `[since, until)` as a resume cursor. */
export function encodePartitionCursor(cursor: PartitionCursor): string {
  const body = { v: VERSION, s: cursor.since, u: cursor.until, r: cursor.positions.map((p) => (p.seen.length ? [p.from, p.to, p.seen] : [p.from, p.to])) };
  const json = JSON.stringify({ ...body, c: checksum(body) });
  return TOKEN_PREFIX + base64url(json);
}

/** The checksum a cursor carries: a cursor cut short, or edited by hand, is refused. */
function checksum(body: object): string {
  return hash53(JSON.stringify(body), 7).toString(36);
}

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/**
 * Reads the resume cursor of a partitioned listing of `[since, until)` (`until` undefined: the
 * cursor's own). `undefined` when there is no cursor.
 *
 * @throws RangeError when it is not such a cursor, is corrupt (cut short, edited: its checksum
 *   no longer matches), was made for another range, or its positions overlap or leave the
 *   range: a resume from it could not deliver every record once.
 */
export function parsePartitionCursor(cursor: string | undefined, since: number, until: number | undefined): PartitionCursor | undefined {
  if (cursor === undefined) return undefined;
  if (!cursor.startsWith(TOKEN_PREFIX)) throw new RangeError('startCursor: not the resume cursor of a partitioned listing (fs-partition:...)');
  const corrupt = (why: string) => new RangeError(`startCursor: the partition resume cursor is corrupt (${why})`);
  let data: { v?: unknown; s?: unknown; u?: unknown; r?: unknown; c?: unknown };
  try {
    data = JSON.parse(fromBase64url(cursor.slice(TOKEN_PREFIX.length)));
  } catch {
    throw corrupt('not base64url JSON');
  }
  if (typeof data !== 'object' || data === null) throw corrupt('not an object');
  if (data.v !== VERSION) {
    throw new RangeError(
      data.v === 1
        ? 'startCursor: this partition resume cursor was made by an older files-stream (version 1): list the range again'
        : 'startCursor: the partition resume cursor is corrupt (unknown version)',
    );
  }
  const time = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!time(data.s) || !time(data.u) || !Array.isArray(data.r)) throw corrupt('fields s, u, r');
  if (data.c !== checksum({ v: data.v, s: data.s, u: data.u, r: data.r })) throw corrupt('its checksum does not match: cut short or edited');
  if (data.s !== since || (until !== undefined && data.u !== until)) {
    throw new RangeError(
      `startCursor: the partition resume cursor is for another range (${isoOf(data.s)} to ${isoOf(data.u)}, not ${isoOf(since)} to ${until === undefined ? 'now' : isoOf(until)}): resume with the since/until it was made with`,
    );
  }
  const positions: RangePosition[] = [];
  for (const item of data.r as unknown[]) {
    if (!Array.isArray(item) || item.length < 2 || item.length > 3 || !time(item[0]) || !time(item[1])) throw corrupt('a position is not [from, to, names?]');
    const seen = item[2] ?? [];
    if (!Array.isArray(seen) || !seen.every((n): n is string => typeof n === 'string' && n.length > 1)) throw corrupt('a position has bad names');
    positions.push({ from: item[0], to: item[1], seen });
  }
  let end = data.s;
  for (const p of positions) {
    if (p.from >= p.to || p.from < end || p.to > data.u) throw corrupt('positions out of order, overlapping or outside the range');
    end = p.to;
  }
  return { since: data.s, until: data.u, positions };
}

/** An instant as ISO 8601 UTC, for messages. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
