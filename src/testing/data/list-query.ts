import type { CursorCodec, CursorState } from './cursor.js';
import { fail } from '../server/errors.js';
import { intParam, objectParam, stringParam, type Params } from '../server/params.js';
import { parseUtcTime } from '../../core/time.js';

/** The filter operators Files.com lists accept, each `{ field: value }`. */
export const filterOperators = ['filter', 'filter_prefix', 'filter_gt', 'filter_gteq', 'filter_lt', 'filter_lteq'] as const;

/** A filter operator parameter name. */
export type FilterOperator = (typeof filterOperators)[number];

/** What a list operation accepts, beyond `cursor` and `per_page`. */
export interface ListCapabilities {
  /** Largest `per_page` (10000 for most lists, 1000 for log lists). */
  readonly perPageMax: number;
  /** Fields accepted in `sort_by`; `undefined` ignores `sort_by`. */
  readonly sortFields?: readonly string[];
  /** Fields accepted per filter operator; operators not listed are ignored. */
  readonly filterFields?: Partial<Record<FilterOperator, readonly string[]>>;
}

/** One `{ field: value }` filter clause. */
export interface FilterClause {
  readonly operator: FilterOperator;
  readonly field: string;
  readonly value: string;
}

/** A validated list request. */
export interface ListQuery {
  readonly perPage: number;
  readonly cursor?: CursorState;
  /** `undefined` for the default (id) order. */
  readonly sortField?: string;
  readonly descending: boolean;
  readonly filters: readonly FilterClause[];
  /** Cursor order name, e.g. `id:asc`. */
  readonly order: string;
}

/** Default `per_page` when the request gives none. */
export const DEFAULT_PER_PAGE = 1000;

/** Validates `per_page`, `cursor`, `sort_by` and the filters; throws Files.com 400 errors. */
export function parseListQuery(params: Params, caps: ListCapabilities, codec: CursorCodec): ListQuery {
  const perPage = intParam(params, 'per_page') ?? DEFAULT_PER_PAGE;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > caps.perPageMax) {
    fail(400, 'bad-request/request-params-invalid', `per_page must be an integer between 1 and ${caps.perPageMax}.`);
  }
  const { sortField, descending } = parseSort(params, caps);
  const order = `${sortField ?? 'id'}:${descending ? 'desc' : 'asc'}`;
  const cursor = parseCursor(params, codec, order);
  return { perPage, cursor, sortField, descending, filters: parseFilters(params, caps), order };
}

function parseSort(params: Params, caps: ListCapabilities): { sortField?: string; descending: boolean } {
  if (params['sort_by'] === undefined || !caps.sortFields) return { descending: false };
  const sortBy = objectParam(params, 'sort_by');
  if (!sortBy) fail(400, 'bad-request/request-params-invalid', 'sort_by must be an object such as sort_by[field]=asc.');
  const entries = Object.entries(sortBy);
  if (entries.length === 0) return { descending: false };
  if (entries.length > 1) fail(400, 'bad-request/multiple-sort-params-not-allowed', 'Only one sort field is allowed.');
  const [field, direction] = entries[0]!;
  if (!caps.sortFields.includes(field)) fail(400, 'bad-request/invalid-sort-field', `Cannot sort by ${field}.`);
  const dir = String(direction).toLowerCase();
  if (dir !== 'asc' && dir !== 'desc') fail(400, 'bad-request/request-params-invalid', 'Sort direction must be asc or desc.');
  return { sortField: field === 'id' ? undefined : field, descending: dir === 'desc' };
}

function parseCursor(params: Params, codec: CursorCodec, order: string): CursorState | undefined {
  const raw = stringParam(params, 'cursor');
  if (raw === undefined || raw === '') return undefined;
  const cursor = codec.decode(raw);
  if (!cursor) fail(400, 'bad-request/invalid-cursor', 'Invalid cursor.');
  if (cursor.order !== order) {
    fail(400, 'bad-request/invalid-cursor-type-for-sort', 'This cursor belongs to a listing with another sort order.');
  }
  return cursor;
}

function parseFilters(params: Params, caps: ListCapabilities): FilterClause[] {
  const clauses: FilterClause[] = [];
  for (const operator of filterOperators) {
    const allowed = caps.filterFields?.[operator];
    if (params[operator] === undefined || !allowed) continue;
    const value = objectParam(params, operator);
    if (!value) fail(400, 'bad-request/invalid-filter-param-format', `${operator} must be an object such as ${operator}[field]=value.`);
    for (const [field, fieldValue] of Object.entries(value)) {
      if (!allowed.includes(field)) fail(400, 'bad-request/invalid-filter-field', `Cannot use ${operator} on ${field}.`);
      if (fieldValue !== null && typeof fieldValue === 'object') {
        fail(400, 'bad-request/invalid-filter-param-value', `${operator}[${field}] must be a single value.`);
      }
      clauses.push({ operator, field, value: String(fieldValue) });
    }
  }
  return clauses;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** Compares a record value with a filter value: numbers numerically, dates by instant, else as text. */
function compareFilter(recordValue: unknown, wanted: string): number {
  if (typeof recordValue === 'number') return recordValue - Number(wanted);
  const text = String(recordValue ?? '');
  if (ISO_DATE.test(text) && ISO_DATE.test(wanted)) return parseUtcTime(text) - parseUtcTime(wanted);
  return text < wanted ? -1 : text > wanted ? 1 : 0;
}

/** Whether one record value satisfies a clause. Equality and prefix compare case-insensitively. */
export function clauseMatches(clause: FilterClause, recordValue: unknown): boolean {
  switch (clause.operator) {
    case 'filter':
      return String(recordValue ?? '').toLowerCase() === clause.value.toLowerCase();
    case 'filter_prefix':
      return String(recordValue ?? '').toLowerCase().startsWith(clause.value.toLowerCase());
    case 'filter_gt':
      return compareFilter(recordValue, clause.value) > 0;
    case 'filter_gteq':
      return compareFilter(recordValue, clause.value) >= 0;
    case 'filter_lt':
      return compareFilter(recordValue, clause.value) < 0;
    case 'filter_lteq':
      return compareFilter(recordValue, clause.value) <= 0;
  }
}
