import type { JsonRecord } from '../data/collection.js';
import { hash3, Salt } from '../data/hash.js';
import { listReply, listable, type ListableCollection } from '../data/list-reply.js';
import { companies, firstNames, lastNames, pick } from '../data/names.js';
import type { Site } from '../data/site.js';
import { modelExample } from '../data/spec-facts.js';
import { TemplateSource } from '../data/template.js';
import { EPOCH_MS, isoSeconds } from '../data/time.js';
import { fail } from '../server/errors.js';
import { modelFields, objectParam, recordId, requireParams, type Params } from '../server/params.js';
import { emptyReply, jsonReply } from '../server/reply.js';
import type { RouteDef } from '../server/routing.js';
import { membershipsOfUser } from './group-users.js';

interface UserBits {
  readonly hash: number;
  readonly first: string;
  readonly last: string;
  readonly username: string;
}

/** Derives the identity of user `id` (memoised for the last id: a record's fields are derived together). */
function userBits(seed: number): (id: number) => UserBits {
  let lastId = -1;
  let last: UserBits | undefined;
  return (id) => {
    if (id === lastId && last) return last;
    const hash = hash3(seed, Salt.user, id);
    const first = pick(firstNames, hash);
    const family = pick(lastNames, hash >>> 8);
    lastId = id;
    last = { hash, first, last: family, username: `${first}.${family}${id}`.toLowerCase() };
    return last;
  };
}

/** The group ids of a user, from its live memberships. */
function groupIdsOf(site: Site, user: number): number[] {
  const gu = site.groupUsers.collection;
  return membershipsOfUser(site, user).map((j) => gu.field(j, 'group_id') as number);
}

/**
 * Users: `{first}.{last}{id}` usernames, names, e-mails, companies, creation times growing
 * with the id, and group ids from the memberships; every other field is the spec example's.
 */
export function createUsers(site: Site): ListableCollection {
  const { seed, users } = site.options;
  const bits = userBits(seed);
  // Memoised for the last id and memberships version: group_ids and primary_group_id are derived together.
  let lastId = -1;
  let lastVersion = -1;
  let lastGroups: number[] = [];
  const groups = (id: number) => {
    const version = site.groupUsers.collection.version;
    if (id !== lastId || version !== lastVersion) {
      lastGroups = groupIdsOf(site, id);
      lastId = id;
      lastVersion = version;
    }
    return lastGroups;
  };
  const live = {
    group_ids: (id: number) => groups(id).join(','),
    primary_group_id: (id: number) => groups(id)[0] ?? null,
  };
  const source = new TemplateSource(users, { ...modelExample('User'), admin_group_ids: [] }, {
    id: (id) => id,
    username: (id) => bits(id).username,
    name: (id) => `${bits(id).first} ${bits(id).last}`,
    email: (id) => `${bits(id).username}@example.com`,
    company: (id) => pick(companies, bits(id).hash >>> 16),
    created_at: (id) => isoSeconds(EPOCH_MS + id * 60_000),
    last_login_at: (id) => isoSeconds(EPOCH_MS + (bits(id).hash % (365 * 86400)) * 1000),
    site_admin: (id) => id === 1 || (bits(id).hash >>> 20) % 25 === 0,
    disabled: (id) => id !== 1 && (bits(id).hash >>> 12) % 20 === 0,
    password_validity_days: (id) => ((bits(id).hash >>> 4) % 4) * 30,
    ...live,
  });
  return listable(source, {
    perPageMax: 10_000,
    sortFields: ['site_id', 'workspace_id', 'company', 'name', 'disabled', 'authenticate_until', 'username', 'email',
      'site_admin', 'last_desktop_login_at', 'last_login_at', 'password_validity_days', 'ssl_required'],
    filterFields: {
      // And `not_site_admin`, the spec's too, answered by the `GET /users` route (see `takeNotSiteAdmin`).
      filter: ['username', 'name', 'email', 'company', 'site_admin', 'password_validity_days', 'ssl_required',
        'last_login_at', 'authenticate_until', 'disabled', 'partner_id', 'primary_group_id', 'workspace_id'],
      filter_prefix: ['username', 'name', 'email', 'company'],
      filter_gt: ['password_validity_days', 'last_login_at', 'authenticate_until'],
      filter_gteq: ['password_validity_days', 'last_login_at', 'authenticate_until'],
      filter_lt: ['password_validity_days', 'last_login_at', 'authenticate_until'],
      filter_lteq: ['password_validity_days', 'last_login_at', 'authenticate_until'],
    },
  }, live);
}

