/**
 * Routing: what a route handler receives ({@link ApiCall}) and is ({@link RouteDef}), the
 * {@link Router} that matches a request path to a route, and {@link siteRouter}, the table
 * of every route of a site.
 */
import type { Site } from '../data/site.js';
import { findOperation, type ApiOperationInfo } from '../data/spec-facts.js';
import { fileRoutes } from '../fs/file-routes.js';
import { folderRoutes } from '../fs/folder-routes.js';
import { uploadRoutes } from '../fs/upload-routes.js';
import { actionLogRoutes } from '../resources/action-logs.js';
import { apiKeyRoutes } from '../resources/api-keys.js';
import { genericRoutes } from '../resources/generic.js';
import { groupUserRoutes } from '../resources/group-users.js';
import { groupRoutes } from '../resources/groups.js';
import { historyRoutes } from '../resources/history.js';
import { permissionRoutes } from '../resources/permissions.js';
import { sessionRoutes } from '../resources/sessions.js';
import { userRoutes } from '../resources/users.js';
import { fail } from './errors.js';
import type { Params } from './params.js';
import type { Reply } from './reply.js';

/** How the caller authenticated. */
export type Principal = { readonly kind: 'api-key'; readonly key: string } | { readonly kind: 'session'; readonly id: string } | { readonly kind: 'anonymous' };

/** One API request as route handlers see it. */
export interface ApiCall {
  readonly method: string;
  /** Query parameters merged with the body's (the body wins). */
  readonly params: Params;
  /** Decoded path parameters (`{path}` joins the decoded remaining segments with `/`). */
  readonly pathParams: Readonly<Record<string, string>>;
  /** Origin the request was sent to, for URLs the emulator serves itself. */
  readonly origin: string;
  /** The matched spec operation. */
  readonly operation?: ApiOperationInfo;
  readonly principal: Principal;
  /** Reads a request header. */
  header(name: string): string | null;
}

/** Handles one route. */
export type RouteHandler = (call: ApiCall) => Reply | Promise<Reply>;

/** A route: method and path template below `/api/rest/v1` (e.g. `/users/{id}`). */
export interface RouteDef {
  readonly method: string;
  readonly path: string;
  readonly handle: RouteHandler;
  /** Requests allowed without credentials (`POST /sessions`). */
  readonly anonymous?: boolean;
}

interface CompiledRoute {
  readonly def: RouteDef;
  readonly operation?: ApiOperationInfo;
  /** Literal segment, or `{name}` placeholder. */
  readonly segments: readonly string[];
  /** The template ends in `{path}`, which takes every remaining segment (possibly none). */
  readonly rest: boolean;
  readonly literals: number;
}

/** A matched route with its decoded path parameters. */
export interface RouteMatch {
  readonly def: RouteDef;
  readonly operation?: ApiOperationInfo;
  readonly pathParams: Record<string, string>;
}

function isParam(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}');
}

/**
 * Matches request paths against route templates. Each path segment is percent-decoded on
 * its own, so `/folders/a%2Fb` and `/folders/a/b` both give `path = 'a/b'`. More literal
 * segments win; among equals, the route registered first wins.
 */
export class Router {
  readonly #byFirst = new Map<string, CompiledRoute[]>();

  /** Adds routes; each is linked to its spec operation when the manifest has one. */
  add(defs: readonly RouteDef[]): void {
    for (const def of defs) {
      const segments = def.path.split('/').filter(Boolean);
      const rest = segments.length > 0 && segments[segments.length - 1] === '{path}';
      const compiled: CompiledRoute = {
        def,
        operation: findOperation(def.method, def.path),
        segments: rest ? segments.slice(0, -1) : segments,
        rest,
        literals: segments.filter((s) => !isParam(s)).length,
      };
      const first = segments[0] ?? '';
      const bucket = this.#byFirst.get(first) ?? [];
      bucket.push(compiled);
      this.#byFirst.set(first, bucket);
    }
  }

  /** Finds the route of a request (`rawPath` below the API prefix, still encoded). Throws 404/405 errors. */
  match(method: string, rawPath: string): RouteMatch {
    const parts = rawPath.split('/').filter(Boolean);
    let decoded: string[];
    try {
      decoded = parts.map((p) => decodeURIComponent(p));
    } catch {
      fail(400, 'bad-request/invalid-input-encoding', 'The request path is not valid percent-encoded UTF-8.');
    }
    let best: { route: CompiledRoute; params: Record<string, string> } | undefined;
    let pathMatched = false;
    for (const route of this.#byFirst.get(decoded[0] ?? '') ?? []) {
      const params = matchSegments(route, decoded);
      if (!params) continue;
      pathMatched = true;
      if (route.def.method !== method) continue;
      if (!best || route.literals > best.route.literals) best = { route, params };
    }
    if (!best) {
      if (pathMatched) fail(405, 'bad-request/method-not-allowed', `${method} is not allowed on this path.`);
      fail(404, 'not-found/nested-not-found', `No route matches ${method} ${rawPath}.`);
    }
    return { def: best.route.def, operation: best.route.operation, pathParams: best.params };
  }
}

function matchSegments(route: CompiledRoute, decoded: readonly string[]): Record<string, string> | undefined {
  const { segments, rest } = route;
  if (rest ? decoded.length < segments.length : decoded.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (isParam(segment)) params[segment.slice(1, -1)] = decoded[i]!;
    else if (segment !== decoded[i]) return undefined;
  }
  if (rest) params['path'] = decoded.slice(segments.length).join('/');
  return params;
}

/** The router of a site: hand-written behaviour first, then every other spec operation from its example. */
export function siteRouter(site: Site): Router {
  const router = new Router();
  router.add([
    ...userRoutes(site),
    ...groupRoutes(site),
    ...groupUserRoutes(site),
    ...permissionRoutes(site),
    ...apiKeyRoutes(site),
    ...historyRoutes(site),
    ...actionLogRoutes(site),
    ...sessionRoutes(site),
    ...folderRoutes(site),
    ...fileRoutes(site),
    ...uploadRoutes(site),
  ]);
  router.add(genericRoutes(site));
  return router;
}
