/** The web-standard front end: a `Request` in, a `Response` out (used by `handle`, `fetch` and msw). */
import type { IncomingCall } from './pipeline.js';
import type { Reply } from './reply.js';

const encoder = new TextEncoder();

/** Builds an {@link IncomingCall} from a web `Request`. */
export function fromRequest(request: Request): IncomingCall {
  return {
    method: request.method.toUpperCase(),
    url: new URL(request.url),
    header: (name) => request.headers.get(name),
    body: async () => new Uint8Array(await request.arrayBuffer()),
  };
}

/**
 * A web `Response` from a reply. A connection reset becomes `Response.error()` (a network
 * error, which `fetch` callers see as a `TypeError`); a truncated body becomes a stream
 * that delivers the first bytes and then errors, as a dropped connection would.
 */
export function toResponse(reply: Reply): Response {
  const { fault } = reply;
  if (fault?.kind === 'reset') return Response.error();
  const headers = new Headers(reply.headers);
  if (fault?.kind === 'truncate') {
    const bytes = typeof reply.body === 'string' ? encoder.encode(reply.body) : (reply.body as Uint8Array);
    headers.set('content-length', String(bytes.length));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, fault.bytes));
        controller.error(new TypeError('terminated: the connection closed before the body was complete'));
      },
    });
    return new Response(stream, { status: reply.status, headers });
  }
  const empty = reply.status === 204 || reply.status === 205 || reply.status === 304;
  return new Response(empty ? null : (reply.body ?? null), { status: reply.status, headers });
}
