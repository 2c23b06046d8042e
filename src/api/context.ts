import type { RetryEvent } from '../core/hooks.js';
import type { Paginated } from '../pagination/paginated.js';
import type { PartitionOptions } from '../partition/partition.js';
import type { ListOptions } from '../pagination/types.js';
import type { OperationSpec } from './operation.js';

/**
 * How responses are checked against the model schemas:
 * - `passthrough` (default): known fields are checked, unknown fields are kept;
 * - `strict`: unknown fields are an error too;
 * - `off`: records are returned as parsed, unchecked.
 */
export type ValidationMode = 'passthrough' | 'strict' | 'off';

/** Options of a single (non-list) call. */
export interface CallOptions {
  /** Cancels the request and any retry wait. */
  signal?: AbortSignal;
  /** Timeout in ms for this call, overriding the client's; `false` disables it. */
  timeout?: number | false;
  /** Response validation for this call, overriding the client's. */
  validation?: ValidationMode;
  /**
   * The call is safe to repeat even if the server may have acted on it (for example an
   * upload's part and end requests, which carry the upload's `ref`): it is then retried on
   * network errors, timeouts and 5xx like a GET. Without it, POST and PATCH are retried
   * only on 429, and on 503 with a usable `Retry-After`.
   */
  idempotent?: boolean;
  /** Called before each retry of this call's requests (as the client's `beforeRetry` hook is). */
  onRetry?: (event: RetryEvent) => void;
}

/** Options of a list call: those of a single call plus resume, prefetch and guards. */
export interface ListCallOptions extends CallOptions, ListOptions {
  /** Largest page body read, in bytes, overriding the client's `maxPageBytes`. */
  maxPageBytes?: number;
  /**
   * Keep each record's JSON text as the server sent it, for `rawJsonOf(page.items)`
   * (`files-stream/extend`): a writer can copy it instead of re-serialising. It costs the
   * page body's bytes for as long as the page's records are held. Default `false`.
   */
  rawJson?: boolean;
  /**
   * Lists a time-ranged operation (logs, history: those taking a `created_at` range) as time
   * slices side by side: `{ since, until, concurrency }`. Every record with
   * `since <= created_at < until` comes exactly once, in ascending `created_at` order (or in
   * arrival order with `ordered: false`). See README, "Partitioned listings".
   */
  partition?: PartitionOptions;
}

/** Parameters of an operation other than its path parameters (wire names). */
export type OperationParams = Record<string, unknown>;

/**
 * What generated resource modules call. One per client; knows the request core, the
 * pagination layer and the validation mode, and nothing of particular resources.
 */
export interface ApiContext {
  /** Sends a non-paginated operation; resolves to the validated model(s), or `undefined` for 204. */
  call(
    op: OperationSpec,
    pathArgs: readonly unknown[],
    params: OperationParams | undefined,
    options?: CallOptions,
  ): Promise<unknown>;
  /** Returns a lazy listing of a paginated operation. Parameters are checked before iteration. */
  list(
    op: OperationSpec,
    pathArgs: readonly unknown[],
    params: OperationParams | undefined,
    options?: ListCallOptions,
  ): Paginated<unknown>;
}
