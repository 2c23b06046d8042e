// Node-only: the tree upload behind `uploadTree`. Loaded with a dynamic import().
import { createHash, type Hash } from 'node:crypto';
import type { Dirent, Stats } from 'node:fs';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as zlib from 'node:zlib';

import { withRetries } from '../../core/retry.js';
import { crc32 as tableCrc32 } from '../../download/crc32.js';
import { remoteMtime } from '../../download/download.js';
import { FilesApiError, NotFoundError } from '../../errors/api-errors.js';
import { IntegrityError, UnsafePathError } from '../../errors/client-errors.js';
import { FilesError } from '../../errors/files-error.js';
import type { File } from '../../generated/models/file.js';
import { normalizePath, toComparable } from '../../paths/normalize.js';
import type { ByteSource } from '../../upload/source.js';
import { openFileSource } from '../../upload/node/file-source.js';
import { treeErrorOf } from '../download-tree.js';
import { PathClaims } from '../path-claims.js';
import {
  isReservedPath,
  uploadNameRefusal,
  type UploadTreeClient,
  type UploadTreeCounts,
  type UploadTreeError,
  type UploadTreeIgnored,
  type UploadTreeOptions,
  type UploadTreeOutcome,
  type UploadTreeProgress,
  type UploadTreeResult,
} from '../upload-tree.js';

/** Files found and waiting for an upload slot, at most: the local walk pauses beyond it. */
const LOOKAHEAD = 10_000;

/** What a remote folder listing says of one name. */
interface RemoteEntry {
  readonly type: 'file' | 'directory';
  readonly size: number | undefined;
  readonly mtime: Date | undefined;
  readonly md5: string | undefined;
  readonly crc32: string | undefined;
}

/** A local folder to read and compare with its remote folder. */
interface FolderJob {
  /** Its path below the local root as on disk, `/`-separated (`''` for the root). */
  readonly localRel: string;
  /** Its full remote path (`normalizePath`'s form). */
  readonly remote: string;
  /** Its path below the remote folder, as claimed (see `PathClaims`): the spelling of the first local folder of that Files.com path. */
  readonly remoteRel: string;
  /** What the parent's listing said: `unknown` for the root only. */
  readonly state: 'unknown' | 'exists' | 'missing';
}

/** What a local folder entry is: a regular file (with its `lstat`), or something else. */
type LocalKind =
  | { readonly kind: 'file'; readonly stats: Stats }
  | { readonly kind: 'folder' }
  | { readonly kind: 'symlink' }
  | { readonly kind: 'special' }
  /** Removed since its folder was read. */
  | { readonly kind: 'gone' };

/** A local file to upload unless Files.com has it already. */
interface FileJob {
  readonly localRel: string;
  readonly remote: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** What the remote listing has at its path (`undefined`: nothing, or the folder is new). */
  readonly existing: RemoteEntry | undefined;
}

/** Runs a tree upload; see `uploadTree` for the contract. */
export async function runTreeUpload(
  client: UploadTreeClient,
  localDir: string,
  remoteDir: string,
  options: UploadTreeOptions,
): Promise<UploadTreeResult> {
  const concurrency = positive(options.concurrency ?? 4, 'concurrency');
  const listConcurrency = positive(options.listConcurrency ?? 2, 'listConcurrency');
  const retries = options.retries ?? 2;
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError('uploadTree: retries must be a non-negative integer');
  const { signal } = options;
  signal?.throwIfAborted();
  // The folder the user named may be (or lie below) a symbolic link: their choice, resolved once here.
  const root = await realpath(localDir);
  if (!(await stat(root)).isDirectory()) throw new TypeError(`uploadTree: ${localDir} is not a folder`);
  const remoteRoot = normalizePath(remoteDir);
  const run = new TreeUpload(client, localDir, root, remoteRoot, { ...options, concurrency, listConcurrency, retries });
  return run.run();
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`uploadTree: ${name} must be a positive integer`);
  return value;
}

type Settled = UploadTreeOptions & { concurrency: number; listConcurrency: number; retries: number };

