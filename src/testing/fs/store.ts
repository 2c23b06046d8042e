import { endsInWhiteSpace, normalizePath, toComparable } from '../../paths/index.js';
import { fail } from '../server/errors.js';
import { hashString } from '../data/hash.js';
import type { EventSink } from '../data/journal.js';
import type { Content } from './content.js';
import type { DerivedTree } from './tree.js';

/** A file or folder as the emulator stores or derives it. */
export interface FileEntry {
  readonly type: 'file' | 'directory';
  /** Normalised display path, without leading slash ('' for the root). */
  readonly path: string;
  /** Server modification time (ms). */
  readonly mtime: number;
  /** Creation time (ms). */
  readonly createdAt: number;
  /** Modification time the client provided (ms), if any. */
  readonly providedMtime?: number;
  /** Bytes of a file. */
  readonly content?: Content;
  readonly mimeType?: string;
}

/** Options of writes that may create missing parent folders. */
export interface WriteOptions {
  readonly mkdirParents?: boolean;
  readonly providedMtime?: number;
}

const MIME: Record<string, string> = {
  txt: 'text/plain', csv: 'text/csv', json: 'application/json', pdf: 'application/pdf', png: 'image/png',
  jpg: 'image/jpeg', jpeg: 'image/jpeg', zip: 'application/zip', html: 'text/html', xml: 'application/xml',
};

function mimeOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot > path.lastIndexOf('/') && MIME[path.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}

function parentOf(key: string): string {
  const slash = key.lastIndexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

function lastName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}


/** Which names of a request's path {@link refuseTrailingWhitespace} checks. */
export type NamesChecked = 'every-name' | 'folder-names';

/**
 * Refuses, with `400 bad-request/path-cannot-have-trailing-whitespace`, a path that has a
 * folder name ending in white space. Files.com never trims a request's path; it answers
 * with that error (the official Ruby SDK's tests quote a real answer: "The request
 * parameter path cannot have trailing whitespace: .   /+testing previews.", http-code
 * 400), for any name of the path, not only the last. `every-name` checks every name (the
 * `/folders` endpoints, and any path that names a folder); `folder-names` checks the names
 * above the last (a file's path: a file's own name is left to the route).
 *
 * Names are the path's `/` and `\` separated parts as sent, before any normalisation, so
 * a `. ` or `.. ` name counts too.
 */
export function refuseTrailingWhitespace(path: string, checked: NamesChecked): void {
  const parts = path.split(/[\\/]/);
  if (checked === 'folder-names') parts.pop();
  const bad = parts.find(endsInWhiteSpace);
  if (bad !== undefined) {
    fail(400, 'bad-request/path-cannot-have-trailing-whitespace', `The request parameter path cannot have trailing whitespace: ${JSON.stringify(bad)} in ${JSON.stringify(path)}.`);
  }
}

/**
 * The site's files: the derived tree plus an overlay of what was written, and the set of
 * derived paths deleted (which hides everything below them). Paths compare as Files.com
 * compares them (case-insensitive, NFKC, accents folded, trailing white space folded), but
 * are never trimmed: a path with a folder name ending in white space is refused (see
 * {@link refuseTrailingWhitespace}), and a name is stored as it was sent.
 *
 * Writes done for a principal (one a route declared to the journal, see `data/journal.ts`)
 * are recorded in history and the action logs once they succeed: a folder created (`create`),
 * a file written (`create`, or `update` when it replaced a file), a deletion (`destroy`); one
 * record for the operation asked for, none for what it does inside itself (the parents
 * `mkdirParents` creates, the files of a deleted folder). Copies and moves are recorded by
 * their migration (`migrations.ts`).
 */
export class FileStore {
  readonly tree: DerivedTree;
  readonly #seed: number;
  readonly #now: () => number;
  readonly #events: EventSink | undefined;
  readonly #overlay = new Map<string, FileEntry>();
  readonly #children = new Map<string, Set<string>>();
  readonly #deleted = new Set<string>();

  /** @param events Where writes done for a principal are recorded (the site's journal). */
  constructor(tree: DerivedTree, seed: number, now: () => number, events?: EventSink) {
    this.tree = tree;
    this.#seed = seed;
    this.#now = now;
    this.#events = events;
  }

