import { createApiError, type ApiErrorDetails, type FilesApiError } from '../errors/api-errors.js';
import { readBody } from './read-body.js';
import { noRedaction, redactDeep, type Redactor } from './redact.js';
import { parseRetryAfter } from './retry.js';

/** Largest error body read, so a hostile or broken server cannot make us buffer gigabytes. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Turns a failed HTTP response into a typed error: the class of the family named by the
 * body's `type` (or, without one, by the status). Handles JSON bodies, bodies wrapped in a
 * one-element array, empty bodies and non-JSON bodies (an HTML 502 from a proxy).
 *
 * @param redact removes secrets from everything the server sent, before it enters the error:
 * the client's own (in any encoding), the secrets of URLs, and for a presigned request its
 * URL (see `presignedRedactor`). A storage service's XML error keeps only `Code: Message`.
 */
export async function errorFromResponse(
  response: Response,
  operation?: string,
  redact: Redactor = noRedaction,
): Promise<FilesApiError> {
  const text = await readCapped(response);
  const details = parseErrorBody(text, response.status, redact);
  details.operation = operation;
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  if (retryAfter !== null) details.retryAfter = retryAfter;
  return createApiError(details);
}

/**
 * Parses an error body; anything that is not a Files.com error object keeps just the status.
 * `redact` is applied to every string of a parsed JSON body, keys included (so a JSON escape
 * cannot hide a secret), and to a non-JSON body before its first line is cut.
 */
export function parseErrorBody(text: string, status: number, redact: Redactor = noRedaction): ApiErrorDetails {
  const details: ApiErrorDetails = { status };
  let body: unknown;
  try {
    body = text ? redactDeep(JSON.parse(text), redact) : undefined;
  } catch {
    const title = storageErrorTitle(text, redact) ?? firstLine(redact(text));
    if (title) details.title = title;
    return details;
  }
  if (Array.isArray(body)) body = body[0];
  if (!body || typeof body !== 'object') return details;
  const b = body as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  details.type = str(b.type);
  details.title = str(b.title);
  details.detail = str(b.detail);
  details.instance = str(b.instance);
  details.error = str(b.error);
  if (b.errors !== undefined) details.errors = b.errors;
  if (b['model-errors'] && typeof b['model-errors'] === 'object') {
    details.modelErrors = b['model-errors'] as Record<string, unknown>;
  }
  if (b.data !== undefined) details.data = b.data;
  return details;
}

/**
 * The title of a storage service's XML error body (S3, GCS, Azure: `<Error><Code>…</Code>
 * <Message>…</Message>…</Error>`): `Code: Message` (the message's first line), redacted.
 * Nothing else of the body is kept: its other elements may quote the signature, the string
 * that was signed, the access key id or the URL (`SignatureDoesNotMatch`). `undefined` for
 * any other body.
 */
export function storageErrorTitle(text: string, redact: Redactor = noRedaction): string | undefined {
  if (!/^\s*(?:<\?xml[^>]*\?>\s*)?<Error[\s>]/i.test(text)) return undefined;
  const element = (name: string) => {
    const raw = new RegExp(`<${name}>([^<]{0,2000})</${name}>`, 'i').exec(text)?.[1];
    return raw === undefined ? undefined : decodeXml(raw).trim().split('\n')[0]!.trim();
  };
  const title = [element('Code'), element('Message')].filter(Boolean).join(': ');
  return title ? redact(title).slice(0, 200) : undefined;
}

/** The text of an XML element with its character and entity references resolved. */
function decodeXml(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(?:#x([0-9a-f]{1,6})|#(\d{1,7})|(amp|lt|gt|quot|apos));/gi, (entity, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name) return named[name.toLowerCase()] ?? entity;
    const code = hex ? parseInt(hex, 16) : Number(dec);
    return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

/** A short description of a non-JSON body: an HTML <title>, or its first line. */
function firstLine(text: string): string | undefined {
  const title = /<title>([^<]{1,200})<\/title>/i.exec(text)?.[1];
  const line = (title ?? text.replace(/<[^>]*>/g, ' ')).trim().split('\n')[0]?.trim();
  return line ? line.slice(0, 200) : undefined;
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  // A body that breaks off still leaves us the status.
  const bytes = await readBody(response.body, { maxBytes: MAX_ERROR_BODY }).catch(() => new Uint8Array());
  return new TextDecoder().decode(bytes);
}
