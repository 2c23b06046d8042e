import { checkLayout, type TimeLayout } from './data/timeline.js';
import type { FaultOptions } from './server/faults.js';

/** Sizes of the synthetic files: uniform in `[min, max]` bytes, with a share of empty files. */
export interface FileSizeOptions {
  /** Smallest non-empty size in bytes. Default 1. */
  min?: number;
  /** Largest size in bytes. Default 4096. */
  max?: number;
  /** Share (0..1) of files that are 0 bytes. Default 0.1. */
  zeroRate?: number;
}

/**
 * The emulator's API key unless `apiKey` says otherwise: letters and digits only, the keys
 * every official SDK accepts (the Python SDK's `check_api_key` refuses a key unless
 * `api_key.isalnum()`; `emulator-key`, the former default, failed it).
 */
export const DEFAULT_API_KEY = 'emulatorkey';

/** Options of {@link createEmulator}. Every count is of synthetic records that cost no memory. */
export interface EmulatorOptions {
  /** Seed of every derived record and of fault injection. Default `1`. */
  seed?: number | string;
  /**
   * The API key accepted in `X-FilesAPI-Key`. Default `'emulatorkey'`.
   * A key given here is accepted as it is, but give letters and digits only when an
   * official SDK will send it: the Python SDK refuses any other key before sending
   * (`api_key.isalnum()`).
   */
  apiKey?: string;
  /** Origin the msw handlers answer on (and `emulator.fetch` assumes). Default `'https://app.files.com'`. */
  baseUrl?: string;
  /** Number of users. Default 100. */
  users?: number;
  /** Number of groups. Default 10. */
  groups?: number;
  /** Number of group memberships (at most users × groups). Default 200. */
  groupUsers?: number;
  /** Number of folder permissions. Default 50. */
  permissions?: number;
  /** Number of API keys (besides the emulator's own). Default 5. */
  apiKeys?: number;
  /** Number of files in the derived folder tree. Default 200. */
  files?: number;
  /** Subfolders per folder in the derived tree. Default 4. */
  folderFanout?: number;
  /** Files per folder in the derived tree. Default 10. */
  filesPerFolder?: number;
  /** Sizes of the derived files. */
  fileSize?: FileSizeOptions;
  /** Number of history records (`/history`). Default 1000. */
  history?: number;
  /** Number of action log records (`/action_logs`). Default 1000. */
  actionLogs?: number;
  /**
   * How action logs' `created_at` are spread over their span (`actionLogs` × 5 s from
   * `2024-01-01T00:00:05Z`), and those of every other list that accepts a `created_at`
   * range: `'uniform'` (one record every 5 s), or `{ burst: { share, width, at? } }`
   * (`share` of the records in a window of `width` of the span; many on the same second).
   * Always non-decreasing in the id. Default `'uniform'`. See `emulator.timeline()`.
   */
  actionLogTimes?: TimeLayout;
  /** The same for history (`when` and `created_at`; `history` × 10 s from `2024-01-01T00:00:10Z`). Default `'uniform'`. */
  historyTimes?: TimeLayout;
  /**
   * Where the time-ranged logs end: their spans (action logs, history, and every other list
   * that accepts a `created_at` range) are placed so that the last record of each is at this
   * instant, rounded down to the second: `'now'` (the clock, `now()`, at creation), a `Date`,
   * or ms since the epoch. Same counts, same layouts (`actionLogTimes`, `historyTimes`), only
   * moved in time, so "the last 7 days" holds records. The initial records exist from the
   * start, even when this instant is later than the clock. Default: the spans start at
   * `2024-01-01T00:00:00Z` (see `actionLogTimes`).
   *
   * @example
   * createEmulator({ actionLogs: 200_000, logsUntil: 'now' }); // the last one at now, one every 5 s before it
   */
  logsUntil?: 'now' | Date | number;
  /**
   * New records per second that each time-ranged log (action logs, history, and every other
   * list that accepts a `created_at` range) gains while the emulator runs: record *k* after
   * the initial ones is dated *k* / `logRate` seconds, rounded up to a whole second, after
   * the clock at creation (rounded down to the second; many records share a second at rates
   * above 1), and exists once the clock (`now`) has reached that time. A listing never shows a record
   * dated before a clock it has already been served at, so an incremental consumer misses
   * none. Content derives from the seed and the record's id, as for the initial records;
   * `emulator.timeline()` counts at the clock. Fractions allowed (0.5: one every 2 s).
   * Default: the logs never grow.
   *
   * @example
   * createEmulator({ logsUntil: 'now', logRate: 50 }); // 50 action logs (and 50 history records...) a second
   */
  logRate?: number;
  /** Records answered by every other paginated operation, derived from its spec example. Default 25. */
  listSize?: number;
  /** `partsize` of upload parts, in bytes. Default 5 MiB. */
  uploadPartSize?: number;
  /** Lifetime of `download_uri` and `upload_uri` URLs, in seconds. Default 60. */
  urlTtlSeconds?: number;
  /**
   * Clock in ms since the epoch: URL expiry, `logsUntil: 'now'`, and which records of a
   * growing log (`logRate`) exist. Tests move it. Default `Date.now`.
   */
  now?: () => number;
  /** Fault injection from the first request on; change later with `emulator.setFaults`. */
  faults?: FaultOptions;
  /**
   * At most this many API requests in flight at once: one more is answered at once (after
   * the latency) with `429 rate-limited/too-many-concurrent-requests` and `Retry-After`,
   * as a real rate limit. Presigned URLs and control paths are not limited. Default: no limit.
   */
  maxConcurrent?: number;
  /** `Retry-After` of the `429`s of `maxConcurrent`, in seconds (or any header value); `null` sends none. Default 1. */
  concurrencyRetryAfter?: number | string | null;
  /** How many recent requests `emulator.requests` keeps. Default 1000. */
  requestLogLimit?: number;
  /**
   * How long a copy or move of a folder takes, in ms of the clock (`now`): until then its
   * file migration is `pending`/`processing` and nothing of it is visible. A single file's
   * is done at once; 0 does every one at once. Default 1000.
   */
  migrationMs?: number;
}

