// Node-only: the tree download behind `downloadTree`. Loaded with a dynamic import().
import { lstat, mkdir, readdir, realpath, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

import { remoteMtime } from '../../download/download.js';
import { WITHIN, type SaveDownloadOptions } from '../../download/node/download-to-file.js';
import { tempFileOwner } from '../../download/node/temp-file.js';
import { UnsafePathError } from '../../errors/client-errors.js';
import type { File } from '../../generated/models/file.js';
import type { WalkFirstEntry } from '../../walk/walk.js';
import { findSymlink, makeFolderInside, resolveInside } from '../../paths/node/local.js';
import { safeRelativePath } from '../../paths/remote.js';
import type {
  DownloadTreeCounts,
  DownloadTreeOptions,
  DownloadTreeProgress,
  DownloadTreeResult,
  OverwritePolicy,
  TreeClient,
  TreeError,
} from '../download-tree.js';
import { treeErrorOf } from '../download-tree.js';
import { PathClaims } from '../path-claims.js';

const POLICIES: readonly OverwritePolicy[] = ['if-changed', 'always', 'never'];

/** Runs a tree download; see `downloadTree` for the contract. */
export async function runTreeDownload(
  client: TreeClient,
  remotePath: string,
  localDir: string,
  options: DownloadTreeOptions,
): Promise<DownloadTreeResult> {
  const overwrite = options.overwrite ?? 'if-changed';
  if (!POLICIES.includes(overwrite)) throw new RangeError(`downloadTree: overwrite must be one of ${POLICIES.join(', ')}`);
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('downloadTree: concurrency must be a positive integer');
  const { signal } = options;
  signal?.throwIfAborted();
  // The folder the user named may be (or lie below) a symbolic link: that is their choice,
  // resolved once here. Below it, no link is ever followed.
  await mkdir(resolve(localDir), { recursive: true });
  const root = await realpath(resolve(localDir));
  const counts: DownloadTreeCounts = { downloaded: 0, skipped: 0, refused: 0, failed: 0, bytes: 0 };
  const errors: TreeError[] = [];
  const folders = new FolderMaker(root);
  const claims = new PathClaims();
  const note = (path: string, outcome: DownloadTreeProgress['outcome'], error?: unknown): void => {
    counts[outcome] += 1;
    if (error !== undefined) errors.push({ path, error: treeErrorOf(error) });
    options.onProgress?.({ ...counts, path, outcome });
  };
  const download: SaveDownloadOptions = { retries: options.retries ?? 2, ...options.download, signal, [WITHIN]: root };

  const handle = async (entry: File): Promise<void> => {
    signal?.throwIfAborted(); // entries picked before an abort start nothing
    const serverPath = String(entry.path);
    const type = entry.type === 'directory' ? 'directory' : 'file';
    let local: string;
    try {
      const relative = safeRelativePath(remotePath, entry.path);
      resolveInside(root, relative); // refuses before claiming
      // Claimed synchronously, in the order the walk yields entries: the first spelling wins.
      const claim = claims.claim(relative, type);
      if (claim.kind === 'duplicate') return;
      if (claim.kind === 'twin') throw new UnsafePathError(serverPath, 'case-twin');
      local = resolveInside(root, claim.relative);
    } catch (error) {
      if (!(error instanceof UnsafePathError)) throw error;
      return note(serverPath, 'refused', error);
    }
    try {
      const link = await folders.ensure(type === 'directory' ? local : dirname(local));
      if (link !== undefined) return note(serverPath, 'refused', new UnsafePathError(serverPath, 'symlink', { link }));
      if (type === 'directory') return;
      if (await isCurrent(local, entry, overwrite)) return note(serverPath, 'skipped');
      const { bytes } = await client.files.downloadToFile(serverPath, local, download);
      counts.bytes += bytes;
      note(serverPath, 'downloaded');
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      note(serverPath, error instanceof UnsafePathError ? 'refused' : 'failed', error);
    }
  };

  // The walk yields each Files.com path once. A twin it drops in another spelling is refused as
  // it would be here: for its unsafe path if it has one, else as a case twin (a file, or a
  // file and a folder at one path; twin folders are one local folder). A page the server
  // repeats is the same entry: not reported.
  const onDuplicate = (entry: File, first: WalkFirstEntry): void => {
    options.walk?.onDuplicate?.(entry, first);
    const path = String(entry.path);
    if (path === first.path) return;
    try {
      safeRelativePath(remotePath, entry.path);
    } catch (error) {
      if (error instanceof UnsafePathError) return note(path, 'refused', error);
      throw error;
    }
    if (entry.type === 'directory' && first.type === 'directory') return;
    note(path, 'refused', new UnsafePathError(path, 'case-twin'));
  };
  const entries = client.folders.walk(remotePath, { concurrency: 2, ...options.walk, signal, onDuplicate });
  await forEachBounded(entries, concurrency, handle, signal);
  // Only after the whole tree is known: a file of the tree is never taken for a stale temporary file.
  await folders.sweep((path) => claims.claimsFile(path), signal);
  return { ...counts, errors };
}

/** Whether the local file can stay as it is under the policy. */
async function isCurrent(local: string, entry: File, overwrite: OverwritePolicy): Promise<boolean> {
  if (overwrite === 'always') return false;
  // lstat: a symbolic link at the file's place is never taken for the file (it is replaced).
  const info = await lstat(local).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!info) return false;
  if (overwrite === 'never') return true;
  const mtime = remoteMtime(entry);
  if (!info.isFile() || mtime === undefined || typeof entry.size !== 'number') return false;
  // Files.com keeps whole seconds; file systems keep more (or, like FAT, less).
  return info.size === entry.size && Math.abs(info.mtimeMs - mtime.getTime()) < 1000;
}

