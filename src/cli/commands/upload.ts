import { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { UsageError } from '../errors/usage-error.js';
import { commandClient, globalOptions, showProgress } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { MessageWriter } from '../output/messages.js';
import { formatBytes } from '../progress/units.js';
import { retriesPhrase } from '../retries.js';

/**
 * `files-stream upload <local> <remote>`: uploads one local file, creating the remote parent
 * folders. A remote path ending in `/` names a folder: the file keeps its local name. On a
 * terminal, a progress line shows the bytes the server has accepted (part by part).
 */
export function uploadCommand(io: CliIo, messages: MessageWriter): Command {
  return new Command('upload')
    .description('upload a local file (remote ending in / keeps the local name; parent folders are created)')
    .argument('<local>', 'local file')
    .argument('<remote>', 'remote path, or remote folder ending in /')
    .action(async (local: string, remote: string, _options: unknown, command: Command) => {
      const globals = globalOptions(command, io.env);
      const info = await stat(local).catch(() => undefined);
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