/** Options with every default applied. */
export interface ResolvedOptions {
  readonly seed: number;
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly users: number;
  readonly groups: number;
  readonly groupUsers: number;
  readonly permissions: number;
  readonly apiKeys: number;
  readonly files: number;
  readonly folderFanout: number;
  readonly filesPerFolder: number;
  readonly fileSize: Required<FileSizeOptions>;
  readonly history: number;
  readonly actionLogs: number;
  readonly actionLogTimes: TimeLayout;
  readonly historyTimes: TimeLayout;
  /** The instant the logs end at, in ms since the epoch (`'now'` resolved at creation); `undefined`: they start at 2024-01-01. */
  readonly logsUntil: number | undefined;
  /** Records per second each log gains; `undefined`: the logs never grow. */
  readonly logRate: number | undefined;
  readonly listSize: number;
  readonly uploadPartSize: number;
  readonly urlTtlSeconds: number;
  /** The emulator's clock, in ms since the epoch (`Date.now` unless `now` was given). */
  readonly now: () => number;
  readonly faults: FaultOptions;
  /** `undefined`: no limit. */
  readonly maxConcurrent: number | undefined;
  readonly concurrencyRetryAfter: number | string | null;
  readonly requestLogLimit: number;
  readonly migrationMs: number;
}

function count(value: number | undefined, fallback: number, name: string, min = 0): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min) throw new RangeError(`createEmulator: ${name} must be an integer >= ${min}`);
  return n;
}

/** `logsUntil` as ms since the epoch (`'now'` read from the clock); `undefined` when not given. */
function instantOf(value: EmulatorOptions['logsUntil'], now: () => number): number | undefined {
  if (value === undefined) return undefined;
  const ms = value === 'now' ? now() : value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError("createEmulator: logsUntil must be 'now', a valid Date or ms since the epoch");
  return ms;
}

/** `logRate`, checked: a finite number above 0, or `undefined`. */
function rateOf(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw new RangeError('createEmulator: logRate must be a finite number of records per second above 0');
  return value;
}

/** Applies defaults and checks ranges. */
export function resolveOptions(options: EmulatorOptions, normalizeSeed: (seed: number | string) => number): ResolvedOptions {
  const users = count(options.users, 100, 'users');
  const groups = count(options.groups, 10, 'groups');
  const now = options.now ?? Date.now;
  return {
    seed: normalizeSeed(options.seed ?? 1),
    apiKey: options.apiKey ?? DEFAULT_API_KEY,
    baseUrl: (options.baseUrl ?? 'https://app.files.com').replace(/\/+$/, ''),
    users,
    groups,
    groupUsers: Math.min(count(options.groupUsers, 200, 'groupUsers'), users * groups),
    permissions: count(options.permissions, 50, 'permissions'),
    apiKeys: count(options.apiKeys, 5, 'apiKeys'),
    files: count(options.files, 200, 'files'),
    folderFanout: count(options.folderFanout, 4, 'folderFanout', 1),
    filesPerFolder: count(options.filesPerFolder, 10, 'filesPerFolder', 1),
    fileSize: {
      min: count(options.fileSize?.min, 1, 'fileSize.min'),
      max: count(options.fileSize?.max, 4096, 'fileSize.max'),
      zeroRate: options.fileSize?.zeroRate ?? 0.1,
    },
    history: count(options.history, 1000, 'history'),
    actionLogs: count(options.actionLogs, 1000, 'actionLogs'),
    actionLogTimes: checkLayout(options.actionLogTimes, 'actionLogTimes'),
    historyTimes: checkLayout(options.historyTimes, 'historyTimes'),
    logsUntil: instantOf(options.logsUntil, now),
    logRate: rateOf(options.logRate),
    listSize: count(options.listSize, 25, 'listSize'),
    uploadPartSize: count(options.uploadPartSize, 5 * 1024 * 1024, 'uploadPartSize', 1),
    urlTtlSeconds: count(options.urlTtlSeconds, 60, 'urlTtlSeconds', 1),
    now,
    faults: options.faults ?? {},
    maxConcurrent: options.maxConcurrent === undefined ? undefined : count(options.maxConcurrent, 0, 'maxConcurrent', 1),
    concurrencyRetryAfter: options.concurrencyRetryAfter === undefined ? 1 : options.concurrencyRetryAfter,
    requestLogLimit: count(options.requestLogLimit, 1000, 'requestLogLimit'),
    migrationMs: count(options.migrationMs, 1000, 'migrationMs'),
  };
}
