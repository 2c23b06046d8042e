import { Command } from 'commander';
import { commandClient, globalOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { MessageWriter } from '../output/messages.js';

interface StatOptions {
  json?: boolean;
}

/**
 * `files-stream stat <path>`: a remote file's or folder's File record
 * (`GET /file_actions/metadata/{path}`, `client.files.find`) on stdout: one `field: value`
 * line per field, in the record's order, names aligned (null as `-`, objects as JSON, text
 * terminal-safe); `--json` prints the exact record on one line.
 */
export function statCommand(io: CliIo, messages: MessageWriter): Command {
  return new Command('stat')
    .description("show a remote file's or folder's File record (field: value lines, or --json)")
    .argument('<path>', 'remote file or folder (/ for the root)')
    .option('--json', 'the File record as JSON, on one line')
    .action(async (arg: string, options: StatOptions, command: Command) => {
      const globals = globalOptions(command, io.env);
      // Loaded when run, not for --help.
      const { remotePath } = await import('../files/remote-path.js');
      const path = remotePath('stat', arg, { root: true });
      const { client } = await commandClient(globals, messages);
      const file = await client.files.find(path);
      if (options.json) return void io.stdout.write(`${JSON.stringify(file)}\n`);
      const fields = Object.entries(file);
      const width = Math.max(0, ...fields.map(([name]) => name.length)) + 1;
      let text = '';
      for (const [name, value] of fields) text += `${`${name}:`.padEnd(width)} ${messages.clean(fieldText(value))}\n`;
      io.stdout.write(text);
    });
}

/** A field's value as `stat` shows it: null as `-`, objects and arrays as JSON, the rest as text. */
function fieldText(value: unknown): string {
  if (value === null || value === undefined) return '-';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
