import { Salt } from '../data/hash.js';
import { mergedListable, WRITTEN_INTERFACE, WRITTEN_IP } from '../data/journal.js';
import { listReply, type ListableCollection } from '../data/list-reply.js';
import { interfaces, pick } from '../data/names.js';
import type { Site } from '../data/site.js';
import { modelExample } from '../data/spec-facts.js';
import { TemplateSource } from '../data/template.js';
import { isoSeconds } from '../data/time.js';
import { countOf } from '../data/timeline.js';
import type { RouteDef } from '../server/routing.js';
import { eventBits, folderOf, ipOf, writtenEventFields } from './history.js';

/**
 * Action log records: `created_at` never decreases as the (internal) id grows (see
 * `site.timelines.actionLogs`), so a `created_at` range is answered by binary search;
 * filters on folder, path, user, time. With `logRate`, records keep arriving: the count
 * follows the timeline (and so the clock). The records of writes made during the run
 * (`site.journal.actionLogs`) take their places among them: after every record that existed
 * when they were written.
 */
export function createActionLogs(site: Site): ListableCollection {
  const bits = eventBits(site, Salt.actionLog);
  const moves = (id: number) => bits(id).action === 'move' || bits(id).action === 'copy';
  const log = site.journal.actionLogs;
  const timeline = log.derived;
  const example = modelExample('ActionLog');
  const derived = new TemplateSource(countOf(timeline), example, {
    action: (id) => bits(id).action,
    created_at: (id) => isoSeconds(timeline.timeOf(id)),
    destination: (id) => (moves(id) ? `${bits(id).path}.${bits(id).action === 'move' ? 'moved' : 'copy'}` : null),
    failure_type: () => null,
    folder: (id) => folderOf(bits(id).path),
    interface: (id) => pick(interfaces, bits(id).hash >>> 12),
    ip: (id) => ipOf(bits(id).hash, id),
    path: (id) => bits(id).path,
    src: (id) => (moves(id) ? bits(id).path : null),
    user_id: (id) => bits(id).userId,
    username: (id) => {
      const user = bits(id).userId;
      return user === null ? null : (site.users.collection.field(user, 'username') ?? null);
    },
  });
  const w = writtenEventFields(log);
  const written = new TemplateSource(() => log.size, example, {
    action: w.action,
    created_at: w.time,
    destination: w.destination,
    failure_type: () => null,
    folder: w.folder,
    interface: () => WRITTEN_INTERFACE,
    ip: () => WRITTEN_IP,
    path: w.path,
    src: w.source,
    user_id: w.userId,
    username: w.username,
  });
  const fields = ['folder', 'path', 'src', 'destination', 'created_at', 'user_id', 'username'];
  return mergedListable(log, derived, written, {
    perPageMax: 1000,
    filterFields: {
      filter: fields,
      filter_prefix: ['folder', 'path', 'src', 'destination', 'username'],
      filter_gt: ['created_at'],
      filter_gteq: ['created_at'],
      filter_lt: ['created_at'],
      filter_lteq: ['created_at'],
    },
  }, ['created_at']);
}

/** Route of `/action_logs`. */
export function actionLogRoutes(site: Site): RouteDef[] {
  return [{ method: 'GET', path: '/action_logs', handle: ({ params }) => listReply(site.actionLogs, params, site.codec) }];
}
