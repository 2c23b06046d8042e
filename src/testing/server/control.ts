import type { Site } from '../data/site.js';
import { receivePart, serveDownload } from '../fs/presigned.js';
import type { FaultInjector, FaultOptions } from './faults.js';
import type { IncomingCall } from './pipeline.js';
import { emptyReply, jsonReply, type Reply } from './reply.js';
import type { RequestKind, RequestLog } from './request-log.js';

/** What the control paths may touch. */
export interface ControlContext {
  readonly site: Site;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
}

/** Prefix of every path the emulator serves besides the API. */
export const CONTROL_PREFIX = '/emulator/';

/** Answers a request below `/emulator/`: downloads, uploads, and the control endpoints. */
export async function handleControl(ctx: ControlContext, call: IncomingCall): Promise<{ reply: Reply; kind: RequestKind }> {
  const rest = call.url.pathname.slice(CONTROL_PREFIX.length);
  const [area = '', ...segments] = rest.split('/');
  const { method } = call;
  if (area === 'download' && (method === 'GET' || method === 'HEAD') && segments.length === 1) {
    return { reply: serveDownload(ctx.site, call, segments[0]!), kind: 'download' };
  }
  if (area === 'upload' && method === 'PUT' && segments.length === 2) {
    let ref: string;
    try {
      ref = decodeURIComponent(segments[0]!);
    } catch {
      ref = '';
    }
    return { reply: await receivePart(ctx.site, call, ref, Number(segments[1])), kind: 'upload' };
  }
  const key = `${method} ${area}`;
  switch (key) {
    case 'GET stats':
      return { reply: jsonReply(200, ctx.log.stats), kind: 'control' };
    case 'GET requests':
      return { reply: jsonReply(200, ctx.log.entries), kind: 'control' };
    case 'POST reset-log':
      ctx.log.reset();
      return { reply: emptyReply(), kind: 'control' };
    case 'GET faults':
      return { reply: jsonReply(200, ctx.faults.options), kind: 'control' };
    case 'PUT faults': {
      const text = new TextDecoder().decode(await call.body());
      try {
        ctx.faults.set((text ? JSON.parse(text) : {}) as FaultOptions);
      } catch (error) {
        return { reply: jsonReply(400, { error: String(error) }), kind: 'control' };
      }
      return { reply: jsonReply(200, ctx.faults.options), kind: 'control' };
    }
    default:
      return { reply: jsonReply(404, { error: `Unknown emulator path ${call.url.pathname}` }), kind: 'control' };
  }
}
