import { hash3, Salt } from '../data/hash.js';
import { listReply, listable, type ListableCollection } from '../data/list-reply.js';
import type { Site } from '../data/site.js';
import { modelExample } from '../data/spec-facts.js';
import { TemplateSource } from '../data/template.js';
import { fail } from '../server/errors.js';
import { boolParam, intParam, recordId, requireParams } from '../server/params.js';
import { emptyReply, jsonReply } from '../server/reply.js';
import type { RouteDef } from '../server/routing.js';

/** Name fields of a membership, read from the user and the group on every read. */
function nameFields(site: Site): Record<string, (id: number) => unknown> {
  const self = () => site.groupUsers.collection;
  return {
    username: (j) => site.users.collection.field(self().field(j, 'user_id') as number, 'username') ?? null,
    group_name: (j) => site.groups.collection.field(self().field(j, 'group_id') as number, 'name') ?? null,
  };
}

/** Group memberships, derived by {@link Memberships}; every tenth one is a group admin. */
export function createGroupUsers(site: Site): ListableCollection {
  const { seed } = site.options;
  const { memberships } = site;
  const live = nameFields(site);
  const source = new TemplateSource(memberships.count, modelExample('GroupUser'), {
    group_id: (j) => memberships.groupOf(j),
    user_id: (j) => memberships.userOf(j),
    admin: (j) => hash3(seed, Salt.groupUser, j) % 10 === 0,
    id: (j) => j,
    ...live,
  });
  return listable(source, { perPageMax: 10_000 }, live);
}

/** Live membership ids of a group: the derived ones still in place, plus created or moved ones. */
export function membersOf(site: Site, group: number): number[] {
  const gu = site.groupUsers.collection;
  const { memberships } = site;
  if (gu.pristine) return memberships.ofGroup(group);
  const out = memberships.ofGroup(group).filter((j) => gu.has(j) && gu.field(j, 'group_id') === group);
  for (const j of gu.overlayIds()) {
    const derivedHere = j <= memberships.count && memberships.groupOf(j) === group;
    if (!derivedHere && gu.field(j, 'group_id') === group) out.push(j);
  }
  return out;
}

/** Live membership ids of a user. */
export function membershipsOfUser(site: Site, user: number): number[] {
  const gu = site.groupUsers.collection;
  const { memberships } = site;
  if (gu.pristine) return memberships.ofUser(user);
  const out = memberships.ofUser(user).filter((j) => gu.has(j) && gu.field(j, 'user_id') === user);
  for (const j of gu.overlayIds()) {
    const derivedHere = j <= memberships.count && memberships.userOf(j) === user;
    if (!derivedHere && gu.field(j, 'user_id') === user) out.push(j);
  }
  return out;
}

/** Adds a membership; fails when the user is already in the group. */
export function addMembership(site: Site, group: number, user: number, admin: boolean): number {
  const gu = site.groupUsers.collection;
  if (membersOf(site, group).some((j) => gu.field(j, 'user_id') === user)) {
    fail(422, 'processing-failure/model-save-error', `User ${user} is already a member of group ${group}.`);
  }
  const created = gu.create((id) => ({ ...modelExample('GroupUser'), id, group_id: group, user_id: user, admin }));
  return created['id'] as number;
}

/** Routes of `/group_users`: list (by `group_id` / `user_id`), create, update, delete. */
export function groupUserRoutes(site: Site): RouteDef[] {
  const gu = site.groupUsers.collection;
  const checkRefs = (group: number, user: number) => {
    if (!site.groups.collection.has(group)) fail(404, 'not-found/group-not-found', `Group ${group} not found.`);
    if (!site.users.collection.has(user)) fail(404, 'not-found/user-not-found', `User ${user} not found.`);
  };
  const find = (raw: string | undefined): number => {
    const id = recordId(raw);
    if (!gu.has(id)) fail(404, 'not-found/nested-not-found', `Group user ${raw} not found.`);
    return id;
  };
  return [
    {
      method: 'GET',
      path: '/group_users',
      handle: ({ params }) => {
        const group = intParam(params, 'group_id');
        const user = intParam(params, 'user_id');
        const users = site.users.collection;
        const groups = site.groups.collection;
        const extra =
          group === undefined && user === undefined && users.pristine && groups.pristine
            ? undefined
            : (j: number) =>
                (group === undefined || gu.field(j, 'group_id') === group) &&
                (user === undefined || gu.field(j, 'user_id') === user) &&
                users.has(gu.field(j, 'user_id') as number) &&
                groups.has(gu.field(j, 'group_id') as number);
        return listReply(site.groupUsers, params, site.codec, extra);
      },
    },
    {
      method: 'POST',
      path: '/group_users',
      handle: ({ params }) => {
        requireParams(params, ['group_id', 'user_id']);
        const group = Number(params['group_id']);
        const user = Number(params['user_id']);
        checkRefs(group, user);
        return jsonReply(201, gu.get(addMembership(site, group, user, boolParam(params, 'admin'))));
      },
    },
    {
      method: 'PATCH',
      path: '/group_users/{id}',
      handle: ({ pathParams, params }) => {
        const id = find(pathParams['id']);
        requireParams(params, ['group_id', 'user_id']);
        const group = Number(params['group_id']);
        const user = Number(params['user_id']);
        checkRefs(group, user);
        const patch: Record<string, unknown> = { group_id: group, user_id: user };
        if (params['admin'] !== undefined) patch['admin'] = boolParam(params, 'admin');
        return jsonReply(200, gu.update(id, patch));
      },
    },
    {
      method: 'DELETE',
      path: '/group_users/{id}',
      handle: ({ pathParams, params }) => {
        const id = find(pathParams['id']);
        requireParams(params, ['group_id', 'user_id']);
        gu.delete(id);
        return emptyReply();
      },
    },
  ];
}
