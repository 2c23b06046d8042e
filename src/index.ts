/**
 * files-stream: a streaming client for the Files.com REST API. Every list is a lazy,
 * cursor-following `AsyncIterable` (`Paginated<T>`).
 * @packageDocumentation
 */
export { createClient, DEFAULT_BASE_URL } from './client/create-client.js';
export type { FilesClient, ClientBase, ClientInfo } from './client/create-client.js';
export type { ClientOptions } from './client/options.js';
export type { CallOptions, ListCallOptions, ValidationMode, OperationParams, ApiContext } from './api/context.js';
export type { OperationSpec, ParamSpec, ReturnSpec } from './api/operation.js';
export { Paginated } from './pagination/paginated.js';
export type { PageSource } from './pagination/paginated.js';
export { pumpPages } from './pagination/page-pump.js';
export type { Demand, PumpOptions } from './pagination/page-pump.js';
export type { Page, PageHead, PageFetcher, ListOptions } from './pagination/types.js';
export type { RequestCore, RequestSpec, CoreResponse, OpenResponse, HttpMethod } from './core/types.js';
export type { ClientHooks, RequestEvent, ResponseEvent, RetryEvent } from './core/hooks.js';
export { defaultRetryPolicy } from './core/retry-policy.js';
export type { RetryPolicy } from './core/retry-policy.js';
export { parseRetryAfter } from './core/retry-after.js';
export * from './errors/index.js';
export { errorTypes, errorFamilies } from './generated/error-types.js';
export type { KnownErrorType, ErrorFamily } from './generated/error-types.js';
export { VERSION } from './version.js';
