import { toComparable } from '../../paths/index.js';
import type { JsonRecord } from '../data/collection.js';
import { hashString } from '../data/hash.js';
import type { Site } from '../data/site.js';
import { modelExample } from '../data/spec-facts.js';
import { isoSeconds } from '../data/time.js';
import { fail } from '../server/errors.js';
import { boolParam, stringParam, type Params } from '../server/params.js';
import { checksumsOf, contentSize } from './content.js';
import type { MigrationOperation } from './migrations.js';
import { downloadUrl } from './presigned.js';
import type { FileEntry } from './store.js';

/** Example fields that describe things the emulator does not model (checksums it does not compute, direct connections). */
const DROPPED = ['sha1', 'sha256', 'direct_connection_info'];

let base: JsonRecord | undefined;

/** The spec's File example without {@link DROPPED}: its key order is the order of every record. */
function fileBase(): JsonRecord {
  if (!base) {
    base = modelExample('File');
    for (const key of DROPPED) delete base[key];
  }
  return base;
}

// ------------------------------------------------------------------ what a record shows

/**
 * The preview sizes of `preview_size`: "Request a preview size.  Can be `small` (default),
 * `large`, `xlarge`, or `pdf`." (the File model's docs, `File.find` and `Folder.listFor`).
 */
export const PREVIEW_SIZES = ['small', 'large', 'xlarge', 'pdf'] as const;

/** The optional parts of a File record a request asks for. */
export interface RecordView {
  /** `download_uri`: "Provided only in response to a download request" (`GET /files/{path}`). */
  readonly downloadUri?: string;
  /** `with_previews`: `preview_id` and `preview`, of this size, their URLs served on `origin`. */
  readonly previews?: { readonly size: (typeof PREVIEW_SIZES)[number]; readonly origin: string };
  /** `with_priority_color`: `priority_color`. */
  readonly priorityColor?: boolean;
}

/**
 * The parts of File records a request asks for with `with_previews`, `preview_size` and
 * `with_priority_color` (the parameters of `File.find`, `File.download`, `Folder.listFor`
 * and the metadata action). A `preview_size` that is not one of {@link PREVIEW_SIZES} is a
 * `400 bad-request/request-params-invalid`, whether or not previews are asked for.
 */
export function recordView(params: Params, origin: string): RecordView {
  const size = stringParam(params, 'preview_size') || 'small';
  if (!isPreviewSize(size)) {
    fail(400, 'bad-request/request-params-invalid', `preview_size must be small, large, xlarge or pdf, not ${JSON.stringify(size)}.`);
  }
  return {
    ...(boolParam(params, 'with_previews') ? { previews: { size, origin } } : {}),
    ...(boolParam(params, 'with_priority_color') ? { priorityColor: true } : {}),
  };
}

function isPreviewSize(size: string): size is (typeof PREVIEW_SIZES)[number] {
  return (PREVIEW_SIZES as readonly string[]).includes(size);
}

// ------------------------------------------------------------------ previews

/**
 * The preview type of a MIME type, one of the Preview model's: "Preview type. Can be image,
 * pdf, pdf_native, video, audio, or text" (JS SDK v1.2.722 docs/models/Preview.md); `undefined`
 * for a type Files.com makes no preview of (archives, binaries).
 */
function previewType(mime: string | undefined): string | undefined {
  if (!mime) return undefined;
  if (mime.startsWith('image/')) return 'image';
  if (mime === 'application/pdf') return 'pdf';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('text/') || mime === 'application/json' || mime === 'application/xml') return 'text';
  return undefined;
}

/**
 * The preview id of a file: derived from the site's seed, the file's path and its creation
 * time (a file written again, which the emulator dates anew, gets a new preview), positive,
 * below 2^31.
 */
function previewId(site: Site, entry: FileEntry): number {
  return (hashString(site.options.seed, `${toComparable(entry.path)}\n${entry.createdAt}`) % 0x7ffffffe) + 1;
}

/**
 * `preview_id` and `preview` (the Preview model: `id`, `status`, `download_uri`, `type`,
 * `size`). The emulator makes previews at once, so no preview is ever `not_generated` or
 * `generating`, and none is `file_too_large`:
 *
 * - a file with content of a previewable type ({@link previewType}) has status `complete`,
 *   its type, the requested size, and a `download_uri` that serves the file's own bytes (the
 *   emulator renders no thumbnails): a presigned URL like the file's `download_uri`;
 * - an empty file, or one of a type with no preview, has status `invalid`, and `type` and
 *   `download_uri` null;
 * - a folder has no preview: `preview_id` and `preview` are null.
 */
