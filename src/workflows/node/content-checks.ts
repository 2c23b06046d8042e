// Node-only: checksums of downloaded bytes against the File record.
import { createHash, type Hash } from 'node:crypto';
import * as zlib from 'node:zlib';

import { crc32 as tableCrc32 } from '../../files/crc32.js';
import { IntegrityError } from '../../files/integrity-error.js';
import type { File } from '../../generated/models/file.js';

type Crc32 = (data: Uint8Array, value?: number) => number;

/** `node:zlib`'s native `crc32` (Node 20.15 and later), else the table implementation. */
const crc32: Crc32 = (zlib as { crc32?: Crc32 }).crc32 ?? tableCrc32;

/**
 * Checks bytes, fed chunk by chunk, against a File record: always the byte count (when the
 * record has a `size`), and the `md5` and `crc32` the record carries (Files.com computes
 * them lazily: an empty value is skipped) unless `checksums` is false.
 */
export class ContentChecks {
  readonly #path: string;
  readonly #size: number | undefined;
  readonly #md5: { expected: string; hash: Hash } | undefined;
  readonly #crc: { expected: string; value: number } | undefined;
  #bytes = 0;

  constructor(path: string, file: File, checksums: boolean) {
    this.#path = path;
    this.#size = typeof file.size === 'number' ? file.size : undefined;
    if (checksums && file.md5) this.#md5 = { expected: file.md5.toLowerCase(), hash: createHash('md5') };
    if (checksums && file.crc32) this.#crc = { expected: file.crc32.toLowerCase(), value: 0 };
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Feeds a chunk. @throws IntegrityError as soon as there are more bytes than the record's size. */
  update(chunk: Uint8Array): void {
    this.#bytes += chunk.byteLength;
    if (this.#size !== undefined && this.#bytes > this.#size) {
      throw new IntegrityError(this.#path, 'size', this.#size, this.#bytes);
    }
    this.#md5?.hash.update(chunk);
    if (this.#crc) this.#crc.value = crc32(chunk, this.#crc.value);
  }

  /** Checks the totals once every byte is in. @throws IntegrityError naming the first check that failed. */
  verify(): void {
    if (this.#size !== undefined && this.#bytes !== this.#size) {
      throw new IntegrityError(this.#path, 'size', this.#size, this.#bytes);
    }
    if (this.#md5) {
      const actual = this.#md5.hash.digest('hex');
      if (actual !== this.#md5.expected) throw new IntegrityError(this.#path, 'md5', this.#md5.expected, actual);
    }
    if (this.#crc) {
      const actual = this.#crc.value.toString(16).padStart(8, '0');
      if (Number.parseInt(this.#crc.expected, 16) !== this.#crc.value) {
        throw new IntegrityError(this.#path, 'crc32', this.#crc.expected, actual);
      }
    }
  }
}
