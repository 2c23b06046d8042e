import type { File } from '../generated/models/file.js';

/**
 * The modification time a download should carry: the File's `provided_mtime` (the time the
 * uploading client gave, which Files.com keeps so syncs preserve it) when set, else its
 * `mtime` (the server's). `undefined` when neither parses.
 */
export function remoteMtime(file: Pick<File, 'mtime' | 'provided_mtime'>): Date | undefined {
  for (const value of [file.provided_mtime, file.mtime]) {
    if (!value) continue;
    const time = new Date(value);
    if (!Number.isNaN(time.getTime())) return time;
  }
  return undefined;
}
