/** A request as the core reads it: front ends adapt `Request` or `node:http` requests to this. */
export interface IncomingCall {
  readonly method: string;
  readonly url: URL;
  /** A request header (case-insensitive), or `null`. */
  header(name: string): string | null;
  /** The request body. */
  body(): Promise<Uint8Array>;
}

/** Builds an {@link IncomingCall} from a web `Request`. */
export function fromRequest(request: Request): IncomingCall {
  return {
    method: request.method.toUpperCase(),
    url: new URL(request.url),
    header: (name) => request.headers.get(name),
    body: async () => new Uint8Array(await request.arrayBuffer()),
  };
}
