import { listReply, listable, type ListableCollection } from '../data/list-reply.js';
import type { Site } from '../data/site.js';
import { operationExample, operationId, operations, rangeFilterFields, type ApiOperationInfo } from '../data/spec-facts.js';
import { TemplateSource } from '../data/template.js';
import { isoSeconds } from '../data/time.js';
import { countOf } from '../data/timeline.js';
import { emptyReply, jsonReply } from '../server/reply.js';
import type { RouteDef } from '../server/routing.js';

/**
 * Non-paginated operations whose answer is an array (the manifest does not say so yet;
 * `files.beginUpload`, the other one, is hand-written).
 */
const ARRAY_ANSWERS = new Set(['files.zipListContents']);

/** The status an operation answers with: 204 without a body, 201 for creations, else 200. */
function statusOf(op: ApiOperationInfo, example: unknown): number {
  if (example === undefined || example === null) return 204;
  const segments = op.path.split('/').filter(Boolean);
  const isAction = segments.length >= 3 && segments[segments.length - 2]!.startsWith('{') && !segments[segments.length - 1]!.startsWith('{');
  return op.httpMethod === 'POST' && !isAction && !op.path.startsWith('/file_actions/begin_upload') ? 201 : 200;
}

/**
 * `listSize` records derived from an operation's example, with ids 1..listSize (when the
 * example has an id). A list that accepts a `created_at` range (the logs, messages,
 * events...) derives `created_at` from `site.timelines.lists` (the `actionLogTimes`
 * layout, non-decreasing in the id) and answers the range by binary search (a range on
 * another field compares with the example's value); its other filters and sorts are ignored.
 * With `logRate` such a list grows as the timeline does; the others keep `listSize`.
 */
function exampleList(site: Site, op: ApiOperationInfo): ListableCollection {
  const example = (operationExample(op) ?? {}) as Record<string, unknown>;
  const derive: Record<string, (id: number) => unknown> = 'id' in example ? { id: (id) => id } : {};
  const filterFields = rangeFilterFields(op, 'created_at');
  const timed = Object.keys(filterFields).length > 0;
  const timeline = site.timelines.lists;
  if (timed) derive['created_at'] = (id) => isoSeconds(timeline.timeOf(id));
  return listable(
    new TemplateSource(timed ? countOf(timeline) : site.options.listSize, example, derive),
    { perPageMax: op.perPageMax ?? 10_000, ...(timed ? { filterFields } : {}) },
    {},
    timed ? ['created_at'] : [],
  );
}

/**
 * Routes for every spec operation without hand-written behaviour: lists answer `listSize`
 * records derived from the example (cursor-paginated, `per_page` limits enforced); other
 * operations answer their example (its `id` set from the path) or 204.
 */
export function genericRoutes(site: Site): RouteDef[] {
  return operations.map((op): RouteDef => {
    if (op.paginated) {
      let lists: ListableCollection | undefined;
      return {
        method: op.httpMethod,
        path: op.path,
        handle: ({ params }) => listReply((lists ??= exampleList(site, op)), params, site.codec),
      };
    }
    return {
      method: op.httpMethod,
      path: op.path,
      handle: ({ pathParams }) => {
        const example = operationExample(op);
        const status = statusOf(op, example);
        if (status === 204) return emptyReply();
        const id = Number(pathParams['id']);
        if (example && typeof example === 'object' && !Array.isArray(example) && 'id' in example && Number.isInteger(id)) {
          (example as Record<string, unknown>)['id'] = id;
        }
        return jsonReply(status, ARRAY_ANSWERS.has(operationId(op)) ? [example] : example);
      },
    };
  });
}