  /**
   * The file or folder at `path`, or `undefined`. The root ('') is always a folder. Fails
   * when a folder name above the last ends in white space (see {@link refuseTrailingWhitespace}).
   */
  stat(path: string): FileEntry | undefined {
    refuseTrailingWhitespace(path, 'folder-names');
    const key = toComparable(path);
    const over = this.#overlay.get(key);
    if (over) return over;
    if (this.#hidden(key)) return undefined;
    return this.#derived(key);
  }

  /** The entries of the folder at `path` (unordered), or `undefined` when it is not a folder. */
  list(path: string): FileEntry[] | undefined {
    const entry = this.stat(path);
    if (!entry || entry.type !== 'directory') return undefined;
    const key = toComparable(path);
    const out: FileEntry[] = [];
    const node = this.#hidden(key) ? undefined : this.tree.resolve(key ? key.split('/') : []);
    if (node?.kind === 'folder') {
      const { tree } = this;
      const prefix = key ? `${key}/` : '';
      for (const k of tree.subfolders(node.index)) {
        const childKey = prefix + tree.folderName(k);
        if (!this.#deleted.has(childKey) && !this.#overlay.has(childKey)) out.push(this.#derivedFolder(k));
      }
      for (const f of tree.filesOf(node.index)) {
        const childKey = prefix + tree.fileName(f);
        if (!this.#deleted.has(childKey) && !this.#overlay.has(childKey)) out.push(this.#derivedFile(f));
      }
    }
    for (const childKey of this.#children.get(key) ?? []) out.push(this.#overlay.get(childKey)!);
    return out;
  }

  /**
   * Creates a folder. Fails when a name of its path ends in white space, when it exists, or
   * (without `mkdirParents`) when its parent is missing.
   */
  mkdir(path: string, options: WriteOptions = {}): FileEntry {
    const actor = this.#events?.takeActor();
    refuseTrailingWhitespace(path, 'every-name');
    const display = normalizePath(path);
    if (display === '') fail(422, 'processing-failure/destination-exists', 'The root folder already exists.');
    if (this.stat(display)) fail(422, 'processing-failure/destination-exists', `${display} already exists.`);
    const parent = this.#ensureParent(display, options.mkdirParents ?? false);
    const now = this.#now();
    const folder = this.#put({
      type: 'directory',
      path: parent ? `${parent}/${lastName(display)}` : lastName(display),
      mtime: now,
      createdAt: now,
      providedMtime: options.providedMtime,
    });
    if (actor) this.#events!.record(actor, { action: 'create', path: folder.path, destination: null });
    return folder;
  }

  /**
   * Writes a file (replacing an existing file). Fails when a folder name of its path ends in
   * white space, when a folder is in the way, or when the parent is missing.
   */
  writeFile(path: string, content: Content, options: WriteOptions = {}): FileEntry {
    const actor = this.#events?.takeActor();
    refuseTrailingWhitespace(path, 'folder-names');
    const display = normalizePath(path);
    if (display === '') fail(400, 'bad-request/invalid-path', 'A file path is required.');
    const existing = this.stat(display);
    if (existing?.type === 'directory') fail(422, 'processing-failure/destination-exists', `${display} is a folder.`);
    const parent = this.#ensureParent(display, options.mkdirParents ?? false);
    const now = this.#now();
    const filePath = parent ? `${parent}/${lastName(display)}` : lastName(display);
    const file = this.#put({
      type: 'file',
      path: filePath,
      mtime: now,
      createdAt: now,
      providedMtime: options.providedMtime,
      content,
      mimeType: mimeOf(filePath),
    });
    if (actor) this.#events!.record(actor, { action: existing ? 'update' : 'create', path: file.path, destination: null });
    return file;
  }

  /** Fails as {@link writeFile} would, without writing (checked when an upload begins). */
  checkWritable(path: string, mkdirParents: boolean): void {
    refuseTrailingWhitespace(path, 'folder-names');
    const display = normalizePath(path);
    if (display === '') fail(400, 'bad-request/invalid-path', 'A file path is required.');
    if (this.stat(display)?.type === 'directory') fail(422, 'processing-failure/destination-exists', `${display} is a folder.`);
    for (let at = display.lastIndexOf('/'); at > 0; at = display.lastIndexOf('/', at - 1)) {
      const ancestor = this.stat(display.slice(0, at));
      if (ancestor?.type === 'directory') return;
      if (ancestor) fail(422, 'processing-failure/destination-parent-conflict', `${ancestor.path} is a file.`);
      if (!mkdirParents) fail(422, 'processing-failure/destination-parent-does-not-exist', `${display.slice(0, at)} does not exist.`);
    }
  }

