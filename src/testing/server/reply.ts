/**
 * The emulator's internal response: cheaper than a web `Response` (the HTTP front end
 * writes it straight to the socket) and able to carry a transport fault.
 */

/** A fault that must be acted out by the transport rather than expressed as HTTP. */
export type TransportFault =
  /** Drop the connection without an answer. */
  | { readonly kind: 'reset' }
  /** Send the headers (with the full `Content-Length`) and only `bytes` of the body, then drop the connection. */
  | { readonly kind: 'truncate'; readonly bytes: number };

/** A response body: text (sent as UTF-8), bytes, or a stream for large downloads. */
export type ReplyBody = string | Uint8Array | ReadableStream<Uint8Array>;

/** One answer of the emulator. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: ReplyBody;
  /** Set when the transport must misbehave (connection reset, truncated body). */
  fault?: TransportFault;
  /** Called by front ends once the body has been written, so its buffer can be reused. */
  release?: () => void;
  /** Listings: records looked at to answer (for the request log). */
  examined?: number;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** A JSON reply from already serialised JSON text. */
export function jsonTextReply(status: number, text: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: text };
}

/** A JSON reply from a value. */
export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return jsonTextReply(status, JSON.stringify(value), headers);
}

/** An empty reply (204 by default). */
export function emptyReply(status = 204, headers: Record<string, string> = {}): Reply {
  return { status, headers };
}
