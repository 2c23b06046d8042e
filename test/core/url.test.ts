import { describe, expect, it } from 'vitest';
import { serializeQuery } from '../../src/core/query.js';
import { buildUrl, fillPath } from '../../src/core/url.js';

describe('path parameters', () => {
  it('sends a Files.com path as one encoded segment', () => {
    expect(fillPath('/folders/{path}', { path: 'a/b c/ü&?.txt' })).toBe('/folders/a%2Fb%20c%2F%C3%BC%26%3F.txt');
    expect(fillPath('/users/{id}', { id: 42 })).toBe('/users/42');
  });
  it('refuses a missing value', () => {
    expect(() => fillPath('/users/{id}', {})).toThrow(/Missing value for path parameter "id"/);
  });
});

describe('query serialisation', () => {
  it('encodes nested objects as field[key]=value and arrays as field[]=', () => {
    expect(
      serializeQuery({
        per_page: 1000,
        cursor: 'a+b/=',
        sort_by: { username: 'asc' },
        filter: { email: 'x@y.z' },
        ids: [1, 2],
        skip: undefined,
        none: null,
        flag: false,
      }),
    ).toBe('per_page=1000&cursor=a%2Bb%2F%3D&sort_by[username]=asc&filter[email]=x%40y.z&ids[]=1&ids[]=2&flag=false');
  });
  it('builds the full URL below /api/rest/v1', () => {
    expect(buildUrl('https://x.files.com', '/folders/{path}', { path: 'r/s' }, { per_page: 2 })).toBe(
      'https://x.files.com/api/rest/v1/folders/r%2Fs?per_page=2',
    );
  });
});
