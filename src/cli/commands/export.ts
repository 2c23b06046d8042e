import { Command, Option } from 'commander';
import { exportOperation, type ExportResult } from '../export/export-operation.js';
import { FORMATS, type Format } from '../format/encoder.js';
import { commandClient, globalOptions, showProgress } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { KeyValue, SortOption } from '../operations/build-params.js';
import { commaList, keyValue, positiveInt, sortOption } from '../option-parsers.js';
import type { MessageWriter } from '../output/messages.js';
import { retriesPhrase } from '../retries.js';

interface ExportCommandOptions {
  format: Format;
  out?: string;
  fields?: string[];
  filter?: KeyValue[];
  filterPrefix?: KeyValue[];
  sort?: SortOption;
  perPage?: number;
  param?: KeyValue[];
  checkpoint?: string;
  limit?: number;
  csvRaw?: boolean;
}

/**
 * `files-stream export <operation> [pathArgs...]`: streams any paginated operation to NDJSON,
 * CSV or JSON. Everything but the data goes through `messages` (redacted, escaped).
 */
export function exportCommand(io: CliIo, messages: MessageWriter): Command {
  return new Command('export')
    .description('export every record of a paginated operation (users, actionLogs, history.listForFolder, ...)')
    .argument('<operation>', 'operation name: a namespace for its list (users), else namespace.method (folders.listFor)')
    .argument('[pathArgs...]', 'path parameters of the operation, in order (a folder path, a user id)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('ndjson'))
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--fields <list>', 'comma-separated fields to write, in order (the CSV columns)', commaList)
    .option('--filter <field=value>', 'filter: field equals value (repeatable)', keyValue)
    .option('--filter-prefix <field=value>', 'filter_prefix: field starts with value (repeatable)', keyValue)
    .option('--sort <field:dir>', 'sort_by one field, asc or desc', sortOption)
    .option('--per-page <n>', 'records per request (default 1000, capped at the operation maximum)', positiveInt)
    .option('--param <name=value>', 'any other parameter, converted by its type; name[key]=value for an object (repeatable)', keyValue)
    .option('--checkpoint <file>', 'save progress after each page; rerun to resume exactly where it stopped (needs --out)')
    .option('--limit <n>', 'stop after n records', positiveInt)
    .option('--csv-raw', "CSV: keep cells as sent (by default a text cell starting with = + - @ tab or CR gets a leading ' so spreadsheets do not run it as a formula)")
    .addHelpText(
      'after',
      `
Examples:
  $ files-stream export users --format csv --out users.csv
  $ files-stream export history.listForFolder /reports --out history.ndjson --checkpoint history.ckpt
  $ files-stream export users --filter-prefix username=a --sort username:desc --fields id,username,email`,
    )
    .action(async (operation: string, pathArgs: string[], options: ExportCommandOptions, command: Command) => {
      const globals = globalOptions(command);
      const { client, retries } = commandClient(globals, messages);
      const result = await exportOperation(
        client,
        {
          operation,
          pathArgs,
          listing: { filter: options.filter, filterPrefix: options.filterPrefix, sort: options.sort, perPage: options.perPage, param: options.param },
          format: options.format,
          fields: options.fields,
          out: options.out,
          checkpoint: options.checkpoint,
          limit: options.limit,
          csvRaw: options.csvRaw,
        },
        { stdout: io.stdout, stderr: io.stderr, progress: showProgress(io, globals), quiet: Boolean(globals.quiet), messages },
      );
      if (!globals.quiet) messages.line(summary(result, options, retries.count));
    });
}

function summary(result: ExportResult, options: ExportCommandOptions, retries: number): string {
  const target = options.out ?? 'stdout';
  if (result.alreadyDone) {
    return `${result.operation}: already complete per checkpoint ${options.checkpoint} (${result.totalRecords} records in ${target}); nothing to do`;
  }
  const seconds = (result.elapsedMs / 1000).toFixed(2);
  const resumed = result.resumed ? ` (resumed; ${result.totalRecords} in all)` : '';
  return `${result.operation}: ${result.records} records, ${result.pages} pages to ${target}${resumed} in ${seconds}s (${Math.round(result.recordsPerSecond)} records/s)${retriesPhrase(retries)}`;
}
