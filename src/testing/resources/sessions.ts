import { hash3, Salt } from '../data/hash.js';
import type { Site } from '../data/site.js';
import { modelExample } from '../data/spec-facts.js';
import { fail } from '../server/errors.js';
import { stringParam } from '../server/params.js';
import { emptyReply, jsonReply } from '../server/reply.js';
import type { RouteDef } from '../server/routing.js';
import { findUserByUsername } from './users.js';

/**
 * Routes of `/sessions`: `POST` (no API key needed) logs in any existing user with any
 * non-empty password and answers a session id for `X-FilesAPI-Auth`; `DELETE` logs out.
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
