import type { Command } from 'commander';
import { uploadTree, type UploadTreeProgress, type UploadTreeResult } from '../../index.js';
import { remotePath } from '../files/remote-path.js';
import { commandClient, globalOptions, showProgress } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { MessageWriter } from '../output/messages.js';
import { formatBytes } from '../progress/units.js';
import { retriesPhrase } from '../retries.js';
import { createTreeUploadProgress } from './progress.js';

/** The options of `upload -R`. */
export interface UploadTreeCliOptions {
  /** `--concurrency <n>`: files uploaded at once (default 4). */
  concurrency?: number;
  /** `--checksum`: compare MD5 (or CRC32) rather than size and modification time. */
  checksum?: boolean;
  /** `--dry-run`: list what would be done on stdout, send nothing. */
  dryRun?: boolean;
}

/** Raised when some files or folders of a tree upload failed or were refused (exit 1). */
class IncompleteUploadError extends Error {
  override name = 'IncompleteUploadError';
}

/**
 * Runs `files-stream upload -R <dir> <remote>` (see `commands/upload.ts`): `uploadTree`
 * with a progress line on a terminal (files and bytes, rate, ETA), then a summary on stderr
 * (uploaded, skipped, refused, failed, bytes, seconds), each failure and each entry left out
 * on a line of its own, and exit 1 when anything failed or was refused. With `--dry-run`,
 * each file that would be uploaded and each folder that would be created is a line on stdout
 * (`upload <local> -> <remote> (<size>)`, `mkdir <remote>`), and nothing is sent.
 *
 * The remote folder is checked as the file commands check theirs (`remotePath`): a folder
 * name ending in white space is a usage error (exit 2), before any request.
 */
export async function runUploadTree(io: CliIo, messages: MessageWriter, local: string, remote: string, options: UploadTreeCliOptions, command: Command): Promise<void> {
  const globals = globalOptions(command, io.env);
  const target = remotePath('upload', remote, { folder: true, root: true });
  const remoteDir = target === '/' ? '' : target;
  const { client, retries } = await commandClient(globals, messages);
  const bar = createTreeUploadProgress({
    stream: io.stderr,
    enabled: showProgress(io, globals, { dataOnStdout: options.dryRun === true }),
    label: messages.clean(`upload ${local}`),
  });
  const dryRun = options.dryRun === true;
  const plan = (p: UploadTreeProgress): void => {
    if (p.outcome === 'uploaded') io.stdout.write(`${messages.clean(`upload ${p.localPath} -> ${p.path}`)}\n`);
    else if (p.outcome === 'folder') io.stdout.write(`${messages.clean(`mkdir ${p.path || '/'}`)}\n`);
  };
  const started = performance.now();
  let result: UploadTreeResult;
  try {
    result = await uploadTree(client, local, remoteDir, {
      concurrency: options.concurrency ?? 4,
      checksum: options.checksum === true,
      dryRun,
      onProgress: (p) => {
        if (dryRun) plan(p);
        bar.update(p);
      },
    });
  } finally {
    bar.stop();
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (!globals.quiet) {
    const verb = dryRun ? 'dry run: would upload' : 'uploaded';
    const folders = `${result.folders} folder${result.folders === 1 ? '' : 's'} ${dryRun ? 'to create' : 'created'}`;
    const ignored = result.ignored > 0 ? `, ${result.ignored} left out (symbolic links are not followed)` : '';
    messages.line(
      `${verb} ${result.uploaded} files (${formatBytes(result.bytes)}) to ${target}, skipped ${result.skipped} unchanged, refused ${result.refused}, failed ${result.failed}, ${folders}${ignored} in ${seconds} s${retriesPhrase(retries.count)}`,
    );
    for (const entry of result.ignoredEntries) {
      messages.line(`  left out ${entry.localPath}: ${entry.reason === 'symlink' ? 'a symbolic link (not followed)' : 'not a regular file'}`);
    }
  }
  // Each failure, even with --quiet: the exit status says something failed, these lines say what.
  for (const { localPath, path, error } of result.errors) {
    messages.line(`  ${localPath} -> ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const notDone = result.failed + result.refused;
  if (notDone > 0) {
    const rerun = result.failed > 0 ? ' (rerun to retry the failed ones: files already uploaded are skipped)' : '';
    const names = result.refused > 0 ? ' (rename the refused ones: Files.com would refuse or merge their names)' : '';
    throw new IncompleteUploadError(`${notDone} of the tree's entries were ${dryRun ? 'found that cannot be' : 'not'} uploaded${rerun}${names}`);
  }
}
