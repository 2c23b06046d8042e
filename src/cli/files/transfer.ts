import type { Command } from 'commander';
import type { FileAction, FileMigration } from '../../index.js';
import { UsageError } from '../errors/usage-error.js';
import { commandClient, globalOptions, showProgress } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { MessageWriter } from '../output/messages.js';
import { progressBar } from '../progress/progress.js';
import { retriesPhrase } from '../retries.js';
import { apiErrorType, FileCommandError } from './command-error.js';
import { lastName, remotePath } from './remote-path.js';

/** The options of `mv` and `cp`. */
export interface TransferOptions {
  /** `cp -r`: copy a folder (a file copies either way). */
  recursive?: boolean;
  /** `--overwrite`: replace the destination when it exists. */
  overwrite?: boolean;
  /** `--no-wait` sets it false: return once the migration is accepted. */
  wait?: boolean;
  /** `--json`: the FileMigration record (the FileAction with `--no-wait`) on stdout. */
  json?: boolean;
}

/** What a transfer does, as a verb for the messages. */
const DONE = { copy: 'copied', move: 'moved' } as const;

/**
 * Runs `files-stream mv` or `cp` (see `commands/mv.ts`, `commands/cp.ts`): checks both paths
 * (a destination ending in `/` names the folder to put the source in, under its own name);
 * for `cp` without `-r`, asks what the source is first and refuses a folder (exit 2); asks
 * Files.com to copy or move (`POST /file_actions/copy|move/{path}`; an existing destination
 * is refused, naming `--overwrite`, unless it is given), then waits for the file
 * migration to end (`client.fileMigrations.wait`), drawing `files_moved` of `files_total`
 * on a terminal. With `wait: false` it prints the migration id instead (`--json`: the
 * FileAction).
 */
export async function runTransfer(
  kind: 'copy' | 'move',
  io: CliIo,
  messages: MessageWriter,
  args: { source: string; destination: string },
  options: TransferOptions,
  command: Command,
): Promise<void> {
  const name = kind === 'copy' ? 'cp' : 'mv';
  const globals = globalOptions(command, io.env);
  const source = remotePath(name, args.source);
  const intoFolder = /[\\/]$/.test(args.destination);
  const destination = intoFolder ? inFolder(remotePath(name, args.destination, { folder: true, root: true }), source) : remotePath(name, args.destination);
  const { client, retries } = await commandClient(globals, messages);
  if (kind === 'copy' && !options.recursive && (await client.files.find(source)).type === 'directory') {
    throw new UsageError(`cp: ${source} is a folder: pass -r to copy it with everything in it`);
  }
  const params = { destination, ...(options.overwrite ? { overwrite: true } : {}) };
  let action: FileAction;
  try {
    action = kind === 'copy' ? await client.files.copy(source, params) : await client.files.move(source, params);
  } catch (err) {
    const type = apiErrorType(err);
    if (type !== 'processing-failure/destination-exists') throw err;
    const into = intoFolder ? '' : `, or end it with / to put ${source} in that folder`;
    throw new FileCommandError(`${name}: ${destination} already exists (${type}): pass --overwrite to replace it${into}`, { cause: err });
  }
  if (options.wait === false) {
    if (options.json) io.stdout.write(`${JSON.stringify(action)}\n`);
    else if (action.file_migration_id != null) io.stdout.write(`${action.file_migration_id}\n`);
    if (!globals.quiet && !options.json) {
      messages.line(`${kind} of ${source} to ${destination}: ${action.status ?? 'accepted'}, file migration ${action.file_migration_id ?? 'none'}`);
    }
    return;
  }
  const bar = migrationProgress(io, showProgress(io, globals, { dataOnStdout: false }), messages.clean(`${name} ${source}`));
  let migration: FileMigration;
  try {
    migration = await client.fileMigrations.wait(action, { onProgress: bar.update });
  } finally {
    bar.stop();
  }
  if (options.json) io.stdout.write(`${JSON.stringify(migration)}\n`);
  else if (!globals.quiet) {
    const files = typeof migration.files_moved === 'number' ? ` (${migration.files_moved} ${migration.files_moved === 1 ? 'file' : 'files'})` : '';
    messages.line(`${DONE[kind]} ${source} to ${destination}${files}${retriesPhrase(retries.count)}`);
  }
}

/** Where `source` lands in `folder` (`/` for the root), under its own name. */
function inFolder(folder: string, source: string): string {
  return folder === '/' ? lastName(source) : `${folder}/${lastName(source)}`;
}

/** A progress line of a file migration: `cp reports [=====   ] 5 of 8 files | 3s`. */
interface MigrationProgress {
  update(migration: FileMigration): void;
  stop(): void;
}

/** A {@link MigrationProgress} on stderr, or one that draws nothing when not `enabled`. */
function migrationProgress(io: CliIo, enabled: boolean, label: string): MigrationProgress {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = progressBar('{label} [{bar}] {value} of {total} files | {duration_formatted}', io.stderr, 20);
  let started = false;
  return {
    // Drawn from the first record polled: no empty bar before the total is known.
    update(migration) {
      const total = migration.files_total ?? 0;
      const moved = migration.files_moved ?? 0;
      if (started) {
        bar.setTotal(total);
        bar.update(moved);
      } else {
        bar.start(total, moved, { label });
        started = true;
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
