import type { ApiContext } from '../api/context.js';
import { createFileExtras } from '../files/file-extras.js';
import type { FetchLike } from '../files/fetch-presigned.js';
import type { ApiNamespaces } from '../generated/namespaces.js';
import { createFolderExtras } from './folder-extras.js';

/** What the hand-written methods need of a client. */
export interface ExtrasDeps {
  api: ApiContext;
  /** The client's `fetch` option, used for presigned URLs too. */
  fetch?: FetchLike;
}

/**
 * Replaces a client's lazy `files` and `folders` namespaces with lazy ones that add the
 * hand-written methods (`downloadStream`, `downloadToFile`, `upload`; `walk`) to the
 * generated operations. Each is still built on first access, once.
 */
export function attachExtras(client: ApiNamespaces, deps: ExtrasDeps): void {
  extend(client, 'files', (files) => ({ ...files, ...createFileExtras({ ...deps, files }) }));
  extend(client, 'folders', (folders) => ({ ...folders, ...createFolderExtras(folders) }));
}

function extend<K extends 'files' | 'folders', R>(client: ApiNamespaces, key: K, build: (generated: ApiNamespaces[K]) => R): void {
  const original = Object.getOwnPropertyDescriptor(client, key);
  const generated = (): ApiNamespaces[K] => (original?.get ? original.get.call(client) : original?.value);
  let value: R | undefined;
  Object.defineProperty(client, key, {
    configurable: true,
    enumerable: true,
    get: () => (value ??= build(generated())),
  });
}
