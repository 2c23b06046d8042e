import { toComparable } from '../../paths/index.js';
import { hash3, Salt } from '../data/hash.js';
import { mergedListable, WRITTEN_INTERFACE, WRITTEN_IP, type WrittenLog } from '../data/journal.js';
import { listReply, type ListableCollection } from '../data/list-reply.js';
import { historyActions, interfaces, pick } from '../data/names.js';
import type { Site } from '../data/site.js';
import { modelExample } from '../data/spec-facts.js';
import { TemplateSource, type FieldDeriver } from '../data/template.js';
import type { FilterClause } from '../data/list-query.js';
import { isoSeconds } from '../data/time.js';
import { countOf } from '../data/timeline.js';
import { fail } from '../server/errors.js';
import { stringParam, type Params } from '../server/params.js';
import type { RouteDef } from '../server/routing.js';
import { parseUtcTime } from '../../core/time.js';

/** One derived history event: who did what to which file. */
export interface EventBits {
  readonly hash: number;
  readonly action: string;
  /** The file's path ('' for logins); derived on first read, as it costs O(depth). */
  readonly path: string;
  readonly userId: number | null;
}

class Event implements EventBits {
  #path: string | undefined;

  constructor(
    readonly hash: number,
    readonly action: string,
    readonly userId: number | null,
    readonly pathOf: () => string,
  ) {}

