import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import type { MessageWriter } from '../output/messages.js';
import { transferCommand } from './mv.js';

/**
 * `files-stream cp [-r] <source> <destination>`: copies a remote file, or with `-r` a folder
 * (`POST /file_actions/copy/{path}`), and waits for the file migration to end, with a
 * progress line on a terminal; `--no-wait` prints the migration's id and returns. Without
 * `-r`, a folder is refused (exit 2) after one request to see what the source is. A
 * destination ending in `/` is the folder to copy the source into, keeping its name.
 */
export function cpCommand(io: CliIo, messages: MessageWriter): Command {
  return transferCommand('cp', 'copy a remote file, or a folder with -r, and wait until Files.com is done', io, messages);
}
