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
 * @param redact removes the client's secrets from everything the server sent, before it
 * enters the error (the request core passes its own; presigned URLs never saw them).
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
    const title = firstLine(redact(text));
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
