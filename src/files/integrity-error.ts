import { FilesError, type FilesErrorOptions } from '../errors/files-error.js';

/** Which check a transfer failed: the byte count, the MD5 or the CRC-32 the server reported. */
export type IntegrityCheck = 'size' | 'md5' | 'crc32';

/**
 * The bytes of a transfer do not match the File record: fewer or more bytes than its
 * `size`, or a different `md5` / `crc32`. Whatever was written is discarded.
 */
export class IntegrityError extends FilesError {
  override name = 'IntegrityError';
  /** The remote path. */
  readonly path: string;
  /** The check that failed. */
  readonly check: IntegrityCheck;
  /** What the File record says (a byte count, or a lower-case hex digest). */
  readonly expected: string | number;
  /** What the transfer gave. */
  readonly actual: string | number;

  constructor(
    path: string,
    check: IntegrityCheck,
    expected: string | number,
    actual: string | number,
    options?: FilesErrorOptions,
  ) {
    super(`${path}: ${check} mismatch: expected ${expected}, got ${actual}`, options);
    this.path = path;
    this.check = check;
    this.expected = expected;
    this.actual = actual;
  }
}
