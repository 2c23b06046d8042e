import { describe, expect, it } from 'vitest';
import { buildListParams, buildPathArgs } from '../../src/cli/operations/build-params.js';
import { findOperation, operationName } from '../../src/cli/operations/catalog.js';
import { coerceValue } from '../../src/cli/operations/coerce.js';
import { resolveExportable } from '../../src/cli/operations/resolve-exportable.js';
import { specOf } from '../../src/cli/operations/spec-of.js';
import { InvalidParameterError } from '../../src/index.js';
import { apiOperations } from '../../src/generated/manifest.js';

describe('operations by name', () => {
  it('names a namespace list by the namespace, anything else namespace.method, uniquely', () => {
    expect(operationName(findOperation('users')!)).toBe('users');
    expect(findOperation('users.list')).toBe(findOperation('users'));
    expect(operationName(findOperation('history.listForFolder')!)).toBe('history.listForFolder');
    expect(new Set(apiOperations.map(operationName)).size).toBe(apiOperations.length);
  });

  it('reads the generated spec of every operation', () => {
    for (const info of apiOperations) expect(specOf(info).id).toBe(`${info.namespace}.${info.method}`);
    expect(resolveExportable('history.listForUser').spec.pathParams).toEqual(['user_id']);
  });
});

describe('command-line values to parameters', () => {
  it('converts by spec type, leaving what does not convert for the client to reject', () => {
    expect(coerceValue('int64', '42')).toBe(42);
    expect(coerceValue('int64', '4.2')).toBe('4.2');
    expect(coerceValue('double', '4.5')).toBe(4.5);
    expect(coerceValue('boolean', 'YES')).toBe(true);
    expect(coerceValue('boolean', '0')).toBe(false);
    expect(coerceValue('boolean', 'maybe')).toBe('maybe');
    expect(coerceValue('object', '{"a":1}')).toEqual({ a: 1 });
    expect(coerceValue('string', '007')).toBe('007');
  });

  it('builds filters, sort, per_page, object keys and repeated array values', () => {
    const { spec } = resolveExportable('users');
    const params = buildListParams(spec, {
      filter: [{ key: 'site_admin', value: 'true' }],
      filterPrefix: [{ key: 'username', value: 'ad' }],
      sort: { field: 'username', direction: 'desc' },
      perPage: 50,
      param: [
        { key: 'filter_gt[last_login_at]', value: '2024-01-01' },
        { key: 'include_parent_site_users', value: 'true' },
        { key: 'search', value: '42' },
      ],
    });
    expect(params).toEqual({
      filter: { site_admin: 'true' },
      filter_prefix: { username: 'ad' },
      sort_by: { username: 'desc' },
      per_page: 50,
      filter_gt: { last_login_at: '2024-01-01' },
      include_parent_site_users: true,
      search: '42',
    });
    expect(() => buildListParams(spec, { param: [{ key: 'search[x]', value: '1' }] })).toThrow(InvalidParameterError);
  });

  it('types path arguments, one per path parameter', () => {
    const forUser = resolveExportable('history.listForUser').spec;
    expect(buildPathArgs(forUser, ['12'])).toEqual([12]);
    expect(buildPathArgs(forUser, [])).toEqual([undefined]);
    expect(buildPathArgs(resolveExportable('folders.listFor').spec, ['a/b'])).toEqual(['a/b']);
    expect(() => buildPathArgs(resolveExportable('users').spec, ['x'])).toThrow(/takes no path arguments/);
  });
});
