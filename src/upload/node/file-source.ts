// Node-only: reads a local file as an upload source. Loaded with a dynamic import().
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';

import { LocalFileChangedError, type LocalFileChangeDetail } from '../../errors/client-errors.js';
import type { ByteSource } from '../source.js';

/** Chunk size of file reads: 1 MiB, so a 5 MiB part takes a handful of reads. */
const READ_CHUNK = 1024 * 1024;

/**
 * Opens a local file for upload. Records its size, mtime and (where the platform gives one)
 * device and inode from the open file; reads exactly that many bytes, with positional reads
 * that `chunks.return()` ends by closing the file. `verify()` compares the path's current
 * `stat` with that record.
 *
 * @throws The `open` error (`ENOENT`, ...); a TypeError naming the path when it is not a
 * regular file. Reading fails with {@link LocalFileChangedError} when the file ends before
 * the recorded size (it was truncated); `verify()` when the size, mtime or inode changed, or
 * the file was deleted.
 */
export async function openFileSource(path: string): Promise<ByteSource> {
  const handle = await open(path, 'r');
  let info: BigIntStats;
  try {
    info = await handle.stat({ bigint: true });
    if (!info.isFile()) throw new TypeError(`upload: ${path} is not a file`);
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
  const recorded = snapshotOf(info);
  const verify = () => verifyUnchanged(path, recorded);
  return { chunks: new FileChunks(handle, path, recorded.size, verify), size: Number(recorded.size), verify };
}

/** What is compared: the size, the mtime in ns, and the device and inode (0 where unknown). */
interface Snapshot {
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly dev: bigint;
  readonly ino: bigint;
}

function snapshotOf(info: BigIntStats): Snapshot {
  return { size: info.size, mtimeNs: info.mtimeNs, dev: info.dev, ino: info.ino };
}

/**
 * Stats `path` again and compares it with `recorded`.
 *
 * @throws LocalFileChangedError naming every difference, or `deleted`.
 */
async function verifyUnchanged(path: string, recorded: Snapshot): Promise<void> {
  let now: Snapshot;
  try {
    now = snapshotOf(await stat(path, { bigint: true }));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new LocalFileChangedError(path, [{ what: 'deleted', before: identity(recorded), after: '' }], { cause: error });
    }
    throw error;
  }
  const changes: LocalFileChangeDetail[] = [];
  if (now.size !== recorded.size) changes.push({ what: 'size', before: String(recorded.size), after: String(now.size) });
  if (now.mtimeNs !== recorded.mtimeNs) changes.push({ what: 'mtime', before: isoNs(recorded.mtimeNs), after: isoNs(now.mtimeNs) });
  // Platforms (and file systems) without inode numbers give 0: nothing to compare there.
  const knownIdentity = recorded.ino !== 0n || now.ino !== 0n;
  if (knownIdentity && (now.ino !== recorded.ino || now.dev !== recorded.dev)) {
    changes.push({ what: 'inode', before: identity(recorded), after: identity(now) });
  }
  if (changes.length > 0) throw new LocalFileChangedError(path, changes);
}

function identity(snapshot: Snapshot): string {
  return `${snapshot.dev}:${snapshot.ino}`;
}

/** An ISO time with all nine digits of nanoseconds, e.g. `2024-01-02T03:04:05.123456789Z`. */
function isoNs(ns: bigint): string {
  let ms = ns / 1_000_000n;
  let rest = ns % 1_000_000n;
  if (rest < 0n) {
    // Before 1970: round the milliseconds down, so the rest counts forward from them.
    ms -= 1n;
    rest += 1_000_000n;
  }
  return `${new Date(Number(ms)).toISOString().slice(0, -1)}${rest.toString().padStart(6, '0')}Z`;
}

/**
 * The bytes of an open file up to `size`, in chunks of at most `READ_CHUNK` (each a fresh
 * buffer: the part reader may hand them out as views). Closes the file when done, on an
 * error or on `return()`, even one that comes before the first read.
 */
class FileChunks implements AsyncIterator<Uint8Array> {
  readonly #handle: FileHandle;
  readonly #path: string;
  readonly #size: bigint;
  readonly #verify: () => Promise<void>;
  #position = 0;
  #closed = false;

  constructor(handle: FileHandle, path: string, size: bigint, verify: () => Promise<void>) {
    this.#handle = handle;
    this.#path = path;
    this.#size = size;
    this.#verify = verify;
  }

  /** The next chunk; done once `size` bytes were read (a longer file is `verify()`'s to report). */
  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#closed) return { done: true, value: undefined };
    const left = Number(this.#size) - this.#position;
    if (left <= 0) return this.return();
    const chunk = new Uint8Array(Math.min(READ_CHUNK, left));
    try {
      let filled = 0;
      while (filled < chunk.byteLength) {
        const { bytesRead } = await this.#handle.read(chunk, filled, chunk.byteLength - filled, this.#position + filled);
        if (bytesRead === 0) await this.#shortRead(this.#position + filled);
        filled += bytesRead;
      }
    } catch (error) {
      await this.return();
      throw error;
    }
    this.#position += chunk.byteLength;
    return { done: false, value: chunk };
  }

  /** Closes the file. */
  async return(): Promise<IteratorResult<Uint8Array>> {
    if (!this.#closed) {
      this.#closed = true;
      await this.#handle.close().catch(() => {});
    }
    return { done: true, value: undefined };
  }

  /**
   * The file ended at `at`, before the recorded size: it was truncated. `verify()` names
   * every change it sees; if it sees none (the file was cut and grown back), the short read
   * is reported as a size change.
   */
  async #shortRead(at: number): Promise<never> {
    await this.#verify();
    throw new LocalFileChangedError(this.#path, [{ what: 'size', before: String(this.#size), after: String(at) }]);
  }
}
