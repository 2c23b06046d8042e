import { hash3, Salt } from '../data/hash.js';
import type { Site } from '../data/site.js';
import { modelExample } from '../data/spec-facts.js';
import { fail } from '../server/errors.js';
import { intParam, objectParam, stringParam, type Params } from '../server/params.js';
import { emptyReply, jsonReply } from '../server/reply.js';
import type { Principal, RouteDef, RouteMatch } from '../server/routing.js';
import { findUserByUsername } from './users.js';

/**
 * Routes of `/sessions`: `POST` (no API key needed) logs in any existing user with any
 * non-empty password and answers a session id for `X-FilesAPI-Auth`; `DELETE` logs out.
 * What a session may do is {@link authorizeSession}'s.
 */
export function sessionRoutes(site: Site): RouteDef[] {
  let count = 0;
  return [
    {
      method: 'POST',
      path: '/sessions',
      anonymous: true,
      handle: ({ params }) => {
        const username = stringParam(params, 'username');
        const password = stringParam(params, 'password');
        const user = username ? findUserByUsername(site, username) : undefined;
        if (!password || user === undefined) {
          fail(401, 'not-authenticated/invalid-username-or-password', 'Invalid username or password.');
        }
        count++;
        const id = Array.from({ length: 5 }, (_, i) => hash3(site.secret, Salt.token + 1 + i, count).toString(16).padStart(8, '0')).join('');
        site.sessions.set(id, user);
        return jsonReply(201, { ...modelExample('Session'), id, language: 'en', read_only: false, sftp_insecure_ciphers: false });
      },
    },
    {
      method: 'DELETE',
      path: '/sessions',
      handle: ({ principal }) => {
        if (principal.kind === 'session') site.sessions.delete(principal.id);
        return emptyReply();
      },
    },
  ];
}

/** Fields of `PATCH /users/{id}` a user who is not a site admin may change on its own user: its profile. */
const SELF_SERVICE_FIELDS = new Set([
  'id',
  'name',
  'email',
  'company',
  'language',
  'time_zone',
  'notification_daily_send_time',
  'password',
  'password_confirmation',
  'change_password',
  'change_password_confirmation',
  'avatar_file',
  'avatar_delete',
  'announcements_read',
]);

const siteAdminRequired = (): never => fail(403, 'not-authorized/site-admin-required', 'You must be a site administrator to do this.');

/**
 * What a session (`X-FilesAPI-Auth`) may do. The official SDK READMEs: "If the user is an
 * administrator, the session will have full access to all capabilities of Files.com.
 * Sessions created from regular user accounts will only be able to access files that user
 * can access, and no access will be granted to site administration functions."
 *
 * The rule: a session of a site admin (`site_admin: true`, read at each request) may do
 * everything, as the emulator's API key may. A session of any other user may use files,
 * folders, uploads and every route the emulator answers from spec examples, and within the
 * resources the emulator keeps state for:
 *
 * - users: read one (`GET /users/{id}`), update its own user's profile ({@link SELF_SERVICE_FIELDS};
 *   any other field: 403 `not-authorized/insufficient-permission-for-params`);
 * - API keys: its own (listing and creating with no `user_id`, or `user_id` 0, act on its user;
 *   another user's id: 403 `not-authorized/user-id-without-site-admin`);
 * - history: its own (`/history/users/{its id}`), of files and of folders;
 * - action logs: filtered by folder or path (else 403 `not-authorized/non-admins-must-query-by-folder-or-path`).
 *
 * Everything else of users, groups, group users, permissions, API keys and history (listing,
 * creating, changing or deleting users, groups, memberships and permissions; other users'
 * keys and history; the whole site's history and logins) answers 403
 * `not-authorized/site-admin-required`.
 *
 * Any other principal (the API key, a key made with `POST /api_keys`, `POST /sessions`'s
 * anonymous caller) is not restricted here. Answers the parameters the route handler is to
 * read (`user_id` of API keys set to the session's user when absent or 0); throws the 403s.
 */
export function authorizeSession(site: Site, principal: Principal, method: string, match: RouteMatch, params: Params): Params {
  if (principal.kind !== 'session') return params;
  const user = site.sessions.get(principal.id);
  const users = site.users.collection;
  if (user === undefined || (users.has(user) && users.field(user, 'site_admin') === true)) return params;
  const { pathParams } = match;
  const [resource = '', ...rest] = match.def.path.split('/').filter(Boolean);
  switch (resource) {
    case 'users': {
      if (rest.length !== 1 || rest[0] !== '{id}') return siteAdminRequired();
      if (method === 'GET') return params;
      if (method !== 'PATCH' || pathParams['id'] !== String(user)) return siteAdminRequired();
      const denied = Object.keys(params).filter((name) => !SELF_SERVICE_FIELDS.has(name));
      if (denied.length > 0) {
        fail(403, 'not-authorized/insufficient-permission-for-params', `Only a site administrator may change ${denied.join(', ')}.`);
      }
      return params;
    }
    case 'groups':
    case 'group_users':
    case 'permissions':
      return siteAdminRequired();
    case 'api_keys': {
      if (rest.length === 0) {
        const owner = intParam(params, 'user_id');
        if (owner === undefined || owner === 0) return { ...params, user_id: user };
        if (owner !== user) fail(403, 'not-authorized/user-id-without-site-admin', 'Only a site administrator may give another user_id.');
        return params;
      }
      const keys = site.apiKeys.collection;
      const id = Number(pathParams['id']);
      if (keys.has(id) && keys.field(id, 'user_id') !== user) return siteAdminRequired();
      return params;
    }
    case 'history':
      if (rest[0] === 'files' || rest[0] === 'folders') return params;
      if (rest[0] === 'users' && pathParams['user_id'] === String(user)) return params;
      return siteAdminRequired();
    case 'action_logs': {
      const byFolderOrPath = ['filter', 'filter_prefix'].some((operator) => {
        const clauses = objectParam(params, operator);
        return clauses !== undefined && ['folder', 'path'].some((field) => stringParam(clauses, field));
      });
      if (!byFolderOrPath) fail(403, 'not-authorized/non-admins-must-query-by-folder-or-path', 'Non-admins must query action logs by folder or path.');
      return params;
    }
    default:
      return params;
  }
}