function previewFields(site: Site, entry: FileEntry, size: string, origin: string): { preview_id: number | null; preview: JsonRecord | null } {
  if (entry.type !== 'file') return { preview_id: null, preview: null };
  const id = previewId(site, entry);
  const type = contentSize(entry.content!) > 0 ? previewType(entry.mimeType) : undefined;
  const preview: JsonRecord = type
    ? { id, status: 'complete', download_uri: downloadUrl(site, origin, entry.path), type, size }
    : { id, status: 'invalid', download_uri: null, type: null, size };
  return { preview_id: id, preview };
}

// ------------------------------------------------------------------ custom metadata, priority color

/** What `PATCH /files/{path}` sets on a file or folder that the store's entry does not hold. */
export interface FileAttributes {
  /** `custom_metadata`: "Custom metadata map of keys and values", values as text. */
  readonly customMetadata: Readonly<Record<string, string>>;
  /** `priority_color`: "Bookmark/priority color of file/folder", or null. */
  readonly priorityColor: string | null;
  /** A folder's `provided_mtime` (ms); a file's lives in the store, with its content. */
  readonly providedMtime?: number;
}

const NO_ATTRIBUTES: FileAttributes = { customMetadata: {}, priorityColor: null };

/** Which record attributes belong to: a record written again is dated anew, and starts with none. */
function stampOf(entry: FileEntry): string {
  return `${entry.type}|${entry.createdAt}|${entry.mtime}`;
}

interface Held {
  readonly stamp: string;
  readonly attributes: FileAttributes;
}

/** The attributes at a path and below it, by path relative to it ('' for the path itself). */
export interface CarriedAttributes {
  readonly fromKey: string;
  readonly attributes: ReadonlyMap<string, FileAttributes>;
}

/** A copy or move that carries attributes once it is complete. */
interface Carry extends CarriedAttributes {
  readonly migrationId: number;
  readonly operation: MigrationOperation;
  readonly toKey: string;
}

/**
 * The custom metadata, priority colors (and folders' `provided_mtime`) of a site's files and
 * folders, by path as Files.com compares paths. They belong to the record they were set on:
 * a path written again (a new upload, a new folder after a delete) starts with none. A copy or
 * move carries them to the destination once it is complete (a move takes them from the source).
 */
export class FileAttributeStore {
  readonly #site: Site;
  readonly #held = new Map<string, Held>();
  #carries: Carry[] = [];

  constructor(site: Site) {
    this.#site = site;
  }

  /** The attributes of an entry (none set: empty metadata, no color). */
  get(entry: FileEntry): FileAttributes {
    this.#settle();
    if (this.#held.size === 0) return NO_ATTRIBUTES;
    return this.#valid(toComparable(entry.path), entry) ?? NO_ATTRIBUTES;
  }

  /** Sets the attributes of an entry. */
  set(entry: FileEntry, attributes: FileAttributes): void {
    this.#settle();
    this.#held.set(toComparable(entry.path), { stamp: stampOf(entry), attributes });
  }

  /** Forgets the attributes at `path` and below it (the path was deleted or written anew). */
  clear(path: string): void {
    this.#settle();
    this.#clearKey(toComparable(path));
  }

  /**
   * The attributes at `from` and below, for {@link carry}: taken before the copy or move
   * starts (a move of a single file is done before `start` returns).
   */
  below(from: string): CarriedAttributes {
    this.#settle();
    const fromKey = toComparable(from);
    const attributes = new Map<string, FileAttributes>();
    for (const [key, held] of this.#held) {
      if (key !== fromKey && !key.startsWith(`${fromKey}/`)) continue;
      const entry = this.#site.files.stat(key);
      if (entry && stampOf(entry) === held.stamp) attributes.set(key.slice(fromKey.length), held.attributes);
    }
    return { fromKey, attributes };
  }

  /**
   * Carries attributes taken with {@link below} to `to` once migration `migrationId`
   * completes (at once when it already has); nothing when it fails.
   */
  carry(migrationId: number, operation: MigrationOperation, carried: CarriedAttributes, to: string): void {
    this.#carries.push({ migrationId, operation, ...carried, toKey: toComparable(to) });
    this.#settle();
  }

  #valid(key: string, entry: FileEntry): FileAttributes | undefined {
    const held = this.#held.get(key);
    return held && held.stamp === stampOf(entry) ? held.attributes : undefined;
  }

