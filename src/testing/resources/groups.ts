import type { JsonRecord } from '../data/collection.js';
import { hash3, Salt } from '../data/hash.js';
import { listReply, listable, type ListableCollection } from '../data/list-reply.js';
import { groupWords, pick } from '../data/names.js';
import type { Site } from '../data/site.js';
import { modelExample } from '../data/spec-facts.js';
import { TemplateSource } from '../data/template.js';
import { fail } from '../server/errors.js';
import { modelFields, recordId, requireParams, type Params } from '../server/params.js';
import { emptyReply, jsonReply } from '../server/reply.js';
import type { RouteDef } from '../server/routing.js';
import { addMembership, membersOf } from './group-users.js';

/** Member-derived fields of a group, recomputed on every read. */
function memberFields(site: Site): Record<string, (id: number) => unknown> {
  const gu = () => site.groupUsers.collection;
  const members = (g: number) => membersOf(site, g);
  return {
    user_ids: (g) => members(g).map((j) => gu().field(j, 'user_id')).join(','),
    usernames: (g) => members(g).map((j) => site.users.collection.field(gu().field(j, 'user_id') as number, 'username')).join(','),
    admin_ids: (g) => members(g).filter((j) => gu().field(j, 'admin') === true).map((j) => gu().field(j, 'user_id')).join(','),
  };
}

/** Groups: `{Word} {id}` names; members from the memberships. */
export function createGroups(site: Site): ListableCollection {
  const { seed, groups } = site.options;
  const live = memberFields(site);
  const source = new TemplateSource(groups, modelExample('Group'), {
    id: (id) => id,
    name: (id) => `${pick(groupWords, hash3(seed, Salt.group, id))} ${id}`,
    notes: () => '',
    ...live,
  });
  return listable(source, {
    perPageMax: 10_000,
    sortFields: ['site_id', 'workspace_id', 'name'],
    filterFields: { filter: ['name', 'workspace_id'], filter_prefix: ['name'] },
  }, live);
}

const GROUP_FIELDS = new Set(Object.keys(modelExample('Group')).filter((k) => !['user_ids', 'usernames', 'admin_ids'].includes(k)));

function idList(value: unknown): number[] {
  return typeof value === 'string' && value.trim() ? value.split(',').map((v) => Number(v.trim())).filter(Number.isInteger) : [];
}

/** Applies `user_ids` / `admin_ids` of a create or update: the group's members become exactly those. */
function setMembers(site: Site, group: number, params: Params): void {
  if (params['user_ids'] === undefined && params['admin_ids'] === undefined) return;
  const admins = new Set(idList(params['admin_ids']));
  const wanted = new Set([...idList(params['user_ids']), ...admins]);
  const gu = site.groupUsers.collection;
  for (const j of membersOf(site, group)) {
    const user = gu.field(j, 'user_id') as number;
    if (!wanted.has(user)) gu.delete(j);
    else {
      gu.update(j, { admin: admins.has(user) });
      wanted.delete(user);
    }
  }
  for (const user of wanted) {
    if (!site.users.collection.has(user)) fail(404, 'not-found/user-not-found', `User ${user} not found.`);
    addMembership(site, group, user, admins.has(user));
  }
}

/** Routes of `/groups`: list (sort, filters, `ids`), find, create, update, delete (with its memberships). */
export function groupRoutes(site: Site): RouteDef[] {
  const { collection } = site.groups;
  const find = (raw: string | undefined): number => {
    const id = recordId(raw);
    if (!collection.has(id)) fail(404, 'not-found/group-not-found', `Group ${raw} not found.`);
    return id;
  };
  return [
    {
      method: 'GET',
      path: '/groups',
      handle: ({ params }) => {
        const ids = idList(params['ids']);
        const wanted = ids.length ? new Set(ids) : undefined;
        return listReply(site.groups, params, site.codec, wanted && ((id) => wanted.has(id)));
      },
    },
    { method: 'GET', path: '/groups/{id}', handle: ({ pathParams }) => jsonReply(200, collection.get(find(pathParams['id']))) },
    {
      method: 'POST',
      path: '/groups',
      handle: ({ params }) => {
        requireParams(params, ['name']);
        const created = collection.create((id) => ({ ...modelExample('Group'), notes: '', ...modelFields(params, GROUP_FIELDS), id }));
        setMembers(site, created['id'] as number, params);
        return jsonReply(201, collection.get(created['id'] as number));
      },
    },
    {
      method: 'PATCH',
      path: '/groups/{id}',
      handle: ({ pathParams, params }) => {
        const id = find(pathParams['id']);
        collection.update(id, modelFields(params, GROUP_FIELDS) as JsonRecord);
        setMembers(site, id, params);
        return jsonReply(200, collection.get(id));
      },
    },
    {
      method: 'DELETE',
      path: '/groups/{id}',
      handle: ({ pathParams }) => {
        const id = find(pathParams['id']);
        for (const j of membersOf(site, id)) site.groupUsers.collection.delete(j);
        collection.delete(id);
        return emptyReply();
      },
    },
  ];
}

