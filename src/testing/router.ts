import { fail } from './errors.js';
import type { RouteDef } from './route.js';
import { findOperation, type ApiOperationInfo } from './spec-facts.js';

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
