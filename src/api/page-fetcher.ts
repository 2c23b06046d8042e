import { withRetries } from '../core/retry.js';
import type { OpenResponse, RequestCore, RequestSpec } from '../core/types.js';
import { keepRawJson } from '../pagination/raw-json.js';
import type { PageFetcher } from '../pagination/types.js';
import { validateList, type RecordValidator } from './validate.js';

/** Reads the next cursor: `X-Files-Cursor-Next`, else the legacy `X-Files-Cursor`. */
export function nextCursorOf(headers: Headers): string | undefined {
  return headers.get('x-files-cursor-next') || headers.get('x-files-cursor') || undefined;
}

/**
 * The page fetcher of a Files.com list operation: sends `cursor` in the query, takes the
 * cursors from the headers, and reads and validates the body on demand. A body that breaks
 * off, stalls or arrives truncated is fetched again (same cursor); the request and its
 * refetches share one retry budget. The head's cursors then become those of the response
 * that was read. With `rawJson`, each page keeps its records' JSON text (see `rawJsonOf`).
 */
export function filesPageFetcher<T>(
  core: RequestCore,
  spec: RequestSpec,
  validator: () => Promise<RecordValidator>,
  { maxBytes, rawJson = false }: { maxBytes?: number; rawJson?: boolean } = {},
): PageFetcher<T> {
  const operation = spec.operation ?? spec.path;
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
            const { value, records } = await response.readJson({ maxBytes });
            const items = validateList(operation, value, await validator()) as T[];
            return rawJson ? keepRawJson(items, records) : items;
          },
          { signal, onRetry: (_plan, error) => core.reportRetry(pageSpec, budget, error) },
        ),
    };
  };
}