/** One run: the local walk, the remote listings and the uploads, with their counts. */
class TreeUpload {
  readonly #client: UploadTreeClient;
  /** `localDir` as given, for the local paths reported. */
  readonly #given: string;
  /** Its real path, for every file-system call. */
  readonly #root: string;
  readonly #remoteRoot: string;
  readonly #options: Settled;
  /** True when the remote folder named is itself reserved: taken as given, only paths local names make reserved are refused. */
  readonly #rootReserved: boolean;
  readonly #claims = new PathClaims();
  readonly #counts: UploadTreeCounts = { uploaded: 0, skipped: 0, refused: 0, failed: 0, ignored: 0, folders: 0, bytes: 0 };
  readonly #errors: UploadTreeError[] = [];
  readonly #ignored: UploadTreeIgnored[] = [];
  readonly #found = { files: 0, bytes: 0, complete: false };
  #sentBytes = 0;
  #doneBytes = 0;
  readonly #folders: FolderJob[] = [];
  readonly #files = new Queue<FileJob>();

  /**
   * Parts each file's upload sends at once, unless `upload.concurrency` says: 3 (the upload's
   * default) for one or two files at once, fewer as more files run, so that at most about
   * max(8, `concurrency`) parts (5 MiB each on Files.com) are held at once across the tree.
   */
  readonly #partConcurrency: number;

  constructor(client: UploadTreeClient, given: string, root: string, remoteRoot: string, options: Settled) {
    this.#partConcurrency = Math.max(1, Math.min(3, Math.floor(8 / options.concurrency)));
    this.#client = client;
    this.#given = given;
    this.#root = root;
    this.#remoteRoot = remoteRoot;
    this.#options = options;
    this.#rootReserved = isReservedPath(remoteRoot);
  }

  /**
   * Reads folders (depth first, at most `listConcurrency` at once, only while fewer than
   * {@link LOOKAHEAD} files wait) and uploads files (at most `concurrency` at once). The
   * first unexpected error or an abort stops starting anything, lets the running work
   * settle, and rejects with it.
   */
  async run(): Promise<UploadTreeResult> {
    const { signal, concurrency, listConcurrency } = this.#options;
    this.#folders.push({ localRel: '', remote: this.#remoteRoot, remoteRel: '', state: 'unknown' });
    const running = new Set<Promise<void>>();
    let scans = 0;
    let uploads = 0;
    let failure: { error: unknown } | undefined;
    const track = (work: Promise<void>, done: () => void): void => {
      const settled: Promise<void> = work
        .catch((error: unknown) => {
          failure ??= { error: signal?.aborted ? signal.reason : error };
        })
        .finally(() => {
          done();
          running.delete(settled);
        });
      running.add(settled);
    };
    while (!failure) {
      if (signal?.aborted) {
        failure = { error: signal.reason };
        break;
      }
      while (scans < listConcurrency && this.#folders.length > 0 && this.#files.size < LOOKAHEAD) {
        scans++;
        track(this.#scan(this.#folders.pop()!), () => {
          scans--;
          if (scans === 0 && this.#folders.length === 0) this.#found.complete = true;
        });
      }
      while (uploads < concurrency && this.#files.size > 0) {
        uploads++;
        track(this.#put(this.#files.shift()!), () => uploads--);
      }
      if (running.size === 0) break;
      await Promise.race(running);
    }
    await Promise.all(running);
    if (failure) throw failure.error;
    return { ...this.#counts, errors: this.#errors, ignoredEntries: this.#ignored, dryRun: this.#options.dryRun === true };
  }

  #note(outcome: UploadTreeOutcome, path: string, localRel: string, error?: unknown): void {
    const localPath = this.#display(localRel);
    if (outcome !== 'sending') this.#counts[outcome === 'folder' ? 'folders' : outcome] += 1;
    if (error !== undefined) this.#errors.push({ path, localPath, error: treeErrorOf(error) });
    this.#options.onProgress?.({ ...this.#counts, path, localPath, outcome, sentBytes: this.#sentBytes, doneBytes: this.#doneBytes, found: { ...this.#found } });
  }

  #display(localRel: string): string {
    return localRel === '' ? this.#given : join(this.#given, ...localRel.split('/'));
  }

