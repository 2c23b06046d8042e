import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { IncomingCall, RequestPipeline } from './pipeline.js';
import type { Reply } from './reply.js';

/** Where to listen. */
export interface ListenOptions {
  /** TCP port; default 0 (any free port). */
  port?: number;
  /** Interface; default `127.0.0.1`. */
  host?: string;
  /**
   * Serve HTTPS with this key and certificate (PEM) instead of HTTP: `baseUrl`, and the
   * `download_uri` and `upload_uri` of the API's answers, are then `https://` URLs. Needed by
   * clients that fetch those URLs with HTTPS only, as the official JS SDK's `downloadToFile`
   * does. A self-signed certificate works once the client trusts it (for Node, e.g.
   * `NODE_EXTRA_CA_CERTS=cert.pem`).
   */
  tls?: ListenTlsOptions;
}

/** The key and certificate of an HTTPS front end (PEM text or bytes). */
export interface ListenTlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
}

/** A running HTTP front end. */
export interface EmulatorServer {
  /** `http://127.0.0.1:{port}` (`https://` with `tls`): pass it as the client's `baseUrl`. */
  readonly baseUrl: string;
  readonly port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

function incoming(req: IncomingMessage, origin: string): IncomingCall {
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url: new URL(req.url ?? '/', origin),
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
    body: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  };
}

function send(reply: Reply, req: IncomingMessage, res: ServerResponse): void {
  const { fault } = reply;
  if (fault?.kind === 'reset') {
    req.socket.destroy();
    return;
  }
  const body = reply.body;
  if (body instanceof ReadableStream) {
    res.writeHead(reply.status, reply.headers);
    Readable.fromWeb(body as NodeReadableStream<Uint8Array>).pipe(res);
    return;
  }
  const bytes = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.length);
  const headers: Record<string, string> = { ...reply.headers };
  if (bytes && reply.status !== 204 && reply.status !== 304) headers['content-length'] = String(bytes.length);
  res.writeHead(reply.status, headers);
  if (fault?.kind === 'truncate' && bytes) {
    res.write(bytes.subarray(0, fault.bytes), () => res.socket?.destroy());
    return;
  }
  res.end(bytes, reply.release);
}

/** Serves the emulator over HTTP (HTTPS with `options.tls`) on 127.0.0.1 (Node only). */
export async function listen(pipeline: RequestPipeline, options: ListenOptions = {}): Promise<EmulatorServer> {
  const host = options.host ?? '127.0.0.1';
  const scheme = options.tls ? 'https' : 'http';
  const sockets = new Set<Socket>();
  let origin = '';
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    pipeline.dispatch(incoming(req, req.headers.host ? `${scheme}://${req.headers.host}` : origin)).then(
      (reply) => send(reply, req, res),
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      },
    );
  };
  const server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, serve) : createServer(serve);
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `${scheme}://${host}:${port}`;
  return {
    baseUrl: origin,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}
