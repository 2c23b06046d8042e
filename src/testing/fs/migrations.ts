/**
 * File migrations: copies and moves done in the background, as Files.com does them. `POST
 * /file_actions/copy|move/{path}` answers a FileAction `{ status: 'pending',
 * file_migration_id }`; `GET /file_migrations/{id}` reports the work.
 *
 * Time is the emulator's clock (`now`), so tests move it: a folder's migration completes
 * `migrationMs` after it started; a single file's (and every one when `migrationMs` is 0)
 * completes at once. Until a migration completes nothing of it is visible: the destination
 * does not exist yet (a listing, a metadata or download request answers as before the
 * request) and a moved source is still there. At completion the whole copy appears at once
 * (and a moved source goes), with the source as it is then. Its progress meanwhile is
 * `files_moved` of `files_total` in proportion to the time elapsed: status `pending` while
 * none is moved, then `processing`, `complete` at the end (the values of the spec's
 * FileMigration example and of Files.com's status list).
 *
 * What can be told when the request comes (the source does not exist, the destination
 * exists without `overwrite`, a folder into itself) is refused at once, as before. A
 * migration fails at completion when the work can no longer be done: the destination was
 * created meanwhile (without `overwrite`), the source was deleted, a parent of the
 * destination became a file. It then has status `failed` and the error's message as
 * `failure_message`, and nothing of it was done (`files_moved` 0).
 *
 * A migration started for a principal (declared to the journal by the route, see
 * `data/journal.ts`) is recorded in history and the action logs when it completes: action
 * `copy` or `move`, the source's path, the destination's, by the user who asked, dated by
 * the clock of the request it completes at. A failed one records nothing.
 */
import { normalizePath } from '../../paths/index.js';
import type { JsonRecord } from '../data/collection.js';
import type { Actor, EventSink } from '../data/journal.js';
import { modelExample } from '../data/spec-facts.js';
import { EmulatorApiError } from '../server/errors.js';
import type { FileEntry, FileStore } from './store.js';

/** What a migration does. */
export type MigrationOperation = 'copy' | 'move';

/** Where a migration is: still running, or finished one way or the other. */
type MigrationState = 'running' | 'complete' | 'failed';

interface Migration {
  readonly id: number;
  readonly operation: MigrationOperation;
  /** The source's display path. */
  readonly path: string;
  /** The destination, normalised. */
  readonly destPath: string;
  readonly overwrite: boolean;
  /** Clock (ms) at the request. */
  readonly startedAt: number;
  /** Clock (ms) at which it completes. */
  readonly dueAt: number;
  filesTotal: number;
  state: MigrationState;
  failureMessage: string | null;
  /** Who asked for it (recorded at completion); `undefined` when no principal was declared. */
  readonly actor: Actor | undefined;
}

let base: JsonRecord | undefined;

/** The spec's FileMigration example, the base of every record (`region` is kept as it is). */
function migrationBase(): JsonRecord {
  return (base ??= modelExample('FileMigration'));
}

/** The copies and moves of a site, and their progress on the emulator's clock. */
export class FileMigrations {
  readonly #store: FileStore;
  readonly #now: () => number;
  readonly #durationMs: number;
  readonly #events: EventSink | undefined;
  readonly #all = new Map<number, Migration>();
  /** The migrations still running, in the order they started. */
  #running: Migration[] = [];
  #lastId = 0;

  /**
   * @param durationMs How long a folder's migration takes (0: at once).
   * @param events Where completed migrations are recorded (the site's journal), with the
   *   principal declared for the request that started them.
   */
  constructor(store: FileStore, now: () => number, durationMs: number, events?: EventSink) {
    this.#store = store;
    this.#now = now;
    this.#durationMs = durationMs;
    this.#events = events;
  }

  /**
   * Starts a copy or move of `from` to `to` and returns the migration's id. Refuses (throws
   * the API error) what can be told now; a single file, or anything when the duration is 0,
   * is done before this returns.
   */
  start(operation: MigrationOperation, from: string, to: string, overwrite: boolean): number {
    const actor = this.#events?.takeActor();
    const source = this.#store.checkTransfer(from, to, overwrite);
    const now = this.#now();
    const immediate = source.type === 'file' || this.#durationMs === 0;
    const migration: Migration = {
      id: ++this.#lastId,
      operation,
      path: source.path,
      destPath: normalizePath(to),
      overwrite,
      startedAt: now,
      dueAt: immediate ? now : now + this.#durationMs,
      filesTotal: this.#filesIn(source),
      state: 'running',
      failureMessage: null,
      actor,
    };
    if (immediate) {
      const done = this.#store[operation](from, to, overwrite);
      migration.state = 'complete';
      this.#recordDone(migration, done);
    } else {
      this.#running.push(migration);
    }
    this.#all.set(migration.id, migration);
    return migration.id;
  }

  /**
   * Completes every running migration whose time has come, in the order they are due. Called
   * before each request is answered, so every answer sees the files as they are at its clock;
   * so it also tells the journal that a request begins (no principal is declared yet).
   */
  settle(): void {
    this.#events?.beginRequest();
    if (this.#running.length === 0) return;
    const now = this.#now();
    const due = this.#running.filter((m) => m.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
    if (due.length === 0) return;
    this.#running = this.#running.filter((m) => m.dueAt > now);
    for (const migration of due) this.#complete(migration);
  }

  /** The FileMigration record of `id`, or `undefined` for an id never given out. */
  find(id: number): JsonRecord | undefined {
    const migration = this.#all.get(id);
    return migration && this.#record(migration);
  }

  #complete(migration: Migration): void {
    try {
      const source = this.#store.stat(migration.path);
      const total = source ? this.#filesIn(source) : migration.filesTotal;
      const done = this.#store[migration.operation](migration.path, migration.destPath, migration.overwrite);
      migration.filesTotal = total;
      migration.state = 'complete';
      this.#recordDone(migration, done);
    } catch (error) {
      if (!(error instanceof EmulatorApiError)) throw error;
      migration.state = 'failed';
      migration.failureMessage = error.message;
    }
  }

  /** Records a completed migration for the principal that asked for it (`done`: the destination written). */
  #recordDone(migration: Migration, done: FileEntry): void {
    if (migration.actor) this.#events!.record(migration.actor, { action: migration.operation, path: migration.path, destination: done.path });
  }

  #record(m: Migration): JsonRecord {
    let moved = 0;
    let status: string = m.state;
    if (m.state === 'complete') moved = m.filesTotal;
    if (m.state === 'running') {
      const elapsed = Math.max(0, this.#now() - m.startedAt);
      moved = Math.min(m.filesTotal - 1, Math.floor((m.filesTotal * elapsed) / (m.dueAt - m.startedAt)));
      moved = Math.max(0, moved);
      status = moved > 0 ? 'processing' : 'pending';
    }
    return {
      ...migrationBase(),
      id: m.id,
      path: m.path,
      dest_path: m.destPath,
      failure_message: m.failureMessage,
      files_moved: moved,
      files_total: m.filesTotal,
      operation: m.operation,
      status,
      // The emulator keeps no migration logs.
      log_url: null,
    };
  }

  /** Files at or below an entry (1 for a file). */
  #filesIn(entry: FileEntry): number {
    if (entry.type === 'file') return 1;
    let n = 0;
    const folders = [entry.path];
    for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
      for (const child of this.#store.list(folder) ?? []) {
        if (child.type === 'file') n++;
        else folders.push(child.path);
      }
    }
    return n;
  }
}
