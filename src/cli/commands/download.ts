import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { downloadTree, type DownloadTreeResult } from '../../index.js';
import { commandClient, globalOptions, showProgress } from '../global-options.js';
import type { CliIo } from '../io.js';
import { positiveInt } from '../option-parsers.js';
import type { MessageWriter } from '../output/messages.js';
import { retriesPhrase } from '../retries.js';

interface DownloadOptions {
  concurrency?: number;
}

/** Raised when some files of a tree download failed or were refused (exit 1). */
class IncompleteDownloadError extends Error {
  override name = 'IncompleteDownloadError';
}

/**
 * `files-stream download <remote> <localDir>`: downloads a remote folder tree with bounded
 * concurrency; files already present and unchanged are skipped, so a rerun resumes. The
 * summary and the per-file error list go through `messages` (redacted, escaped, one line each).
 */
export function downloadCommand(io: CliIo, messages: MessageWriter): Command {
  return new Command('download')
    .description('download a remote folder tree into a local folder (reruns skip unchanged files)')
    .argument('<remote>', 'remote folder, / for the root')
    .argument('<localDir>', 'local folder (created when missing)')
    .option('--concurrency <n>', 'files downloaded at once (default 4)', positiveInt)
    .action(async (remote: string, localDir: string, options: DownloadOptions, command: Command) => {
      const globals = globalOptions(command);
      const { client, retries } = commandClient(globals, messages);
      const bar = showProgress(io, globals)
        ? new cliProgress.SingleBar({ format: 'download {value} files | {bytes} bytes | {duration_formatted}', stream: io.stderr as NodeJS.WritableStream, fps: 5 })
        : undefined;
      bar?.start(0, 0, { bytes: 0 });
      let result: DownloadTreeResult;
      try {
        result = await downloadTree(client, remote, localDir, {
          concurrency: options.concurrency ?? 4,
          onProgress: (p) => bar?.update(p.downloaded + p.skipped, { bytes: p.bytes }),
        });
      } finally {
        bar?.stop();
      }
      if (!globals.quiet) {
        messages.line(
          `downloaded ${result.downloaded} files (${result.bytes} bytes), skipped ${result.skipped}, refused ${result.refused}, failed ${result.failed}${retriesPhrase(retries.count)}`,
        );
      }
      for (const { path, error } of result.errors.slice(0, 20)) {
        messages.line(`  ${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (result.failed + result.refused > 0) {
        throw new IncompleteDownloadError(`${result.failed + result.refused} of the tree's entries were not downloaded (rerun to retry the failed ones)`);
      }
    });
}
