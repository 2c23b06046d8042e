// Node-only: reads a local file as an upload source. Loaded with a dynamic import().
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

import type { ByteSource } from '../source.js';

/** Chunk size of file reads: 1 MiB, so a 5 MiB part takes a handful of reads. */
const READ_CHUNK = 1024 * 1024;

/**
 * Opens a local file for upload: its size from `stat`, its bytes from a read stream that
 * `chunks.return()` closes.
 *
 * @throws The `stat` error (`ENOENT`, `EISDIR` is reported as a TypeError naming the path).
 */
export async function openFileSource(path: string): Promise<ByteSource> {
  const info = await stat(path);
  if (!info.isFile()) throw new TypeError(`upload: ${path} is not a file`);
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK });
  return { chunks: stream[Symbol.asyncIterator](), size: info.size };
}
