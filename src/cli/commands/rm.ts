import { Command } from 'commander';
import { commandClient, globalOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { MessageWriter } from '../output/messages.js';

interface RmOptions {
  recursive?: boolean;
  force?: boolean;
}

/**
 * `files-stream rm [-r] [-f] <path>...`: deletes remote files and folders
 * (`DELETE /files/{path}`, one request each, in order). A folder that is not empty needs
 * `-r` (`recursive`); an empty one goes without. Nothing is asked: `-f` only makes a path
 * that does not exist no error. Every path is checked before the first request, and every
 * one is tried: each one Files.com refuses is printed, and the command exits 1 when any was
 * (any other failure, of the network or the configuration, stops it at once). Says
 * `deleted <path>` on stderr for each.
 */
export function rmCommand(io: CliIo, messages: MessageWriter): Command {
  return new Command('rm')
    .description('delete remote files and folders (a folder that is not empty needs -r; nothing is asked)')
    .argument('<paths...>', 'remote files or folders to delete')
    .option('-r, --recursive', 'delete folders with everything in them')
    .option('-f, --force', 'a path that does not exist is no error')
    .action(async (args: string[], options: RmOptions, command: Command) => {
      const globals = globalOptions(command, io.env);
      // Loaded when run, not for --help.
      const [{ remotePath }, { FileCommandError, apiErrorType }, { FilesApiError, NotFoundError }] = await Promise.all([
        import('../files/remote-path.js'),
        import('../files/command-error.js'),
        import('../../index.js'),
      ]);
      const paths = args.map((arg) => remotePath('rm', arg));
      const { client } = await commandClient(globals, messages);
      let failed = 0;
      for (const path of paths) {
        try {
          await client.files.delete(path, options.recursive ? { recursive: true } : {});
          if (!globals.quiet) messages.line(`deleted ${path}`);
        } catch (err) {
          if (options.force && err instanceof NotFoundError) continue;
          const type = apiErrorType(err);
          const failure =
            type === 'processing-failure/folder-not-empty'
              ? new FileCommandError(`rm: ${path} is a folder that is not empty (${type}): pass -r to delete it with everything in it`, { cause: err })
              : err;
          // What the server answered about one path; anything else (configuration, network) stops at once.
          if (paths.length === 1 || !(err instanceof FilesApiError)) throw failure;
          failed++;
          messages.line(`error: ${failure instanceof FileCommandError ? failure.message : `rm ${path}: ${err.message}`}`);
        }
      }
      if (failed > 0) throw new FileCommandError(`rm: ${failed} of ${paths.length} paths were not deleted`);
    });
}
