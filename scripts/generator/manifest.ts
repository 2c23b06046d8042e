/** `src/generated/manifest.ts`: one plain record per operation, for tools, docs and tests. */
import { declaration, doc, file, HEADER } from './format.js';
import { nameOperation } from './operations.js';
import type { Spec } from './spec.js';

const INFO_TYPE = `/** One Files.com operation, as the client exposes it. */
export interface ApiOperationInfo {
  /** Spec resource, e.g. \`User\`. */
  readonly resource: string;
  /** Spec SDK method, e.g. \`list\`. */
  readonly sdkMethod: string;
  /** Client namespace, e.g. \`users\`. */
  readonly namespace: string;
  /** Client method name, e.g. \`list\` (so the call is \`client.users.list\`). */
  readonly method: string;
  readonly httpMethod: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path template below \`/api/rest/v1\`, e.g. \`/users/{id}\`. */
  readonly path: string;
  readonly paginated: boolean;
  /** Path parameters, in positional order. */
  readonly pathParams: readonly string[];
  /** Largest accepted \`per_page\`, for paginated operations. */
  readonly perPageMax?: number;
  /** Response model; absent for operations answering 204. */
  readonly model?: string;
}`;

/** The manifest entry of each operation, in spec order. */
export function manifestEntries(spec: Spec): Record<string, unknown>[] {
  return spec.operations.map((op) => {
    const named = nameOperation(op);
    const entry: Record<string, unknown> = {
      resource: op.resource,
      sdkMethod: op.sdkMethod,
      namespace: named.namespace,
      method: named.method,
      httpMethod: op.method,
      path: op.path,
      paginated: op.paginated,
      pathParams: op.pathParams,
    };
    const perPage = op.params.find((p) => p.name === 'per_page');
    if (perPage?.max !== undefined) entry.perPageMax = perPage.max;
    if (op.returns) entry.model = op.returns.model;
    return entry;
  });
}

export function manifestModule(spec: Spec): string {
  const list = [
    doc(`Every operation of the Files.com API (${spec.operations.length}), in spec order.`),
    declaration('export const apiOperations: readonly ApiOperationInfo[] = ', manifestEntries(spec)),
  ].join('\n');
  return file(HEADER, INFO_TYPE, list);
}
