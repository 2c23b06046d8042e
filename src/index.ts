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
// The generated API surface: model schemas and types, parameter and namespace types.
export * from './generated/index.js';
export { apiOperations } from './generated/manifest.js';
// Files and trees: streaming transfers, folder walks, tree downloads (issue 5).
export { IntegrityError } from './files/integrity-error.js';
export type { IntegrityCheck } from './files/integrity-error.js';
export type { FileExtras } from './files/file-extras.js';
export type { DownloadStreamOptions, DownloadStreamResult } from './files/download-stream.js';
export type { DownloadToFileOptions, DownloadToFileResult } from './files/download-to-file.js';
export type { UploadOptions, UploadProgress } from './files/upload.js';
export type { UploadSource } from './files/upload-source.js';
export type { FetchLike } from './files/fetch-presigned.js';
export type { FolderExtras } from './workflows/folder-extras.js';
export type { WalkOptions, WalkEntryType } from './workflows/walk.js';
export { downloadTree } from './workflows/download-tree.js';
// What `downloadTree` reports for a refused server path.
export { UnsafePathError } from './paths/unsafe-path-error.js';
export type { UnsafePathReason } from './paths/unsafe-path-error.js';
export type {
  DownloadTreeOptions,
  DownloadTreeResult,
  DownloadTreeCounts,
  DownloadTreeProgress,
  OverwritePolicy,
  TreeClient,
  TreeError,
} from './workflows/download-tree.js';
