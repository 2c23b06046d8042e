import { z, type ZodType } from 'zod';
import { ResponseValidationError } from '../errors/client-errors.js';
import type { ValidationMode } from './context.js';
import { compileFastCheck, type FastCheck } from './fast-check.js';

/** Checks one record; returns the record to hand to the caller. */
export type RecordValidator = (record: unknown, index: number | undefined) => unknown;

interface Variant {
  schema: ZodType;
  fast: FastCheck;
}

const variants = new WeakMap<ZodType, { loose: Variant; strict: Variant }>();

/** The loose (unknown fields allowed) and strict variants of a model schema, each with its fast check; built once. */
function variantsOf(schema: ZodType): { loose: Variant; strict: Variant } {
  let v = variants.get(schema);
  if (!v) {
    let inner: ZodType = schema;
    while (inner instanceof z.ZodLazy) inner = inner.unwrap() as ZodType;
    const loose = inner instanceof z.ZodObject ? inner.loose() : inner;
    const strict = inner instanceof z.ZodObject ? inner.strict() : inner;
    v = { loose: { schema: loose, fast: compileFastCheck(loose) }, strict: { schema: strict, fast: compileFastCheck(strict) } };
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
  const { schema: checked, fast } = mode === 'strict' ? variantsOf(schema).strict : variantsOf(schema).loose;
  return (record, index) => {
    if (fast(record)) return record;
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
