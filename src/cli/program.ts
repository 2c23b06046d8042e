import { Command, Option } from 'commander';
import { createRequire } from 'node:module';
import { downloadCommand } from './commands/download.js';
import { emulatorCommand } from './commands/emulator.js';
import { exportCommand } from './commands/export.js';
import { syncCommand } from './commands/sync.js';
import { lsCommand } from './commands/ls.js';
import { operationsCommand } from './commands/operations.js';
import { uploadCommand } from './commands/upload.js';
import { catCommand } from './commands/cat.js';
import { cpCommand } from './commands/cp.js';
import { mkdirCommand } from './commands/mkdir.js';
import { mvCommand } from './commands/mv.js';
import { rmCommand } from './commands/rm.js';
import { statCommand } from './commands/stat.js';
import { cliSecrets } from './errors/redact.js';
import type { CliIo } from './io.js';
import { createMessageWriter, type MessageWriter } from './output/messages.js';
import { usageLine } from './usage.js';

/**
 * The `files-stream` command line: global options and every command. Commander never exits
 * the process: usage errors throw a `CommanderError` (see `runCli`), and all its output
 * goes through `messages` (help to stdout; usage errors, each followed by one usage line, to stderr), redacted
 * and with control characters escaped, so its echo of a mistyped argument cannot show a key.
 *
 * @param messages The writer of everything but data. Default: one over `io` hiding
 *   `FILESCOM_API_KEY` and `FILESCOM_SESSION_ID` (`runCli` passes one that also hides the
 *   credentials on its command line).
 */
/** The package's version, read from its package.json (the library itself loads only when a command runs). */
const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

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
    .configureHelp({ showGlobalOptions: true })
    .addOption(new Option('--api-key <key>', 'Files.com API key').env('FILESCOM_API_KEY'))
    .addOption(new Option('--base-url <url>', 'site URL (default https://app.files.com)').env('FILESCOM_BASE_URL'))
    .option('-q, --quiet', 'no progress, summary or warnings on stderr')
    .addOption(
      new Option('--verbose', 'log each request, response and retry (with its wait) on stderr, credentials hidden; draws no progress line (also FILES_STREAM_DEBUG=1)').conflicts('quiet'),
    );
  for (const command of [
    exportCommand(io, messages),
    syncCommand(io, messages),
    lsCommand(io, messages),
    downloadCommand(io, messages),
    uploadCommand(io, messages),
    mkdirCommand(io, messages),
    rmCommand(io, messages),
    mvCommand(io, messages),
    cpCommand(io, messages),
    catCommand(io, messages),
    statCommand(io, messages),
    operationsCommand(io),
    emulatorCommand(io),
  ]) {
    inherit(command, program);
  }
  // Set last, once every option and argument is known: a usage error prints one usage line, not the whole help.
  program.showHelpAfterError(usageLine(program));
  return program;
}

/**
 * Gives a command built on its own the program's output, exit and help settings; after a
 * usage error it prints its one usage line (see `usageLine`), not the whole help.
 */
function inherit(command: Command, program: Command): Command {
  command.exitOverride().configureOutput(program.configureOutput()).configureHelp(program.configureHelp());
  program.addCommand(command);
  command.showHelpAfterError(usageLine(command));
  return command;
}
