import { FileMigrations } from '../fs/migrations.js';
import { FileStore } from '../fs/store.js';
import { DerivedTree } from '../fs/tree.js';
import { UploadSessions } from '../fs/uploads.js';
import type { ResolvedOptions } from '../options.js';
import { createActionLogs } from '../resources/action-logs.js';
import { createApiKeys } from '../resources/api-keys.js';
import { createGroupUsers } from '../resources/group-users.js';
import { createGroups } from '../resources/groups.js';
import { createHistory } from '../resources/history.js';
import { Memberships } from '../resources/memberships.js';
import { createPermissions } from '../resources/permissions.js';
import { createUsers } from '../resources/users.js';
import { CursorCodec } from './cursor.js';
import { hash3, Salt } from './hash.js';
import { Journal } from './journal.js';
import type { ListableCollection } from './list-reply.js';
import { createTimeline, type Timeline, type TimelinePlacement } from './timeline.js';

/** Spacing in ms of uniformly laid out action logs (and of the records of other time-ranged lists). */
export const ACTION_LOG_STEP_MS = 5_000;
/** Spacing in ms of uniformly laid out history records. */
export const HISTORY_STEP_MS = 10_000;

/** The emulated site: every collection and store, shared by all route handlers and front ends. */
export interface Site {
  readonly options: ResolvedOptions;
  readonly codec: CursorCodec;
  readonly memberships: Memberships;
  readonly users: ListableCollection;
  readonly groups: ListableCollection;
  readonly groupUsers: ListableCollection;
  readonly permissions: ListableCollection;
  readonly apiKeys: ListableCollection;
  readonly history: ListableCollection;
  readonly actionLogs: ListableCollection;
  /**
   * The history and action log records of what the API did during the run (uploads,
   * downloads, copies, moves, deletions, folder creations), merged after the derived ones.
   */
  readonly journal: Journal;
  readonly files: FileStore;
  /** Copies and moves in the background (`GET /file_migrations/{id}`), on `files`. */
  readonly migrations: FileMigrations;
  readonly uploads: UploadSessions;
  /** API keys accepted besides `options.apiKey` (created with `POST /api_keys`), mapped to their record id. */
  readonly extraKeys: Map<string, number>;
  /** Live session ids (from `POST /sessions`), mapped to their user id. */
  readonly sessions: Map<string, number>;
  /** Secret that keys cursor checksums and URL signatures. */
  readonly secret: number;
  /**
   * When derived records happened: action logs, history, and the other lists that accept a
   * `created_at` range (`listSize` records each). With `logRate` their counts follow the
   * clock, and so do the collections derived from them. Those of action logs and history
   * also hold the records written during the run (`journal`), in their places.
   */
  readonly timelines: { readonly actionLogs: Timeline; readonly history: Timeline; readonly lists: Timeline };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Builds the site. Costs O(1) whatever the counts: collections derive their records on
 * demand. Collections refer to each other (a user's groups, a membership's names) through
 * the site object, read only when a record is derived.
 */
export function buildSite(options: ResolvedOptions): Site {
  const secret = hash3(options.seed, Salt.cursor, 0);
  const placement: TimelinePlacement = {
    until: options.logsUntil,
    rate: options.logRate,
    clock: options.now,
    ...(options.logRate ? { startedAt: options.now() } : {}),
  };
  const site = {
    options,
    secret,
    codec: new CursorCodec(secret),
    memberships: new Memberships(options.users, options.groups, options.groupUsers),
    uploads: new UploadSessions(secret),
    extraKeys: new Map(),
    sessions: new Map(),
  } as Partial<Mutable<Site>>;
  const full = site as Mutable<Site>;
  full.journal = new Journal(full, {
    actionLogs: createTimeline(options.actionLogs, ACTION_LOG_STEP_MS, options.actionLogTimes, placement),
    history: createTimeline(options.history, HISTORY_STEP_MS, options.historyTimes, placement),
  });
  full.timelines = {
    actionLogs: full.journal.actionLogs.timeline,
    history: full.journal.history.timeline,
    lists: createTimeline(options.listSize, ACTION_LOG_STEP_MS, options.actionLogTimes, placement),
  };
  full.files = new FileStore(new DerivedTree(options), options.seed, options.now, full.journal);
  full.migrations = new FileMigrations(full.files, options.now, options.migrationMs, full.journal);
  full.users = createUsers(full);
  full.groups = createGroups(full);
  full.groupUsers = createGroupUsers(full);
  full.permissions = createPermissions(full);
  full.apiKeys = createApiKeys(full);
  full.history = createHistory(full);
  full.actionLogs = createActionLogs(full);
  return full;
}
