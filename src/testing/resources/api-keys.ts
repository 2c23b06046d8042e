import { hash3, Salt } from '../data/hash.js';
import { listReply, listable, type ListableCollection } from '../data/list-reply.js';
import type { Site } from '../data/site.js';
import { modelExample } from '../data/spec-facts.js';
import { TemplateSource } from '../data/template.js';
import { EPOCH_MS, isoSeconds } from '../data/time.js';
import { fail } from '../server/errors.js';
import { intParam, modelFields, recordId, requireParams } from '../server/params.js';
import { emptyReply, jsonReply } from '../server/reply.js';
import type { RouteDef } from '../server/routing.js';

/** API keys: named `Key {id}`, owned by derived users; the secret is never listed. */
export function createApiKeys(site: Site): ListableCollection {
  const { seed, users } = site.options;
  const h = (id: number) => hash3(seed, Salt.apiKey, id);
  const source = new TemplateSource(site.options.apiKeys, modelExample('ApiKey'), {
    id: (id) => id,
    name: (id) => `Key ${id}`,
    descriptive_label: (id) => `Key ${id}`,
    description: () => '',
    created_at: (id) => isoSeconds(EPOCH_MS + id * 3_600_000),
    expires_at: (id) => (h(id) % 3 === 0 ? isoSeconds(EPOCH_MS + (h(id) % 730) * 86_400_000) : null),
    key: () => null,
    aws_style_credentials: () => false,
    aws_access_key_id: () => null,
    aws_secret_key: () => null,
    last_use_at: (id) => isoSeconds(EPOCH_MS + (h(id) % (365 * 86400)) * 1000),
    user_id: (id) => (users > 0 ? ((h(id) >>> 8) % users) + 1 : null),
    path: () => '',
  });
  return listable(source, {
    perPageMax: 10_000,
    sortFields: ['site_id', 'workspace_id'],
    filterFields: {
      filter: ['aws_style_credentials', 'expires_at'],
      filter_gt: ['expires_at'],
      filter_gteq: ['expires_at'],
      filter_lt: ['expires_at'],
      filter_lteq: ['expires_at'],
    },
  });
}

const KEY_FIELDS = new Set(['name', 'description', 'expires_at', 'permission_set', 'path', 'user_id', 'aws_style_credentials']);

/** Routes of `/api_keys`: list (by `user_id`), find, create (the new key authenticates), update, delete. */
export function apiKeyRoutes(site: Site): RouteDef[] {
  const { collection } = site.apiKeys;
  const find = (raw: string | undefined): number => {
    const id = recordId(raw);
    if (!collection.has(id)) fail(404, 'not-found/api-key-not-found', `API key ${raw} not found.`);
    return id;
  };
  return [
    {
      method: 'GET',
      path: '/api_keys',
      handle: ({ params }) => {
        const user = intParam(params, 'user_id');
        return listReply(site.apiKeys, params, site.codec, user === undefined ? undefined : (id) => collection.field(id, 'user_id') === user);
      },
    },
    { method: 'GET', path: '/api_keys/{id}', handle: ({ pathParams }) => jsonReply(200, collection.get(find(pathParams['id']))) },
    {
      method: 'POST',
      path: '/api_keys',
      handle: ({ params }) => {
        requireParams(params, ['name']);
        const now = site.options.now();
        let secret = '';
        const created = collection.create((id) => {
          secret = `emu-${hash3(site.secret, Salt.apiKey, id).toString(16)}${hash3(site.secret, Salt.apiKey + 1, now).toString(16)}`;
          return {
            ...(collection.get(1) ?? modelExample('ApiKey')),
            ...modelFields(params, KEY_FIELDS),
            id,
            descriptive_label: String(params['name']),
            created_at: isoSeconds(now),
            last_use_at: null,
            key: null,
          };
        });
        site.extraKeys.set(secret, created['id'] as number);
        return jsonReply(201, { ...created, key: secret });
      },
    },
    {
      method: 'PATCH',
      path: '/api_keys/{id}',
      handle: ({ pathParams, params }) => jsonReply(200, collection.update(find(pathParams['id']), modelFields(params, KEY_FIELDS))),
    },
    {
      method: 'DELETE',
      path: '/api_keys/{id}',
      handle: ({ pathParams }) => {
        const id = find(pathParams['id']);
        collection.delete(id);
        for (const [secret, owner] of site.extraKeys) if (owner === id) site.extraKeys.delete(secret);
        return emptyReply();
      },
    },
  ];
}
