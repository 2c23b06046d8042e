import { Command } from 'commander';
import type { CliIo } from '../io.js';

/**
 * `files-stream operations`: every operation of the API, one per line, the exportable
 * (paginated) ones marked with `*` and named as `export` takes them; those `export --since`
 * takes (a `created_at` range: logs, history, ...) end with `[--since]`.
 */
export function operationsCommand(io: CliIo): Command {
  return new Command('operations')
    .description('list every API operation; * marks those export takes (paginated), [--since] those it can export by time, in parallel')
    .option('--json', 'one JSON object per line instead of text')
    .action(async (options: { json?: boolean }) => {
      // The manifest of 419 operations loads when run, not for --help.
      const { allOperations, operationName } = await import('../operations/catalog.js');
      const { timeRangedOperations } = await import('../operations/time-range.js');
      const ranged = new Set(timeRangedOperations());
      let text = '';
      for (const op of allOperations()) {
        const name = operationName(op);
        const timeRange = ranged.has(op);
        if (options.json) {
          text += `${JSON.stringify({ name, exportable: op.paginated, timeRange, httpMethod: op.httpMethod, path: op.path, pathParams: op.pathParams })}\n`;
        } else {
          const args = op.pathParams.map((p) => `<${p}>`).join(' ');
          text += `${op.paginated ? '*' : ' '} ${`${name}${args ? ` ${args}` : ''}`.padEnd(58)} ${op.httpMethod.padEnd(6)} ${op.path}${timeRange ? '  [--since]' : ''}\n`;
        }
      }
      io.stdout.write(text);
    });
}