  get path(): string {
    return (this.#path ??= this.pathOf());
  }
}

/** Derives event `id` of a stream (`salt` tells history and action logs apart); memoised for the last id. */
export function eventBits(site: Site, salt: number): (id: number) => EventBits {
  const { seed, users, files } = site.options;
  let lastId = -1;
  let last: EventBits | undefined;
  return (id) => {
    if (id === lastId && last) return last;
    const hash = hash3(seed, salt, id);
    const action = files === 0 ? 'login' : pick(historyActions, hash);
    const userId = users > 0 ? ((hash >>> 8) % users) + 1 : null;
    lastId = id;
    last = new Event(hash, action, userId, () => (action === 'login' ? '' : site.files.tree.filePath((hash >>> 4) % files)));
    return last;
  };
}

/** An IPv4 address from a hash. */
export function ipOf(hash: number, id: number): string {
  return `10.${(hash >>> 16) & 255}.${(hash >>> 24) & 255}.${id % 254 + 1}`;
}

/** The folder of a path ('' at the root). */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The fields a written record (1-based in write order) takes from its event; its others are the model example's. */
export function writtenEventFields(
  log: WrittenLog,
): Record<'path' | 'action' | 'userId' | 'username' | 'time' | 'destination' | 'source' | 'folder', FieldDeriver> {
  const event = (w: number) => log.event(w);
  return {
    path: (w) => event(w).path,
    action: (w) => event(w).action,
    userId: (w) => event(w).userId,
    username: (w) => event(w).username,
    time: (w) => isoSeconds(event(w).time),
    destination: (w) => event(w).destination,
    // "The source path for this action, if applicable": of a move or copy, as the derived records.
    source: (w) => (event(w).destination === null ? null : event(w).path),
    folder: (w) => folderOf(event(w).path),
  };
}

/**
 * History records (`Action`): increasing ids and `when`, users, files of the derived tree;
 * with `logRate`, new ones keep arriving (the count follows `site.timelines.history`). The
 * records of writes made during the run (`site.journal.history`) take their places among
 * them: after every record that existed when they were written.
 */
export function createHistory(site: Site): ListableCollection {
  const bits = eventBits(site, Salt.history);
  const username = (id: number) => {
    const user = bits(id).userId;
    return user === null ? null : (site.users.collection.field(user, 'username') ?? null);
  };
  const moves = (id: number) => bits(id).action === 'move' || bits(id).action === 'copy';
  const log = site.journal.history;
  const timeline = log.derived;
  const when = (id: number) => isoSeconds(timeline.timeOf(id));
  const example = modelExample('Action');
  const derived = new TemplateSource(countOf(timeline), example, {
    id: (id) => log.idOfDerived(id),
    path: (id) => bits(id).path,
    when,
    destination: (id) => (moves(id) ? `${bits(id).path}.${bits(id).action === 'move' ? 'moved' : 'copy'}` : null),
    display: (id) => `${username(id) ?? 'someone'} ${bits(id).action} ${bits(id).path}`.trim(),
    ip: (id) => ipOf(bits(id).hash, id),
    source: (id) => (moves(id) ? bits(id).path : null),
    targets: () => ({}),
    user_id: (id) => bits(id).userId,
    username,
    user_is_from_parent_site: () => false,
    action: (id) => bits(id).action,
    failure_type: () => 'none',
    interface: (id) => pick(interfaces, bits(id).hash >>> 12),
  }, {
    created_at: when,
    folder: (id) => folderOf(bits(id).path),
  });
  const w = writtenEventFields(log);
  const written = new TemplateSource(() => log.size, example, {
    id: (i) => log.idOfWritten(i),
    path: w.path,
    when: w.time,
    destination: w.destination,
    display: (i) => `${log.event(i).username ?? 'someone'} ${log.event(i).action} ${log.event(i).path}`.trim(),
    ip: () => WRITTEN_IP,
    source: w.source,
    targets: () => ({}),
    user_id: w.userId,
    username: w.username,
    user_is_from_parent_site: () => false,
    action: w.action,
    failure_type: () => 'none',
    interface: () => WRITTEN_INTERFACE,
  }, {
    created_at: w.time,
    folder: w.folder,
  });
  return mergedListable(log, derived, written, {
    perPageMax: 10_000,
    sortFields: ['created_at'],
    filterFields: { filter: ['user_id', 'folder', 'path'], filter_prefix: ['path'] },
  }, ['created_at']);
}

/** The earliest and latest instants an ISO filter value can name (years 0001 to 9999). */
const MIN_MS = Date.parse('0001-01-01T00:00:00Z');
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * `start_at` / `end_at` (both inclusive) as filter clauses on `created_at` (the same instant
 * as `when`), so the listing answers them by binary search like any time range.
 */
function timeWindow(params: Params): FilterClause[] {
  const start = stringParam(params, 'start_at');
  const end = stringParam(params, 'end_at');
  const clauses: FilterClause[] = [];
  for (const [name, value, operator] of [['start_at', start, 'filter_gteq'], ['end_at', end, 'filter_lteq']] as const) {
    if (!value) continue;
    const ms = parseUtcTime(value);
    if (Number.isNaN(ms)) fail(400, 'bad-request/datetime-parse', `${name} must be a date-time.`);
    clauses.push({ operator, field: 'created_at', value: new Date(Math.min(Math.max(ms, MIN_MS), MAX_MS)).toISOString() });
  }
  return clauses;
}

/** Routes of `/history`: the whole site, a folder (recursively), a file, a user, logins. */
export function historyRoutes(site: Site): RouteDef[] {
  const { collection } = site.history;
  const list = (params: Params, match?: (id: number) => boolean) => listReply(site.history, params, site.codec, match, timeWindow(params));
  const pathOf = (id: number) => toComparable(String(collection.field(id, 'path')));
  return [
    { method: 'GET', path: '/history', handle: ({ params }) => list(params) },
    { method: 'GET', path: '/history/login', handle: ({ params }) => list(params, (id) => collection.field(id, 'action') === 'login') },
    {
      method: 'GET',
      path: '/history/folders/{path}',
      handle: ({ params, pathParams }) => {
        const folder = toComparable(pathParams['path'] ?? '');
        return list(params, folder === '' ? (id) => pathOf(id) !== '' : (id) => pathOf(id).startsWith(`${folder}/`));
      },
    },
    {
      method: 'GET',
      path: '/history/files/{path}',
      handle: ({ params, pathParams }) => {
        const file = toComparable(pathParams['path'] ?? '');
        return list(params, (id) => pathOf(id) === file);
      },
    },
    {
      method: 'GET',
      path: '/history/users/{user_id}',
      handle: ({ params, pathParams }) => {
        const user = Number(pathParams['user_id']);
        return list(params, (id) => collection.field(id, 'user_id') === user);
      },
    },
  ];
}
