/**
 * `files-stream/extend`: the extension points, for code that builds on files-stream rather
 * than uses it: the request core of a client (`client.core`), the page pump that turns any
 * cursor API into a `Paginated`, the generated operation specs and manifest, the retry
 * rules, resume cursors and the error catalogue. Scripts need none of it: see the root entry.
 * @packageDocumentation
 */

// The request core (`client.core`) and what it sends.
export type {
  RequestCore,
  RequestSpec,
  PresignedRequestSpec,
  CoreResponse,
  OpenResponse,
  HttpMethod,
  Scalar,
  RequestSlot,
  ReadJsonOptions,
} from './core/types.js';
export type { ParsedJson, JsonRecords } from './core/json-body.js';
export { defaultRetryPolicy, parseRetryAfter, withRetries, RetryBudget, retryDelay, failureOf } from './core/retry.js';
export type { Failure, RetriedRequest, RetryPlan, WithRetriesOptions } from './core/retry.js';
export { isRelativeTime, parseUtcTime, readTime, readUtcTime, resolveTime } from './core/time.js';
export type { TimeReading } from './core/time.js';

// Listings from any cursor API.
export { pumpPages } from './pagination/page-pump.js';
export type { Demand, PumpOptions } from './pagination/page-pump.js';
export type { PageHead, PageFetcher } from './pagination/types.js';
export { rawJsonOf } from './pagination/raw-json.js';
export type { RawJson } from './pagination/raw-json.js';
export { encodeResumeCursor, parseResumeCursor } from './pagination/resume-cursor.js';
export type { ListPosition } from './pagination/resume-cursor.js';

// The generated API surface: operation specs, the manifest, the context operations call.
export type { ApiContext, OperationParams } from './api/context.js';
export { timeRangeOf } from './api/create-api-context.js';
export type { TimeRangeParams, PartitionOptions, RangePosition } from './partition/partition.js';
export type { OperationSpec, ParamSpec, ReturnSpec, ParamLocation } from './api/operation.js';
export { operationSpecs } from './generated/operation-specs.js';
export { apiOperations } from './generated/manifest.js';
export type { ApiOperationInfo } from './generated/manifest.js';
export type { ApiNamespaces } from './generated/namespaces.js';

// Plugins: how `client.files` and `client.folders` get their hand-written methods.
export type { Plugin, PluginHost } from './client/plugins.js';

// The error catalogue.
export { errorTypes, errorFamilies, errorFamilyOf } from './generated/error-types.js';
export { errorClassByFamily, familyOf } from './errors/api-errors.js';
