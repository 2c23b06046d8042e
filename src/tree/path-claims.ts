import { toComparable } from '../paths/normalize.js';
import { hash53 } from '../core/hash.js';

/** What {@link PathClaims.claim} decided for an entry. */
export type PathClaim =
  /** Write the file, or make the folder, at this `/`-separated path below the target. */
  | { readonly kind: 'write'; readonly relative: string }
  /** The very same entry (same path as sent, same type) came before: count it once. */
  | { readonly kind: 'duplicate' }
  /** Another entry names the same path (in another spelling, or as a file where this is a folder): refuse. */
  | { readonly kind: 'twin' };

interface Folder {
  /** The comparable names from the download's folder down, each after a NUL. */
  readonly key: string;
  /** The local spelling: the first entry's. */
  readonly local: string;
}

const TOP: Folder = { key: '', local: '' };

/**
 * The local paths the entries of one tree download claim, so that entries Files.com sees
 * as one path (names that differ only in case, accents, Unicode form or trailing white
 * space: see `toComparable`) are written once, the same way on every file system, whether
 * it folds case (macOS, Windows) or not (Linux).
 *
 * Names are compared one by one, with `toComparable`. A folder takes the spelling of the
 * first entry that names it (as a folder entry or as the folder of a file), and every
 * later spelling of it is the same local folder: `A/x.csv` then `a/y.csv` land in `A/`. A
 * file is written by the first entry naming it; the same entry again (same path as sent)
 * is a duplicate, to be counted once; another spelling of it, or a folder at its path, is
 * a twin, to be refused.
 *
 * Memory: each folder's paths, and per file only hashes (53 bits of its comparable path as
 * the map key; 22 more bits of it and 30 bits of its path as sent as the value): about 65
 * bytes a file, 65 MB for a million files. Two different files are taken for twins only
 * if all 75 bits of their comparable paths' hashes meet (odds about 1 in 10^10 for a
 * million files); when only the 53 bits meet, both are written.
 */
export class PathClaims {
  /** Each folder, by its path as sent (below the download's folder). */
  readonly #bySpelling = new Map<string, Folder>();
  /** Each folder's local spelling, by its comparable key. */
  readonly #byKey = new Map<string, string>();
  /** Each file: 53-bit hash of its comparable key → {@link fileMark} of the first entry that named it. */
  readonly #files = new Map<number, number>();

  /**
   * Claims the local path of an entry, given its path below the download's folder
   * (`/`-separated, already checked by `safeRelativePath`). Synchronous: claims are made
   * in the order entries arrive.
   */
  claim(relative: string, type: 'file' | 'directory'): PathClaim {
    const names = relative.split('/');
    const folder = this.#folder(names, type === 'directory' ? names.length : names.length - 1);
    if (folder === undefined) return { kind: 'twin' };
    if (type === 'directory') return { kind: 'write', relative: folder.local };
    const name = names[names.length - 1]!;
    const key = `${folder.key}\0${toComparable(name)}`;
    if (this.#byKey.has(key)) return { kind: 'twin' };
    const id = hash53(key, 0);
    const mark = fileMark(key, relative);
    const first = this.#files.get(id);
    if (first === undefined) {
      this.#files.set(id, mark);
    } else if (sameKey(first, mark)) {
      return first === mark ? { kind: 'duplicate' } : { kind: 'twin' };
    } // else: another path whose 53-bit hash is the same: written, not remembered
    return { kind: 'write', relative: join(folder.local, name) };
  }

  /**
   * Whether an entry may have claimed the file at this local path (`/`-separated, below the
   * download's folder, with each folder in the local spelling {@link claim} gave it): true
   * when an entry named a file whose comparable path is this one's, or (a 1 in 2^53 chance)
   * another one with the same hash. Never false for a path an entry claimed, so a sweep that
   * leaves claimed paths alone never removes a file of the tree, whatever its name.
   */
  claimsFile(relative: string): boolean {
    // The key `claim` gave the file: each name's comparable form, the folders' local spelling being one of theirs.
    const key = relative
      .split('/')
      .map((name) => `\0${toComparable(name)}`)
      .join('');
    return this.#files.has(hash53(key, 0));
  }

  /** The folder made of the first `count` names, claimed as needed; `undefined` when a file holds its path. */
  #folder(names: readonly string[], count: number): Folder | undefined {
    if (count === 0) return TOP;
    const known = this.#bySpelling.get(names.slice(0, count).join('/'));
    if (known !== undefined) return known;
    let parent = TOP;
    for (let i = 0; i < count; i++) {
      const spelling = names.slice(0, i + 1).join('/');
      let folder = this.#bySpelling.get(spelling);
      if (folder === undefined) {
        const key = `${parent.key}\0${toComparable(names[i]!)}`;
        let local = this.#byKey.get(key);
        if (local === undefined) {
          const file = this.#files.get(hash53(key, 0));
          if (file !== undefined && sameKey(file, fileMark(key, ''))) return undefined;
          local = join(parent.local, names[i]!);
          this.#byKey.set(key, local);
        }
        folder = { key, local };
        this.#bySpelling.set(spelling, folder);
      }
      parent = folder;
    }
    return parent;
  }
}

const SPELLING = 2 ** 30;

/** 22 more bits of the comparable key's hash, then 30 bits of the path as sent. */
function fileMark(key: string, relative: string): number {
  return (hash53(key, 1) % 2 ** 22) * SPELLING + (hash53(relative, 2) % SPELLING);
}

/** Whether two marks come from the same comparable key (their upper 22 bits agree). */
function sameKey(a: number, b: number): boolean {
  return Math.floor(a / SPELLING) === Math.floor(b / SPELLING);
}

function join(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}