/**
 * Creates local folders below the (real) target folder, each at most once per run, never
 * through a symbolic link, and at the end of a run removes the temporary files a killed
 * earlier run left in them. {@link ensure} resolves to the symbolic link found on the way
 * (nothing is made below it, nothing swept), else `undefined`.
 */
class FolderMaker {
  readonly #root: string;
  readonly #made = new Map<string, Promise<string | undefined>>();

  constructor(root: string) {
    this.#root = root;
  }

  /** Makes `folder` (an absolute path below the root) unless made already; resolves to a link on its way, if any. */
  ensure(folder: string): Promise<string | undefined> {
    let made = this.#made.get(folder);
    if (!made) {
      made = makeFolderInside(this.#root, folder);
      this.#made.set(folder, made);
    }
    return made;
  }

  /**
   * Removes, from each folder this run made or found, the temporary files of downloads a
   * killed earlier run left. Only a regular file is removed, and only when all of these
   * hold: its name is one `tempPathFor` made (see `tempFileOwner`: a user's file of any
   * other name is never touched); the process that made it has ended (a run still going in
   * another process, or in this one, keeps its files); and no entry of this run's listing
   * names it (`claimed`, given the `/`-separated path below the root: a remote file shaped
   * like a temporary file is a file of the tree, downloaded once and then left alone).
   * Called once every download of the run has settled. Best effort: a folder that cannot be
   * read, or a file that cannot be removed, is left for the next run. No folder with a link
   * on its way is looked into; the check is made again right before removing.
   */
  async sweep(claimed: (relativePath: string) => boolean, signal?: AbortSignal): Promise<void> {
    for (const [folder, made] of this.#made) {
      signal?.throwIfAborted();
      if ((await made.catch(() => 'failed')) !== undefined) continue;
      const names = await readdir(folder, { withFileTypes: true }).catch(() => []);
      const below = relative(this.#root, folder).split(sep).filter((name) => name !== '');
      const stale = names.filter((e) => {
        if (!e.isFile()) return false;
        const owner = tempFileOwner(e.name);
        return owner !== undefined && !isRunning(owner) && !claimed([...below, e.name].join('/'));
      });
      if (stale.length === 0) continue;
      // Checked again right before removing: a folder swapped for a link since is left alone.
      if ((await findSymlink(this.#root, folder).catch(() => 'failed')) !== undefined) continue;
      for (const { name } of stale) await rm(join(folder, name), { force: true }).catch(() => {});
    }
  }
}

/** Whether a process of this id is running (this one is; one of another user counts too). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Runs `task` for each item of an async iterable with at most `concurrency` tasks in
 * flight, pulling the next item only when a slot is free (so the source is never drained
 * ahead of the work). The first task error, source error or abort stops pulling, lets the
 * running tasks settle, closes the source, and rejects with that error (the signal's reason
 * for an abort).
 */
export async function forEachBounded<T>(
  items: AsyncIterable<T>,
  concurrency: number,
  task: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const running = new Set<Promise<void>>();
  const iterator = items[Symbol.asyncIterator]();
  let failure: { error: unknown } | undefined;
  let exhausted = false;
  try {
    while (!failure) {
      signal?.throwIfAborted();
      const step = await iterator.next();
      if (step.done) {
        exhausted = true;
        break;
      }
      const run: Promise<void> = task(step.value)
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => running.delete(run));
      running.add(run);
      while (running.size >= concurrency && !failure) await Promise.race(running);
    }
  } catch (error) {
    failure ??= { error: signal?.aborted ? signal.reason : error };
  }
  await Promise.all(running);
  if (!exhausted) await iterator.return?.().catch(() => {});
  if (failure) throw failure.error;
}