  #local(localRel: string): string {
    return localRel === '' ? this.#root : join(this.#root, ...localRel.split('/'));
  }

  /**
   * Reads a local folder and its remote listing (unless it is known to be missing, then it
   * is created), and queues its files and subfolders. A folder that cannot be read, listed
   * or created is one failure (nothing below it is tried); for the root, the listing's error
   * ends the run.
   */
  async #scan(job: FolderJob): Promise<void> {
    const { signal } = this.#options;
    signal?.throwIfAborted();
    let entries: Dirent[];
    try {
      entries = await readdir(this.#local(job.localRel), { withFileTypes: true });
    } catch (error) {
      if (job.state === 'unknown') throw error;
      return this.#note('failed', job.remote, job.localRel, error);
    }
    let remote: Map<string, RemoteEntry> | undefined;
    try {
      if (job.state !== 'missing') remote = await this.#list(job.remote);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      // Not there (or no longer): made below. Any other answer: the folder cannot be compared.
      if (!(error instanceof NotFoundError)) {
        if (job.state === 'unknown') throw error;
        return this.#note('failed', job.remote, job.localRel, error);
      }
    }
    if (remote === undefined) {
      try {
        await this.#makeFolder(job.remote);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (job.state === 'unknown') throw error;
        return this.#note('failed', job.remote, job.localRel, error);
      }
      this.#note('folder', job.remote, job.localRel);
    }
    // Name order (code points): the same claims, so the same twins refused, on every run and platform.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const notUtf8 = await namesNotUtf8(this.#local(job.localRel), entries);
    const subfolders: FolderJob[] = [];
    for (const entry of entries) {
      signal?.throwIfAborted();
      const localRel = join2(job.localRel, entry.name);
      const spelled = join2(job.remoteRel, entry.name);
      const remotePath = join2(this.#remoteRoot, spelled);
      const refusal = notUtf8.has(entry.name) ? 'not-utf8' : (uploadNameRefusal(entry.name) ?? (!this.#rootReserved && isReservedPath(remotePath) ? 'reserved' : undefined));
      if (refusal !== undefined) {
        this.#note('refused', remotePath, localRel, new UnsafePathError(localRel, refusal));
        continue;
      }
      const info = await this.#kind(entry, localRel);
      if (info.kind === 'symlink' || info.kind === 'special') {
        this.#ignored.push({ path: remotePath, localPath: this.#display(localRel), reason: info.kind });
        this.#note('ignored', remotePath, localRel);
        continue;
      }
      if (info.kind === 'gone') continue; // removed since the folder was read: nothing to upload
      const claim = this.#claims.claim(spelled, info.kind === 'folder' ? 'directory' : 'file');
      if (claim.kind !== 'write') {
        this.#note('refused', remotePath, localRel, new UnsafePathError(localRel, 'case-twin'));
        continue;
      }
      const target = join2(this.#remoteRoot, claim.relative);
      const existing = remote?.get(toComparable(entry.name));
      if (info.kind === 'folder') {
        if (existing?.type === 'file') {
          this.#note('failed', target, localRel, new FilesError(`${target}: Files.com has a file at this path, so the folder ${this.#display(localRel)} cannot be uploaded`));
          continue;
        }
        subfolders.push({ localRel, remote: target, remoteRel: claim.relative, state: existing ? 'exists' : 'missing' });
      } else {
        this.#found.files += 1;
        this.#found.bytes += info.stats.size;
        this.#files.push({ localRel, remote: target, size: info.stats.size, mtimeMs: info.stats.mtimeMs, existing });
      }
    }
    // Depth first, in name order: the stack pops the first subfolder next.
    this.#folders.push(...subfolders.reverse());
  }

  /** What a folder entry is, looked at with `lstat` (never followed) where a file's size and mtime are needed. */
  async #kind(entry: Dirent, localRel: string): Promise<LocalKind> {
    if (entry.isDirectory()) return { kind: 'folder' };
    if (entry.isSymbolicLink()) return { kind: 'symlink' };
    const known = entry.isFile() || !(entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice());
    if (!known) return { kind: 'special' };
    // A regular file, or a type the folder listing did not give (some file systems): lstat tells.
    const stats = await lstat(this.#local(localRel)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!stats) return { kind: 'gone' };
    if (stats.isFile()) return { kind: 'file', stats };
    if (stats.isDirectory()) return { kind: 'folder' };
    return { kind: stats.isSymbolicLink() ? 'symlink' : 'special' };
  }

  /** A remote folder's entries by their comparable name (`toComparable`). @throws the listing's error. */
  async #list(path: string): Promise<Map<string, RemoteEntry>> {
    const { signal, perPage } = this.#options;
    const entries = new Map<string, RemoteEntry>();
    const params = perPage === undefined ? {} : { per_page: perPage };
    // The root folder is listed as `/` (an empty path is no path).
    for await (const file of this.#client.folders.listFor(path || '/', params, { signal })) {
      const name = String(file.path ?? '').split('/').pop() ?? '';
      const key = toComparable(name);
      if (key === '' || entries.has(key)) continue; // a repeated entry: the first one counts
      entries.set(key, {
        type: file.type === 'directory' ? 'directory' : 'file',
        size: typeof file.size === 'number' ? file.size : undefined,
        mtime: remoteMtime(file),
        md5: file.md5 ? file.md5.toLowerCase() : undefined,
        crc32: file.crc32 ? file.crc32.toLowerCase() : undefined,
      });
    }
    return entries;
  }

  /** Creates a remote folder (and its missing parents); one that exists by now is fine. Nothing with `dryRun`. */
  async #makeFolder(path: string): Promise<void> {
    if (this.#options.dryRun || path === '') return;
    try {
      await this.#client.folders.create(path, { mkdir_parents: true }, { signal: this.#options.signal });
    } catch (error) {
      // Made meanwhile (by another run, or as the twin of a folder of this one).
      if (error instanceof FilesApiError && error.type === 'processing-failure/destination-exists') return;
      throw error;
    }
  }

  /** Skips, uploads (or, with `dryRun`, counts) one file; a failure is noted, an abort rethrown. */
  async #put(job: FileJob): Promise<void> {
    const { signal } = this.#options;
    signal?.throwIfAborted();
    const accepted = { bytes: 0 };
    const settle = (): void => {
      this.#doneBytes += job.size - accepted.bytes;
      accepted.bytes = job.size;
    };
    try {
      if (job.existing?.type === 'directory') {
        throw new FilesError(`${job.remote}: Files.com has a folder at this path, so the file ${this.#display(job.localRel)} cannot be uploaded`);
      }
      if (job.existing && (await this.#unchanged(job, job.existing))) {
        settle();
        return this.#note('skipped', job.remote, job.localRel);
      }
      const bytes = this.#options.dryRun ? job.size : await this.#upload(job, accepted);
      this.#counts.bytes += bytes;
      settle();
      this.#note('uploaded', job.remote, job.localRel);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      settle();
      this.#note('failed', job.remote, job.localRel, error);
    }
  }

  /**
   * Whether the remote file is the local one: the same size, and the same MD5 (else CRC32)
   * with `checksum` when the remote file has one, else the same modification time to the
   * second (Files.com keeps whole seconds; file systems keep more, or, like FAT, less).
   */
  async #unchanged(job: FileJob, remote: RemoteEntry): Promise<boolean> {
    if (remote.size !== job.size) return false;
    if (this.#options.checksum && (remote.md5 !== undefined || remote.crc32 !== undefined)) {
      const sums = await hashFile(this.#local(job.localRel), remote.md5 !== undefined, this.#options.signal);
      return remote.md5 !== undefined ? sums.md5 === remote.md5 : Number.parseInt(remote.crc32!, 16) === sums.crc32;
    }
    return remote.mtime !== undefined && Math.abs(job.mtimeMs - remote.mtime.getTime()) < 1000;
  }

  /** Uploads one file, again after a failure a retry can fix; resolves to the bytes sent. */
  async #upload(job: FileJob, accepted: { bytes: number }): Promise<number> {
    const { signal, retries } = this.#options;
    const core = this.#client.core;
    if (core === undefined || retries === 0) return this.#uploadOnce(job, accepted);
    const budget = core.budget({ method: 'POST', idempotent: true }, signal, { limit: retries });
    const again = { method: 'POST', path: '/files/{path}', pathParams: { path: job.remote }, operation: `uploadTree ${job.remote}` } as const;
    return withRetries(budget, () => this.#uploadOnce(job, accepted), { signal, onRetry: (_plan, error) => core.reportRetry(again, budget, error) });
  }

  /**
   * One upload through `client.files.upload`, from the local file read once: the CRC32 (and
   * with `checksum` the MD5) of the bytes is computed as they are read, and checked against
   * what the record Files.com answers carries.
   */
  async #uploadOnce(job: FileJob, accepted: { bytes: number }): Promise<number> {
    // A retry starts over: the parts of the attempt before are no longer part of the way done.
    this.#doneBytes -= accepted.bytes;
    accepted.bytes = 0;
    const source = await openFileSource(this.#local(job.localRel));
    const sums = new Checksums(this.#options.checksum === true);
    const file = await this.#client.files.upload(job.remote, checkedChunks(source, sums), {
      concurrency: this.#partConcurrency,
      ...this.#options.upload,
      mkdir_parents: true,
      provided_mtime: new Date(job.mtimeMs),
      signal: this.#options.signal,
      onProgress: ({ bytes }) => {
        this.#sentBytes += bytes - accepted.bytes;
        this.#doneBytes += bytes - accepted.bytes;
        accepted.bytes = bytes;
        this.#note('sending', job.remote, job.localRel);
      },
    });
    sums.check(job.remote, file);
    return sums.bytes;
  }
}

/** `a/b` from `a` and `b`; `b` when `a` is empty. */
function join2(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}

type Crc32 = (data: Uint8Array, value?: number) => number;

/** `node:zlib`'s native `crc32` (Node 20.15 and later), else the table implementation. */
const crc32: Crc32 = (zlib as { crc32?: Crc32 }).crc32 ?? tableCrc32;

/** The CRC32 (and optionally the MD5) of bytes fed chunk by chunk, and their count. */
class Checksums {
  readonly #md5: Hash | undefined;
  crc32 = 0;
  bytes = 0;

  constructor(md5: boolean) {
    this.#md5 = md5 ? createHash('md5') : undefined;
  }

  update(chunk: Uint8Array): void {
    this.bytes += chunk.byteLength;
    this.crc32 = crc32(chunk, this.crc32);
    this.#md5?.update(chunk);
  }

  /** The MD5 in lower-case hex, once every byte is in (`undefined` when not computed). */
  get md5(): string | undefined {
    return this.#md5?.copy().digest('hex');
  }

  /**
   * Checks the record of the uploaded file: its `size`, and its `md5` and `crc32` when it
   * carries them (Files.com may compute them later: an empty value is not checked).
   * @throws IntegrityError naming the first check that failed.
   */
  check(path: string, file: File): void {
    if (typeof file.size === 'number' && file.size !== this.bytes) throw new IntegrityError(path, 'size', file.size, this.bytes);
    const md5 = this.md5;
    if (md5 !== undefined && file.md5 && file.md5.toLowerCase() !== md5) throw new IntegrityError(path, 'md5', file.md5.toLowerCase(), md5);
    if (file.crc32 && Number.parseInt(file.crc32, 16) !== this.crc32) {
      throw new IntegrityError(path, 'crc32', file.crc32.toLowerCase(), this.crc32.toString(16).padStart(8, '0'));
    }
  }
}

/** Reads a local file once, for its checksums (a `checksum` comparison). */
async function hashFile(path: string, md5: boolean, signal: AbortSignal | undefined): Promise<Checksums> {
  const sums = new Checksums(md5);
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(READ_CHUNK);
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, null);
      if (bytesRead === 0) return sums;
      sums.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close().catch(() => {});
  }
}

