/** One zod schema module per spec model: `src/generated/models/<kebab-name>.ts`. */
import { doc, exportLine, file, HEADER, importLine, propKey } from './format.js';
import { modelFile, schemaName } from './naming.js';
import type { Spec, SpecModel } from './spec.js';

/** Models whose content is free-form ("dynamic"): a field of that type accepts anything. */
const DYNAMIC_MODELS = new Set(['Auto']);

/** A field type in both forms the model module needs. */
export interface FieldType {
  /** zod expression, e.g. `z.number().int()`. */
  zod: string;
  /** TypeScript type, e.g. `number`. */
  ts: string;
}

/** Spec scalar types and what each maps to. */
const SCALARS: Readonly<Record<string, FieldType>> = {
  string: { zod: 'z.string()', ts: 'string' },
  email: { zod: 'z.string()', ts: 'string' },
  'date-time': { zod: 'z.string()', ts: 'string' },
  date: { zod: 'z.string()', ts: 'string' },
  int64: { zod: 'z.number().int()', ts: 'number' },
  double: { zod: 'z.number()', ts: 'number' },
  // Files.com sends decimals as strings ("1.0"); accept numbers too.
  decimal: { zod: 'z.union([z.number(), z.string()])', ts: 'number | string' },
  boolean: { zod: 'z.boolean()', ts: 'boolean' },
  file: { zod: 'z.unknown()', ts: 'unknown' },
  'hash(string,array(string))': {
    zod: 'z.record(z.string(), z.array(z.string()))',
    ts: 'Record<string, string[]>',
  },
};

const RECORD: FieldType = { zod: 'z.record(z.string(), z.unknown())', ts: 'Record<string, unknown>' };
const UNKNOWN: FieldType = { zod: 'z.unknown()', ts: 'unknown' };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The type of one attribute. `example` is the attribute's value in the model's example:
 * where the spec says `object` (or a model) but the example holds something else (a
 * placeholder string), the schema accepts that too rather than reject real responses.
 */
export function fieldType(type: string, example: unknown, models: Spec['models']): FieldType {
  const scalar = SCALARS[type];
  if (scalar) return scalar;
  const array = /^array\((.+)\)$/.exec(type);
  if (array) {
    const items = Array.isArray(example) ? example : [];
    const item = fieldType(array[1]!, items.find((i) => !isPlainObject(i)) ?? items[0], models);
    return { zod: `z.array(${item.zod})`, ts: item.ts.includes(' ') ? `(${item.ts})[]` : `${item.ts}[]` };
  }
  if (type === 'object') {
    return example === undefined || example === null || isPlainObject(example) ? RECORD : UNKNOWN;
  }
  if (DYNAMIC_MODELS.has(type)) return UNKNOWN;
  if (models[type]) {
    const schema = schemaName(type);
    return typeof example === 'string'
      ? { zod: `z.union([${schema}, z.string()])`, ts: `${type} | string` }
      : { zod: schema, ts: type };
  }
  throw new Error(`Unknown spec type "${type}"`);
}

/** Models an attribute type refers to (`Image`, `array(Image)`), dynamic ones excluded. */
export function referencedModel(type: string, models: Spec['models']): string | undefined {
  const inner = /^array\((.+)\)$/.exec(type)?.[1] ?? type;
  return models[inner] && !DYNAMIC_MODELS.has(inner) ? inner : undefined;
}

/** The source of one model module: the record type, and its zod schema. */
export function modelModule(name: string, model: SpecModel, models: Spec['models']): string {
  const fields = model.attributes.map((attr) => ({
    key: propKey(attr.name),
    type: fieldType(attr.type, model.example?.[attr.name], models),
  }));
  const refs = [...new Set(model.attributes.map((a) => referencedModel(a.type, models)))]
    .filter((ref): ref is string => ref !== undefined)
    .sort();
  const imports = [
    importLine(['z'], 'zod'),
    importLine(['lazySchema'], '../lazy-schema.js'),
    ...refs.map((ref) => importLine([schemaName(ref), `type ${ref}`], `./${modelFile(ref).replace(/\.ts$/, '.js')}`)),
  ];
  // A type alias rather than an interface: assignable to `Record<string, unknown>` (for
  // exports and generic helpers), while a misspelt field is still a compile error.
  const type = [
    doc(`A Files.com \`${name}\` record. Every field may be absent or null; unknown fields are kept.`),
    `export type ${name} = {`,
    ...fields.map((f) => `  ${f.key}?: ${f.type.ts === 'unknown' ? 'unknown' : `${f.type.ts} | null`};`),
    '};',
  ].join('\n');
  const schema = [
    doc(`Checks a \`${name}\` response record. Built on first use.`),
    `export const ${schemaName(name)} = lazySchema<${name}>(() =>`,
    '  z.looseObject({',
    ...fields.map((f) => `    ${f.key}: ${f.type.zod}.nullish(),`),
    '  }),',
    ');',
  ].join('\n');
  return file(HEADER, imports.join('\n'), type, schema);
}

/** Throws when models refer to each other in a cycle (the output would need explicit types). */
export function assertAcyclic(models: Spec['models']): void {
  const done = new Set<string>();
  const visit = (name: string, stack: string[]): void => {
    if (stack.includes(name)) throw new Error(`Model reference cycle: ${[...stack, name].join(' > ')}`);
    if (done.has(name)) return;
    for (const attr of models[name]!.attributes) {
      const ref = referencedModel(attr.type, models);
      if (ref) visit(ref, [...stack, name]);
    }
    done.add(name);
  };
  for (const name of Object.keys(models)) visit(name, []);
}

/** Every model module, keyed by path relative to the repository root. */
export function modelModules(spec: Spec): Map<string, string> {
  assertAcyclic(spec.models);
  const out = new Map<string, string>();
  for (const [name, model] of Object.entries(spec.models)) {
    out.set(`src/generated/models/${modelFile(name)}`, modelModule(name, model, spec.models));
  }
  out.set('src/generated/lazy-schema.ts', file(HEADER, LAZY_SCHEMA_MODULE));
  return out;
}

/** `src/generated/models/index.ts`: every schema and type, for `export *` from the package. */
export function modelsIndex(spec: Spec): string {
  const lines = Object.keys(spec.models)
    .sort()
    .map((name) => exportLine([schemaName(name), `type ${name}`], `./${modelFile(name).replace(/\.ts$/, '.js')}`));
  return file(HEADER, lines.join('\n'));
}

/** `src/generated/lazy-schema.ts`: the one helper every model module uses. */
export const LAZY_SCHEMA_MODULE = `import { z } from 'zod';

/**
 * A record schema built on first use (building all of them at import would cost more than
 * 100 ms), typed by its generated record type. The type and the zod shape are generated from
 * the same spec entry, so the compiler is not asked to compare them: that deep check, once per
 * model, would more than double type-checking time. Tests parse every spec example instead.
 */
export function lazySchema<T>(
  build: () => z.ZodObject<z.core.$ZodLooseShape, z.core.$loose>,
): z.ZodType<T> {
  return z.lazy(build) as unknown as z.ZodType<T>;
}`;
