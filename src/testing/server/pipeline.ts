import { Salt, hash3 } from '../data/hash.js';
import { buildSite, type Site } from '../data/site.js';
import { operationId, type ApiOperationInfo } from '../data/spec-facts.js';
import type { ResolvedOptions } from '../options.js';
import { authorizeSession } from '../resources/sessions.js';
import { CONTROL_PREFIX, handleControl } from './control.js';
import { EmulatorApiError, errorReply } from './errors.js';
import { FaultInjector, type FaultDraw, type FaultKind } from './faults.js';
import { checkParamTypes } from './param-types.js';
import { parseBody, parseNested, type Params } from './params.js';
import type { Reply } from './reply.js';
import { RequestLog } from './request-log.js';
import { siteRouter, type Principal, type RouteMatch, type Router } from './routing.js';

/** A request as the pipeline reads it: front ends adapt `Request` or `node:http` requests to this. */
export interface IncomingCall {
  readonly method: string;
  readonly url: URL;
  /** A request header (case-insensitive), or `null`. */
  header(name: string): string | null;
  /** The request body. */
  body(): Promise<Uint8Array>;
}

/** Prefix of every API path. */
const API_PREFIX = '/api/rest/v1';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const READ_METHODS = new Set(['GET', 'HEAD']);

const HTML_500 =
  '<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>\n';

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The emulator's one request handler, shared by every front end: routes API requests
 * (authentication, faults, latency, handlers, error bodies) and the emulator's own paths
 * (presigned downloads and uploads, control endpoints; never faulted), and logs them all.
 */
export class RequestPipeline {
  readonly site: Site;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
  readonly #router: Router;
  /** API requests admitted and not yet answered. */
  #inFlight = 0;

  constructor(options: ResolvedOptions) {
    this.site = buildSite(options);
    this.faults = new FaultInjector(options.seed, options.faults);
    this.log = new RequestLog(options.requestLogLimit);
    this.#router = siteRouter(this.site);
  }

