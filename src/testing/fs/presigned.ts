/**
 * Presigned transfer URLs, S3 style: the API answers carry them (`download_uri`,
 * `upload_uri`), and the emulator serves them itself below `/emulator/download/` and
 * `/emulator/upload/`. They are never faulted, and failures answer S3-style XML.
 */
import { hashString } from '../data/hash.js';
import type { Site } from '../data/site.js';
import { amzDate, parseAmzDate } from '../data/time.js';
import type { IncomingCall } from '../server/pipeline.js';
import { emptyReply, type Reply } from '../server/reply.js';
import { checksumsOf, contentSize, contentStream, readRange } from './content.js';

/** Outcome of checking a presigned URL. */
type PresignCheck = 'valid' | 'expired' | 'invalid';

/** The path of the presigned URL that serves a file's bytes. */
function downloadResource(path: string): string {
  return `/emulator/download/${encodeURIComponent(path)}`;
}

/** The path of the presigned URL that receives the bytes of one upload part. */
function uploadResource(ref: string, part: number): string {
  return `/emulator/upload/${encodeURIComponent(ref)}/${part}`;
}

function signature(secret: number, resource: string, date: string, expires: string): string {
  const text = `${resource}\n${date}\n${expires}`;
  return hashString(secret, text).toString(16).padStart(8, '0') + hashString(secret ^ 0x5bd1e995, text).toString(16).padStart(8, '0');
}

/**
 * An S3-style presigned URL for `{origin}{resource}`: `X-Amz-Date` (now), `X-Amz-Expires`
 * (seconds) and an `X-Amz-Signature` over the three, keyed by the emulator's secret.
 */
function presign(site: Site, origin: string, resource: string): string {
  const date = amzDate(site.options.now());
  const expires = String(site.options.urlTtlSeconds);
  const query = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-Expires=${expires}&X-Amz-Signature=${signature(site.secret, resource, date, expires)}`;
  return `${origin}${resource}?${query}`;
}

/** The `download_uri` of the file at `path`, served on `origin`. */
export function downloadUrl(site: Site, origin: string, path: string): string {
  return presign(site, origin, downloadResource(path));
}

/** The `upload_uri` of one part of an upload, served on `origin`. */
export function uploadUrl(site: Site, origin: string, ref: string, part: number): string {
  return presign(site, origin, uploadResource(ref, part));
}

/** Checks a presigned URL's signature (for `resource`) and expiry. */
function checkPresigned(secret: number, resource: string, query: URLSearchParams, nowMs: number): PresignCheck {
  const date = query.get('X-Amz-Date') ?? '';
  const expires = query.get('X-Amz-Expires') ?? '';
  if (query.get('X-Amz-Signature') !== signature(secret, resource, date, expires)) return 'invalid';
  const issued = parseAmzDate(date);
  if (issued === undefined || !/^\d+$/.test(expires)) return 'invalid';
  return nowMs > issued + Number(expires) * 1000 ? 'expired' : 'valid';
}

/** A reply with an S3-style XML error body. */
function s3Error(status: number, code: string, message: string): Reply {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return { status, headers: { 'content-type': 'application/xml' }, body };
}

function presignFailure(site: Site, resource: string, query: URLSearchParams): Reply | undefined {
  const check = checkPresigned(site.secret, resource, query, site.options.now());
  if (check === 'expired') return s3Error(403, 'AccessDenied', 'Request has expired');
  if (check === 'invalid') return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  return undefined;
}

/** Serves a presigned download URL (with `Range` support); `encodedPath` is the URL's last segment. */
export function serveDownload(site: Site, call: IncomingCall, encodedPath: string): Reply {
  let path: string;
  try {
    path = decodeURIComponent(encodedPath);
  } catch {
    return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
  }
  const denied = presignFailure(site, downloadResource(path), call.url.searchParams);
  if (denied) return denied;
  const entry = site.files.stat(path);
  if (!entry?.content) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
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
    if (!m || (from === undefined && to === undefined)) return s3Error(416, 'InvalidRange', 'The requested range is not satisfiable');
    start = from ?? Math.max(0, size - to!);
    end = from === undefined ? size : Math.min(size, (to ?? size - 1) + 1);
    if (start >= size || start >= end) {
      return { ...s3Error(416, 'InvalidRange', 'The requested range is not satisfiable'), headers: { 'content-range': `bytes */${size}` } };
    }
    status = 206;
    headers['content-range'] = `bytes ${start}-${end - 1}/${size}`;
  }
  headers['content-length'] = String(end - start);
  if (call.method === 'HEAD') return { status, headers };
  const body = end - start > 1024 * 1024 ? contentStream(entry.content, start, end) : readRange(entry.content, start, end).slice();
  return { status, headers, body };
}

/** Receives the bytes of one upload part at its presigned URL. */
export async function receivePart(site: Site, call: IncomingCall, ref: string, part: number): Promise<Reply> {
  if (!Number.isInteger(part) || part < 1) return s3Error(400, 'InvalidArgument', 'Part number must be a positive integer.');
  const denied = presignFailure(site, uploadResource(ref, part), call.url.searchParams);
  if (denied) return denied;
  const session = site.uploads.get(ref);
  if (!session) return s3Error(404, 'NoSuchUpload', 'The specified upload does not exist.');
  const bytes = await call.body();
  session.parts.set(part, bytes);
  return emptyReply(200, { etag: `"${checksumsOf({ kind: 'bytes', bytes }).md5}"` });
}
