import type { Params } from './params.js';
import type { Reply } from './reply.js';
import type { ApiOperationInfo } from './spec-facts.js';

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
