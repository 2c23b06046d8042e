/**
 * Waiting for a file migration (`client.fileMigrations.wait`): `files.copy`, `files.move`
 * and the other file actions answer a FileAction `{ status: 'pending', file_migration_id }`
 * and do the work in the background; this polls `GET /file_migrations/{id}` until it ends,
 * as users of the official SDKs write by hand (the Go SDK's `file_migration.Client.Wait`).
 */
import { delay } from '../core/retry.js';
import { FileMigrationError, InvalidParameterError, TimeoutError } from '../errors/client-errors.js';
import type { FileAction } from '../generated/models/file-action.js';
import type { FileMigration } from '../generated/models/file-migration.js';
import type { FileMigrationsNamespace } from '../generated/resources/file-migrations.js';

/** Options of `client.fileMigrations.wait`. */
export interface WaitForMigrationOptions {
  /** Stops waiting (and the request in flight): the wait rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Gives up after this many ms, with a `TimeoutError` (the request in flight is stopped).
   * Default: no limit (a large folder may take hours), as the official SDKs.
   */
  timeoutMs?: number;
  /** The wait after the first poll, in ms; each next wait is twice the last, up to `maxIntervalMs`. Default 250. */
  intervalMs?: number;
  /** The longest wait between two polls, in ms. Default 5000. */
  maxIntervalMs?: number;
  /** Called with each migration record polled (the last one included), e.g. to show `files_moved` of `files_total`. */
  onProgress?: (migration: FileMigration) => void;
}

/** What `wait` takes: the answer of `files.copy`, `files.move`, ... (a FileAction), or a migration id. */
export type FileMigrationRef = FileAction | number;

/** The methods the file migrations plugin adds to `client.fileMigrations`. */
export interface FileMigrationWaitMethods {
  /**
   * Waits until a file migration ends and resolves with its last record (status `complete`,
   * or `completed`: both are read as done). Polls `GET /file_migrations/{id}` at once, then
   * after `intervalMs` (250), doubling up to `maxIntervalMs` (5 s). A FileAction that is
   * already done, or that names no migration, resolves at once without a request, with a
   * record made of it (`{ id: file_migration_id ?? null, status }`), as the Go SDK does.
   *
   * @throws FileMigrationError when the migration ends with status `failed`.
   * @throws TimeoutError after `timeoutMs`.
   * @throws the signal's reason (an `AbortError` by default) when `signal` aborts.
   * @throws the request's own error otherwise (e.g. `NotFoundError` for an unknown id).
   *
   * @example
   * const action = await client.files.copy('reports', { destination: 'backup/reports' });
   * const migration = await client.fileMigrations.wait(action, { timeoutMs: 600_000 });
   * console.log(`${migration.files_moved} files copied`);
   */
  wait(migration: FileMigrationRef, options?: WaitForMigrationOptions): Promise<FileMigration>;
}

/** Statuses of a migration that succeeded: the spec's example says `complete`, the Go SDK checks `completed`. */
const DONE = new Set(['complete', 'completed']);
const FAILED = 'failed';
const OPERATION = 'fileMigrations.wait';

/** Checks a number of ms option: finite and at least `min`, or absent. */
function checkMs(name: string, value: number | undefined, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidParameterError(OPERATION, name, `must be a finite number of ms >= ${min}`);
  }
}

/** The migration, or the failure, of a record that has ended; `undefined` while it runs. */
function ended(migration: FileMigration): FileMigration | undefined {
  const status = migration.status ?? '';
  if (status === FAILED) throw new FileMigrationError(migration);
  return DONE.has(status) ? migration : undefined;
}

/** See {@link FileMigrationWaitMethods.wait}. */
export async function waitForMigration(
  migrations: Pick<FileMigrationsNamespace, 'find'>,
  ref: FileMigrationRef,
  options: WaitForMigrationOptions = {},
): Promise<FileMigration> {
  const { signal, timeoutMs, intervalMs = 250, maxIntervalMs = 5_000, onProgress } = options;
  checkMs('timeoutMs', timeoutMs, 0);
  checkMs('intervalMs', intervalMs, 0);
  checkMs('maxIntervalMs', maxIntervalMs, 0);
  let id: number;
  if (typeof ref === 'number') {
    id = ref;
  } else {
    const known = ref.file_migration_id ?? null;
    const status = ref.status ?? null;
    if (known === null || DONE.has(status ?? '') || status === FAILED) return ended({ id: known, status }) ?? { id: known, status };
    id = known;
  }
  if (!Number.isSafeInteger(id) || id < 0) throw new InvalidParameterError(OPERATION, 'id', 'must be a migration id (an integer >= 0)');
  signal?.throwIfAborted();

  // One signal for the requests and the waits: the caller's abort, or the timeout.
  const controller = new AbortController();
  const stop = controller.signal;
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let last: string | undefined;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          const status = last === undefined ? 'none polled yet' : `last status: ${last}`;
          controller.abort(new TimeoutError(`${OPERATION}: file migration ${id} not finished after ${timeoutMs} ms (${status})`, timeoutMs));
        }, timeoutMs);
  try {
    for (let wait = intervalMs; ; wait = Math.min(wait * 2, maxIntervalMs)) {
      const migration = await migrations.find(id, undefined, { signal: stop });
      last = String(migration.status ?? null);
      onProgress?.(migration);
      const done = ended(migration);
      if (done) return done;
      await delay(Math.min(wait, maxIntervalMs), stop);
    }
  } catch (error) {
    // Whatever the request or the wait threw once stopped, the reason is the stop's.
    if (stop.aborted) throw stop.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The plugin that adds `wait` to `client.fileMigrations`. */
export function fileMigrationsPlugin(client: { fileMigrations: FileMigrationsNamespace }): { fileMigrations: FileMigrationWaitMethods } {
  return { fileMigrations: { wait: (migration, options) => waitForMigration(client.fileMigrations, migration, options) } };
}
