import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z, type ZodType } from 'zod';
import { compileFastCheck } from '../../src/api/fast-check.js';
import { modelExamples } from '../../src/generated/examples.js';
import * as models from '../../src/generated/models/index.js';

const schemas = Object.entries(models)
  .filter(([name, value]) => name.endsWith('Schema') && value instanceof z.ZodType)
  .map(([name, value]) => [name.replace(/Schema$/, ''), value as ZodType] as const);

function unwrap(schema: ZodType): z.ZodObject {
  let inner: ZodType = schema;
  while (inner instanceof z.ZodLazy) inner = inner.unwrap() as ZodType;
  return inner as z.ZodObject;
}

/** JSON values of every kind, some of them right for a field and most of them wrong. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 5 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constant(2 ** 60),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 3 }), tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('the fast check accepts exactly what zod accepts', () => {
  it('covers every model', () => expect(schemas.length).toBe(149));

  it.each(schemas)('%s', (name, schema) => {
    const object = unwrap(schema);
    const keys = Object.keys(object.shape);
    const example = (modelExamples as Record<string, Record<string, unknown>>)[name] ?? {};
    for (const variant of [object.loose(), object.strict()]) {
      const fast = compileFastCheck(variant);
      const agree = (record: unknown) => expect(fast(record)).toBe(variant.safeParse(record).success);
      agree(example);
      agree({});
      agree(null);
      agree([]);
      // Records built from the model's own fields with values of every kind, plus extra fields.
      fc.assert(
        fc.property(
          fc.subarray(keys, { maxLength: Math.min(6, keys.length) }),
          fc.array(jsonValue, { minLength: 6, maxLength: 6 }),
          fc.boolean(),
          (fields, values, extra) => {
            const record: Record<string, unknown> = { ...example };
            fields.forEach((k, i) => (record[k] = values[i]));
            if (extra) record.not_in_the_spec = values[5];
            agree(record);
          },
        ),
        { numRuns: 60 },
      );
    }
  });
});
