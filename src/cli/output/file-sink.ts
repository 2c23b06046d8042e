import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { OutputSink } from './sink.js';

/** Options of {@link openFileSink}. */
export interface FileSinkOptions {
  /**
   * Continue an existing output: cut it to this many bytes (dropping a partly written page)
   * and write after them. Without it the file is created or emptied.
   */
  resumeAt?: number;
  /**
   * Keep a SHA-256 of everything in the file (for checkpoints): `true` to start one, or the
   * hash of the first `resumeAt` bytes (from `verifyOutput`) to continue it.
   */
  hash?: true | Hash;
}

/** An output file; `sha256()` is the hash of its bytes when the sink keeps one. */
export interface FileSink extends OutputSink {
  /** Hex SHA-256 of the file's bytes so far; `undefined` unless opened with `hash`. */
  sha256(): string | undefined;
}

/**
 * An output file written with positioned writes, each awaited, so memory stays at one page.
 * `sync()` is `fsync`.
 *
 * @throws Error when resuming and the file is shorter than `resumeAt` (it is not the output
 *   the checkpoint describes).
 */
export async function openFileSink(path: string, options: FileSinkOptions = {}): Promise<FileSink> {
  const { resumeAt } = options;
  const hash = options.hash === true ? createHash('sha256') : options.hash;
  const handle: FileHandle = await open(path, resumeAt === undefined ? 'w' : 'r+');
  let position = 0;
  if (resumeAt !== undefined) {
    const { size } = await handle.stat();
    if (size < resumeAt) {
      await handle.close();
      throw new Error(`${path} has ${size} bytes but the checkpoint saved ${resumeAt}: it is not the output the checkpoint describes`);
    }
    await handle.truncate(resumeAt);
    position = resumeAt;
  }
  return {
    async write(text) {
      const buffer = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
      hash?.update(buffer);
      let offset = 0;
      while (offset < buffer.length) {
        const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset, position);
        offset += bytesWritten;
        position += bytesWritten;
      }
    },
    sync: () => handle.sync(),
    get bytes() {
      return position;
    },
    sha256: () => hash?.copy().digest('hex'),
    close: () => handle.close(),
  };
}
