import { Command, Option } from 'commander';
import { VERSION } from '../index.js';
import { downloadCommand } from './commands/download.js';
import { emulatorCommand } from './commands/emulator.js';
import { exportCommand } from './commands/export.js';
import { lsCommand } from './commands/ls.js';
import { operationsCommand } from './commands/operations.js';
import { uploadCommand } from './commands/upload.js';
import { cliSecrets } from './errors/redact.js';
import type { CliIo } from './io.js';
import { createMessageWriter, type MessageWriter } from './output/messages.js';

/**
 * The `files-stream` command line: global options and every command. Commander never exits
 * the process: usage errors throw a `CommanderError` (see `runCli`), and all its output
 * goes through `messages` (help to stdout, usage errors and their help to stderr), redacted
 * and with control characters escaped, so its echo of a mistyped argument cannot show a key.
 *
 * @param messages The writer of everything but data. Default: one over `io` hiding
 *   `FILESCOM_API_KEY` and `FILESCOM_SESSION_ID` (`runCli` passes one that also hides the
 *   credentials on its command line).
 */
export function buildProgram(io: CliIo, messages: MessageWriter = createMessageWriter(io, cliSecrets([], io.env))): Command {
  const program = new Command('files-stream')
    .description('Stream Files.com listings to NDJSON, CSV or JSON; list, download and upload files.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => messages.text('stdout', text),
      writeErr: (text) => messages.text('stderr', text),
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true })
    .addOption(new Option('--api-key <key>', 'Files.com API key').env('FILESCOM_API_KEY'))
    .addOption(new Option('--base-url <url>', 'site URL (default https://app.files.com)').env('FILESCOM_BASE_URL'))
    .option('-q, --quiet', 'no progress, summary or warnings on stderr')
    .addOption(new Option('--verbose', 'print each retry on stderr as it happens (operation, attempt, reason, wait); draws no progress line').conflicts('quiet'));
  for (const command of [
    exportCommand(io, messages),
    lsCommand(io, messages),
    downloadCommand(io, messages),
    uploadCommand(io, messages),
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
