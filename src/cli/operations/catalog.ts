import { apiOperations, type ApiOperationInfo } from '../../extend.js';

/**
 * The CLI name of an operation: the namespace alone for a namespace's `list`
 * (`users`, `actionLogs`), else `namespace.method` (`history.listForFolder`).
 */
export function operationName(info: ApiOperationInfo): string {
  return info.paginated && info.method === 'list' ? info.namespace : `${info.namespace}.${info.method}`;
}

/** Every operation of the API (419), in spec order. */
export function allOperations(): readonly ApiOperationInfo[] {
  return apiOperations;
}

/** The operations `export` accepts: every paginated one (122). */
export function exportableOperations(): readonly ApiOperationInfo[] {
  return apiOperations.filter((op) => op.paginated);
}

/**
 * Finds an operation by its CLI name (`users`), or by `namespace.method` (`users.list`).
 * Returns `undefined` when no operation has that name.
 */
export function findOperation(name: string): ApiOperationInfo | undefined {
  const [namespace, method = 'list'] = name.split('.', 2);
  return apiOperations.find((op) => op.namespace === namespace && op.method === method);
}