/** The id of the user with this username (case-insensitive), or `undefined`. O(1) for derived users. */
export function findUserByUsername(site: Site, username: string): number | undefined {
  const { collection } = site.users;
  const wanted = username.toLowerCase();
  const digits = /(\d+)$/.exec(wanted);
  if (digits) {
    const id = Number(digits[1]);
    if (collection.has(id) && String(collection.field(id, 'username')).toLowerCase() === wanted) return id;
  }
  for (const id of collection.overlayIds()) {
    if (String(collection.field(id, 'username')).toLowerCase() === wanted) return id;
  }
  return undefined;
}

/**
 * `filter[not_site_admin]`, which the spec lists for `GET /users` and both SDK READMEs give
 * as their exact-filter example ("Users who are not site admins": `filter: { not_site_admin:
 * true }`), is no field of a user record: it is read here as the exact match of a field that
 * is `!site_admin` (`true`: the users who are not site admins; `false`: the site admins;
 * compared case-insensitively as text, as the other exact filters). Answers the parameters
 * without it (so the list query checks the other filters as usual) and its lowercased value.
 */
function takeNotSiteAdmin(params: Params): { params: Params; notSiteAdmin: string | undefined } {
  const filter = objectParam(params, 'filter');
  if (!filter || !('not_site_admin' in filter)) return { params, notSiteAdmin: undefined };
  const { not_site_admin: value, ...others } = filter;
  if (value !== null && typeof value === 'object') {
    fail(400, 'bad-request/invalid-filter-param-value', 'filter[not_site_admin] must be a single value.');
  }
  const rest: Params = { ...params, filter: others };
  if (Object.keys(others).length === 0) delete rest['filter'];
  return { params: rest, notSiteAdmin: String(value).toLowerCase() };
}

const USER_FIELDS = new Set(Object.keys(modelExample('User')));

function userFields(body: JsonRecord): JsonRecord {
  return modelFields(body, USER_FIELDS);
}

/** Routes of `/users`: list (sort, filters, `ids`, `search`), find, create, update, delete. */
export function userRoutes(site: Site): RouteDef[] {
  const users = site.users;
  const { collection } = users;
  const find = (raw: string): number => {
    const id = recordId(raw);
    if (!collection.has(id)) fail(404, 'not-found/user-not-found', `User ${raw} not found.`);
    return id;
  };
  return [
    {
      method: 'GET',
      path: '/users',
      handle: ({ params: raw }) => {
        const { params, notSiteAdmin } = takeNotSiteAdmin(raw);
        const ids = typeof params['ids'] === 'string' && params['ids'] ? new Set(params['ids'].split(',').map(Number)) : undefined;
        const search = typeof params['search'] === 'string' && params['search'] ? params['search'].toLowerCase() : undefined;
        const extra =
          ids || search || notSiteAdmin !== undefined
            ? (id: number) =>
                (!ids || ids.has(id)) &&
                (notSiteAdmin === undefined || String(collection.field(id, 'site_admin') !== true) === notSiteAdmin) &&
                (!search || ['username', 'name', 'email'].some((f) => String(collection.field(id, f)).toLowerCase().includes(search)))
            : undefined;
        return listReply(users, params, site.codec, extra);
      },
    },
    { method: 'GET', path: '/users/{id}', handle: ({ pathParams }) => jsonReply(200, collection.get(find(pathParams['id']!))) },
    {
      method: 'POST',
      path: '/users',
      handle: ({ params }) => {
        requireParams(params, ['username']);
        const username = String(params['username']);
        if (findUserByUsername(site, username) !== undefined) {
          fail(422, 'processing-failure/model-save-error', 'Username has already been taken.');
        }
        const created = collection.create((id) => ({
          ...modelExample('User'),
          id,
          name: '',
          email: '',
          company: '',
          site_admin: false,
          disabled: false,
          admin_group_ids: [],
          created_at: isoSeconds(site.options.now()),
          ...userFields(params),
          username,
        }));
        return jsonReply(201, created);
      },
    },
    {
      method: 'PATCH',
      path: '/users/{id}',
      handle: ({ pathParams, params }) => jsonReply(200, collection.update(find(pathParams['id']!), userFields(params))),
    },
    {
      method: 'DELETE',
      path: '/users/{id}',
      handle: ({ pathParams }) => {
        const id = find(pathParams['id']!);
        for (const j of membershipsOfUser(site, id)) site.groupUsers.collection.delete(j);
        collection.delete(id);
        return emptyReply();
      },
    },
  ];
}
