import type { File } from '../generated/models/file.js';
import type { FoldersNamespace } from '../generated/resources/folders.js';
import type { Paginated } from '../pagination/paginated.js';
import { walk, type WalkOptions } from './walk.js';

/** The hand-written methods `client.folders` has besides the generated operations. */
export interface FolderExtras {
  /**
   * Every file and folder below `path`, streamed breadth first with bounded listing
   * concurrency (see {@link walk} for the order and the options).
   * @example for await (const f of client.folders.walk('reports', { type: 'file' })) console.log(f.path);
   */
  walk(path: string, options?: WalkOptions): Paginated<File>;
}

/** Builds the folder methods of one client on its generated `client.folders`. */
export function createFolderExtras(folders: FoldersNamespace): FolderExtras {
  return { walk: (path, options) => walk(folders, path, options) };
}
