/**
 * The only door from the emulator to the spec: everything comes from the generated
 * modules, so the emulator never reads the spec file at run time.
 */
import { modelExamples, operationExamples } from '../../generated/examples.js';
import { apiOperations, type ApiOperationInfo } from '../../generated/manifest.js';
import { modelFields } from '../../generated/model-fields.js';
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

/** One parameter of an operation as the spec lists it (name, type, `in`, valid fields...). */
export type OperationParam = (typeof operationSpecs)[string]['params'][number];

/** The parameters the spec lists for an operation, the path ones included (`cursor` left out). */
export function operationParams(op: ApiOperationInfo): readonly OperationParam[] {
  return operationSpecs[operationId(op)]?.params ?? [];
}

/**
 * The model an operation's parameters are about: its resource's (`User` for `users.update`,
 * whose parameters set the user's fields), else the model it answers with (`Action` for the
 * history lists, whose filters compare its fields).
 */
export function operationModel(op: ApiOperationInfo): string | undefined {
  const spec = operationSpecs[operationId(op)];
  if (spec && modelFields[spec.resource]) return spec.resource;
  return spec?.returns?.model ?? op.model;
}

/** The model an operation answers with (the records a list's filters compare), if any. */
export function answerModel(op: ApiOperationInfo): string | undefined {
  return operationSpecs[operationId(op)]?.returns?.model ?? op.model;
}

const fieldTypes = new Map<string, ReadonlyMap<string, string>>();

/**
 * The spec type of a field of a model (`date-time`, `int64`, `boolean`, `string`, `email`,
 * `decimal`, ...), or `undefined` when the model has no such field.
 */
export function fieldType(model: string | undefined, field: string): string | undefined {
  if (model === undefined) return undefined;
  let types = fieldTypes.get(model);
  if (!types) {
    types = new Map(modelFields[model] ?? []);
    fieldTypes.set(model, types);
  }
  return types.get(field);
}
