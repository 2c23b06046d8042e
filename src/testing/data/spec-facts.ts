/**
 * The only door from the emulator to the spec: everything comes from the generated
 * modules, so the emulator never reads the spec file at run time.
 */
import { modelExamples, operationExamples } from '../../generated/examples.js';
import { apiOperations, type ApiOperationInfo } from '../../generated/manifest.js';
import { operationSpecs } from '../../generated/operation-specs.js';
import type { JsonRecord } from './collection.js';

export type { ApiOperationInfo };

/** Every operation of the API, in spec order. */
export const operations: readonly ApiOperationInfo[] = apiOperations;

/** The operation id (`namespace.method`) of a manifest entry. */
export function operationId(op: ApiOperationInfo): string {
  return `${op.namespace}.${op.method}`;
}

/** A copy of the spec's example record of a model (`{}` when it has none). */
export function modelExample(model: string): JsonRecord {
  return structuredClone(modelExamples[model] ?? {});
}

/** The example an operation answers with, or `undefined` for operations answering 204. */
export function operationExample(op: ApiOperationInfo): unknown {
  const example = operationExamples[operationId(op)];
  return example === undefined ? undefined : structuredClone(example);
}

/** The manifest entry for a method and path template, e.g. `('GET', '/users')`. */
export function findOperation(httpMethod: string, path: string): ApiOperationInfo | undefined {
  return operations.find((op) => op.httpMethod === httpMethod && op.path === path);
}

/** The range operators of list filters. */
const RANGE_OPERATORS = ['filter_gt', 'filter_gteq', 'filter_lt', 'filter_lteq'] as const;

/**
 * The range operators an operation accepts on `field`, each with every field the spec
 * accepts for it (`validFields`), e.g. `{ filter_gt: ['created_at'], ... }` for
 * `apiRequestLogs.list` and `'created_at'`; empty when it accepts no range on `field`.
 */
export function rangeFilterFields(op: ApiOperationInfo, field: string): Partial<Record<(typeof RANGE_OPERATORS)[number], readonly string[]>> {
  const params = operationSpecs[operationId(op)]?.params ?? [];
  const out: Partial<Record<(typeof RANGE_OPERATORS)[number], readonly string[]>> = {};
  for (const name of RANGE_OPERATORS) {
    const fields = params.find((p) => p.name === name)?.validFields;
    if (fields?.includes(field)) out[name] = fields;
  }
  return out;
}
