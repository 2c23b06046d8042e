import type { Command } from 'commander';
import { dirname } from 'node:path';
import { downloadTree, FilesApiError, FilesError, normalizePath, NotFoundError, type DownloadTreeResult, type FilesClient } from '../../index.js';
import { fileTarget, localKind, type LocalKind } from './local-target.js';
import { isFolderIsAFile, noSuchPath } from '../errors/not-a-folder.js';
import { UsageError } from '../errors/usage-error.js';
import { commandClient, globalOptions, showProgress } from '../global-options.js';
import type { CliIo } from '../io.js';
import { makeFolders } from '../output/created-folders.js';
import { describeFileError, namingPath } from '../output/file-error.js';
import type { MessageWriter } from '../output/messages.js';
import { createTransferProgress, type TransferProgress } from '../progress/progress.js';
import { formatBytes } from '../progress/units.js';
import { retriesPhrase } from '../retries.js';
import { counted } from '../output/counted.js';


/** The options of `download`. */
export interface DownloadOptions {
  concurrency?: number;
}

/** Raised when some files of a tree download failed or were refused (exit 1). */
class IncompleteDownloadError extends Error {
  override name = 'IncompleteDownloadError';
}

/** A tree's progress line starts after this long, so a path that turns out to be a file draws none. */
const TREE_BAR_DELAY_MS = 300;

/** Runs `files-stream download <remote> <local>` (see `commands/download.ts`). */
export async function runDownload(io: CliIo, messages: MessageWriter, remote: string, local: string, options: DownloadOptions, command: Command): Promise<void> {
  const globals = globalOptions(command, io.env);
  const { client, retries } = await commandClient(globals, messages);
  const progress = showProgress(io, globals, { dataOnStdout: false });
  const kind = await localKind(local);
  const oneFile = async (): Promise<void> => {
    const saved = await downloadFile(client, remote, local, kind, { io, progress, clean: messages.clean });
    if (!globals.quiet) messages.line(`downloaded ${remote} to ${saved.path} (${formatBytes(saved.bytes)})${retriesPhrase(retries.count)}`);
  };
  // An existing file can only be replaced by a file: no folder listing to try.
  if (kind === 'file') return oneFile();
  let result: DownloadTreeResult;
  try {
    result = await downloadFolder(client, remote, local, options, { io, progress, clean: messages.clean });
  } catch (err) {
    if (!isFolderIsAFile(err)) throw err;
    return oneFile();
  }
  if (!globals.quiet) {
    messages.line(
      `downloaded ${counted(result.downloaded, 'file')} (${formatBytes(result.bytes)}), skipped ${result.skipped}, refused ${result.refused}, failed ${result.failed}${retriesPhrase(retries.count)}`,
    );
  }
  for (const { path, error } of result.errors.slice(0, 20)) {
    messages.line(`  ${path}: ${error.message}`);
  }
  if (result.failed + result.refused > 0) {
    throw new IncompleteDownloadError(`${result.failed + result.refused} of the tree's entries were not downloaded (rerun to retry the failed ones)`);
  }
}

interface DrawOn {
  readonly io: CliIo;
  readonly progress: boolean;
  /** Makes a progress label printable (redacted, control characters escaped). */
  readonly clean: (text: string) => string;
}

/**
 * The tree download. The local folder is made first, here, so that when the download throws
 * (the remote is missing, is a file, the listing fails) the folders this made are removed
 * again if empty: a failed command leaves no empty folder behind.
 */
async function downloadFolder(client: FilesClient, remote: string, local: string, options: DownloadOptions, draw: DrawOn): Promise<DownloadTreeResult> {
  const folders = await namingPath('the local folder', local, () => makeFolders(local));
  let bar: TransferProgress | undefined;
  let last = { bytes: 0, files: 0 };
  const start = (): void => {
    bar ??= createTransferProgress({ stream: draw.io.stderr, enabled: draw.progress, label: draw.clean(`download ${normalizePath(remote) || '/'}`), files: true });
    bar.update(last.bytes, last.files);
  };
  const timer = draw.progress ? setTimeout(start, TREE_BAR_DELAY_MS) : undefined;
  // Set once the folder's own listing answered: a 404 before it is the path's (no folder below it is listed yet).
  let listed = false;
  const seen = (): boolean => (listed = true);
  try {
    return await downloadTree(client, remote, local, {
      concurrency: options.concurrency ?? 4,
      walk: { filter: seen, descend: seen },
      onProgress: (p) => {
        last = { bytes: p.bytes, files: p.downloaded + p.skipped };
        bar?.update(last.bytes, last.files);
      },
    });
  } catch (err) {
    await folders.removeIfEmpty();
    if (!listed && err instanceof NotFoundError) throw noSuchPath(err, `download ${remote}`);
    throw await describeFileError(err, 'the local folder', local);
  } finally {
    clearTimeout(timer);
    bar?.stop();
  }
}

/**
 * One remote file, with `client.files.downloadToFile`, to the place {@link fileTarget} picks.
 * What is checked on the local side: the folder the user named (or the new name's folder)
 * is taken as given, symbolic links in it included (their choice, as for a tree's target
 * folder); the bytes go to a temporary file created exclusively beside the target (never
 * through an existing file or link) and are renamed over the target, so a symbolic link at
 * the target's name is replaced, not written through. Missing folders are made, and removed
 * again if the download fails.
 */
async function downloadFile(client: FilesClient, remote: string, local: string, kind: LocalKind, draw: DrawOn): Promise<{ path: string; bytes: number }> {
  const target = fileTarget(remote, local, kind);
  const folders = await namingPath('the local file', target, () => makeFolders(dirname(target)));
  const bar = createTransferProgress({ stream: draw.io.stderr, enabled: draw.progress, label: draw.clean(`download ${normalizePath(remote)}`) });
  try {
    const saved = await client.files.downloadToFile(normalizePath(remote), target, draw.progress ? { onProgress: (bytes) => bar.update(bytes) } : {});
    bar.update(saved.bytes);
    return { path: target, bytes: saved.bytes };
  } catch (err) {
    await folders.removeIfEmpty();
    if (kind === 'file' && isFolderError(err)) {
      throw new UsageError(`${remote} is a folder, and ${local} is a file: name a folder to download it into`);
    }
    throw await describeFileError(err, 'the local file', target);
  } finally {
    bar.stop();
  }
}

/** True when a file download failed because the remote path is a folder. */
function isFolderError(err: unknown): boolean {
  if (err instanceof FilesApiError) return err.type === 'bad-request/cannot-download-directory';
  return err instanceof FilesError && / is a folder$/.test(err.message);
}
