import { z, type ZodType } from 'zod';
import { ResponseValidationError } from '../errors/client-errors.js';
import type { ValidationMode } from './context.js';

/** Checks one record; returns the record to hand to the caller. */
export type RecordValidator = (record: unknown, index: number | undefined) => unknown;

const variants = new WeakMap<ZodType, { loose: ZodType; strict: ZodType }>();

/** The loose (unknown fields allowed) and strict variants of a model schema, built once. */
function variantsOf(schema: ZodType): { loose: ZodType; strict: ZodType } {
  let v = variants.get(schema);
  if (!v) {
    let inner: ZodType = schema;
    while (inner instanceof z.ZodLazy) inner = inner.unwrap() as ZodType;
    v = inner instanceof z.ZodObject ? { loose: inner.loose(), strict: inner.strict() } : { loose: inner, strict: inner };
    variants.set(schema, v);
  }
  return v;
}

/**
 * Builds the validator of an operation's records for a mode. A valid record is returned
 * exactly as received (in `passthrough` mode with its unknown fields); `off` skips checking.
 */
export function createValidator(operation: string, schema: ZodType | undefined, mode: ValidationMode): RecordValidator {
  if (!schema || mode === 'off') return (record) => record;
  const checked = mode === 'strict' ? variantsOf(schema).strict : variantsOf(schema).loose;
  return (record, index) => {
    const result = checked.safeParse(record);
    if (result.success) return record;
    const issue = result.error.issues[0]!;
    throw new ResponseValidationError(operation, index, issue.path as (string | number)[], issue.message);
  };
}

/** Validates a page body: it must be an array, and each record must pass. */
export function validateList(operation: string, body: unknown, validate: RecordValidator): unknown[] {
  if (!Array.isArray(body)) {
    throw new ResponseValidationError(operation, undefined, [], `expected a JSON array of records, got ${describe(body)}`);
  }
  for (let i = 0; i < body.length; i++) body[i] = validate(body[i], i);
  return body;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'an empty body';
  return Array.isArray(value) ? 'an array' : typeof value;
}
