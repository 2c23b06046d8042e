import { toComparable } from '../../paths/index.js';
import type { SortKey, SortValue } from '../data/cursor.js';
import { pageReply } from '../data/list-reply.js';
import { parseListQuery } from '../data/list-query.js';
import { compareValues, type OrderedView } from '../data/ordering.js';
import { readPage } from '../data/paging.js';
import type { Site } from '../data/site.js';
import { fail } from '../server/errors.js';
import { boolParam, stringParam, timeParam } from '../server/params.js';
import { jsonReply } from '../server/reply.js';
import type { RouteDef } from '../server/routing.js';
import { contentSize } from './content.js';
import { fileRecord } from './file-record.js';
import type { FileEntry } from './store.js';

/** Sort fields of a folder listing. */
const folderSortFields = ['path', 'size', 'modified_at_datetime', 'provided_modified_at'] as const;

type Tuple = [rank: number, value: SortValue, name: string];

function sortValue(entry: FileEntry, field: string | undefined): SortValue {
  switch (field) {
    case 'size':
      return entry.content ? contentSize(entry.content) : 0;
    case 'modified_at_datetime':
      return entry.mtime;
    case 'provided_modified_at':
      return entry.providedMtime ?? null;
    default:
      return toComparable(entry.path);
  }
}

/**
 * One folder's entries as an ordered view: folders always before files, then by the sort
 * field (default: path, ascending), then by name. Cursor keys carry `[rank, value, name]`,
 * so a cursor stays valid when entries are added to or removed from the folder.
 */
function folderView(entries: readonly FileEntry[], field: string | undefined, descending: boolean): { view: OrderedView; entries: FileEntry[] } {
  const sign = descending ? -1 : 1;
  const tupleOf = (entry: FileEntry): Tuple => [entry.type === 'directory' ? 0 : 1, sortValue(entry, field), toComparable(entry.path)];
  const compare = (a: Tuple, b: Tuple): number =>
    a[0] - b[0] || sign * compareValues(a[1], b[1]) || sign * compareValues(a[2], b[2]);
  const decorated = entries.map((entry) => ({ entry, tuple: tupleOf(entry) }));
  decorated.sort((a, b) => compare(a.tuple, b.tuple));
  const tuples = decorated.map((d) => d.tuple);
  const view: OrderedView = {
    length: tuples.length,
    idAt: (position) => position,
    keyOf: (position): SortKey => [JSON.stringify(tuples[position]), 0],
    locate: ([value]) => {
      let key: Tuple;
      try {
        key = JSON.parse(String(value)) as Tuple;
      } catch {
        return { position: 0, exact: false };
      }
      let lo = 0;
      let hi = tuples.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compare(tuples[mid]!, key) < 0) lo = mid + 1;
        else hi = mid;
      }
      return { position: lo, exact: lo < tuples.length && compare(tuples[lo]!, key) === 0 };
    },
  };
  return { view, entries: decorated.map((d) => d.entry) };
}

/** Routes of `/folders`: list one folder (folders first, cursor-paginated, sortable), create a folder. */
export function folderRoutes(site: Site): RouteDef[] {
  const store = site.files;
  return [
    {
      method: 'GET',
      path: '/folders/{path}',
      handle: ({ params, pathParams }) => {
        const path = pathParams['path'] ?? '';
        const query = parseListQuery(params, { perPageMax: 10_000, sortFields: folderSortFields }, site.codec);
        let entries = store.list(path);
        if (!entries) {
          if (store.stat(path)) fail(400, 'bad-request/folder-must-not-be-a-file', `${path} is a file.`);
          fail(404, 'not-found/file-not-found', `Folder ${path} not found.`);
        }
        const type = stringParam(params, 'type');
        const search = stringParam(params, 'search')?.toLowerCase();
        if (type || search) {
          entries = entries.filter(
            (e) => (!type || e.type === type) && (!search || e.path.slice(e.path.lastIndexOf('/') + 1).toLowerCase().includes(search)),
          );
        }
        const sorted = folderView(entries, query.sortField, query.descending);
        const page = readPage({ view: sorted.view, order: query.order, perPage: query.perPage, cursor: query.cursor });
        return pageReply(page.ids.map((i) => JSON.stringify(fileRecord(sorted.entries[i]!))), page, site.codec);
      },
    },
    {
      method: 'POST',
      path: '/folders/{path}',
      handle: ({ params, pathParams }) => {
        const entry = store.mkdir(pathParams['path'] ?? '', {
          mkdirParents: boolParam(params, 'mkdir_parents'),
          providedMtime: timeParam(params, 'provided_mtime'),
        });
        return jsonReply(201, fileRecord(entry));
      },
    },
  ];
}
