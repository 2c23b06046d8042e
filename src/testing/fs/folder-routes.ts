import { normalizePath, toComparable } from '../../paths/index.js';
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
import { customMetadataOf, fileRecord, providedMtimeOf, recordView } from './file-record.js';
import { refuseSpecialPath } from './special-paths.js';
import { refuseTrailingWhitespace, type FileEntry, type FileStore } from './store.js';

/** Sort fields of a folder listing. */
const folderSortFields = ['path', 'size', 'modified_at_datetime', 'provided_modified_at'] as const;

type Tuple = [rank: number, value: SortValue, name: string];

function sortValue(site: Site, entry: FileEntry, field: string | undefined): SortValue {
  switch (field) {
    case 'size':
      return entry.content ? contentSize(entry.content) : 0;
    case 'modified_at_datetime':
      return entry.mtime;
    case 'provided_modified_at':
      return providedMtimeOf(site, entry) ?? null;
    default:
      return toComparable(entry.path);
  }
}

/**
 * One folder's entries as an ordered view: folders always before files, then by the sort
 * field (default: path, ascending), then by name. Cursor keys carry `[rank, value, name]`,
 * so a cursor stays valid when entries are added to or removed from the folder.
 */
function folderView(site: Site, entries: readonly FileEntry[], field: string | undefined, descending: boolean): { view: OrderedView; entries: FileEntry[] } {
  const sign = descending ? -1 : 1;
  const tupleOf = (entry: FileEntry): Tuple => [entry.type === 'directory' ? 0 : 1, sortValue(site, entry, field), toComparable(entry.path)];
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

/** The `type` values of a folder listing ("Can be `folder` or `file`"), as the entries' own `type`. */
const listedTypes: Readonly<Record<string, FileEntry['type']>> = { folder: 'directory', file: 'file' };

/**
 * The filters of a folder listing, as the official SDKs document `Folder.listFor`:
 *
 * - `type`: "Type of objects to return.  Can be `folder` or `file`." Any other value
 *   (`directory` included: that is a File record's own `type`, not a value of this
 *   parameter) is a `400 bad-request/request-params-invalid`.
 * - `search`: "will search the folders/files list by name. Ignores text before last `/`."
 *   Case is ignored.
 * - `modified_at_datetime`: "will only return files/folders modified after this time. Can
 *   be used only in combination with `type` filter." After: the entry's `mtime`, in whole
 *   seconds as it is listed, is later than that time. Without `type` it is a
 *   `400 bad-request/request-params-required`.
 * - `search_custom_metadata_key`: "If provided, the search string in `search` will search
 *   for files where this custom metadata key matches the value sent in `search`.  Set this
 *   to `*` to allow any metadata key to match the value sent in `search`." (JS SDK v1.2.722
 *   docs/models/Folder.md). A value matches when it contains the whole `search` string,
 *   case-sensitively ("Searching Custom Metadata values is case sensitive", Files.com's Custom
 *   Metadata docs); the key is compared exactly. Without `search` it filters nothing.
 */
function listingFilter(params: Record<string, unknown>, metadataOf: (entry: FileEntry) => Readonly<Record<string, string>>): ((entry: FileEntry) => boolean) | undefined {
  const typeParam = stringParam(params, 'type');
  let type: FileEntry['type'] | undefined;
  if (typeParam !== undefined && typeParam !== '') {
    type = Object.hasOwn(listedTypes, typeParam) ? listedTypes[typeParam] : undefined;
    if (!type) fail(400, 'bad-request/request-params-invalid', `type must be folder or file, not ${JSON.stringify(typeParam)}.`);
  }
  const after = timeParam(params, 'modified_at_datetime');
  if (after !== undefined && !type) {
    fail(400, 'bad-request/request-params-required', 'modified_at_datetime can be used only in combination with type (folder or file).');
  }
  const rawSearch = stringParam(params, 'search');
  const metadataKey = stringParam(params, 'search_custom_metadata_key') || undefined;
  let matches: ((entry: FileEntry) => boolean) | undefined;
  if (rawSearch && metadataKey) {
    matches = (e) => {
      const metadata = metadataOf(e);
      const values = metadataKey === '*' ? Object.values(metadata) : Object.hasOwn(metadata, metadataKey) ? [metadata[metadataKey]!] : [];
      return values.some((value) => value.includes(rawSearch));
    };
  } else {
    const search = rawSearch?.slice(rawSearch.lastIndexOf('/') + 1).toLowerCase() || undefined;
    if (search !== undefined) matches = (e) => e.path.slice(e.path.lastIndexOf('/') + 1).toLowerCase().includes(search);
  }
  if (!type && after === undefined && !matches) return undefined;
  return (e) =>
    (!type || e.type === type) &&
    (after === undefined || Math.floor(e.mtime / 1000) * 1000 > after) &&
    (!matches || matches(e));
}

/** Every file and folder below the root, at any depth (`search_all`: "we will search the entire site"). */
function everyEntry(store: FileStore): FileEntry[] {
  const out: FileEntry[] = [];
  const folders = [''];
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    for (const entry of store.list(folder) ?? []) {
      out.push(entry);
      if (entry.type === 'directory') folders.push(entry.path);
    }
  }
  return out;
}

