/**
 * files-stream: a streaming client for the Files.com REST API. Every list is a lazy,
 * cursor-following `AsyncIterable` (`Paginated<T>`).
 *
 * This entry holds what scripts use: the client, listings, errors, the path rules, tree
 * downloads, and the types users write. The model schemas are in `files-stream/schemas`;
 * the extension points (request core, page pump, operation specs) in `files-stream/extend`;
 * the emulator in `files-stream/testing`.
 * @packageDocumentation
 */

// The client.
export { createClient, DEFAULT_BASE_URL } from './client/create-client.js';
export type { FilesClient, ClientBase, ClientInfo } from './client/create-client.js';
export type { ClientOptions } from './client/options.js';
export type { CallOptions, ListCallOptions, ValidationMode } from './api/context.js';
export type { ClientHooks, RequestEvent, ResponseEvent, RetryEvent } from './core/hooks.js';
export type { Logger } from './core/logger.js';
export type { RetryPolicy, RetryReason } from './core/retry.js';
export { VERSION } from './client/version.js';

// Listings.
export { Paginated } from './pagination/paginated.js';
export type { PaginatedOptions, PageSource } from './pagination/paginated.js';
export type { Page, ListOptions } from './pagination/types.js';
export type { PartitionOptions } from './partition/partition.js';

// Errors: one class per Files.com error family, and the client-side ones.
export {
  FilesError,
  FilesApiError,
  BadRequestError,
  NotAuthenticatedError,
  NotAuthorizedError,
  NotFoundError,
  ProcessingFailureError,
  RateLimitedError,
  ServiceUnavailableError,
  SiteConfigurationError,
  ConfigurationError,
  InvalidParameterError,
  ResponseValidationError,
  NetworkError,
  ProxyAuthenticationError,
  TimeoutError,
  RedirectError,
  ResponseTooLargeError,
  PaginationError,
  IntegrityError,
  LocalFileChangedError,
  UnsafePathError,
  SyncError,
  FileMigrationError,
  isFilesError,
} from './errors/index.js';
export type {
  FilesErrorOptions,
  FilesErrorType,
  ApiErrorDetails,
  PaginationErrorReason,
  IntegrityCheck,
  LocalFileChange,
  LocalFileChangeDetail,
  ResponseTooLargeErrorOptions,
  UnsafePathReason,
  UnsafePathErrorOptions,
  SyncErrorReason,
  FailedFileMigration,
  NetworkErrorOptions,
  RedirectDetails,
} from './errors/index.js';
export type { ErrorFamily, KnownErrorType } from './generated/error-types.js';

// Path rules.
export { endsInWhiteSpace, normalizePath, pathsEqual, toComparable } from './paths/normalize.js';

// Files and trees.
export { downloadTree } from './tree/download-tree.js';
export type {
  DownloadTreeOptions,
  DownloadTreeResult,
  DownloadTreeCounts,
  DownloadTreeProgress,
  OverwritePolicy,
  TreeClient,
  TreeError,
} from './tree/download-tree.js';
export { uploadTree } from './tree/upload-tree.js';
export type {
  UploadTreeClient,
  UploadTreeCounts,
  UploadTreeError,
  UploadTreeIgnored,
  UploadTreeOptions,
  UploadTreeOutcome,
  UploadTreeProgress,
  UploadTreeResult,
} from './tree/upload-tree.js';
export type {
  DownloadMethods,
  DownloadStreamOptions,
  DownloadStreamResult,
  DownloadToBytesOptions,
  DownloadToFileOptions,
  DownloadToFileResult,
  FetchLike,
} from './download/download.js';
export type { UploadMethods, UploadOptions, UploadProgress } from './upload/upload.js';
export type { UploadSource } from './upload/source.js';
export type { WalkMethods, WalkOptions, WalkEntryType, WalkFirstEntry } from './walk/walk.js';
export type { FileMigrationWaitMethods, FileMigrationRef, WaitForMigrationOptions } from './migrations/wait.js';

// The API surface's types: models (`User`, `File`, ...), parameters (`UserListParams`, ...), namespaces.
export type * from './generated/index.js';
