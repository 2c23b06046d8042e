import { Command, Option } from 'commander';
import { VERSION } from '../version.js';
import { downloadCommand } from './commands/download.js';
import { emulatorCommand } from './commands/emulator.js';
import { exportCommand } from './commands/export.js';
import { lsCommand } from './commands/ls.js';
import { operationsCommand } from './commands/operations.js';
import { uploadCommand } from './commands/upload.js';
import type { CliIo } from './io.js';

/**
 * The `files-stream` command line: global options and every command. Commander never exits
 * the process: usage errors throw a `CommanderError` (see `runCli`), and all its output
 * goes to `io`'s streams (help to stdout, usage errors and their help to stderr).
 */
export function buildProgram(io: CliIo): Command {
  const program = new Command('files-stream')
    .description('Stream Files.com listings to NDJSON, CSV or JSON; list, download and upload files.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true })
    .addOption(new Option('--api-key <key>', 'Files.com API key').env('FILESCOM_API_KEY'))
    .addOption(new Option('--base-url <url>', 'site URL (default https://app.files.com)').env('FILESCOM_BASE_URL'))
    .option('-q, --quiet', 'no progress, summary or warnings on stderr');
  for (const command of [
    exportCommand(io),
    lsCommand(io),
    downloadCommand(io),
    uploadCommand(io),
    operationsCommand(io),
    emulatorCommand(io),
  ]) {
    program.addCommand(inherit(command, program));
  }
  return program;
}

/** Gives a command built on its own the program's output, exit and help-after-error settings. */
function inherit(command: Command, program: Command): Command {
  return command
    .exitOverride()
    .configureOutput(program.configureOutput())
    .configureHelp(program.configureHelp())
    .showHelpAfterError();
}
