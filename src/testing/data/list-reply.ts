import type { Params } from '../server/params.js';
import { jsonTextReply, type Reply } from '../server/reply.js';
import { ByteWriter, releaseBuffer } from './byte-writer.js';
import { Collection } from './collection.js';
import type { CursorCodec } from './cursor.js';
import { splitRange } from './id-range.js';
import { clauseMatches, parseListQuery, type FilterClause, type ListCapabilities, type ListQuery } from './list-query.js';
import { idOrder, SortedIndexes, type OrderedView } from './ordering.js';
import { readPage, type PageResult } from './paging.js';
import type { FieldDeriver, TemplateSource } from './template.js';

/** A collection that can be listed with cursors, sorting and filters. */
export interface ListableCollection {
  readonly collection: Collection;
  readonly indexes: SortedIndexes;
  readonly capabilities: ListCapabilities;
  /**
   * Fields whose values never decrease as the id grows (`created_at` of logs): sorting by
   * one is served from the id order, without an index, and a range filter on one
   * (`filter_gt`/`gteq`/`lt`/`lteq`, history's `start_at`/`end_at`) by binary search.
   */
  readonly monotonicFields?: readonly string[];
}

/** Wraps a template source into a listable collection. */
export function listable(
  source: TemplateSource,
  capabilities: ListCapabilities,
  live: Record<string, FieldDeriver> = {},
  monotonicFields: readonly string[] = [],
): ListableCollection {
  const collection = new Collection(source, live);
  return { collection, indexes: new SortedIndexes(collection), capabilities, monotonicFields };
}

/** The view a query reads: id order, a monotonic field (also id order), or a sorted index. */
function viewFor(listable: ListableCollection, query: ListQuery): OrderedView {
  const { sortField, descending } = query;
  if (sortField === undefined) return idOrder(listable.collection, descending);
  if (listable.monotonicFields?.includes(sortField)) return idOrder(listable.collection, descending, sortField);
  return listable.indexes.view(sortField, descending);
}

/**
 * Reads the page a request asks for. `extra` adds a match on operation-specific parameters;
 * `clauses` adds filter clauses the query string does not carry (history's `start_at` and
 * `end_at`). Range clauses on a monotonic field become a window of the view found by
 * binary search (see `splitRange`); the others are matched record by record.
 */
export function listPage(
  listable: ListableCollection,
  params: Params,
  codec: CursorCodec,
  extra?: (id: number) => boolean,
  clauses: readonly FilterClause[] = [],
): PageResult {
  const query = parseListQuery(params, listable.capabilities, codec);
  const { collection } = listable;
  const view = viewFor(listable, query);
  const all = clauses.length === 0 ? query.filters : [...query.filters, ...clauses];
  const split = view.positionsOf ? splitRange(collection, listable.monotonicFields ?? [], all) : { rest: all, probes: 0 };
  const rest = split.rest;
  const filterMatch =
    rest.length === 0 ? undefined : (id: number) => rest.every((c) => clauseMatches(c, collection.field(id, c.field)));
  const match = filterMatch && extra ? (id: number) => extra(id) && filterMatch(id) : (filterMatch ?? extra);
  const window = split.interval && view.positionsOf!(split.interval.first, split.interval.end);
  const page = readPage({ view, order: query.order, perPage: query.perPage, cursor: query.cursor, match, window });
  return split.probes === 0 ? page : { ...page, examined: page.examined + split.probes };
}

/** The `X-Files-Cursor-*` headers of a page (next in both the current and the legacy header). */
export function cursorHeaders(page: PageResult, codec: CursorCodec): Record<string, string> {
  const headers: Record<string, string> = {};
  if (page.next) {
    const next = codec.encode(page.next);
    headers['x-files-cursor-next'] = next;
    headers['x-files-cursor'] = next;
  }
  if (page.prev) headers['x-files-cursor-prev'] = codec.encode(page.prev);
  return headers;
}

/** A JSON array reply from record JSON texts and the page's cursors. */
export function pageReply(items: readonly string[], page: PageResult, codec: CursorCodec): Reply {
  return jsonTextReply(200, `[${items.join(',')}]`, cursorHeaders(page, codec));
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** Size of a record of each collection, as last seen: sizes the page buffer so it rarely grows. */
const sizes = new WeakMap<ListableCollection, number>();

function estimateSize(listable: ListableCollection): number {
  return Math.ceil((sizes.get(listable) ?? 512) * 1.25) + 1;
}

/**
 * Lists a collection: validates the query, reads the page, answers the JSON array with
 * cursor headers. The body is written as UTF-8 bytes record by record (no scan of the
 * collection for the default order).
 */
export function listReply(
  listable: ListableCollection,
  params: Params,
  codec: CursorCodec,
  extra?: (id: number) => boolean,
  clauses?: readonly FilterClause[],
): Reply {
  const page = listPage(listable, params, codec, extra, clauses);
  const { collection } = listable;
  const out = new ByteWriter(Math.max(1024, page.ids.length * estimateSize(listable)));
  out.byte(0x5b);
  page.ids.forEach((id, index) => {
    if (index > 0) out.byte(0x2c);
    const start = out.length;
    collection.write(id, out);
    if (index === 0) sizes.set(listable, out.length - start);
  });
  out.byte(0x5d);
  const body = out.result();
  return {
    status: 200,
    headers: { 'content-type': JSON_TYPE, ...cursorHeaders(page, codec) },
    body,
    release: () => releaseBuffer(body),
    examined: page.examined,
  };
}

