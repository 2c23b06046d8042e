import { Command } from 'commander';
import type { CliIo } from '../io.js';
import type { MessageWriter } from '../output/messages.js';
import type { TransferOptions } from '../files/transfer.js';

/**
 * `files-stream mv <source> <destination>`: moves (or renames) a remote file or folder
 * (`POST /file_actions/move/{path}`) and waits for the file migration to end, with a
 * progress line on a terminal; `--no-wait` prints the migration's id and returns. A
 * destination ending in `/` is the folder to move the source into, keeping its name.
 */
export function mvCommand(io: CliIo, messages: MessageWriter): Command {
  return transferCommand('mv', 'move (rename) a remote file or folder, and wait until Files.com is done', io, messages);
}

/** The command of `mv` or `cp` (same arguments and options; `cp` adds `-r`). */
export function transferCommand(name: 'mv' | 'cp', description: string, io: CliIo, messages: MessageWriter): Command {
  const command = new Command(name)
    .description(description)
    .argument('<source>', 'remote file or folder')
    .argument('<destination>', 'its new remote path, or a folder ending in / to put it in under its own name');
  if (name === 'cp') command.option('-r, --recursive', 'copy a folder with everything in it');
  return command
    .option('--overwrite', 'replace the destination when it exists')
    .option('--no-wait', "return once Files.com has accepted the request: print the file migration's id")
    .option('--json', 'print the FileMigration record (with --no-wait: the FileAction) as JSON on stdout')
    .action(async (source: string, destination: string, options: TransferOptions, cmd: Command) => {
      // Loaded when run, not for --help.
      const { runTransfer } = await import('../files/transfer.js');
      await runTransfer(name === 'cp' ? 'copy' : 'move', io, messages, { source, destination }, options, cmd);
    });
}
