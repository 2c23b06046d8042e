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

/** Options of {@link createEmulator}. Every count is of synthetic records that cost no memory. */
export interface EmulatorOptions {
  /** Seed of every derived record and of fault injection. Default `1`. */
  seed?: number | string;
  /** The API key accepted in `X-FilesAPI-Key`. Default `'emulator-key'`. */
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
  /** Records answered by every other paginated operation, derived from its spec example. Default 25. */
  listSize?: number;
  /** `partsize` of upload parts, in bytes. Default 5 MiB. */
  uploadPartSize?: number;
  /** Lifetime of `download_uri` and `upload_uri` URLs, in seconds. Default 60. */
  urlTtlSeconds?: number;
  /** Clock in ms since the epoch (for testing expiry). Default `Date.now`. */
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
  readonly listSize: number;
  readonly uploadPartSize: number;
  readonly urlTtlSeconds: number;
  readonly now: () => number;
  readonly faults: FaultOptions;
  /** `undefined`: no limit. */
  readonly maxConcurrent: number | undefined;
  readonly concurrencyRetryAfter: number | string | null;
  readonly requestLogLimit: number;
}

function count(value: number | undefined, fallback: number, name: string, min = 0): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min) throw new RangeError(`createEmulator: ${name} must be an integer >= ${min}`);
  return n;
}

/** Applies defaults and checks ranges. */
export function resolveOptions(options: EmulatorOptions, normalizeSeed: (seed: number | string) => number): ResolvedOptions {
  const users = count(options.users, 100, 'users');
  const groups = count(options.groups, 10, 'groups');
  return {
    seed: normalizeSeed(options.seed ?? 1),
    apiKey: options.apiKey ?? 'emulator-key',
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
    listSize: count(options.listSize, 25, 'listSize'),
    uploadPartSize: count(options.uploadPartSize, 5 * 1024 * 1024, 'uploadPartSize', 1),
    urlTtlSeconds: count(options.urlTtlSeconds, 60, 'urlTtlSeconds', 1),
    now: options.now ?? Date.now,
    faults: options.faults ?? {},
    maxConcurrent: options.maxConcurrent === undefined ? undefined : count(options.maxConcurrent, 0, 'maxConcurrent', 1),
    concurrencyRetryAfter: options.concurrencyRetryAfter === undefined ? 1 : options.concurrencyRetryAfter,
    requestLogLimit: count(options.requestLogLimit, 1000, 'requestLogLimit'),
  };
}
