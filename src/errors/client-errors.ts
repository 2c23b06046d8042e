import { FilesError, type FilesErrorOptions } from './files-error.js';

/** A client option is missing or invalid. Names the option; never shows a secret. */
export class ConfigurationError extends FilesError {
  override name = 'ConfigurationError';
  /** The option at fault, e.g. `baseUrl`. */
  readonly option: string;
  constructor(option: string, message: string, options?: FilesErrorOptions) {
    super(`Invalid client option "${option}": ${message}`, options);
    this.option = option;
  }
}

/** A parameter of a call is missing or invalid. Thrown before anything is sent. */
export class InvalidParameterError extends FilesError {
  override name = 'InvalidParameterError';
  /** The operation, e.g. `users.list`. */
  readonly operation: string;
  /** The parameter at fault, e.g. `sort_by`. */
  readonly parameter: string;
  /** The accepted values, when there is a fixed set. */
  readonly validChoices: readonly string[] | undefined;
  constructor(
    operation: string,
    parameter: string,
    message: string,
    validChoices?: readonly string[],
    options?: FilesErrorOptions,
  ) {
    const choices = validChoices?.length ? ` (valid: ${validChoices.join(', ')})` : '';
    super(`${operation}: invalid parameter "${parameter}": ${message}${choices}`, options);
    this.operation = operation;
    this.parameter = parameter;
    this.validChoices = validChoices;
  }
}

/** A response did not match the operation's schema. Names the record index and field path. */
export class ResponseValidationError extends FilesError {
  override name = 'ResponseValidationError';
  /** The operation, e.g. `users.list`. */
  readonly operation: string;
  /** Index of the failing record in its page (`undefined` for a single-record response). */
  readonly index: number | undefined;
  /** Path of the failing field, e.g. `['site_id']`. */
  readonly path: readonly (string | number)[];
  /** What was wrong with it. */
  readonly issue: string;
  constructor(
    operation: string,
    index: number | undefined,
    path: readonly (string | number)[],
    issue: string,
    options?: FilesErrorOptions,
  ) {
    const where = index === undefined ? 'response' : `record ${index}`;
    const field = path.length ? ` field "${path.join('.')}"` : '';
    super(`${operation}: ${where}${field}: ${issue}`, options);
    this.operation = operation;
    this.index = index;
    this.path = path;
    this.issue = issue;
  }
}

/** Options of a {@link NetworkError}. */
export interface NetworkErrorOptions extends FilesErrorOptions {
  /** The system error code of the failure, e.g. `ECONNREFUSED`. */
  code?: string;
  /** The origin of the proxy the request went through (`HTTPS_PROXY` / `HTTP_PROXY`), if any. */
  proxy?: string;
}

/**
 * The network failed (connection refused or reset, DNS, broken body). The message names the
 * cause code and the origin, e.g. `users.list: network error (ECONNREFUSED): connection
 * refused by https://example.files.com`.
 */
export class NetworkError extends FilesError {
  override name = 'NetworkError';
  /**
   * The system error code of the failure, when there is one: `ECONNREFUSED`, `ECONNRESET`,
   * `ENOTFOUND` (the host does not exist: not retried), `EAI_AGAIN` (temporary DNS failure),
   * `ETIMEDOUT`, undici's `UND_ERR_SOCKET` (the server closed the connection), ...
   */
  readonly code: string | undefined;
  /**
   * The origin of the proxy the request went through (from `HTTPS_PROXY` / `HTTP_PROXY`),
   * when it did: the failed connection may be the proxy's, and the message names it.
   */
  readonly proxy: string | undefined;
  constructor(message: string, options: NetworkErrorOptions = {}) {
    super(message, options);
    this.code = options.code;
    this.proxy = options.proxy;
  }
}

