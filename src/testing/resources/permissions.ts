import { toComparable } from '../../paths/index.js';
import { hash3, Salt } from '../data/hash.js';
import { listReply, listable, type ListableCollection } from '../data/list-reply.js';
import { permissionLevels, pick } from '../data/names.js';
import type { Site } from '../data/site.js';
import { modelExample } from '../data/spec-facts.js';
import { TemplateSource } from '../data/template.js';
import { fail } from '../server/errors.js';
import { boolParam, stringParam, recordId, requireParams } from '../server/params.js';
import { emptyReply, jsonReply } from '../server/reply.js';
import type { RouteDef } from '../server/routing.js';
import { membershipsOfUser } from './group-users.js';
import { findUserByUsername } from './users.js';

/** Name fields of a permission, read from its user or group on every read. */
function nameFields(site: Site): Record<string, (id: number) => unknown> {
  const self = () => site.permissions.collection;
  const name = (id: number, ref: 'user_id' | 'group_id', field: string, from: () => ListableCollection) => {
    const target = self().field(id, ref);
    return typeof target === 'number' ? (from().collection.field(target, field) ?? null) : null;
  };
  return {
    username: (id) => name(id, 'user_id', 'username', () => site.users),
    group_name: (id) => name(id, 'group_id', 'name', () => site.groups),
  };
}

/**
 * Folder permissions: each on a derived folder, for a user or a group, with a level from
 * `full`, `readonly`, `writeonly`, `list`, `history`, `admin`, `bundle`.
 */
export function createPermissions(site: Site): ListableCollection {
  const { seed, users, groups } = site.options;
  const tree = site.files.tree;
  const h = (id: number) => hash3(seed, Salt.permission, id);
  const forUser = (id: number) => groups === 0 || (users > 0 && ((h(id) >>> 3) & 1) === 1);
  const live = nameFields(site);
  const source = new TemplateSource(site.options.permissions, modelExample('Permission'), {
    id: (id) => id,
    path: (id) => tree.folderPath(h(id) % tree.folderCount),
    user_id: (id) => (forUser(id) && users > 0 ? ((h(id) >>> 4) % users) + 1 : null),
    group_id: (id) => (!forUser(id) ? ((h(id) >>> 4) % groups) + 1 : null),
    group_ids: (id) => (!forUser(id) ? [((h(id) >>> 4) % groups) + 1] : []),
    group_names: () => [],
    partner_id: () => null,
    partner_name: () => null,
    permission: (id) => pick(permissionLevels, h(id) >>> 8),
    recursive: (id) => ((h(id) >>> 12) & 1) === 0,
    ...live,
  });
  return listable(source, {
    perPageMax: 10_000,
    sortFields: ['site_id', 'group_id', 'path', 'user_id', 'partner_id', 'id'],
    filterFields: { filter: ['path', 'group_id', 'partner_id', 'user_id'], filter_prefix: ['path'] },
  }, live);
}

/** Routes of `/permissions`: list (by `path`, `user_id`, `group_id`, `include_groups`), create, delete. */
export function permissionRoutes(site: Site): RouteDef[] {
  const { collection } = site.permissions;
  return [
    {
      method: 'GET',
      path: '/permissions',
      handle: ({ params }) => {
        const path = stringParam(params, 'path');
        const pathKey = path === undefined ? undefined : toComparable(path);
        const user = stringParam(params, 'user_id');
        const group = stringParam(params, 'group_id');
        const userGroups =
          user !== undefined && boolParam(params, 'include_groups')
            ? new Set(membershipsOfUser(site, Number(user)).map((j) => site.groupUsers.collection.field(j, 'group_id')))
            : undefined;
        const extra =
          pathKey === undefined && user === undefined && group === undefined
            ? undefined
            : (id: number) =>
                (pathKey === undefined || toComparable(String(collection.field(id, 'path'))) === pathKey) &&
                (group === undefined || String(collection.field(id, 'group_id')) === group) &&
                (user === undefined ||
                  String(collection.field(id, 'user_id')) === user ||
                  (userGroups?.has(collection.field(id, 'group_id')) ?? false));
        return listReply(site.permissions, params, site.codec, extra);
      },
    },
    {
      method: 'POST',
      path: '/permissions',
      handle: ({ params }) => {
        requireParams(params, ['path']);
        let user = params['user_id'] === undefined ? undefined : Number(params['user_id']);
        const username = stringParam(params, 'username');
        if (user === undefined && username !== undefined) user = findUserByUsername(site, username) ?? -1;
        const group = params['group_id'] === undefined ? undefined : Number(params['group_id']);
        if (user === undefined && group === undefined) fail(400, 'bad-request/request-params-required', 'Parameter missing: user_id or group_id');
        if (user !== undefined && !site.users.collection.has(user)) fail(404, 'not-found/user-not-found', 'User not found.');
        if (group !== undefined && !site.groups.collection.has(group)) fail(404, 'not-found/group-not-found', 'Group not found.');
        const created = collection.create((id) => ({
          ...modelExample('Permission'),
          id,
          path: String(params['path']),
          user_id: user ?? null,
          group_id: group ?? null,
          group_ids: group === undefined ? [] : [group],
          group_names: [],
          partner_id: null,
          partner_name: null,
          permission: stringParam(params, 'permission') ?? 'full',
          recursive: params['recursive'] === undefined ? true : boolParam(params, 'recursive'),
        }));
        return jsonReply(201, created);
      },
    },
    {
      method: 'DELETE',
      path: '/permissions/{id}',
      handle: ({ pathParams }) => {
        if (!collection.delete(recordId(pathParams['id']))) fail(404, 'not-found/nested-not-found', 'Permission not found.');
        return emptyReply();
      },
    },
  ];
}
