/**
 * Shared by the generated-surface tests: the spec (read from `../shared`, never copied into
 * the repository) and made-up valid arguments for any of its operations.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Spec, SpecOperation, SpecParam } from '../../scripts/generator/spec.js';
import { nameOperation } from '../../scripts/generator/operations.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const specPath = fileURLToPath(new URL('../../../shared/filescom-api/spec.json', import.meta.url));
export const hasSpec = existsSync(specPath);
export const SKIP_MESSAGE = `needs the Files.com spec at ${specPath} (not part of the repository)`;

/** A suite title that says why the suite is skipped when the spec is absent. */
export function needsSpec(title: string): string {
  return hasSpec ? title : `${title} [skipped: ${SKIP_MESSAGE}]`;
}

/** The spec, or an empty one when it is absent (the suites using it are skipped then). */
export const spec: Spec = hasSpec
  ? (JSON.parse(readFileSync(specPath, 'utf8')) as Spec)
  : ({ models: {}, operations: [], errors: [], errorFamilies: [] } as unknown as Spec);

/** One operation with what a test needs to call it. */
export interface OperationCase {
  /** `namespace.method`, the test's name. */
  id: string;
  namespace: string;
  method: string;
  op: SpecOperation;
}

export const operationCases: OperationCase[] = spec.operations.map((op) => {
  const named = nameOperation(op);
  return { id: named.id, namespace: named.namespace, method: named.method, op };
});

/** A path argument: ids are integers; paths hold a slash, a space and an accent to test encoding. */
export function pathArgFor(param: SpecParam): number | string {
  if (param.type === 'int64') return 42;
  return param.name === 'path' ? 'reports/Q1 2024/résumé.txt' : 'chat-1';
}

/** A made-up valid value for a named parameter, or `undefined` to leave it out. */
export function valueFor(param: SpecParam): unknown {
  const fields = param.validFields;
  if (param.name === 'per_page') return Math.min(5, param.max ?? 5);
  if (param.name === 'sort_by') return { [fields?.[0] ?? 'id']: 'desc' };
  if (param.name.startsWith('filter') && param.type === 'object') return { [fields?.[0] ?? 'name']: 'a b' };
  if (param.enumLike?.length) return param.enumLike[0];
  switch (param.type) {
    case 'string':
      return `${param.name} value`;
    case 'int64':
      return 7;
    case 'double':
      return 1.5;
    case 'boolean':
      return true;
    case 'object':
      return { key: 'value' };
    case 'array(string)':
      return ['a', 'b c'];
    case 'array(int64)':
      return [1, 2];
    case 'array(object)':
      return [{ key: 'value' }];
    default:
      // `file`: a file upload cannot travel in a JSON body; left out unless required.
      return param.required ? 'file contents' : undefined;
  }
}

/** Path arguments and a parameters object with every non-path parameter given a value. */
export function argumentsFor(op: SpecOperation): { pathArgs: (number | string)[]; params: Record<string, unknown> } {
  const pathArgs = op.pathParams.map((name) => pathArgFor(op.params.find((p) => p.name === name)!));
  const params: Record<string, unknown> = {};
  for (const param of op.params) {
    if (param.in === 'path' || param.name === 'cursor') continue;
    const value = valueFor(param);
    if (value !== undefined) params[param.name] = value;
  }
  return { pathArgs, params };
}

/** The query string Files.com expects: `a=1`, `sort_by[field]=asc`, repeated `ids[]=1`. */
export function expectedQuery(query: Record<string, unknown>): string {
  const parts: string[] = [];
  const add = (key: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((item) => add(`${key}[]`, item));
    else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) add(`${key}[${encodeURIComponent(k)}]`, v);
    } else parts.push(`${key}=${encodeURIComponent(String(value))}`);
  };
  for (const [key, value] of Object.entries(query)) add(encodeURIComponent(key), value);
  return parts.join('&');
}

/** The URL a call must hit: each path argument one `encodeURIComponent` segment. */
export function expectedUrl(op: SpecOperation, pathArgs: readonly (number | string)[], query: Record<string, unknown>): string {
  let i = 0;
  const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(String(pathArgs[i++])));
  const qs = expectedQuery(query);
  return `https://files.test/api/rest/v1${path}${qs ? `?${qs}` : ''}`;
}