  /** Deletes a file or folder; a non-empty folder needs `recursive`. */
  remove(path: string, recursive: boolean): void {
    const actor = this.#events?.takeActor();
    const key = toComparable(path);
    const entry = this.stat(path);
    if (!entry) fail(404, 'not-found/file-not-found', `${normalizePath(path)} not found.`);
    if (key === '') fail(400, 'bad-request/invalid-path', 'The root folder cannot be deleted.');
    if (entry.type === 'directory' && !recursive && (this.list(path)?.length ?? 0) > 0) {
      fail(422, 'processing-failure/folder-not-empty', `${entry.path} is not empty.`);
    }
    for (const over of [...this.#overlay.keys()]) {
      if (over === key || over.startsWith(`${key}/`)) this.#drop(over);
    }
    if (this.tree.resolve(key.split('/'))) this.#deleted.add(key);
    if (actor) this.#events!.record(actor, { action: 'destroy', path: entry.path, destination: null });
  }

  /** Copies a file or folder tree; parents of the destination are created. */
  copy(from: string, to: string, overwrite: boolean): FileEntry {
    this.#events?.takeActor(); // recorded by the migration, not by the writes it is made of
    const source = this.#checkTransfer(from, to, overwrite);
    return this.#copyEntry(source, normalizePath(to));
  }

  /** Moves a file or folder tree. */
  move(from: string, to: string, overwrite: boolean): FileEntry {
    this.#events?.takeActor(); // recorded by the migration, not by the writes it is made of
    const source = this.#checkTransfer(from, to, overwrite);
    const moved = this.#copyEntry(source, normalizePath(to));
    this.remove(source.path, true);
    return moved;
  }

  /**
   * The checks a copy or move of `from` to `to` fails at once, without changing anything (a
   * migration runs them when it is asked for, and the transfer again when it completes): the
   * source when they pass.
   */
  checkTransfer(from: string, to: string, overwrite: boolean): FileEntry {
    const source = this.stat(from);
    if (!source) fail(404, 'not-found/file-not-found', `${normalizePath(from)} not found.`);
    // Before anything is replaced: a folder's destination names a folder, a file's has folders above it.
    refuseTrailingWhitespace(to, source.type === 'directory' ? 'every-name' : 'folder-names');
    const fromKey = toComparable(from);
    const toKey = toComparable(to);
    if (toKey === '') fail(400, 'bad-request/invalid-path', 'A destination path is required.');
    if (fromKey === toKey) fail(400, 'bad-request/destination-same', 'Source and destination are the same.');
    if (toKey.startsWith(`${fromKey}/`) || fromKey === '') {
      fail(422, 'processing-failure/destination-parent-conflict', 'Cannot copy a folder into itself.');
    }
    const display = normalizePath(to);
    if (!overwrite && this.stat(display)) fail(422, 'processing-failure/destination-exists', `${display} already exists.`);
    for (let at = display.lastIndexOf('/'); at > 0; at = display.lastIndexOf('/', at - 1)) {
      const ancestor = this.stat(display.slice(0, at));
      if (ancestor?.type === 'file') fail(422, 'processing-failure/destination-parent-conflict', `${ancestor.path} is a file.`);
      if (ancestor) break;
    }
    return source;
  }

  /** {@link checkTransfer}, then an existing destination (with `overwrite`) is removed. */
  #checkTransfer(from: string, to: string, overwrite: boolean): FileEntry {
    const source = this.checkTransfer(from, to, overwrite);
    if (this.stat(to)) this.remove(to, true);
    return source;
  }

  #copyEntry(source: FileEntry, to: string): FileEntry {
    if (source.type === 'file') {
      return this.writeFile(to, source.content!, { mkdirParents: true, providedMtime: source.providedMtime });
    }
    const children = this.list(source.path) ?? [];
    const folder = this.mkdir(to, { mkdirParents: true, providedMtime: source.providedMtime });
    for (const child of children) this.#copyEntry(child, `${folder.path}/${lastName(child.path)}`);
    return folder;
  }

  /** Returns the parent's display path, creating it when allowed. */
  #ensureParent(display: string, mkdirParents: boolean): string {
    const slash = display.lastIndexOf('/');
    if (slash < 0) return '';
    const parentPath = display.slice(0, slash);
    const parent = this.stat(parentPath);
    if (parent?.type === 'directory') return parent.path;
    if (parent) fail(422, 'processing-failure/destination-parent-conflict', `${parent.path} is a file.`);
    if (!mkdirParents) fail(422, 'processing-failure/destination-parent-does-not-exist', `${parentPath} does not exist.`);
    return this.mkdir(parentPath, { mkdirParents: true }).path;
  }

  #put(entry: FileEntry): FileEntry {
    const key = toComparable(entry.path);
    this.#overlay.set(key, entry);
    const parent = parentOf(key);
    let siblings = this.#children.get(parent);
    if (!siblings) this.#children.set(parent, (siblings = new Set()));
    siblings.add(key);
    return entry;
  }

  #drop(key: string): void {
    this.#overlay.delete(key);
    this.#children.get(parentOf(key))?.delete(key);
  }

  #hidden(key: string): boolean {
    if (this.#deleted.size === 0) return false;
    for (let at = key.length; at > 0; at = key.lastIndexOf('/', at - 1)) {
      if (this.#deleted.has(key.slice(0, at))) return true;
      if (at <= 0) break;
    }
    return false;
  }

  #derived(key: string): FileEntry | undefined {
    const node = this.tree.resolve(key ? key.split('/') : []);
    if (!node) return undefined;
    return node.kind === 'folder' ? this.#derivedFolder(node.index) : this.#derivedFile(node.index);
  }

  #derivedFolder(k: number): FileEntry {
    const mtime = this.tree.folderMtime(k);
    return { type: 'directory', path: this.tree.folderPath(k), mtime, createdAt: mtime };
  }

  #derivedFile(f: number): FileEntry {
    const { tree } = this;
    const path = tree.filePath(f);
    const mtime = tree.fileMtime(f);
    return {
      type: 'file',
      path,
      mtime,
      createdAt: mtime,
      providedMtime: mtime,
      content: { kind: 'derived', key: hashString(this.#seed, path), size: tree.fileSize(f) },
      mimeType: tree.mimeType(f),
    };
  }
}
