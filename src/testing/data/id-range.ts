/**
 * The range fast path of listings: on a field whose value never decreases as the id grows
 * (`created_at` of logs and history), the records matching `filter_gt` / `filter_gteq` /
 * `filter_lt` / `filter_lteq` form one interval of ids, found by binary search, so a time
 * range costs O(log n) field reads instead of a scan. Every collection that declares such
 * a field (`monotonicFields`) gets it from `listPage`.
 */

import type { Collection } from './collection.js';
import { clauseMatches, type FilterClause } from './list-query.js';

/** Ids `[first, end)`. */
export interface IdInterval {
  readonly first: number;
  readonly end: number;
}

/** The range clauses turned into an id interval, the clauses left to match per record, and the field reads spent. */
export interface RangeSplit {
  /** Present when at least one clause became part of it. */
  readonly interval?: IdInterval;
  /** Clauses still to apply record by record. */
  readonly rest: readonly FilterClause[];
  /** Field reads of the binary searches. */
  readonly probes: number;
}

const LOWER = new Set<string>(['filter_gt', 'filter_gteq']);
const UPPER = new Set<string>(['filter_lt', 'filter_lteq']);

/**
 * Answers the range clauses on `monotonicFields` by binary search over ids 1..maxId; the
 * other clauses are returned in `rest`. Exact because `clauseMatches` compares a record
 * value with a constant monotonically (numbers, instants, or ISO text alike): a lower bound
 * holds from some id on, an upper bound up to some id. Only for a pristine collection
 * (derived records only, no holes): after a mutation the clauses all stay in `rest`.
 */
export function splitRange(collection: Collection, monotonicFields: readonly string[], clauses: readonly FilterClause[]): RangeSplit {
  if (clauses.length === 0 || monotonicFields.length === 0 || !collection.pristine) return { rest: clauses, probes: 0 };
  const rest: FilterClause[] = [];
  let first = 1;
  let end = collection.maxId + 1;
  let probes = 0;
  let used = false;
  for (const clause of clauses) {
    const lower = LOWER.has(clause.operator);
    if ((!lower && !UPPER.has(clause.operator)) || !monotonicFields.includes(clause.field)) {
      rest.push(clause);
      continue;
    }
    used = true;
    const matches = (id: number) => {
      probes++;
      return clauseMatches(clause, collection.field(id, clause.field));
    };
    // A lower bound: the first id that matches. An upper bound: the first id that no longer does.
    if (lower) first = Math.max(first, firstTrue(first, end, matches));
    else end = Math.min(end, firstTrue(first, end, (id) => !matches(id)));
  }
  return used ? { interval: { first, end: Math.max(first, end) }, rest, probes } : { rest, probes };
}

/** The first id in `[lo, hi)` where `test` holds (`hi` when none), for a test that holds from some id on. */
function firstTrue(lo: number, hi: number, test: (id: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (test(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
