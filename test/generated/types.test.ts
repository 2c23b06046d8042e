/**
 * The generated signatures, checked by the compiler (`npm run typecheck` covers this file):
 * each `@ts-expect-error` line must stay an error. The calls are never run.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { createClient, type Paginated } from '../../src/index.js';
import type { File, User } from '../../src/generated/models/index.js';

const client = createClient({ apiKey: 'test-key', baseUrl: 'https://files.test' });

describe('generated signatures', () => {
  it('type path arguments, parameters, options and results', () => {
    // Compile-time only: wrapped in a function that is never called.
    const calls = () => {
      expectTypeOf(client.users.list()).toEqualTypeOf<Paginated<User>>();
      expectTypeOf(client.users.find(1)).toEqualTypeOf<Promise<User>>();
      expectTypeOf(client.users.delete(1)).toEqualTypeOf<Promise<void>>();
      expectTypeOf(client.folders.listFor('/a', { per_page: 10 }, { startCursor: 'c' })).toEqualTypeOf<Paginated<File>>();
      client.users.list({ sort_by: { username: 'desc' }, filter: { site_admin: true }, filter_gt: { last_login_at: new Date() } });
      client.users.create({ username: 'ann' }, { timeout: 1000 });

      // @ts-expect-error a path argument is required
      client.users.find();
      // @ts-expect-error ids are numbers
      client.users.find('1');
      // @ts-expect-error `username` is required
      client.users.create({});
      // @ts-expect-error not a sortable field
      client.users.list({ sort_by: { shoe_size: 'asc' } });
      // @ts-expect-error not a direction
      client.users.list({ sort_by: { username: 'up' } });
      // @ts-expect-error cursor is an option (`startCursor`), not a parameter
      client.users.list({ cursor: 'c' });
      // @ts-expect-error unknown parameter
      client.users.find(1, { bogus: true });
      // @ts-expect-error list options only on lists
      client.users.find(1, {}, { prefetch: 2 });
      // @ts-expect-error a misspelt field of a record
      void ((user: User) => user.site_admn);
    };
    void calls;
  });
});
