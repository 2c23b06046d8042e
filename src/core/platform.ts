import { FilesError } from '../errors/files-error.js';

/**
 * Throws before a Node-only feature loads its Node half (`node:fs`...), so that on another
 * platform (a browser, a worker; bundlers map those halves to nothing) the error says what
 * is wrong instead of "x is not a function".
 */
export function requireNode(feature: string): void {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!process?.versions?.node) throw new FilesError(`${feature} needs Node.js: it works with the local file system`);
}
