import { hash3, Salt } from '../data/hash.js';
import { fileStems, fileTypes, folderWords, pick } from '../data/names.js';
import type { ResolvedOptions } from '../options.js';
import { EPOCH_MS } from '../data/time.js';

/** A node of the derived tree: folder `k` (0 is the root) or file `f`. */
export type DerivedNode = { readonly kind: 'folder'; readonly index: number } | { readonly kind: 'file'; readonly index: number };

/**
 * The synthetic folder tree, derived from the seed with nothing stored: folders form a
 * complete tree with `folderFanout` subfolders each (numbered breadth first, 0 is the
 * root), and file `f` lives in folder `floor(f / filesPerFolder)`. Names carry their
 * sibling index (`reports-2`, `summary-7.csv`), so a path resolves in O(depth).
 */
export class DerivedTree {
  readonly fileCount: number;
  readonly folderCount: number;
  readonly #fanout: number;
  readonly #perFolder: number;
  readonly #seed: number;
  readonly #size: ResolvedOptions['fileSize'];

  constructor(options: ResolvedOptions) {
    this.fileCount = options.files;
    this.#fanout = options.folderFanout;
    this.#perFolder = options.filesPerFolder;
    this.folderCount = Math.max(1, Math.ceil(options.files / options.filesPerFolder));
    this.#seed = options.seed;
    this.#size = options.fileSize;
  }

  /** Name of folder `k` (k >= 1). */
  folderName(k: number): string {
    return `${pick(folderWords, hash3(this.#seed, Salt.tree, k))}-${(k - 1) % this.#fanout}`;
  }

  /** Path of folder `k` ('' for the root). */
  folderPath(k: number): string {
    const names: string[] = [];
    for (let at = k; at > 0; at = this.parentOf(at)) names.push(this.folderName(at));
    return names.reverse().join('/');
  }

  /** Parent folder of folder `k` (k >= 1). */
  parentOf(k: number): number {
    return Math.floor((k - 1) / this.#fanout);
  }

  /** Subfolders of folder `k`. */
  subfolders(k: number): number[] {
    const out: number[] = [];
    for (let c = 0; c < this.#fanout; c++) {
      const child = k * this.#fanout + 1 + c;
      if (child < this.folderCount) out.push(child);
    }
    return out;
  }

  /** Files of folder `k`. */
  filesOf(k: number): number[] {
    const out: number[] = [];
    for (let f = k * this.#perFolder; f < Math.min(this.fileCount, (k + 1) * this.#perFolder); f++) out.push(f);
    return out;
  }

  /** Folder of file `f`. */
  folderOfFile(f: number): number {
    return Math.floor(f / this.#perFolder);
  }

  /** Name of file `f`. */
  fileName(f: number): string {
    const h = hash3(this.#seed, Salt.tree, -1 - f);
    return `${pick(fileStems, h)}-${f % this.#perFolder}.${pick(fileTypes, h >>> 8)[0]}`;
  }

  /** MIME type of file `f`. */
  mimeType(f: number): string {
    return pick(fileTypes, hash3(this.#seed, Salt.tree, -1 - f) >>> 8)[1];
  }

  /** Path of file `f`. */
  filePath(f: number): string {
    const folder = this.folderPath(this.folderOfFile(f));
    return folder ? `${folder}/${this.fileName(f)}` : this.fileName(f);
  }

  /** Size of file `f` in bytes. */
  fileSize(f: number): number {
    const h = hash3(this.#seed, Salt.size, f);
    const { min, max, zeroRate } = this.#size;
    if (h / 0x100000000 < zeroRate) return 0;
    const lo = Math.min(Math.max(min, 1), max);
    return lo + (hash3(this.#seed, Salt.size + 100, f) % (max - lo + 1));
  }

  /** Modification time of file `f` (ms). */
  fileMtime(f: number): number {
    return EPOCH_MS + (hash3(this.#seed, Salt.tree + 100, f) % (365 * 86400)) * 1000;
  }

  /** Modification time of folder `k` (ms). */
  folderMtime(k: number): number {
    return EPOCH_MS + (hash3(this.#seed, Salt.tree + 200, k) % (365 * 86400)) * 1000;
  }

  /** Resolves lower-case path segments to a derived node, or `undefined`. */
  resolve(segments: readonly string[]): DerivedNode | undefined {
    let folder = 0;
    for (let i = 0; i < segments.length; i++) {
      const name = segments[i]!;
      const last = i === segments.length - 1;
      const sub = this.#childFolder(folder, name);
      if (sub !== undefined) {
        folder = sub;
        continue;
      }
      if (!last) return undefined;
      const file = this.#childFile(folder, name);
      return file === undefined ? undefined : { kind: 'file', index: file };
    }
    return { kind: 'folder', index: folder };
  }

  #childFolder(parent: number, name: string): number | undefined {
    const c = Number(name.slice(name.lastIndexOf('-') + 1));
    if (!Number.isInteger(c) || c < 0 || c >= this.#fanout) return undefined;
    const k = parent * this.#fanout + 1 + c;
    return k < this.folderCount && this.folderName(k) === name ? k : undefined;
  }

  #childFile(parent: number, name: string): number | undefined {
    const dash = name.lastIndexOf('-');
    const slot = Number(name.slice(dash + 1, name.indexOf('.', dash)));
    if (dash < 0 || !Number.isInteger(slot) || slot < 0 || slot >= this.#perFolder) return undefined;
    const f = parent * this.#perFolder + slot;
    return f < this.fileCount && this.fileName(f) === name ? f : undefined;
  }
}
