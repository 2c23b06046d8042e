import type { OperationSpec } from '../../extend.js';
import type { ApiOperationInfo } from '../../extend.js';
import { operationSpecs } from '../../extend.js';

/** The generated `OperationSpec` of an operation (its parameters and their types). */
export function specOf(info: ApiOperationInfo): OperationSpec {
  const spec = operationSpecs[`${info.namespace}.${info.method}`];
  if (!spec) throw new Error(`no operation spec for ${info.namespace}.${info.method}`);
  return spec;
}
