import { delay } from '../core/delay.js';
import { errorFromResponse } from '../core/error-from-response.js';
import { FilesApiError } from '../errors/api-errors.js';
import { NetworkError, TimeoutError } from '../errors/client-errors.js';
import { FilesError } from '../errors/files-error.js';
import type { FileUploadPart } from '../generated/models/file-upload-part.js';
import { fetchPresigned, type FetchLike } from './fetch-presigned.js';

/** How part requests are sent and retried. */
export interface PartSendOptions {
  /** Retries of a failed part (network error, timeout, 408, 429, 5xx, 401/403). */
  retries: number;
  /** First retry delay in ms; doubles each time, at most 10 s. */
  retryDelayMs: number;
  signal: AbortSignal;
  fetch?: FetchLike;
  timeout?: number | false;
  /** Asks the server again for this part (a fresh `upload_uri`, after a 401 or 403). */
  refresh: () => Promise<FileUploadPart>;
}

const RETRIABLE = new Set([401, 403, 408, 429, 500, 502, 503, 504]);
const MAX_DELAY_MS = 10_000;

/**
 * Sends one part's bytes to its `upload_uri` with the part's `http_method` (default `PUT`)
 * and `headers`, never the API key. Retries it alone when it fails in a way a retry can
 * fix; a 401 or 403 (the URL expired) first fetches a fresh part descriptor.
 *
 * @throws The typed error of the last attempt, or the signal's reason.
 */
export async function sendPart(
  path: string,
  number: number,
  part: FileUploadPart,
  bytes: Uint8Array,
  options: PartSendOptions,
): Promise<void> {
  const operation = `files.upload ${path} part ${number}`;
  let descriptor = part;
  for (let attempt = 0; ; attempt++) {
    let status: number | undefined;
    try {
      const response = await fetchPresigned({
        url: requireUri(descriptor, operation),
        method: descriptor.http_method || 'PUT',
        headers: stringHeaders(descriptor.headers),
        body: bytes,
        signal: options.signal,
        timeout: options.timeout,
        fetch: options.fetch,
        operation,
      });
      status = response.status;
      if (response.ok) {
        await response.arrayBuffer().catch(() => {});
        return;
      }
      throw await errorFromResponse(response, operation);
    } catch (error) {
      if (options.signal.aborted || attempt >= options.retries || !retriable(error)) throw error;
      await delay(Math.min(MAX_DELAY_MS, options.retryDelayMs * 2 ** attempt), options.signal);
      if (status === 401 || status === 403) descriptor = await options.refresh();
    }
  }
}

function retriable(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof TimeoutError) return true;
  return error instanceof FilesApiError && RETRIABLE.has(error.status);
}

function requireUri(part: FileUploadPart, operation: string): string {
  if (!part.upload_uri) throw new FilesError(`${operation}: the server gave no upload_uri`);
  return part.upload_uri;
}

function stringHeaders(headers: FileUploadPart['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value != null) out[name] = String(value);
  return out;
}