/**
 * The proxy a request went through (`HTTPS_PROXY` / `HTTP_PROXY`, or a client's own `fetch`)
 * answered 407 Proxy Authentication Required: it wants credentials, or refused those of the
 * proxy URL. The message names the proxy's origin (never its credentials) and how to set
 * them: in the proxy URL, e.g. `HTTPS_PROXY=http://user:pass@host:port` (user and password
 * percent-encoded). Not retried: a second try would be refused the same way. `code` is
 * `PROXY_AUTHENTICATION_REQUIRED`.
 */
export class ProxyAuthenticationError extends NetworkError {
  override name = 'ProxyAuthenticationError';
  /** What the proxy answered: 407. */
  readonly proxyStatus: number = 407;
  constructor(message: string, options: NetworkErrorOptions = {}) {
    super(message, { code: 'PROXY_AUTHENTICATION_REQUIRED', ...options });
  }
}

/** What a {@link RedirectError} reports. */
export interface RedirectDetails {
  /** The redirect's HTTP status (301, 302, 303, 307, 308, ...); 0 when the platform hides it (a browser). */
  status: number;
  /** The origin (`scheme://host:port`) of the `Location` the API answered; `undefined` when there was none. */
  targetOrigin?: string;
  /** True when the target is on the origin the request was sent to. */
  sameOrigin?: boolean;
  /** The operation, e.g. `users.list`. */
  operation?: string;
}

/**
 * An API request was answered with a redirect. API requests never follow redirects, so the
 * API key or session never reaches another host: this error names the status and the target
 * origin (never its path or query). Usually `baseUrl` is not the site's URL: set it to
 * the URL the API redirects to. Not retried.
 */
export class RedirectError extends FilesError {
  override name = 'RedirectError';
  /** The redirect's HTTP status; 0 when the platform hides it (a browser's opaque redirect). */
  readonly status: number;
  /** The origin of the redirect's target, e.g. `https://mysite.files.com`; `undefined` when unknown. */
  readonly targetOrigin: string | undefined;
  /** The operation, e.g. `users.list`. */
  readonly operation: string | undefined;
  constructor(details: RedirectDetails, options?: FilesErrorOptions) {
    super(redirectMessage(details), options);
    this.status = details.status;
    this.targetOrigin = details.targetOrigin;
    this.operation = details.operation;
  }
}

function redirectMessage(d: RedirectDetails): string {
  const where = d.operation ? `${d.operation}: ` : '';
  const answered = d.status ? `the API answered ${d.status}` : 'the API answered a redirect';
  if (!d.targetOrigin) {
    return `${where}${answered} without a Location: API requests do not follow redirects; check baseUrl (the site's URL, e.g. https://mysite.files.com)`;
  }
  if (d.sameOrigin) {
    return `${where}${answered} to another path of ${d.targetOrigin}: API requests do not follow redirects; check baseUrl (the site's URL, without a path)`;
  }
  return `${where}${answered} to ${d.targetOrigin}: set baseUrl to that site's URL`;
}

