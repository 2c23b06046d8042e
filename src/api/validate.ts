import type { ZodType } from 'zod';
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

/** A zod schema's kind (`lazy`, `object`, ...), read from its definition: this module does not load zod. */
const kindOf = (schema: ZodType): string => (schema as unknown as { _zod: { def: { type: string } } })._zod.def.type;

/** The loose (unknown fields allowed) and strict variants of a model schema, each with its fast check; built once. */
function variantsOf(schema: ZodType): { loose: Variant; strict: Variant } {
  let v = variants.get(schema);
  if (!v) {
    let inner: ZodType = schema;
    while (kindOf(inner) === 'lazy') inner = (inner as unknown as { unwrap(): ZodType }).unwrap();
    const object = kindOf(inner) === 'object' ? (inner as unknown as { loose(): ZodType; strict(): ZodType }) : undefined;
    const loose = object ? object.loose() : inner;
    const strict = object ? object.strict() : inner;
    v = { loose: { schema: loose, fast: compileFastCheck(loose) }, strict: { schema: strict, fast: compileFastCheck(strict) } };
    variants.set(schema, v);
  }
  return v;
}

/**
 * Builds the validator of an operation's records for a mode. A valid record is returned
 * exactly as received (in `passthrough` mode with its unknown fields); a record nesting
 * deeper than {@link MAX_RECORD_DEPTH} is refused; `off` skips checking (depth included).
 */
export function createValidator(operation: string, schema: ZodType | undefined, mode: ValidationMode): RecordValidator {
  if (!schema || mode === 'off') return (record) => record;
  const { schema: checked, fast } = mode === 'strict' ? variantsOf(schema).strict : variantsOf(schema).loose;
  return (record, index) => {
    if (fast(record)) return checkDepth(operation, record, index);
    const result = checked.safeParse(record);
    if (result.success) return checkDepth(operation, record, index);
    const issue = result.error.issues[0]!;
    throw new ResponseValidationError(operation, index, issue.path as (string | number)[], issue.message);
  };
}

/**
 * Deepest nesting of objects and arrays accepted inside a record. Files.com records nest a
 * few levels; a record nested deeper is refused, since `JSON.stringify` and every other
 * recursive consumer would overflow the stack on it.
 */
export const MAX_RECORD_DEPTH = 64;

/** Returns the record, or throws `ResponseValidationError` naming the field that nests too deep. */
function checkDepth(operation: string, record: unknown, index: number | undefined): unknown {
  if (typeof record !== 'object' || record === null) return record;
  const field = deepField(record, 1);
  if (field === undefined) return record;
  throw new ResponseValidationError(operation, index, field === '' ? [] : [field], `nested deeper than ${MAX_RECORD_DEPTH} levels`);
}

/** The top-level field under which `value` nests deeper than the limit (`''`: the value itself), if any. */
function deepField(value: object, depth: number): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null && (depth >= MAX_RECORD_DEPTH || deepField(item, depth + 1) !== undefined)) {
        return depth === 1 ? String(i) : '';
      }
    }
    return undefined;
  }
  for (const key in value) {
    const item: unknown = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null && (depth >= MAX_RECORD_DEPTH || deepField(item, depth + 1) !== undefined)) {
      return depth === 1 ? key : '';
    }
  }
  return undefined;
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
