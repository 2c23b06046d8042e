import type { ZodType } from 'zod';
import type { RequestCore, RequestSlot, RequestSpec, Scalar } from '../core/types.js';
import { pumpPages } from '../pagination/page-pump.js';
import { Paginated } from '../pagination/paginated.js';
import type { ApiContext, CallOptions, ListCallOptions, OperationParams, ValidationMode } from './context.js';
import type { OperationSpec } from './operation.js';
import { filesPageFetcher } from './page-fetcher.js';
import { checkParams, splitParams } from './params.js';
import { createValidator, validateList, type RecordValidator } from './validate.js';
import { InvalidParameterError, ResponseValidationError } from '../errors/client-errors.js';
import { parseResumeCursor } from '../pagination/resume-cursor.js';
import { parsePartitionCursor, partitionedPages, timeOf, type PartitionSource, type TimeRangeParams } from '../partition/partition.js';

/** Client-wide defaults the API context applies to every call. */
export interface ApiDefaults {
  validation: ValidationMode;
  prefetch: number;
  /** `per_page` sent when a list call does not give one (capped at the operation's max). */
  perPage: number | undefined;
  /** Throws `ConfigurationError` when the client has no credentials for an authenticated call. */
  assertAuth: (op: OperationSpec) => void;
  /** The zod schema of a model, by name (`User`); loaded on first use. */
  loadSchema: (model: string) => Promise<ZodType | undefined>;
}

/** Creates the context generated resource modules call into. */
export function createApiContext(core: RequestCore, defaults: ApiDefaults): ApiContext {
  function requestSpec(op: OperationSpec, pathArgs: readonly unknown[], params: OperationParams | undefined, options: CallOptions & SliceOptions): RequestSpec {
    checkParams(op, pathArgs, params);
    defaults.assertAuth(op);
    const { query, body } = splitParams(op, params);
    const pathParams: Record<string, Scalar> = {};
    op.pathParams.forEach((name, i) => (pathParams[name] = pathArgs[i] as Scalar));
    return {
      method: op.method,
      path: op.path,
      pathParams,
      query,
      body,
      signal: options.signal,
      timeout: options.timeout,
      anonymous: op.anonymous,
      idempotent: options.idempotent,
      onRetry: options.onRetry,
      slot: options.slot,
      operation: op.id,
    };
  }

  // One validator per operation and mode, built when its first response arrives (the
  // schemas, and zod with them, load then: never at import, never with validation 'off').
  const validators = new Map<string, Promise<RecordValidator>>();
  const validatorFor = (op: OperationSpec, mode: ValidationMode): Promise<RecordValidator> => {
    const key = `${op.id}\0${mode}`;
    let validator = validators.get(key);
    if (!validator) {
      const model = op.returns?.model;
      validator = (model === undefined || mode === 'off' ? Promise.resolve(undefined) : defaults.loadSchema(model)).then((schema) =>
        createValidator(op.id, schema, mode),
      );
      validators.set(key, validator);
    }
    return validator;
  };

  const list = (op: OperationSpec, pathArgs: readonly unknown[], params: OperationParams | undefined, options: ListCallOptions & SliceOptions = {}): Paginated<unknown> => {
    if (options.partition) return partitionedList(list, op, pathArgs, params ?? {}, options, defaults.perPage);
    const spec = requestSpec(op, pathArgs, withPerPage(op, params, defaults.perPage), options);
    checkStartCursor(op, options.startCursor);
    const mode = options.validation ?? defaults.validation;
    if (options.maxPageBytes !== undefined && !(Number.isInteger(options.maxPageBytes) && options.maxPageBytes >= 1024)) {
      throw new InvalidParameterError(op.id, 'maxPageBytes', 'must be an integer of at least 1024 (bytes)');
    }
    const maxPerPage = op.params.find((p) => p.name === 'per_page')?.max;
    const fetcher = filesPageFetcher(core, spec, () => validatorFor(op, mode), {
      maxBytes: options.maxPageBytes,
      rawJson: options.rawJson,
      ...(maxPerPage === undefined ? {} : { maxPerPage }),
    });
    const perPage = (spec.query?.per_page as number | undefined) ?? undefined;
    const pumpOptions = { ...options, prefetch: options.prefetch ?? defaults.prefetch, pageSize: perPage };
    return new Paginated((demand) => pumpPages(fetcher, pumpOptions, demand));
  };

  const context: ApiContext = {
    async call(op, pathArgs, params, options = {}) {
      const spec = requestSpec(op, pathArgs, params, options);
      // The validator (the schemas, and zod, on first use) loads while the request is on its way.
      const validator = validatorFor(op, options.validation ?? defaults.validation);
      validator.catch(() => {});
      const { status, body } = await core.request(spec);
      if (!op.returns || (body === undefined && status === 204)) return undefined;
      if (body === undefined) throw new ResponseValidationError(op.id, undefined, [], `expected a record, got an empty body (status ${status})`);
      const validate = await validator;
      return op.returns.array ? validateList(op.id, body, validate) : validate(body, undefined);
    },

    list,
  };
  return context;
}

/**
 * How `op` takes a `created_at` range, from its parameters in the spec: `filter_gteq` with
 * `filter_lt` (or the inclusive `filter_lteq`), or `start_at` / `end_at` (inclusive).
 * `undefined` when it takes none.
 */
