import { Command } from 'commander';
import { commandClient, globalOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { MessageWriter } from '../output/messages.js';

interface MkdirOptions {
  parents?: boolean;
  json?: boolean;
}

/**
 * `files-stream mkdir [-p] <path>`: creates a remote folder (`POST /folders/{path}`). Without
 * `-p`, its parent must exist and the folder must not (exit 1 otherwise); with `-p`, missing
 * parents are created and an existing folder is no error (an existing file is). Says
 * `created folder <path>` on stderr; `--json` prints the folder's File record on stdout.
 */
export function mkdirCommand(io: CliIo, messages: MessageWriter): Command {
  return new Command('mkdir')
    .description('create a remote folder (-p: with its missing parents, and no error if it exists)')
    .argument('<path>', 'remote folder to create')
    .option('-p, --parents', 'create the missing parent folders; an existing folder is no error')
    .option('--json', "print the folder's File record (JSON) on stdout")
    .action(async (arg: string, options: MkdirOptions, command: Command) => {
      const globals = globalOptions(command, io.env);
      // Loaded when run, not for --help.
      const [{ remotePath }, { FileCommandError, apiErrorType }] = await Promise.all([import('../files/remote-path.js'), import('../files/command-error.js')]);
      const path = remotePath('mkdir', arg, { folder: true, root: true });
      const { client } = await commandClient(globals, messages);
      let folder;
      let created = true;
      try {
        folder = await client.folders.create(path, options.parents ? { mkdir_parents: true } : {});
      } catch (err) {
        const type = apiErrorType(err);
        if (type === 'processing-failure/destination-parent-does-not-exist') {
          throw new FileCommandError(`mkdir: a parent folder of ${path} does not exist (${type}): pass -p to create it`, { cause: err });
        }
        if (type !== 'processing-failure/destination-exists') throw err;
        if (!options.parents) throw new FileCommandError(`mkdir: ${path} already exists (${type}); with -p an existing folder is no error`, { cause: err });
        folder = await client.files.find(path);
        if (folder.type !== 'directory') throw new FileCommandError(`mkdir: ${path} exists and is a file`, { cause: err });
        created = false;
      }
      if (options.json) io.stdout.write(`${JSON.stringify(folder)}\n`);
      else if (!globals.quiet) {
        const shown = folder.path || path;
        messages.line(created ? `created folder ${shown}` : `folder ${shown} exists`);
      }
    });
}