/**
 * Routes of `/folders`: list one folder (folders first, cursor-paginated, sortable,
 * filtered by `type`, `search` (by name or custom metadata), `modified_at_datetime`; or, with
 * `search_all`, the whole site; records with previews and priority colors when asked),
 * create a folder. Neither takes a path with a name that ends in white space, nor a path
 * below `_/RemoteServers`, `_/Snapshots` or `_/Sites` (special-paths.ts).
 */
export function folderRoutes(site: Site): RouteDef[] {
  const store = site.files;
  return [
    {
      method: 'GET',
      path: '/folders/{path}',
      handle: ({ params, pathParams, origin }) => {
        const path = pathParams['path'] ?? '';
        refuseSpecialPath(path);
        refuseTrailingWhitespace(path, 'every-name');
        const query = parseListQuery(params, { perPageMax: 10_000, sortFields: folderSortFields }, site.codec);
        const view = recordView(params, origin);
        // "search_all: Search entire site?  If true, we will search the entire site.  Do not
        // provide a path when using this parameter." A path below the root is refused.
        const searchAll = boolParam(params, 'search_all');
        if (searchAll && normalizePath(path) !== '') {
          fail(400, 'bad-request/search-all-on-child-path', 'search_all searches the entire site: list the root folder (/) with it.');
        }
        let entries = searchAll ? everyEntry(store) : store.list(path);
        if (!entries) {
          if (store.stat(path)) fail(400, 'bad-request/folder-must-not-be-a-file', `${path} is a file.`);
          fail(404, 'not-found/file-not-found', `Folder ${path} not found.`);
        }
        const keep = listingFilter(params, (entry) => customMetadataOf(site, entry));
        if (keep) entries = entries.filter(keep);
        const sorted = folderView(site, entries, query.sortField, query.descending);
        const page = readPage({ view: sorted.view, order: query.order, perPage: query.perPage, cursor: query.cursor });
        return pageReply(page.ids.map((i) => JSON.stringify(fileRecord(site, sorted.entries[i]!, view))), page, site.codec);
      },
    },
    {
      method: 'POST',
      path: '/folders/{path}',
      handle: ({ params, pathParams, principal }) => {
        const path = pathParams['path'] ?? '';
        refuseSpecialPath(path);
        refuseTrailingWhitespace(path, 'every-name');
        site.journal.actAs(principal);
        const entry = store.mkdir(path, {
          mkdirParents: boolParam(params, 'mkdir_parents'),
          providedMtime: timeParam(params, 'provided_mtime'),
        });
        return jsonReply(201, fileRecord(site, entry));
      },
    },
  ];
}
