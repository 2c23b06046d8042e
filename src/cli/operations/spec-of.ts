import type { ApiContext } from '../../api/context.js';
import type { OperationSpec } from '../../api/operation.js';
import type { ApiOperationInfo } from '../../generated/manifest.js';
import { createNamespaces, type ApiNamespaces } from '../../generated/namespaces.js';
import type { Paginated } from '../../pagination/paginated.js';

type AnyMethod = (...args: unknown[]) => unknown;

/**
 * The generated `OperationSpec` of an operation (its parameters and their types), read by
 * calling the generated namespace method over a context that only records what it is given.
 * Nothing is checked or sent.
 */
export function specOf(info: ApiOperationInfo): OperationSpec {
  let captured: OperationSpec | undefined;
  const recorder: ApiContext = {
    call: async (op) => void (captured = op),
    list: (op) => {
      captured = op;
      return undefined as unknown as Paginated<unknown>;
    },
  };
  const namespace = createNamespaces(recorder)[info.namespace as keyof ApiNamespaces] as unknown as Record<string, AnyMethod>;
  const method = namespace?.[info.method];
  if (typeof method !== 'function') throw new Error(`no client method ${info.namespace}.${info.method}`);
  void method(...info.pathParams.map(() => undefined), undefined, undefined);
  if (!captured) throw new Error(`client method ${info.namespace}.${info.method} sent no operation`);
  return captured;
}
