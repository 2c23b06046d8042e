import { Command, Option } from 'commander';
import { commandClient, globalOptions, showProgress } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { KeyValue } from '../operations/build-params.js';
import { abortOnSignals } from '../errors/interrupted.js';
import { UsageError } from '../errors/usage-error.js';
import { durationOption, instantOption, keyValue, parallelOption, positiveInt, runClock, shardOption, type GivenInstant } from '../option-parsers.js';
import type { MessageWriter } from '../output/messages.js';

/** The options of `files-stream sync`, as commander parses them. */
export interface SyncCommandOptions {
  to?: string;
  table?: string;
  mode?: 'append' | 'merge' | 'replace';
  fullRefresh?: boolean;
  keepDeleted?: boolean;
  lag?: number;
  since?: GivenInstant;
  until?: GivenInstant;
  parallel?: number;
  filter?: KeyValue[];
  filterPrefix?: KeyValue[];
  perPage?: number;
  param?: KeyValue[];
  wait?: boolean;
  status?: boolean;
  schema?: string;
  shard?: { index: number; count: number };
  batchRows?: number;
}

/**
 * `files-stream sync <operation> [pathArgs...] --to <destination>`: any list into a table of
 * a DuckDB file or Parquet files, exactly once and incrementally; `sync --status --to <dest>`
 * prints what each table syncs and up to where.
 */
export function syncCommand(io: CliIo, messages: MessageWriter): Command {
  // One now per run: for relative --since / --until (7d, today) and the default --until.
  const now = runClock();
  return new Command('sync')
    .description('sync a list into a database table, exactly once and incrementally (logs appended, lists with ids merged, others replaced)')
    .argument('[operation]', 'operation name: a namespace for its list (actionLogs, users), else namespace.method (history.listForFolder)')
    .argument('[pathArgs...]', 'path parameters of the operation, in order (a folder path, a user id)')
    .option('--to <destination>', 'where: duckdb:<file> (or a path ending in .duckdb), parquet:<dir>, postgres://user@host[:port]/db (postgres: alone: the PG* variables)')
    .option('--schema <name>', 'postgres: the schema of the tables (default public; created when missing)')
    .option('--table <name>', 'table name (default: the operation in snake_case: action_logs, users, history_folder)')
    .addOption(new Option('--mode <mode>', 'append (lists with a created_at range), merge (by id), replace (an atomic snapshot); default by the list').choices(['append', 'merge', 'replace']))
    .option('--full-refresh', 'drop the table and its state first, and sync it again from the start')
    .option('--keep-deleted', 'merge: keep rows the list no longer returns, with _deleted_at set, instead of deleting them')
    .option('--lag <duration>', 'append: records newer than this wait for the next run (60s, 5m, 1h; default 60s)', durationOption)
    .option('--since <instant>', 'append: start of the first run: ISO 8601, or relative to now: today, yesterday (00:00 UTC), 24h, 7d (default: the earliest); a later stored position wins', instantOption(now))
    .option('--until <instant>', 'append: end of this run, as --since takes it (default: now minus --lag)', instantOption(now))
    .option('--parallel <n>', 'append: requests in flight at once, 1 to 64 (default 4)', parallelOption)
    .option('--filter <field=value>', 'filter: field equals value (repeatable)', keyValue)
    .option('--filter-prefix <field=value>', 'filter_prefix: field starts with value (repeatable)', keyValue)
    .option('--per-page <n>', 'records per request (default 1000, capped at the operation maximum)', positiveInt)
    .option('--param <name=value>', 'any other parameter, converted by its type; name[key]=value for an object (repeatable)', keyValue)
    .option('--batch-rows <n>', 'rows committed per transaction, with their position (default 50000)', positiveInt)
    .option('--shard <K/N>', 'append: sync shard K of N of the range (the UTC days whose number modulo N is K-1), with a state of its own: shards run side by side, on several machines; needs --since', shardOption)
    .option('--wait', 'when another sync holds the destination or table, wait for it (the default)')
    .option('--no-wait', 'when another sync holds the destination or table, exit 1 saying who holds it')
    .option('--status', 'print each synced table of --to: what it syncs, up to where, when')
    .addHelpText(
      'after',
      `
Examples:
  $ files-stream sync actionLogs --to logs.duckdb --since 2026-01-01 --parallel 8
  $ files-stream sync users --to duckdb:files.duckdb
  $ files-stream sync history.listForFolder /reports --to parquet:lake/
  $ files-stream sync actionLogs --to postgres://etl@db.internal/files --since 2026-01-01 --shard 2/4
  $ files-stream sync --status --to logs.duckdb

A rerun of the same command continues where the last one stopped: rows and their position
are committed together, so a crash at any moment and a rerun give every record once.
Guide: docs/loading-into-a-database.md`,
    )
    .action(async (operation: string | undefined, pathArgs: string[], options: SyncCommandOptions, command: Command) => {
      if (!options.to) throw new UsageError('sync needs --to <destination>: duckdb:<file>, a path ending in .duckdb, parquet:<dir>, or postgres://user@host/db');
      const globals = globalOptions(command, io.env);
      // Loaded when run, not for --help.
      const { runSync, printStatus } = await import('../sync/run-sync.js');
      if (options.status) {
        if (operation) throw new UsageError('--status takes no operation: it prints every table synced into --to');
        await printStatus(options.to, options.schema, io, messages);
        return;
      }
      if (!operation) throw new UsageError('sync needs an operation (actionLogs, users, history.listForFolder, ...): files-stream operations lists them');
      const { client, retries } = await commandClient(globals, messages);
      const interrupt = abortOnSignals((signal) => {
        if (!globals.quiet) messages.line(`${signal}: stopping; the rows in hand are committed with their position (${signal} again to quit at once)`);
      });
      try {
        await runSync(client, operation, pathArgs, options, {
          io,
          messages,
          quiet: Boolean(globals.quiet),
          progress: showProgress(io, globals, { dataOnStdout: false }),
          retries,
          signal: interrupt.signal,
          now,
        });
      } finally {
        interrupt.dispose();
      }
    });
}
