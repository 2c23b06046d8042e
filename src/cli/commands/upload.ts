import { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { UsageError } from '../errors/usage-error.js';
import { commandClient, globalOptions, showProgress } from '../global-options.js';
import type { CliIo } from '../io.js';
import { positiveInt } from '../option-parsers.js';
import type { MessageWriter } from '../output/messages.js';
import { formatBytes } from '../progress/units.js';
import { retriesPhrase } from '../retries.js';
import type { UploadTreeCliOptions } from '../upload/run-upload.js';

/** The options of `upload`. */
interface UploadCommandOptions extends UploadTreeCliOptions {
  /** `-R`: upload a folder tree. */
  recursive?: boolean;
}

/**
 * `files-stream upload <local> <remote>`: uploads one local file, creating the remote parent
 * folders. A remote path ending in `/` names a folder: the file keeps its local name. On a
 * terminal, a progress line shows the bytes the server has accepted (part by part).
 *
 * `files-stream upload -R <dir> <remote>`: uploads the tree below the local folder into the
 * remote folder (see `run-upload.ts`): files already there unchanged are skipped, so a rerun
 * resumes; `--checksum`, `--dry-run`, `--concurrency`. A folder without `-R`, or `-R` with a
 * file, is a usage error (exit 2), as are the tree options without `-R`.
 */
export function uploadCommand(io: CliIo, messages: MessageWriter): Command {
  return new Command('upload')
    .description('upload a local file (remote ending in / keeps the local name; parent folders are created), or with -R a folder tree (reruns skip unchanged files)')
    .argument('<local>', 'local file, or with -R a local folder')
    .argument('<remote>', 'remote path, or remote folder ending in /; with -R the remote folder the tree goes into (made when missing)')
    .option('-R, --recursive', 'upload the folder <local> and everything below it into <remote>')
    .option('--concurrency <n>', 'with -R: files uploaded at once (default 4)', positiveInt)
    .option('--checksum', 'with -R: skip files whose MD5 (or CRC32) matches the one Files.com reports, not their size and modification time')
    .option('--dry-run', 'with -R: list what would be uploaded and created, send nothing')
    .action(async (local: string, remote: string, options: UploadCommandOptions, command: Command) => {
      const globals = globalOptions(command, io.env);
      const info = await stat(local).catch(() => undefined);
      if (options.recursive) {
        if (!info?.isDirectory()) throw new UsageError(`${local} is not a folder: -R uploads a folder tree (without -R, upload one file)`);
        // Loaded when run, not for --help.
        const { runUploadTree } = await import('../upload/run-upload.js');
        return runUploadTree(io, messages, local, remote, options, command);
      }
      if (info?.isDirectory()) throw new UsageError(`${local} is a folder: use -R to upload a folder and everything below it`);
      const treeOnly = (['concurrency', 'checksum', 'dryRun'] as const).filter((name) => options[name] !== undefined);
      if (treeOnly.length > 0) throw new UsageError(`--${treeOnly.map(kebab).join(', --')} applies to a folder tree: add -R`);
      if (!info?.isFile()) throw new UsageError(`${local} is not a readable file`);
      const target = remote.endsWith('/') ? `${remote}${basename(local)}` : remote;
      const { client, retries } = await commandClient(globals, messages);
      // Loaded when run, not for --help.
      const { createTransferProgress } = await import('../progress/progress.js');
      const bar = createTransferProgress({
        stream: io.stderr,
        enabled: showProgress(io, globals, { dataOnStdout: false }),
        label: messages.clean(`upload ${basename(local)}`),
        total: info.size,
      });
      let file;
      try {
        file = await client.files.upload(target, local, { mkdir_parents: true, onProgress: (p) => bar.update(p.bytes) });
        bar.update(info.size);
      } finally {
        bar.stop();
      }
      if (!globals.quiet) messages.line(`uploaded ${local} to ${file.path ?? target} (${formatBytes(file.size ?? info.size)})${retriesPhrase(retries.count)}`);
    });
}

/** `dryRun` as its option is spelled: `dry-run`. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
