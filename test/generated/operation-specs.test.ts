import { describe, expect, it } from 'vitest';
import { apiOperations } from '../../src/generated/manifest.js';
import { operationSpecs } from '../../src/generated/operation-specs.js';

describe('operationSpecs', () => {
  it('holds the spec of every manifest operation, under its id, and nothing else', () => {
    const ids = apiOperations.map((o) => `${o.namespace}.${o.method}`);
    expect(Object.keys(operationSpecs).sort()).toEqual([...ids].sort());
    for (const info of apiOperations) {
      const spec = operationSpecs[`${info.namespace}.${info.method}`]!;
      expect([spec.id, spec.method, spec.path, spec.paginated]).toEqual([`${info.namespace}.${info.method}`, info.httpMethod, info.path, info.paginated]);
    }
  });
});
