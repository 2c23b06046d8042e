import { Command } from 'commander';
import { allOperations, operationName } from '../operations/catalog.js';
import type { CliIo } from '../io.js';

/**
 * `files-stream operations`: every operation of the API, one per line, the exportable
 * (paginated) ones marked with `*` and named as `export` takes them.
 */
export function operationsCommand(io: CliIo): Command {
  return new Command('operations')
    .description('list every API operation; * marks those export takes (paginated)')
    .option('--json', 'one JSON object per line instead of text')
    .action((options: { json?: boolean }) => {
      let text = '';
      for (const op of allOperations()) {
        const name = operationName(op);
        if (options.json) {
          text += `${JSON.stringify({ name, exportable: op.paginated, httpMethod: op.httpMethod, path: op.path, pathParams: op.pathParams })}\n`;
        } else {
          const args = op.pathParams.map((p) => `<${p}>`).join(' ');
          text += `${op.paginated ? '*' : ' '} ${`${name}${args ? ` ${args}` : ''}`.padEnd(58)} ${op.httpMethod.padEnd(6)} ${op.path}\n`;
        }
      }
      io.stdout.write(text);
    });
}
