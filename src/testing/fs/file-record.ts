import type { JsonRecord } from '../data/collection.js';
import { modelExample } from '../data/spec-facts.js';
import { isoSeconds } from '../data/time.js';
import { checksumsOf, contentSize } from './content.js';
import type { FileEntry } from './store.js';

/** Example fields that describe things the emulator does not model (previews, checksums it does not compute, ...). */
const DROPPED = ['download_uri', 'sha1', 'sha256', 'preview', 'preview_id', 'direct_connection_info', 'custom_metadata', 'priority_color'];

let base: JsonRecord | undefined;

function fileBase(): JsonRecord {
  if (!base) {
    base = modelExample('File');
    for (const key of DROPPED) delete base[key];
  }
  return base;
}

/**
 * The File record of an entry: the spec example's shape with the entry's path, name, type,
 * size, times, MIME type and checksums (`crc32`, `md5`; null for folders).
 * `downloadUri` is added when given (the `GET /files/{path}` and metadata answers).
 */
export function fileRecord(entry: FileEntry, downloadUri?: string): JsonRecord {
  const isFile = entry.type === 'file';
  const sums = isFile ? checksumsOf(entry.content!) : undefined;
  const record: JsonRecord = {
    ...fileBase(),
    path: entry.path,
    display_name: entry.path.slice(entry.path.lastIndexOf('/') + 1),
    type: entry.type,
    size: isFile ? contentSize(entry.content!) : 0,
    created_at: isoSeconds(entry.createdAt),
    mtime: isoSeconds(entry.mtime),
    provided_mtime: entry.providedMtime === undefined ? null : isoSeconds(entry.providedMtime),
    crc32: sums?.crc32 ?? null,
    md5: sums?.md5 ?? null,
    mime_type: isFile ? (entry.mimeType ?? 'application/octet-stream') : null,
  };
  if (downloadUri !== undefined) record['download_uri'] = downloadUri;
  return record;
}
