import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { positiveInt } from '../option-parsers.js';
import type { MessageWriter } from '../output/messages.js';
import type { DownloadOptions } from '../download/run-download.js';

/**
 * `files-stream download <remote> <local>`: downloads a remote folder tree with bounded
 * concurrency (files already present and unchanged are skipped, so a rerun resumes), or one
 * remote file. The summary and the per-file error list go through `messages` (redacted,
 * escaped, one line each). A failed command removes the folders it made that are still empty.
 *
 * The remote path is listed as a folder first (no extra request for a tree); when Files.com
 * answers that it is a file, that file is downloaded with `client.files.downloadToFile`
 * (temporary file beside the target, size and checksums checked, renamed into place), to
 * the place `fileTarget` picks (into a folder, or under a new name).
 */
export function downloadCommand(io: CliIo, messages: MessageWriter): Command {
  return new Command('download')
    .description('download a remote folder tree into a local folder (reruns skip unchanged files), or one remote file')
    .argument('<remote>', 'remote folder (/ for the root) or file')
    .argument('<local>', 'for a folder: the local folder (made when missing); for a file: a folder to put it in (existing, ending in /, or a new name without an extension), else its new name (new-name.pdf)')
    .option('--concurrency <n>', 'files downloaded at once (default 4)', positiveInt)
    .action(async (remote: string, local: string, options: DownloadOptions, command: Command) => {
      // Loaded when run, not for --help.
      const { runDownload } = await import('../download/run-download.js');
      await runDownload(io, messages, remote, local, options, command);
    });
}
