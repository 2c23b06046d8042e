import { Command, Option } from 'commander';
import type { ExportResult } from '../export/export-operation.js';
import { FORMATS, type Format } from '../format/encoder.js';
import { commandClient, globalOptions, showProgress } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { KeyValue, SortOption } from '../operations/build-params.js';
import { abortOnSignals } from '../errors/interrupted.js';
import { commaList, instantOption, keyValue, parallelOption, positiveInt, runClock, shardOption, sortOption, type GivenInstant, type Shard } from '../option-parsers.js';
import type { MessageWriter } from '../output/messages.js';
import { retriesPhrase } from '../retries.js';
import { counted } from '../output/counted.js';

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
  since?: GivenInstant;
  until?: GivenInstant;
  parallel?: number;
  unordered?: boolean;
  shard?: Shard;
}

/**
 * `files-stream export <operation> [pathArgs...]`: streams any paginated operation to NDJSON,
 * CSV or JSON. Everything but the data goes through `messages` (redacted, escaped).
 */
export function exportCommand(io: CliIo, messages: MessageWriter): Command {
  // One now per run: for relative --since / --until (24h, today) and the default --until.
  const now = runClock();
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
    .option('--per-page <n>', 'records per request (default 1000; above the operation maximum, the maximum, with a warning)', positiveInt)
    .option('--param <name=value>', 'any other parameter, converted by its type; name[key]=value for an object (repeatable)', keyValue)
    .option('--checkpoint <file>', 'save progress after each page; rerun to resume exactly where it stopped (needs --out; one run at a time: <file>.lock names the run that holds it)')
    .option('--limit <n>', 'stop after n records', positiveInt)
    .option('--csv-raw', "CSV: keep cells as sent (by default a text cell starting with = + - @ tab or CR gets a leading ' so spreadsheets do not run it as a formula)")
    .option('--since <instant>', 'export the records created at or after this instant, listed as time slices side by side: ISO 8601 (2024-05-01, 2024-05-01T12:00:00Z, UTC when no offset), or relative to now: today, yesterday (00:00 UTC), 90m, 24h, 7d, 2w; operations with a created_at range only (files-stream operations marks them [--since])', instantOption(now))
    .option('--until <instant>', 'with --since: only records created before this instant, as --since takes it (default: now); now and relative times are resolved once, to the second, and kept in the checkpoint', instantOption(now))
    .option('--parallel <n>', 'with --since: requests in flight at once, 1 to 64 (default 4; fewer while the server answers 429)', parallelOption)
    .option('--unordered', 'with --since: write records as they arrive rather than in ascending created_at order (no waiting for earlier slices)')
    .option('--shard <K/N>', 'with --since and --until: export only the K-th of N contiguous parts of the range, cut on whole seconds (as split -n K/N); the N parts together are the whole range, each record in one', shardOption)
    .addHelpText(
      'after',
      `
Examples:
  $ files-stream export users --format csv --out users.csv
  $ files-stream export history.listForFolder /reports --out history.ndjson --checkpoint history.ckpt
  $ files-stream export users --filter-prefix username=a --sort username:desc --fields id,username,email
  $ files-stream export actionLogs --since 2024-05-01 --until 2024-06-01 --parallel 8 --out may.ndjson --checkpoint may.ckpt
  $ files-stream export actionLogs --since 2024-05-01 --until 2024-06-01 --shard 3/8 --out part-3.ndjson
  $ files-stream export actionLogs --since 24h --out last-day.ndjson --checkpoint last-day.ckpt`,
    )
    .action(async (operation: string, pathArgs: string[], options: ExportCommandOptions, command: Command) => {
      const globals = globalOptions(command, io.env);
      const { client, retries } = await commandClient(globals, messages);
      // Loaded when run, not for --help.
      const { exportOperation } = await import('../export/export-operation.js');
      // SIGINT / SIGTERM stop the export cleanly (a second one ends the process at once).
      const interrupt = abortOnSignals((signal) => {
        if (!globals.quiet) messages.line(`${signal}: stopping; no request is sent from now on, the page in hand is written${options.checkpoint ? ' and checkpointed' : ''} (${signal} again to quit at once)`);
      });
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
          range: {
            since: options.since?.ms,
            until: options.until?.ms,
            relative: { since: Boolean(options.since?.relative), until: Boolean(options.until?.relative) },
            parallel: options.parallel,
            unordered: options.unordered,
            shard: options.shard,
          },
        },
        {
          stdout: io.stdout,
          stderr: io.stderr,
          progress: showProgress(io, globals, { dataOnStdout: !options.out }),
          quiet: Boolean(globals.quiet),
          messages,
          signal: interrupt.signal,
          now,
        },
      ).finally(() => interrupt.dispose());
      if (!globals.quiet) messages.line(summary(result, options, retries.count));
    });
}

function summary(result: ExportResult, options: ExportCommandOptions, retries: number): string {
  const target = options.out ?? 'stdout';
  const range = rangePhrase(result.range);
  if (result.alreadyDone) {
    return `${result.operation}${range}: already complete per checkpoint ${options.checkpoint} (${counted(result.totalRecords, 'record')} in ${target}); nothing to do`;
  }
  const seconds = (result.elapsedMs / 1000).toFixed(2);
  const resumed = result.resumed ? ` (resumed; ${result.totalRecords} in all)` : '';
  const parallel = result.range ? `, ${result.range.parallel} in parallel${result.range.ordered ? '' : ', unordered'}` : '';
  return `${result.operation}${range}: ${counted(result.records, 'record')}, ${counted(result.pages, 'page')} to ${target}${resumed} in ${seconds}s (${Math.round(result.recordsPerSecond)} records/s${parallel})${retriesPhrase(retries)}`;
}

/** ` created 2024-05-01T00:00:00Z..2024-06-01T00:00:00Z (until now), shard 3/8: 2024-05-08T...` or nothing. */
function rangePhrase(range: ExportResult['range']): string {
  if (!range) return '';
  const saved = range.fromCheckpoint.length ? ` (${range.fromCheckpoint.map((b) => `--${b}`).join(' and ')} as the first run resolved ${range.fromCheckpoint.length > 1 ? 'them' : 'it'}, per the checkpoint)` : '';
  const whole = `${range.since}..${range.until}${range.untilDefaulted ? ' (default --until)' : ''}${saved}`;
  return range.shard ? ` created ${whole}, shard ${range.shard.name} = ${range.shard.since}..${range.shard.until}` : ` created ${whole}`;
}