export function timeRangeOf(op: OperationSpec): TimeRangeParams | undefined {
  const param = (name: string) => op.params.find((p) => p.name === name);
  const takesCreatedAt = (name: string) => param(name)?.validFields?.includes('created_at') === true;
  const sortable = param('sort_by')?.validFields?.includes('created_at') === true;
  if (takesCreatedAt('filter_gteq') && (takesCreatedAt('filter_lt') || takesCreatedAt('filter_lteq'))) {
    return { style: 'filter', inclusiveEnd: !takesCreatedAt('filter_lt'), sortable };
  }
  if (param('start_at') && param('end_at')) return { style: 'start-end', inclusiveEnd: true, sortable };
  return undefined;
}

const RANGE_PARAMS = ['filter_gt', 'filter_gteq', 'filter_lt', 'filter_lteq'];

/** What a partition adds to its slices' list calls: the limit of requests in flight they share. */
interface SliceOptions {
  slot?: RequestSlot;
}

/** A list call with `{ partition }`: checked now, listed as time slices side by side (see partition.ts). */
function partitionedList(
  list: (op: OperationSpec, pathArgs: readonly unknown[], params: OperationParams | undefined, options: ListCallOptions & SliceOptions) => Paginated<unknown>,
  op: OperationSpec,
  pathArgs: readonly unknown[],
  params: OperationParams,
  options: ListCallOptions,
  defaultPerPage: number | undefined,
): Paginated<unknown> {
  const partition = options.partition!;
  const range = timeRangeOf(op);
  const bad = (message: string, parameter = 'partition') => new InvalidParameterError(op.id, parameter, message);
  if (!range) throw bad('this operation takes no created_at range (filter_gteq/filter_lt or start_at/end_at); list it without partition');
  const since = checked(() => timeOf(partition.since, 'since'), bad);
  const until = partition.until === undefined ? undefined : checked(() => timeOf(partition.until!, 'until'), bad);
  if (until !== undefined && since >= until) throw bad('partition.since must be before partition.until');
  for (const [name, value, min, max] of [
    ['concurrency', partition.concurrency, 1, 64],
    ['bufferPages', partition.bufferPages, 1, 64],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) throw bad(`partition.${name} must be an integer from ${min} to ${max}`);
  }
  if (options.maxItems !== undefined || options.maxPages !== undefined) throw bad('maxItems and maxPages do not apply to a partitioned listing');
  for (const name of [...RANGE_PARAMS, 'start_at', 'end_at']) {
    const value = params[name] as Record<string, unknown> | string | undefined;
    if (value !== undefined && (typeof value !== 'object' || 'created_at' in value)) throw bad('the partition sets the created_at range itself: give it as partition.since/until', name);
  }
  const sortBy = params.sort_by as Record<string, unknown> | undefined;
  if (sortBy !== undefined && !(Object.keys(sortBy).length === 1 && sortBy.created_at === 'asc')) {
    throw bad('a partitioned listing comes in ascending created_at order: leave sort_by out', 'sort_by');
  }
  if (options.startCursor !== undefined) {
    checked(() => parsePartitionCursor(options.startCursor, since, until), (m) => bad(m, 'startCursor'));
  }
  const perPageParam = op.params.find((p) => p.name === 'per_page');
  const perPage = (params.per_page as number | undefined) ?? (defaultPerPage === undefined ? undefined : Math.min(defaultPerPage, perPageParam?.max ?? defaultPerPage));
  const sliceParams = (from: number, to: number): OperationParams => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const out: OperationParams = { ...params, ...(perPage === undefined ? {} : { per_page: perPage }) };
    if (range.sortable) out.sort_by = { created_at: 'asc' };
    if (range.style === 'start-end') return { ...out, start_at: iso(from), end_at: iso(to) };
    const upper = range.inclusiveEnd ? 'filter_lteq' : 'filter_lt';
    return {
      ...out,
      filter_gteq: { ...(params.filter_gteq as object | undefined), created_at: iso(from) },
      [upper]: { ...(params[upper] as object | undefined), created_at: iso(to) },
    };
  };
  // Each slice is an ordinary listing of the operation, one request at a time (the partition limits them).
  const { partition: _p, startCursor: _s, prefetch: _f, ...sliceOptions } = options;
  const source: PartitionSource<unknown> = {
    operation: op.id,
    openSlice: (from, to, signal, slot) => list(op, pathArgs, sliceParams(from, to), { ...sliceOptions, prefetch: 0, signal, slot }).pages(),
  };
  // Parameters are checked now, before anything is sent.
  list(op, pathArgs, sliceParams(since, until ?? since + 1000), { ...sliceOptions });
  return new Paginated((demand) =>
    partitionedPages(source, { ...partition, since, until, startCursor: options.startCursor, signal: options.signal, perPage }, demand),
  );
}

function checked<T>(read: () => T, bad: (message: string) => Error): T {
  try {
    return read();
  } catch (error) {
    throw bad((error as Error).message);
  }
}

/** A resume cursor that is malformed is refused before anything is sent. */
function checkStartCursor(op: OperationSpec, startCursor: unknown): void {
  if (startCursor === undefined) return;
  if (typeof startCursor !== 'string' || startCursor === '') {
    throw new InvalidParameterError(op.id, 'startCursor', 'must be a non-empty string (a nextCursor or resumeCursor)');
  }
  try {
    parseResumeCursor(startCursor);
  } catch (error) {
    throw new InvalidParameterError(op.id, 'startCursor', (error as Error).message);
  }
}

function withPerPage(op: OperationSpec, params: OperationParams | undefined, perPage: number | undefined): OperationParams | undefined {
  if (perPage === undefined || params?.per_page !== undefined) return params;
  const param = op.params.find((p) => p.name === 'per_page');
  if (!param) return params;
  return { ...params, per_page: Math.min(perPage, param.max ?? perPage) };
}