  #clearKey(key: string): void {
    for (const held of [...this.#held.keys()]) {
      if (held === key || held.startsWith(`${key}/`)) this.#held.delete(held);
    }
  }

  /** Applies the carries whose migration has completed, and drops those that failed. */
  #settle(): void {
    if (this.#carries.length === 0) return;
    const waiting: Carry[] = [];
    for (const carry of this.#carries) {
      const status = this.#site.migrations.find(carry.migrationId)?.['status'];
      if (status === 'complete') this.#apply(carry);
      else if (status !== 'failed') waiting.push(carry);
    }
    this.#carries = waiting;
  }

  #apply(carry: Carry): void {
    if (carry.operation === 'move') this.#clearKey(carry.fromKey);
    this.#clearKey(carry.toKey);
    for (const [relative, attributes] of carry.attributes) {
      const key = carry.toKey + relative;
      const entry = this.#site.files.stat(key);
      if (entry) this.#held.set(key, { stamp: stampOf(entry), attributes });
    }
  }
}

const stores = new WeakMap<Site, FileAttributeStore>();

/** The {@link FileAttributeStore} of a site. */
export function fileAttributes(site: Site): FileAttributeStore {
  let store = stores.get(site);
  if (!store) stores.set(site, (store = new FileAttributeStore(site)));
  return store;
}

// ------------------------------------------------------------------ the record

/**
 * The File record of an entry: the spec example's shape with the entry's path, name, type,
 * size, times, MIME type and checksums (`crc32`, `md5`; null for folders), and its
 * `custom_metadata` (`{}` when none is set: Files.com sends `"custom_metadata":{}` on every
 * File record, as in the Go SDK's recorded exchanges, e.g. files-sdk-go
 * file/fixtures/TestClient_Downloader_Delete_Source_Folder.yaml). The optional parts come
 * with the {@link RecordView}: `download_uri`, `priority_color` (`with_priority_color`),
 * `preview_id` and `preview` (`with_previews`); without it they are absent.
 */
export function fileRecord(site: Site, entry: FileEntry, view: RecordView = {}): JsonRecord {
  const isFile = entry.type === 'file';
  const sums = isFile ? checksumsOf(entry.content!) : undefined;
  const attributes = fileAttributes(site).get(entry);
  const providedMtime = attributes.providedMtime ?? entry.providedMtime;
  const record: JsonRecord = {
    ...fileBase(),
    path: entry.path,
    custom_metadata: { ...attributes.customMetadata },
    display_name: entry.path.slice(entry.path.lastIndexOf('/') + 1),
    type: entry.type,
    size: isFile ? contentSize(entry.content!) : 0,
    created_at: isoSeconds(entry.createdAt),
    mtime: isoSeconds(entry.mtime),
    provided_mtime: providedMtime === undefined ? null : isoSeconds(providedMtime),
    crc32: sums?.crc32 ?? null,
    md5: sums?.md5 ?? null,
    mime_type: isFile ? (entry.mimeType ?? 'application/octet-stream') : null,
    download_uri: view.downloadUri,
    priority_color: attributes.priorityColor,
  };
  if (view.downloadUri === undefined) delete record['download_uri'];
  if (!view.priorityColor) delete record['priority_color'];
  if (view.previews) Object.assign(record, previewFields(site, entry, view.previews.size, view.previews.origin));
  else {
    delete record['preview_id'];
    delete record['preview'];
  }
  return record;
}

/** The `provided_mtime` of an entry as its record shows it (ms), for sorting. */
export function providedMtimeOf(site: Site, entry: FileEntry): number | undefined {
  return fileAttributes(site).get(entry).providedMtime ?? entry.providedMtime;
}

/** The custom metadata of an entry, for searching. */
export function customMetadataOf(site: Site, entry: FileEntry): Readonly<Record<string, string>> {
  return fileAttributes(site).get(entry).customMetadata;
}
