import type { ZodType } from 'zod';

/** A compiled acceptance test: true when zod would accept the value. */
export type FastCheck = (value: unknown) => boolean;

interface Def {
  type: string;
  innerType?: ZodType;
  element?: ZodType;
  shape?: Record<string, ZodType>;
  catchall?: ZodType;
  valueType?: ZodType;
  keyType?: ZodType;
  options?: ZodType[];
  getter?: () => ZodType;
  checks?: { _zod: { def: { check: string; format?: string } } }[];
}

const defOf = (schema: ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const always: FastCheck = () => true;

/**
 * Compiles a zod schema into plain `typeof` predicates, so that valid records (nearly all of
 * them) are accepted without running zod: zod builds an output object for every record, which
 * costs about 10 µs for an 88-field User. Only what this compiler understands exactly (objects,
 * optional, nullable, string, number, int, boolean, array, record, union, lazy, unknown) is
 * compiled; anything else is checked by calling zod on that part. The result accepts exactly
 * what zod accepts (a property test checks it); a record it rejects is then given to zod for
 * the precise error.
 */
export function compileFastCheck(schema: ZodType): FastCheck {
  return compile(schema, new Map());
}

function compile(schema: ZodType, seen: Map<ZodType, FastCheck>): FastCheck {
  const cached = seen.get(schema);
  if (cached) return cached;
  // A placeholder breaks cycles (recursive models) by deferring to the compiled check.
  let compiled: FastCheck | undefined;
  seen.set(schema, (v) => (compiled ?? ((x) => schema.safeParse(x).success))(v));
  compiled = build(schema, defOf(schema), seen);
  seen.set(schema, compiled);
  return compiled;
}

function build(schema: ZodType, def: Def, seen: Map<ZodType, FastCheck>): FastCheck {
  const bySafeParse: FastCheck = (v) => schema.safeParse(v).success;
  switch (def.type) {
    case 'optional': {
      const inner = compile(def.innerType!, seen);
      return (v) => v === undefined || inner(v);
    }
    case 'nullable': {
      const inner = compile(def.innerType!, seen);
      return (v) => v === null || inner(v);
    }
    case 'string':
      return def.checks?.length ? bySafeParse : (v) => typeof v === 'string';
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'number':
      return numberCheck(def) ?? bySafeParse;
    case 'unknown':
    case 'any':
      return always;
    case 'lazy':
      return compile(def.getter!(), seen);
    case 'array': {
      if (def.checks?.length) return bySafeParse;
      const element = compile(def.element!, seen);
      return (v) => Array.isArray(v) && v.every(element);
    }
    case 'union': {
      const options = def.options!.map((o) => compile(o, seen));
      return (v) => options.some((o) => o(v));
    }
    case 'record': {
      if (defOf(def.keyType!).type !== 'string' || defOf(def.keyType!).checks?.length) return bySafeParse;
      const value = compile(def.valueType!, seen);
      return (v) => isObject(v) && Object.values(v).every(value);
    }
    case 'object':
      return objectCheck(def, seen) ?? bySafeParse;
    default:
      return bySafeParse;
  }
}

function numberCheck(def: Def): FastCheck | undefined {
  const checks = def.checks ?? [];
  if (checks.length === 0) return (v) => typeof v === 'number' && Number.isFinite(v);
  const format = checks.length === 1 && checks[0]!._zod.def.check === 'number_format' ? checks[0]!._zod.def.format : undefined;
  return format === 'safeint' ? (v) => typeof v === 'number' && Number.isSafeInteger(v) : undefined;
}

function objectCheck(def: Def, seen: Map<ZodType, FastCheck>): FastCheck | undefined {
  const keys = Object.keys(def.shape!);
  const catchall = def.catchall ? defOf(def.catchall).type : undefined;
  if (catchall !== undefined && catchall !== 'unknown' && catchall !== 'never') return undefined;
  const strict = catchall === 'never';
  return generated(keys, def.shape!, strict, seen) ?? closures(keys, def.shape!, strict, seen);
}

/** The object check as closures: one call per field (used where code generation is not allowed). */
function closures(keys: string[], shape: Record<string, ZodType>, strict: boolean, seen: Map<ZodType, FastCheck>): FastCheck {
  const checks = keys.map((k) => compile(shape[k]!, seen));
  const known = new Set(keys);
  const n = keys.length;
  return (v) => {
    if (!isObject(v)) return false;
    for (let i = 0; i < n; i++) if (!checks[i]!(v[keys[i]!])) return false;
    if (strict) for (const k in v) if (!known.has(k)) return false;
    return true;
  };
}

/**
 * The object check as one generated function with a straight-line test per field, as zod's
 * own JIT does: constant property names keep V8's inline caches hot. Leaf types are inlined;
 * anything else calls its compiled check. `undefined` where `new Function` is not allowed.
 */
function generated(keys: string[], shape: Record<string, ZodType>, strict: boolean, seen: Map<ZodType, FastCheck>): FastCheck | undefined {
  const calls: FastCheck[] = [];
  const lines = keys.map((k) => `t = v[${JSON.stringify(k)}]; if (!(${inline(shape[k]!, seen, calls)})) return false;`);
  const known = new Set(keys);
  const body = [
    "if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;",
    'let t;',
    ...lines,
    strict ? 'for (const k in v) if (!known.has(k)) return false;' : '',
    'return true;',
  ].join('\n');
  try {
    return new Function('calls', 'known', `return function fastCheck(v) {\n${body}\n};`)(calls, known) as FastCheck;
  } catch {
    return undefined; // e.g. a Content-Security-Policy without 'unsafe-eval'
  }
}

/** A JS expression testing `t`, for the leaf types; a call to a compiled check otherwise. */
function inline(schema: ZodType, seen: Map<ZodType, FastCheck>, calls: FastCheck[]): string {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
      return `t === undefined || ${inline(def.innerType!, seen, calls)}`;
    case 'nullable':
      return `t === null || ${inline(def.innerType!, seen, calls)}`;
    case 'string':
      if (!def.checks?.length) return "typeof t === 'string'";
      break;
    case 'boolean':
      return "typeof t === 'boolean'";
    case 'unknown':
    case 'any':
      return 'true';
    case 'number': {
      const checks = def.checks ?? [];
      if (checks.length === 0) return "typeof t === 'number' && Number.isFinite(t)";
      if (numberCheck(def)) return "typeof t === 'number' && Number.isSafeInteger(t)";
      break;
    }
  }
  calls.push(compile(schema, seen));
  return `calls[${calls.length - 1}](t)`;
}