/** A request took longer than its timeout. */
export class TimeoutError extends FilesError {
  override name = 'TimeoutError';
  /** The timeout that elapsed, in ms. */
  readonly timeoutMs: number | undefined;
  constructor(message: string, timeoutMs?: number, options?: FilesErrorOptions) {
    super(message, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Why a listing was stopped: a guard (`cursor-loop`, `max-items`, `max-pages`), or
 * `inconsistent`: the server's pages contradict each other or the range asked for (records
 * out of order or outside it, a record one slice of a partitioned listing handed to another
 * that did not list it), so the listing cannot promise every record once.
 */
export type PaginationErrorReason = 'cursor-loop' | 'max-items' | 'max-pages' | 'inconsistent';

/**
 * A listing was stopped by a guard (a cursor seen twice, `maxItems` / `maxPages` exceeded) or
 * because the server's pages cannot be reconciled (`inconsistent`). Mid-listing it carries
 * `resumeCursor`.
 */
export class PaginationError extends FilesError {
  override name = 'PaginationError';
  readonly reason: PaginationErrorReason;
  constructor(reason: PaginationErrorReason, message: string, options?: FilesErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** Options of a {@link ResponseTooLargeError}. */
export interface ResponseTooLargeErrorOptions extends FilesErrorOptions {
  /**
   * Set when a list page held more records than one page may (the `per_page` sent, else the
   * most the operation allows): that limit. The body was then within `maxPageBytes`.
   */
  limitRecords?: number;
  /** With `limitRecords`: whether the request sent `per_page` (the message says which). */
  perPageSent?: boolean;
}

/**
 * A response body was larger than the client accepts (`maxPageBytes`): reading stopped at
 * the limit instead of buffering whatever a broken or hostile server sends. Mid-listing it
 * carries `resumeCursor`; raise `maxPageBytes` (or lower `per_page`) if the records are
 * legitimately that large.
 *
 * Also thrown, with `limitRecords`, when a list page holds more records than the `per_page`
 * sent: the server ignored it (or is hostile), and the page is refused as soon as its records
 * are counted, before any is parsed. Not retried, as a body over `maxPageBytes` is not.
 */
export class ResponseTooLargeError extends FilesError {
  override name = 'ResponseTooLargeError';
  /** The operation, e.g. `users.list`. */
  readonly operation: string;
  /** The byte limit: the one reached, or (with `limitRecords`) the one in force. */
  readonly limitBytes: number;
  /** The most records a page may hold, when that is the limit the page exceeded (`undefined`: the byte limit). */
  readonly limitRecords: number | undefined;
  constructor(operation: string, limitBytes: number, options: ResponseTooLargeErrorOptions = {}) {
    super(
      options.limitRecords === undefined
        ? `${operation}: response body larger than maxPageBytes (${limitBytes} bytes); raise maxPageBytes or lower per_page if the records are legitimately this large`
        : `${operation}: the server sent more than ${options.limitRecords} records in one page (${
            options.perPageSent === false ? `no per_page sent; ${options.limitRecords} is the most a page may hold` : `per_page=${options.limitRecords}`
          })`,
      options,
    );
    this.operation = operation;
    this.limitBytes = limitBytes;
    this.limitRecords = options.limitRecords;
  }
}

/** Which check a transfer failed: the byte count, the MD5 or the CRC-32 the server reported. */
export type IntegrityCheck = 'size' | 'md5' | 'crc32';

/**
 * The bytes of a transfer do not match the File record: fewer or more bytes than its
 * `size`, or a different `md5` / `crc32`. Whatever was written is discarded.
 */
export class IntegrityError extends FilesError {
  override name = 'IntegrityError';
  /** The remote path. */
  readonly path: string;
  /** The check that failed. */
  readonly check: IntegrityCheck;
  /** What the File record says (a byte count, or a lower-case hex digest). */
  readonly expected: string | number;
  /** What the transfer gave. */
  readonly actual: string | number;

  constructor(
    path: string,
    check: IntegrityCheck,
    expected: string | number,
    actual: string | number,
    options?: FilesErrorOptions,
  ) {
    super(`${path}: ${check} mismatch: expected ${expected}, got ${actual}`, options);
    this.path = path;
    this.check = check;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * What about a local file changed while it was uploaded: its `size`, its `mtime`, its
 * `inode` (the path now names another file: a new file was renamed over it), or it was
 * `deleted`.
 */
export type LocalFileChange = 'size' | 'mtime' | 'inode' | 'deleted';

/** One change of a local file: what it was when the upload began, and what it is now. */
export interface LocalFileChangeDetail {
  /** What changed. */
  readonly what: LocalFileChange;
  /**
   * When the upload began: bytes (`size`), an ISO time with nanoseconds (`mtime`),
   * `device:inode` (`inode`, `deleted`).
   */
  readonly before: string;
  /** Now, in the same form; `''` for `deleted`. */
  readonly after: string;
}

/**
 * A local file changed while it was uploaded (its size, mtime or inode differed from when
 * the upload began, or fewer bytes could be read than it held). The upload was stopped and
 * never completed, so no remote file mixes old and new bytes: an existing remote file keeps
 * its content. Uploading it again sends the file as it is then.
 */
export class LocalFileChangedError extends FilesError {
  override name = 'LocalFileChangedError';
  /** The local file, as given to the upload. */
  readonly localPath: string;
  /** What changed (at least one entry). */
  readonly changes: readonly LocalFileChangeDetail[];

  constructor(localPath: string, changes: readonly LocalFileChangeDetail[], options?: FilesErrorOptions) {
    const deleted = changes.some((c) => c.what === 'deleted');
    const what = deleted ? 'was deleted during its upload' : `changed during its upload (${changes.map(describeChange).join(', ')})`;
    super(`${localPath} ${what}: the upload was stopped and not completed; upload it again to send the file as it is now`, options);
    this.localPath = localPath;
    this.changes = changes;
  }
}

function describeChange(change: LocalFileChangeDetail): string {
  const unit = change.what === 'size' ? ' bytes' : '';
  return `${change.what} ${change.before} → ${change.after}${unit}`;
}

/**
 * Why a path was refused:
 * - `dot-segment`: a name made only of dots (and spaces), such as `.`, `..` or `...`;
 * - `absolute`: the path starts with `/` (or `//host`);
 * - `backslash`: the path contains `\`, a separator on Windows;
 * - `nul-byte`: the path contains a NUL character;
 * - `outside`: the path would land outside the folder or root it must stay in;
 * - `empty`: the path, or one of its names, is empty or only white space;
 * - `drive-letter`: a name starts with a Windows drive (`C:`);
 * - `symlink`: a folder on the way, below the target folder, is a symbolic link (or a
 *   Windows junction), so writing there could land anywhere: see {@link UnsafePathError.link};
 * - `case-twin`: an earlier entry of the same listing names the same Files.com path (the
 *   names differ only in case, accents or Unicode form), or a file where this is a folder;
 * - `trailing-whitespace`: a name ends in white space, which Files.com refuses
 *   (`bad-request/path-cannot-have-trailing-whitespace`) or folds away when it compares paths;
 * - `reserved`: the path would land below `_/RemoteServers`, `_/Snapshots` or `_/Sites` at the
 *   root, which Files.com reads as a remote server, a snapshot or a child site, not a folder;
 * - `not-utf8`: a local name (a tree upload's) whose bytes are not UTF-8, so no Files.com path
 *   spells it (the name shown has U+FFFD where those bytes are).
 */
export type UnsafePathReason =
  | 'dot-segment'
  | 'absolute'
  | 'backslash'
  | 'nul-byte'
  | 'outside'
  | 'empty'
  | 'drive-letter'
  | 'symlink'
  | 'case-twin'
  | 'trailing-whitespace'
  | 'reserved'
  | 'not-utf8';

const EXPLANATIONS: Readonly<Record<UnsafePathReason, string>> = {
  'dot-segment': 'a name made only of dots',
  absolute: 'an absolute path',
  backslash: 'a backslash',
  'nul-byte': 'a NUL byte',
  outside: 'outside the allowed folder',
  empty: 'an empty name',
  'drive-letter': 'a Windows drive letter',
  symlink: 'a symbolic link inside the target folder',
  'case-twin': 'the same Files.com path as an earlier entry of the listing (the names differ only in case, accents or Unicode form)',
  'trailing-whitespace': 'a name ending in white space, which Files.com refuses',
  reserved: 'a path below _/RemoteServers, _/Snapshots or _/Sites, which Files.com reserves',
  'not-utf8': 'a local name whose bytes are not UTF-8 (shown with U+FFFD), which no Files.com path can spell',
};

/** Options of {@link UnsafePathError}. */
export interface UnsafePathErrorOptions extends FilesErrorOptions {
  /** For reason `symlink`: the local symbolic link found on the way. */
  link?: string;
}

/**
 * A path, usually one the server supplied, was refused because using it could read or
 * write outside the intended folder (path traversal, a symbolic link), or write one local
 * file twice (a case twin). Nothing is left written for it.
 */
export class UnsafePathError extends FilesError {
  override name = 'UnsafePathError';
  /** The path as it was given. */
  readonly path: string;
  /** Why it was refused. */
  readonly reason: UnsafePathReason;
  /** For reason `symlink`: the local symbolic link found on the way (an absolute path). */
  readonly link?: string;

  constructor(path: string, reason: UnsafePathReason, options: UnsafePathErrorOptions = {}) {
    const where = options.link === undefined ? '' : ` (${options.link})`;
    super(`Unsafe path ${JSON.stringify(path)}: ${EXPLANATIONS[reason]}${where}`, options);
    this.path = path;
    this.reason = reason;
    if (options.link !== undefined) this.link = options.link;
  }
}

/**
 * Why a sync (`files-stream/sync`) cannot go on, before or while it writes:
 * - `driver-missing`: the destination's driver package is not installed (the message names it);
 * - `destination`: the destination cannot be opened or written (a missing folder, a file that
 *   is not a database, no permission);
 * - `in-use`: another sync holds the destination or the table;
 * - `state-mismatch`: the table holds another sync (another operation, parameters or mode);
 * - `schema-conflict`: a column of the table has another type than the records need.
 */
export type SyncErrorReason = 'driver-missing' | 'destination' | 'in-use' | 'state-mismatch' | 'schema-conflict';

/**
 * A sync into a database or files cannot go on (see {@link SyncErrorReason}). Thrown before
 * anything of the run is committed when it can be told then; what earlier batches committed
 * stays, with their position, and a rerun continues from there.
 */
export class SyncError extends FilesError {
  override name = 'SyncError';
  readonly reason: SyncErrorReason;
  constructor(reason: SyncErrorReason, message: string, options?: FilesErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * The fields of a file migration that a {@link FileMigrationError} reports: those of the
 * Files.com `FileMigration` record (`GET /file_migrations/{id}`), as answered.
 */
export interface FailedFileMigration {
  readonly id?: number | null;
  readonly operation?: string | null;
  readonly path?: string | null;
  readonly dest_path?: string | null;
  readonly status?: string | null;
  readonly failure_message?: string | null;
  readonly files_moved?: number | null;
  readonly files_total?: number | null;
}

/**
 * A file migration (the background work of `files.copy`, `files.move` and the other file
 * actions) ended with status `failed`: thrown by `client.fileMigrations.wait`. The message
 * names the migration, its operation and paths, and the server's `failure_message`.
 * What the migration did before it failed is not undone by files-stream.
 */
export class FileMigrationError extends FilesError {
  override name = 'FileMigrationError';
  /** The migration's id; `undefined` when the server gave none. */
  readonly migrationId: number | undefined;
  /** `copy`, `move`, ...; `undefined` when not reported. */
  readonly operation: string | undefined;
  /** The source path, when reported. */
  readonly path: string | undefined;
  /** The destination path, when reported. */
  readonly destPath: string | undefined;
  /** Why it failed, as the server said (`failure_message`); `undefined` when it did not. */
  readonly failureMessage: string | undefined;
  /** The migration record as answered (or built from the FileAction, when no request was needed). */
  readonly migration: FailedFileMigration;

  constructor(migration: FailedFileMigration, options?: FilesErrorOptions) {
    const id = migration.id ?? undefined;
    const what = migration.operation && migration.path ? ` (${migration.operation} ${migration.path}${migration.dest_path ? ` → ${migration.dest_path}` : ''})` : '';
    const why = migration.failure_message ? `: ${migration.failure_message}` : ' (no failure_message given)';
    super(`file migration${id === undefined ? '' : ` ${id}`}${what} failed${why}`, options);
    this.migrationId = id;
    this.operation = migration.operation ?? undefined;
    this.path = migration.path ?? undefined;
    this.destPath = migration.dest_path ?? undefined;
    this.failureMessage = migration.failure_message ?? undefined;
    this.migration = migration;
  }
}
