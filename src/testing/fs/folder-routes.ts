import { fail } from '../errors.js';
import { pageReply } from '../list-reply.js';
import { parseListQuery } from '../list-query.js';
import { readPage } from '../paging.js';
import { boolParam, stringParam } from '../params.js';
import { jsonReply } from '../reply.js';
import type { RouteDef } from '../route.js';
import type { Site } from '../site.js';
import { fileRecord } from './file-record.js';
import { folderSortFields, folderView } from './folder-listing.js';

/** Parses a `provided_mtime` parameter (ms), or `undefined`. */
export function providedMtime(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) fail(400, 'bad-request/datetime-parse', 'provided_mtime must be a date-time.');
  return ms;
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
          providedMtime: providedMtime(stringParam(params, 'provided_mtime')),
        });
        return jsonReply(201, fileRecord(entry));
      },
    },
  ];
}