  /** Answers one request. A `fault` on the reply tells the front end to reset or truncate. */
  async dispatch(call: IncomingCall): Promise<Reply> {
    const { pathname } = call.url;
    if (pathname.startsWith(CONTROL_PREFIX)) {
      this.site.migrations.settle();
      const { reply, kind } = await handleControl(this, call);
      this.#record(call, reply, kind);
      return reply;
    }
    if (!pathname.startsWith(`${API_PREFIX}/`)) {
      const error = new EmulatorApiError(404, 'not-found/nested-not-found', `No route matches ${pathname}: API paths start with ${API_PREFIX}/.`);
      const reply = errorReply(error, this.#instance(-1));
      this.#record(call, reply, 'control');
      return reply;
    }
    const draw = this.faults.draw();
    // Decided on arrival, before any await: of requests that arrive together, the first
    // `maxConcurrent` are served and the others limited, whatever the front end.
    const max = this.site.options.maxConcurrent;
    const limited = max !== undefined && this.#inFlight >= max;
    if (!limited) this.log.inFlight(++this.#inFlight);
    try {
      let match: RouteMatch | EmulatorApiError;
      try {
        match = this.#router.match(call.method, pathname.slice(API_PREFIX.length));
      } catch (error) {
        if (!(error instanceof EmulatorApiError)) throw error;
        match = error;
      }
      const answer = async (): Promise<{ reply: Reply; fault: FaultKind | undefined }> => {
        let reply = limited ? this.#concurrencyLimited(draw.sequence) : this.#injected(draw);
        let fault: FaultKind | undefined = limited ? 'concurrencyLimited' : reply ? draw.kind : undefined;
        if (!reply) {
          reply = await this.#api(call, match, draw.sequence);
          if (draw.kind === 'truncatedBody') {
            const truncated = truncate(reply, draw.cutAt);
            if (truncated) {
              reply = truncated;
              fault = draw.kind;
            }
          }
        }
        return { reply, fault };
      };
      // A read is answered from the state at its arrival, and its latency runs from the
      // arrival: the work of answering overlaps the wait, as on a server that answers requests
      // side by side. (Answered after the wait, a single-threaded emulator's answers to
      // concurrent clients queue behind each other: 1,000-record pages to 8 clients took
      // 75-90 ms at a latency of 50 ms, and the emulator became the bottleneck.) A write acts
      // after its latency, so a request aborted during it changes nothing.
      const arrived = performance.now();
      const early = READ_METHODS.has(call.method) ? await answer() : undefined;
      const left = draw.latencyMs - (performance.now() - arrived);
      if (left > 0) await delay(left);
      const { reply, fault } = early ?? (await answer());
      const operation = match instanceof EmulatorApiError ? undefined : match.operation;
      this.#record(call, reply, 'api', fault, operation ? operationId(operation) : undefined);
      return reply;
    } finally {
      if (!limited) this.#inFlight--;
    }
  }

  /** The `429` of a request beyond `maxConcurrent`. */
  #concurrencyLimited(sequence: number): Reply {
    const retryAfter = this.site.options.concurrencyRetryAfter;
    const headers: Record<string, string> = retryAfter === null ? {} : { 'retry-after': String(retryAfter) };
    const error = new EmulatorApiError(429, 'rate-limited/too-many-concurrent-requests', 'Too many concurrent requests. Please slow down.', headers);
    return errorReply(error, this.#instance(sequence));
  }

  #injected(draw: FaultDraw): Reply | undefined {
    switch (draw.kind) {
      case 'connectionReset':
        return { status: 0, headers: {}, fault: { kind: 'reset' } };
      case 'rateLimited': {
        const retryAfter = this.faults.retryAfter();
        const error = new EmulatorApiError(429, 'rate-limited/too-many-requests', 'Too many requests. Please slow down.', retryAfter === undefined ? {} : { 'retry-after': retryAfter });
        return errorReply(error, this.#instance(draw.sequence));
      }
      case 'serverError':
        return { status: 500, headers: { 'content-type': 'text/html; charset=utf-8' }, body: HTML_500 };
      case 'unavailable':
        return errorReply(new EmulatorApiError(503, 'service-unavailable', 'Service unavailable. Please try again.'), this.#instance(draw.sequence));
      default:
        return undefined;
    }
  }

  async #api(call: IncomingCall, match: RouteMatch | EmulatorApiError, sequence: number): Promise<Reply> {
    try {
      const anonymous = !(match instanceof EmulatorApiError) && match.def.anonymous === true;
      const principal = anonymous ? { kind: 'anonymous' as const } : this.#authenticate(call);
      if (match instanceof EmulatorApiError) throw match;
      const params = authorizeSession(this.site, principal, call.method, match, await this.#params(call, match.operation));
      // Copies and moves whose time has come complete before the request is answered.
      this.site.migrations.settle();
      return await match.def.handle({
        method: call.method,
        params,
        pathParams: match.pathParams,
        origin: call.url.origin,
        operation: match.operation,
        principal,
        header: (name) => call.header(name),
      });
    } catch (error) {
      if (error instanceof EmulatorApiError) return errorReply(error, this.#instance(sequence));
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      return errorReply(new EmulatorApiError(500, 'processing-failure', `Emulator failure: ${message}`), this.#instance(sequence));
    }
  }

  #authenticate(call: IncomingCall): Principal {
    const key = call.header('x-filesapi-key');
    if (key) {
      if (key === this.site.options.apiKey || this.site.extraKeys.has(key)) return { kind: 'api-key', key };
      throw new EmulatorApiError(401, 'not-authenticated/invalid-credentials', 'Invalid API key.');
    }
    const session = call.header('x-filesapi-auth');
    if (session) {
      if (this.site.sessions.has(session)) return { kind: 'session', id: session };
      throw new EmulatorApiError(401, 'not-authenticated/invalid-session', 'Invalid or expired session.');
    }
    throw new EmulatorApiError(401, 'not-authenticated/authentication-required', 'Authentication required: send X-FilesAPI-Key or X-FilesAPI-Auth.');
  }

  /**
   * The request's parameters: the query merged with the body (the body wins), each checked
   * against its type in the spec's operation (`400` for a value not of its type, before any
   * handler runs; see `param-types.ts`), the body's values handed on with their type.
   */
  async #params(call: IncomingCall, operation: ApiOperationInfo | undefined): Promise<Params> {
    const parsed = call.url.search ? parseNested(call.url.searchParams) : {};
    const query = operation ? checkParamTypes(operation, parsed, 'query') : parsed;
    if (!BODY_METHODS.has(call.method)) return query;
    const text = new TextDecoder().decode(await call.body());
    const raw = parseBody(text, call.header('content-type'));
    if (!raw) throw new EmulatorApiError(400, 'bad-request/invalid-body', 'The request body is not valid JSON.');
    const body = operation ? checkParamTypes(operation, raw, 'body') : raw;
    return { ...query, ...body };
  }

  #instance(sequence: number): string {
    const hex = (salt: number) => hash3(this.site.secret, Salt.token + salt, sequence).toString(16).padStart(8, '0');
    const [a, b, c, d] = [hex(10), hex(11), hex(12), hex(13)];
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
  }

  #record(call: IncomingCall, reply: Reply, kind: 'api' | 'download' | 'upload' | 'control', fault?: FaultKind, operation?: string): void {
    this.log.record({
      method: call.method,
      path: call.url.pathname,
      query: Object.fromEntries(call.url.searchParams),
      status: reply.status,
      fault,
      operation,
      kind,
      ...(reply.examined === undefined ? {} : { examined: reply.examined }),
    });
  }
}

const encoder = new TextEncoder();

/** A successful reply with a body, cut at a share of its bytes; `undefined` when there is nothing to cut. */
function truncate(reply: Reply, cutAt: number): Reply | undefined {
  if (reply.status < 200 || reply.status >= 300 || reply.body === undefined || reply.body instanceof ReadableStream) return undefined;
  const bytes = typeof reply.body === 'string' ? encoder.encode(reply.body) : reply.body;
  if (bytes.length < 2) return undefined;
  return { ...reply, body: bytes, fault: { kind: 'truncate', bytes: Math.max(1, Math.floor(bytes.length * cutAt)) } };
}
