// Node-only: the temporary files downloads are written to before they are renamed into place.
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Names of download temporary files: `.<name>.<12 hex digits>.download`. */
const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.download$/;

/** A fresh temporary path beside `target`: `.<name>.<random>.download` in the same folder (so the rename is atomic). */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.download`);
}

/** True for the name of a download temporary file (one a killed run may have left behind). */
export function isTempFileName(name: string): boolean {
  return TEMP_FILE.test(name);
}
