import { CommanderError, type Command } from 'commander';
import { CheckpointError } from './checkpoint/checkpoint-error.js';
import { cliSecrets } from './errors/redact.js';
import { ExitCode, type ExitCodeValue } from './exit-code.js';
import type { CliIo } from './io.js';
import { createMessageWriter } from './output/messages.js';
import { buildProgram } from './program.js';
import { usageLine } from './usage.js';

/**
 * Runs `files-stream` with `argv` (the arguments after the executable) and resolves to the
 * exit status: 0 done, 1 runtime error, 2 bad usage or an unusable checkpoint. Errors are
 * printed on stderr as `error: <message>`, then the Files.com error type and a hint when
 * there are any; usage errors are followed by one line of the command's usage. Everything printed
 * outside the exported data goes through one writer that removes the API key and session
 * id (from the command line, even a mistyped option, and the environment) and escapes
 * control characters.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCodeValue> {
  const messages = createMessageWriter(io, cliSecrets(argv, io.env));
  const program = buildProgram(io, messages);
  let active: Command = program;
  program.hook('preAction', (_program, command) => {
    active = command;
    // Commander may have taken the key from its own view of the environment.
    messages.addSecret(command.optsWithGlobals<{ apiKey?: string }>().apiKey);
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander printed the message (and one usage line) through `messages`; help and --version end with 0.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if ((err as NodeJS.ErrnoException)?.code === 'EPIPE') return ExitCode.ok; // the reader went away
    const { reportError } = await import('./errors/report-error.js');
    const report = reportError(err, [...cliSecrets(argv, io.env), program.opts<{ apiKey?: string }>().apiKey]);
    for (const line of report.lines) messages.line(line);
    if (report.exitCode === ExitCode.usage && active !== program && !(err instanceof CheckpointError)) messages.line(usageLine(active));
    return report.exitCode;
  }
}