/** Bytes read at a time to hash a file. */
const READ_CHUNK = 1024 * 1024;

/** Bytes read between two checks that the local file is unchanged (the upload checks after each part; this source is its own). */
const VERIFY_EVERY = 4 * 1024 * 1024;

/**
 * The chunks of an opened local file, fed to `sums` as they pass: the upload's only read.
 * The file is checked unchanged (`verify`: size, mtime, inode) every few MiB and once more
 * after the last chunk, before the upload is told the bytes ended, so a file that changed is
 * never completed. Closes the file when done, on an error, or when the upload stops early.
 */
async function* checkedChunks(source: ByteSource, sums: Checksums): AsyncGenerator<Uint8Array> {
  let sinceCheck = 0;
  try {
    for (;;) {
      const step = await source.chunks.next();
      if (step.done) break;
      sums.update(step.value);
      sinceCheck += step.value.byteLength;
      if (sinceCheck >= VERIFY_EVERY) {
        sinceCheck = 0;
        await source.verify?.();
      }
      yield step.value;
    }
    await source.verify?.();
  } finally {
    await source.chunks.return?.();
  }
}

/** A FIFO queue that does not shift an array (10,000 files wait in it at times). */
class Queue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The names of `entries` (read from `folder` as strings) whose bytes on disk are not UTF-8:
 * Node shows such a name with U+FFFD in place of its bytes, a name no path can open nor any
 * Files.com path spell. Only a folder holding a U+FFFD is read again, as bytes, to tell these
 * from names that spell U+FFFD itself.
 */
async function namesNotUtf8(folder: string, entries: readonly Dirent[]): Promise<Set<string>> {
  const found = new Set<string>();
  if (!entries.some((entry) => entry.name.includes('\ufffd'))) return found;
  for (const name of await readdir(folder, { encoding: 'buffer' })) {
    try {
      strictUtf8.decode(name);
    } catch {
      found.add(name.toString('utf8'));
    }
  }
  return found;
}
