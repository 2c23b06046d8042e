// Node-only: the temporary files downloads are written to before they are renamed into place.
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Names of download temporary files: `.<name>.files-stream-<pid>-<token><check>.download`,
 * where `<name>` is the destination's name (cut to {@link TEMP_NAME_BYTES} bytes of UTF-8),
 * `<pid>` the id of the process writing it, `<token>` 16 random hex digits and `<check>` the
 * first 8 hex digits of a SHA-256 of the three (see {@link tempCheck}). Only a name whose
 * check is right is taken for one: a user's `.notes.txt.abcdefabcdef.download`, or a
 * look-alike with any other check, is not (odds of a chance match: 1 in 2^32, and only
 * with the `files-stream` mark and the shape).
 */
const TEMP_FILE = /^\.(.+)\.files-stream-([1-9][0-9]{0,9})-([0-9a-f]{16})([0-9a-f]{8})\.download$/s;

/**
 * At most this many bytes (UTF-8) of the destination's name go into its temporary file's
 * name, so that the temporary name (at most 59 bytes more) stays within the 255 bytes file
 * systems allow for a name whenever the destination's does.
 */
const TEMP_NAME_BYTES = 190;

/**
 * A fresh temporary path beside `target` (in the same folder, so the rename is atomic):
 * `.<name>.files-stream-<pid>-<16 random hex digits><8 hex digits of check>.download`.
 * {@link tempFileOwner} reads the process id back from every name it makes, and from any
 * other name only by a 1 in 2^32 chance.
 *
 * @param owner The process the temporary file belongs to: this one (tests name others).
 * @example tempPathFor('/data/q1.csv') // '/data/.q1.csv.files-stream-4242-<16 hex digits><8 hex digits>.download'
 */
export function tempPathFor(target: string, owner: number = process.pid): string {
  const name = cutUtf8(basename(target), TEMP_NAME_BYTES);
  const token = randomBytes(8).toString('hex');
  return join(dirname(target), `.${name}.files-stream-${owner}-${token}${tempCheck(name, String(owner), token)}.download`);
}

/**
 * The id of the process that wrote the temporary file of this name, when {@link tempPathFor}
 * made the name (the shape, the `files-stream` mark, and a check that agrees with the rest);
 * `undefined` for any other name. The stale-temporary-file sweep of a tree download removes
 * nothing else.
 */
export function tempFileOwner(name: string): number | undefined {
  const match = TEMP_FILE.exec(name);
  if (match === null || tempCheck(match[1]!, match[2]!, match[3]!) !== match[4]) return undefined;
  return Number(match[2]);
}

/** True when {@link tempPathFor} made the name (see {@link tempFileOwner}). */
export function isOwnTempName(name: string): boolean {
  return tempFileOwner(name) !== undefined;
}

/** 8 hex digits binding a temporary name's parts. Not a secret: it tells a name made here from a look-alike. */
function tempCheck(name: string, owner: string, token: string): string {
  return createHash('sha256').update(`files-stream temporary file\0${name}\0${owner}\0${token}`).digest('hex').slice(0, 8);
}

/** `text` cut to at most `bytes` bytes of UTF-8, at a code point boundary. */
function cutUtf8(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let out = '';
  let size = 0;
  for (const char of text) {
    size += Buffer.byteLength(char);
    if (size > bytes) break;
    out += char;
  }
  return out;
}
