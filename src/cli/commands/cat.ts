import { Command } from 'commander';
import { commandClient, globalOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { MessageWriter } from '../output/messages.js';

/**
 * `files-stream cat <path>`: writes a remote file's bytes to stdout as they arrive
 * (`client.files.downloadStream`: nothing is buffered beyond a chunk, and a slow reader slows
 * the download). A reader that goes away (`| head`) ends it with status 0. A folder is
 * refused (exit 1). The byte count is checked against the file's size: a body cut short
 * exits 1 after what arrived was written.
 */
export function catCommand(io: CliIo, messages: MessageWriter): Command {
  return new Command('cat')
    .description('write a remote file to stdout, streamed')
    .argument('<path>', 'remote file')
    .action(async (arg: string, _options: unknown, command: Command) => {
      const globals = globalOptions(command, io.env);
      // Loaded when run, not for --help.
      const [{ remotePath }, { FileCommandError, apiErrorType }, { streamSink }] = await Promise.all([
        import('../files/remote-path.js'),
        import('../files/command-error.js'),
        import('../output/stream-sink.js'),
      ]);
      const path = remotePath('cat', arg);
      const { client } = await commandClient(globals, messages);
      let stream;
      try {
        ({ stream } = await client.files.downloadStream(path));
      } catch (err) {
        const type = apiErrorType(err);
        if (type !== 'bad-request/cannot-download-directory') throw err;
        throw new FileCommandError(`cat: ${path} is a folder (${type}): files-stream ls ${path} lists it`, { cause: err });
      }
      const sink = streamSink(io.stdout);
      const reader = stream.getReader();
      try {
        for (let step = await reader.read(); !step.done; step = await reader.read()) await sink.write(step.value);
      } catch (err) {
        void reader.cancel(err).catch(() => {});
        throw err;
      }
      await sink.close();
    });
}
