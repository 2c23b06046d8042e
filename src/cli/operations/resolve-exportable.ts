import type { OperationSpec } from '../../extend.js';
import type { ApiOperationInfo } from '../../extend.js';
import { UsageError } from '../errors/usage-error.js';
import { exportableOperations, findOperation, operationName } from './catalog.js';
import { specOf } from './spec-of.js';
import { suggestNames } from './suggest.js';

/** A paginated operation, found by its CLI name, with its generated spec. */
export interface ExportableOperation {
  readonly info: ApiOperationInfo;
  readonly spec: OperationSpec;
}

/** Names people try for a folder listing, which Files.com calls `folders.listFor`. */
const FILE_LISTINGS: ReadonlySet<string> = new Set(['files', 'files.list', 'file', 'file.list', 'folders', 'folders.list', 'folder', 'folder.list']);

/**
 * Finds the paginated operation `name` names (`users`, `history.listForFolder`).
 *
 * @throws UsageError for an unknown name (with suggestions; `files` and `folders` point to
 *   `folders.listFor`) or an operation that is not paginated.
 */
export function resolveExportable(name: string): ExportableOperation {
  const info = findOperation(name);
  if (!info && FILE_LISTINGS.has(name.toLowerCase())) {
    throw new UsageError(
      `unknown operation "${name}": Files.com has no files.list; a folder's files and folders are listed by folders.listFor <path> (files-stream export folders.listFor reports; --param type=file for files only), the whole tree by files-stream ls -R --json <path>`,
    );
  }
  if (!info) {
    const names = exportableOperations().map(operationName);
    const close = suggestNames(name, names);
    const hint = close.length ? `; did you mean ${close.join(', ')}?` : '';
    throw new UsageError(`unknown operation "${name}"${hint} (files-stream operations lists them all)`);
  }
  if (!info.paginated) {
    throw new UsageError(
      `"${operationName(info)}" (${info.httpMethod} ${info.path}) is not a paginated operation: export takes a list (files-stream operations marks them)`,
    );
  }
  return { info, spec: specOf(info) };
}
