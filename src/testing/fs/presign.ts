import { hashString } from '../hash.js';
import { amzDate, parseAmzDate } from '../time.js';

/** Outcome of checking a presigned URL. */
export type PresignCheck = 'valid' | 'expired' | 'invalid';

function signature(secret: number, resource: string, date: string, expires: string): string {
  const text = `${resource}\n${date}\n${expires}`;
  return hashString(secret, text).toString(16).padStart(8, '0') + hashString(secret ^ 0x5bd1e995, text).toString(16).padStart(8, '0');
}

/**
 * An S3-style presigned URL for `{origin}{resource}`: `X-Amz-Date` (now), `X-Amz-Expires`
 * (seconds) and an `X-Amz-Signature` over the three, keyed by the emulator's secret.
 */
export function presign(secret: number, origin: string, resource: string, nowMs: number, ttlSeconds: number): string {
  const date = amzDate(nowMs);
  const expires = String(ttlSeconds);
  const query = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-Expires=${expires}&X-Amz-Signature=${signature(secret, resource, date, expires)}`;
  return `${origin}${resource}?${query}`;
}

/** Checks a presigned URL's signature (for `resource`) and expiry. */
export function checkPresigned(secret: number, resource: string, query: URLSearchParams, nowMs: number): PresignCheck {
  const date = query.get('X-Amz-Date') ?? '';
  const expires = query.get('X-Amz-Expires') ?? '';
  if (query.get('X-Amz-Signature') !== signature(secret, resource, date, expires)) return 'invalid';
  const issued = parseAmzDate(date);
  if (issued === undefined || !/^\d+$/.test(expires)) return 'invalid';
  return nowMs > issued + Number(expires) * 1000 ? 'expired' : 'valid';
}

/** An S3-style XML error body. */
export function s3Error(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}
