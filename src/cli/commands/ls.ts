import { Command } from 'commander';
import { commandClient, globalOptions, showProgress } from '../global-options.js';
import type { CliIo } from '../io.js';
import { positiveInt } from '../option-parsers.js';
import type { MessageWriter } from '../output/messages.js';

interface LsOptions {
  recursive?: boolean;
  long?: boolean;
  json?: boolean;
  concurrency?: number;
}

/**
 * `files-stream ls <path>`: lists a folder, or with `-R` the whole tree below it. Text lines
 * go through `messages.clean` (one line per entry, redacted, escaped); `--json` is data.
 */
export function lsCommand(io: CliIo, messages: MessageWriter): Command {
  return new Command('ls')
    .description('list a remote folder (names; folders end with /), or show one file')
    .argument('<path>', 'remote folder (/ for the root) or file')
    .option('-R, --recursive', 'list every subfolder too (full paths)')
    .option('-l, --long', 'type, size, modification time and name')
    .option('--json', 'one JSON File record per line (NDJSON)')
    .option('--concurrency <n>', 'folder listings in flight with -R (default 4)', positiveInt)
    .action(async (path: string, options: LsOptions, command: Command) => {
      const globals = globalOptions(command, io.env);
      const { client } = await commandClient(globals, messages);
      // Loaded when run, not for --help.
      const [{ listFolder }, { streamSink }] = await Promise.all([import('../ls/list-folder.js'), import('../output/stream-sink.js')]);
      await listFolder(client, { path, ...options }, streamSink(io.stdout), {
        stderr: io.stderr,
        progress: showProgress(io, globals, { dataOnStdout: true }),
        messages,
      });
    });
}
