import type { FaultInjector, FaultOptions } from './faults.js';
import { checksumsOf, contentSize, contentStream, readRange } from './fs/content.js';
import { downloadResource } from './fs/file-routes.js';
import { checkPresigned, s3Error } from './fs/presign.js';
import { uploadResource } from './fs/upload-routes.js';
import type { IncomingCall } from './incoming.js';
import { emptyReply, jsonReply, type Reply } from './reply.js';
import type { RequestKind, RequestLog } from './request-log.js';
import type { Site } from './site.js';

/** What the control paths may touch. */
export interface ControlContext {
  readonly site: Site;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
}

/** Prefix of every path the emulator serves besides the API. */
export const CONTROL_PREFIX = '/emulator/';

function xml(status: number, code: string, message: string): Reply {
  return { status, headers: { 'content-type': 'application/xml' }, body: s3Error(code, message) };
}

function presignFailure(site: Site, resource: string, query: URLSearchParams): Reply | undefined {
  const check = checkPresigned(site.secret, resource, query, site.options.now());
  if (check === 'expired') return xml(403, 'AccessDenied', 'Request has expired');
  if (check === 'invalid') return xml(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  return undefined;
}

/** Serves a presigned download URL (with `Range` support). */
function download(site: Site, call: IncomingCall, encodedPath: string): Reply {
  let path: string;
  try {
    path = decodeURIComponent(encodedPath);
  } catch {
    return xml(404, 'NoSuchKey', 'The specified key does not exist.');
  }
  const denied = presignFailure(site, downloadResource(path), call.url.searchParams);
  if (denied) return denied;
  const entry = site.files.stat(path);
  if (!entry?.content) return xml(404, 'NoSuchKey', 'The specified key does not exist.');
  const size = contentSize(entry.content);
  const headers: Record<string, string> = {
    'content-type': entry.mimeType ?? 'application/octet-stream',
    'accept-ranges': 'bytes',
    etag: `"${checksumsOf(entry.content).md5}"`,
    'last-modified': new Date(entry.mtime).toUTCString(),
  };
  let start = 0;
  let end = size;
  let status = 200;
  const range = call.header('range');
  if (range) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    const from = m?.[1] ? Number(m[1]) : undefined;
    const to = m?.[2] ? Number(m[2]) : undefined;
    if (!m || (from === undefined && to === undefined)) return xml(416, 'InvalidRange', 'The requested range is not satisfiable');
    start = from ?? Math.max(0, size - to!);
    end = from === undefined ? size : Math.min(size, (to ?? size - 1) + 1);
    if (start >= size || start >= end) {
      return { ...xml(416, 'InvalidRange', 'The requested range is not satisfiable'), headers: { 'content-range': `bytes */${size}` } };
    }
    status = 206;
    headers['content-range'] = `bytes ${start}-${end - 1}/${size}`;
  }
  headers['content-length'] = String(end - start);
  if (call.method === 'HEAD') return { status, headers };
  const body = end - start > 1024 * 1024 ? contentStream(entry.content, start, end) : readRange(entry.content, start, end).slice();
  return { status, headers, body };
}

/** Receives the bytes of one upload part. */
async function upload(site: Site, call: IncomingCall, ref: string, part: number): Promise<Reply> {
  if (!Number.isInteger(part) || part < 1) return xml(400, 'InvalidArgument', 'Part number must be a positive integer.');
  const denied = presignFailure(site, uploadResource(ref, part), call.url.searchParams);
  if (denied) return denied;
  const session = site.uploads.get(ref);
  if (!session) return xml(404, 'NoSuchUpload', 'The specified upload does not exist.');
  const bytes = await call.body();
  session.parts.set(part, bytes);
  return emptyReply(200, { etag: `"${checksumsOf({ kind: 'bytes', bytes }).md5}"` });
}

/** Answers a request below `/emulator/`: downloads, uploads, and the control endpoints. */
export async function handleControl(ctx: ControlContext, call: IncomingCall): Promise<{ reply: Reply; kind: RequestKind }> {
  const rest = call.url.pathname.slice(CONTROL_PREFIX.length);
  const [area = '', ...segments] = rest.split('/');
  const { method } = call;
  if (area === 'download' && (method === 'GET' || method === 'HEAD') && segments.length === 1) {
    return { reply: download(ctx.site, call, segments[0]!), kind: 'download' };
  }
  if (area === 'upload' && method === 'PUT' && segments.length === 2) {
    let ref: string;
    try {
      ref = decodeURIComponent(segments[0]!);
    } catch {
      ref = '';
    }
    return { reply: await upload(ctx.site, call, ref, Number(segments[1])), kind: 'upload' };
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
