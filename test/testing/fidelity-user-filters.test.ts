// Issue #21, item 5: every filter field the spec lists for `GET /users` works, starting
// with `filter[not_site_admin]`, the exact-filter example of the official SDKs' READMEs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { hasShared, readShared, repoRoot } from '../helpers/shared.js';

type Rec = Record<string, unknown>;

const SPEC = 'filescom-api/spec.json';

interface SpecParam {
  readonly name: string;
  readonly validFields?: readonly string[];
}
interface SpecOperation {
  readonly method: string;
  readonly path: string;
  readonly params: readonly SpecParam[];
}

let h: TestEmulator;
/** Every user, by id, as the API key lists them. */
let all: Rec[];
beforeAll(async () => {
  h = await startEmulator({ seed: 5, users: 400, groups: 6, groupUsers: 300 });
  all = (await h.walk('/users', 1000)).records;
});
afterAll(() => h.close());

const ids = (records: readonly Rec[]) => records.map((r) => r['id'] as number);
const query = (operator: string, field: string, value: string) => `${operator}[${field}]=${encodeURIComponent(value)}`;

describe('filter[not_site_admin] (files.com README, "Exact Filter Example": `filter: { not_site_admin: true }` // Users who are not site admins.)', () => {
  it('the official JS SDK README gives that example', () => {
    const readme = readFileSync(join(repoRoot, 'node_modules', 'files.com', 'README.md'), 'utf8');
    expect(readme).toContain('// Users who are not site admins.');
    expect(readme).toContain('filter: { not_site_admin: true }');
  });

  it('GET /users?filter[not_site_admin]=true lists exactly the users who are not site admins', async () => {
    const admins = all.filter((u) => u['site_admin'] === true);
    expect(admins.length).toBeGreaterThan(0);
    const res = await h.api('/users?filter[not_site_admin]=true&per_page=1000');
    expect(res.status, await res.clone().text()).toBe(200);
    const listed = (await res.json()) as Rec[];
    expect(ids(listed)).toEqual(ids(all.filter((u) => u['site_admin'] !== true)));
    // Paged with cursors as well.
    expect(ids((await h.walk('/users?filter[not_site_admin]=true', 37)).records)).toEqual(ids(listed));
  });

  it('the README example, run as written with the official JS SDK, lists the users who are not site admins', async () => {
    const require = createRequire(import.meta.url);
    type Sdk = Record<string, (...args: unknown[]) => unknown>;
    const Files = (require('files.com/lib/Files.js') as { default: Sdk }).default;
    const User = (require('files.com/lib/models/User.js') as { default: Sdk }).default;
    Files['setLogLevel']!(0);
    Files['setBaseUrl']!(h.baseUrl);
    Files['setApiKey']!(h.apiKey);
    // Users who are not site admins.
    const users = (await User['list']!({
      filter: { not_site_admin: true },
    })) as { id: number }[];
    expect(users.map((u) => u.id)).toEqual(ids(all.filter((u) => u['site_admin'] !== true)));
  });

  it('and with the project client', async () => {
    const users = await h.client.users.list({ filter: { not_site_admin: true }, per_page: 77 }).toArray();
    expect(users.map((u) => u.id)).toEqual(ids(all.filter((u) => u['site_admin'] !== true)));
  });

  it('filter[not_site_admin]=false is its exact opposite: the site admins', async () => {
    const { records } = await h.walk('/users?filter[not_site_admin]=false', 1000);
    expect(ids(records)).toEqual(ids(all.filter((u) => u['site_admin'] === true)));
  });

  it('the README "Combination Filter with Sort Example": filter_prefix[username], filter[not_site_admin], sort_by[last_login_at]=asc', async () => {
    const prefix = String(all[10]!['username']).slice(0, 2);
    const { records } = await h.walk(`/users?filter_prefix[username]=${prefix}&filter[not_site_admin]=true&sort_by[last_login_at]=asc`, 5);
    const expected = all.filter((u) => String(u['username']).startsWith(prefix) && u['site_admin'] !== true);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(records).sort((a, b) => a - b)).toEqual(ids(expected));
    const times = records.map((r) => Date.parse(String(r['last_login_at'])));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('a field the spec does not list is still refused with 400 bad-request/invalid-filter-field', async () => {
    const res = await h.api('/users?filter[not_a_field]=true');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).type).toBe('bad-request/invalid-filter-field');
  });
});

describe.skipIf(!hasShared(SPEC))(`every filter field the spec lists for GET /users (skipped when ../shared/${SPEC} is absent)`, () => {
  const spec = hasShared(SPEC) ? readShared<{ operations: SpecOperation[] }>(SPEC) : { operations: [] };
  const list = spec.operations.find((o) => o.method === 'GET' && o.path === '/users');
  const filters = (list?.params ?? []).filter((p) => p.name.startsWith('filter') && p.validFields);

  it('the spec lists filter[not_site_admin] for GET /users', () => {
    expect(list).toBeDefined();
    expect(filters.find((p) => p.name === 'filter')?.validFields).toContain('not_site_admin');
  });

  /** A value of `field` some user has (the spec's virtual `not_site_admin`: `true`). */
  const sample = (field: string, operator: string): string => {
    if (field === 'not_site_admin') return 'true';
    const values = all.map((u) => u[field]).filter((v) => v !== null && v !== undefined && v !== '');
    const value = values[Math.floor(values.length / 2)];
    expect(value, `no user has a value of ${field}`).toBeDefined();
    return operator === 'filter_prefix' ? String(value).slice(0, 2) : String(value);
  };

  const compare = (a: unknown, b: string): number => {
    if (typeof a === 'number') return a - Number(b);
    const t = Date.parse(String(a));
    if (!Number.isNaN(t) && /^\d{4}-/.test(String(a))) return t - Date.parse(b);
    return String(a) < b ? -1 : String(a) > b ? 1 : 0;
  };

  /** What the SDK READMEs' filter table says: exact (=), pattern (prefix), ranges (>, >=, <, <=). */
  const matches = (operator: string, field: string, value: string) => (u: Rec): boolean => {
    if (field === 'not_site_admin') return String(u['site_admin'] !== true) === value;
    const v = u[field];
    switch (operator) {
      case 'filter':
        return String(v ?? '').toLowerCase() === value.toLowerCase();
      case 'filter_prefix':
        return String(v ?? '').toLowerCase().startsWith(value.toLowerCase());
      case 'filter_gt':
        return compare(v, value) > 0;
      case 'filter_gteq':
        return compare(v, value) >= 0;
      case 'filter_lt':
        return compare(v, value) < 0;
      default:
        return compare(v, value) <= 0;
    }
  };

  for (const param of filters) {
    for (const field of param.validFields!) {
      it(`${param.name}[${field}] answers 200 with the matching users`, async () => {
        const value = sample(field, param.name);
        const res = await h.api(`/users?${query(param.name, field, value)}&per_page=1000`);
        expect(res.status, `${param.name}[${field}]=${value}: ${await res.clone().text()}`).toBe(200);
        const listed = (await res.json()) as Rec[];
        expect(ids(listed)).toEqual(ids(all.filter(matches(param.name, field, value))));
      });
    }
  }
});
