import { CommanderError, type Command } from 'commander';
import { reportError } from './errors/report-error.js';
import { ExitCode, type ExitCodeValue } from './exit-code.js';
import type { CliIo } from './io.js';
import { buildProgram } from './program.js';

/**
 * Runs `files-stream` with `argv` (the arguments after the executable) and resolves to the
 * exit status: 0 done, 1 runtime error, 2 bad usage. Errors are printed on stderr as
 * `error: <message>`, then the Files.com error type and a hint when there are any; usage
 * errors are followed by the command's usage. The API key never appears in the output.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCodeValue> {
  const program = buildProgram(io);
  let active: Command = program;
  program.hook('preAction', (_program, command) => {
    active = command;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander printed the message (and the help); help and --version end with 0.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if ((err as NodeJS.ErrnoException)?.code === 'EPIPE') return ExitCode.ok; // the reader went away
    const secrets = [program.opts<{ apiKey?: string }>().apiKey, io.env.FILESCOM_API_KEY];
    const report = reportError(err, secrets);
    let text = `${report.lines.join('\n')}\n`;
    if (report.exitCode === ExitCode.usage && active !== program) {
      text += `usage: files-stream ${active.name()} ${active.usage()}\n(files-stream ${active.name()} --help for details)\n`;
    }
    io.stderr.write(text);
    return report.exitCode;
  }
}
