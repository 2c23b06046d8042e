/** The generated model schemas: lenient on absence, strict on types, faithful to the spec's examples. */
import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import * as models from '../../src/generated/models/index.js';
import { modelExamples, operationExamples } from '../../src/generated/examples.js';
import { nameOperation } from '../../scripts/generator/operations.js';
import { hasSpec, needsSpec, spec } from './spec-fixture.js';

const schemas = models as unknown as Record<string, ZodType>;
const schemaOf = (model: string): ZodType => schemas[`${model}Schema`]!;
const modelNames = Object.keys(spec.models);

describe.skipIf(!hasSpec)(needsSpec('every model schema'), () => {
  it('exists for every spec model', () => {
    expect(modelNames.filter((name) => !schemaOf(name))).toEqual([]);
  });

  it.each(modelNames)('%s parses its spec example unchanged', (name) => {
    const example = spec.models[name]!.example;
    if (example === null) return; // PartnerSite has no example in the spec
    expect(schemaOf(name).parse(example)).toEqual(example);
  });

  it.each(modelNames)('%s accepts a record with every field absent, or every field null', (name) => {
    const nulls = Object.fromEntries(spec.models[name]!.attributes.map((a) => [a.name, null]));
    expect(schemaOf(name).safeParse({}).success).toBe(true);
    expect(schemaOf(name).safeParse(nulls).success).toBe(true);
  });
});

describe('model schemas', () => {
  it('keep unknown fields and field names as sent', () => {
    const file = { path: 'a/b.txt', 'subfolders_locked?': true, brand_new_field: { x: 1 } };
    expect(models.FileSchema.parse(file)).toEqual(file);
  });

  it('reject a field of the wrong type', () => {
    expect(models.UserSchema.safeParse({ id: 'one' }).success).toBe(false);
    expect(models.UserSchema.safeParse({ id: 1.5 }).success).toBe(false);
    expect(models.UserSchema.safeParse({ site_admin: 'yes' }).success).toBe(false);
    expect(models.UserSchema.safeParse({ admin_group_ids: ['1'] }).success).toBe(false);
    expect(models.FileSchema.safeParse({ preview: { id: 'x' } }).success).toBe(false);
  });

  it('accept decimals as strings or numbers', () => {
    expect(models.InvoiceSchema.safeParse({ amount: '1.0' }).success).toBe(true);
    expect(models.InvoiceSchema.safeParse({ amount: 1 }).success).toBe(true);
  });

  it('accept a nested model, and a string where the spec example shows one', () => {
    const image = { name: 'logo', uri: 'https://example.com/logo.png' };
    expect(models.StyleSchema.parse({ logo: image, thumbnail: image })).toEqual({ logo: image, thumbnail: image });
    expect(models.StyleSchema.safeParse({ logo: 'https://example.com/logo.png' }).success).toBe(true);
  });

  it('type records by interface', () => {
    const user: models.User = { id: 1, username: 'alice', site_admin: null };
    expect(user.username).toBe('alice');
  });
});

describe.skipIf(!hasSpec)(needsSpec('examples module'), () => {
  it('holds each model example', () => {
    const expected = Object.fromEntries(
      Object.entries(spec.models).filter(([, m]) => m.example !== null).map(([name, m]) => [name, m.example]),
    );
    expect(modelExamples).toEqual(expected);
  });

  it('holds one response record per operation that answers with a body', () => {
    const expected: Record<string, unknown> = {};
    for (const op of spec.operations) {
      if (op.exampleResponse === null) continue;
      const body = op.exampleResponse;
      expected[nameOperation(op).id] = Array.isArray(body) ? body[0] : body;
    }
    expect(operationExamples).toEqual(expected);
  });
});
