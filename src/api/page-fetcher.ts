import { withRetries } from '../core/retry.js';
import { ResponseTooLargeError } from '../errors/client-errors.js';
import type { OpenResponse, RequestCore, RequestSpec } from '../core/types.js';
import { keepRawJson } from '../pagination/raw-json.js';
import type { PageFetcher } from '../pagination/types.js';
import { validateList, type RecordValidator } from './validate.js';

/** Reads the next cursor: `X-Files-Cursor-Next`, else the legacy `X-Files-Cursor`. */
export function nextCursorOf(headers: Headers): string | undefined {
  return headers.get('x-files-cursor-next') || headers.get('x-files-cursor') || undefined;
}

/** Largest `per_page` of a Files.com list: a page never holds more records than this. */
export const MAX_PER_PAGE = 10_000;

/** Options of {@link filesPageFetcher}. */
export interface FilesPageFetcherOptions {
  /** Largest body read, in bytes (default: the client's `maxPageBytes`). */
  maxBytes?: number;
  /** Keep each page's records' JSON text (see `rawJsonOf`). */
  rawJson?: boolean;
  /**
   * The operation's largest `per_page` (the spec's `max`): the most records a page may hold
   * when the request sends no `per_page`. Default {@link MAX_PER_PAGE}.
   */
  maxPerPage?: number;
}

/** The `per_page` a query sends, when it is a whole number of at least 1. */
function perPageOf(query: Record<string, unknown> | undefined): number | undefined {
  const value = query?.per_page;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/**
 * The page fetcher of a Files.com list operation: sends `cursor` in the query, takes the
 * cursors from the headers, and reads and validates the body on demand. A body that breaks
 * off, stalls or arrives truncated is fetched again (same cursor); the request and its
 * refetches share one retry budget. The head's cursors then become those of the response
 * that was read. With `rawJson`, each page keeps its records' JSON text (see `rawJsonOf`).
 *
 * A page holding more records than the `per_page` sent (else `maxPerPage`) is refused with
 * `ResponseTooLargeError` (`limitRecords`) as soon as its records are counted, before any is
 * parsed; it is not fetched again (a server that ignores `per_page` does so again).
 */
export function filesPageFetcher<T>(
  core: RequestCore,
  spec: RequestSpec,
  validator: () => Promise<RecordValidator>,
  { maxBytes, rawJson = false, maxPerPage = MAX_PER_PAGE }: FilesPageFetcherOptions = {},
): PageFetcher<T> {
  const operation = spec.operation ?? spec.path;
  const perPage = perPageOf(spec.query);
  const maxRecords = perPage ?? maxPerPage;
  const tooManyRecords = (limitBytes: number): Error =>
    new ResponseTooLargeError(operation, limitBytes, { limitRecords: maxRecords, perPageSent: perPage !== undefined });
  return async (cursor, signal) => {
    // The validator (the schemas, and zod, on the first page) loads while the request is on its way.
    validator().catch(() => {});
    const budget = core.budget({ method: spec.method }, signal);
    const pageSpec: RequestSpec = { ...spec, query: { ...spec.query, cursor }, signal, budget };
    const open = () => core.open(pageSpec);
    let response: OpenResponse = await open();
    return {
      // Getters: after a refetch, the cursors are those of the response whose body was read.
      get nextCursor() {
        return nextCursorOf(response.headers);
      },
      get prevCursor() {
        return response.headers.get('x-files-cursor-prev') || undefined;
      },
      discard: () => response.discard(),
      items: () =>
        withRetries(
          budget,
          async (retry) => {
            if (retry > 0) response = await open();
            const { value, records } = await response.readJson({ maxBytes, maxRecords, tooManyRecords });
            const items = validateList(operation, value, await validator()) as T[];
            return rawJson ? keepRawJson(items, records) : items;
          },
          { signal, onRetry: (_plan, error) => core.reportRetry(pageSpec, budget, error) },
        ),
    };
  };
}
