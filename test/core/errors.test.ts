import { describe, expect, it } from 'vitest';
import { errorFromResponse } from '../../src/core/error-from-response.js';
import {
  BadRequestError,
  FilesApiError,
  FilesError,
  isFilesError,
  NotAuthenticatedError,
  NotFoundError,
  RateLimitedError,
  ServiceUnavailableError,
} from '../../src/index.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('errors from responses', () => {
  it('maps a Files.com error body to its family class, with every field', async () => {
    const err = await errorFromResponse(
      json(404, {
        error: 'File Not Found',
        'http-code': 404,
        instance: 'abc',
        title: 'File Not Found',
        type: 'not-found/file-not-found',
        detail: 'no such file',
        'model-errors': { path: ['is bad'] },
      }),
      'files.find',
    );
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toBeInstanceOf(FilesApiError);
    expect(err).toBeInstanceOf(FilesError);
    expect(err).toMatchObject({ status: 404, type: 'not-found/file-not-found', title: 'File Not Found', instance: 'abc', detail: 'no such file', operation: 'files.find' });
    expect(err.modelErrors).toEqual({ path: ['is bad'] });
    expect(err.message).toBe('files.find: HTTP 404 (not-found/file-not-found): File Not Found');
    expect(isFilesError(err, 'not-found/file-not-found')).toBe(true);
    expect(isFilesError(err, 'not-found')).toBe(true);
    expect(isFilesError(err, 'bad-request')).toBe(false);
  });

  it('unwraps a body wrapped in a one-element array', async () => {
    const err = await errorFromResponse(json(400, [{ type: 'bad-request/invalid-cursor', title: 'Invalid Cursor' }]));
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.type).toBe('bad-request/invalid-cursor');
  });

  it('turns an HTML 502 from a proxy into a typed error with the status', async () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>';
    const err = await errorFromResponse(new Response(html, { status: 502, headers: { 'content-type': 'text/html' } }));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.status).toBe(502);
    expect(err.type).toBe('service-unavailable');
    expect(err.title).toBe('502 Bad Gateway');
  });

  it('types an empty body by its status', async () => {
    const err = await errorFromResponse(new Response(null, { status: 401 }));
    expect(err).toBeInstanceOf(NotAuthenticatedError);
    expect(err.status).toBe(401);
  });

  it('keeps a usable Retry-After on rate-limit errors', async () => {
    const err = await errorFromResponse(json(429, { type: 'rate-limited/too-many-requests' }, { 'retry-after': '7' }));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.retryAfter).toBe(7);
  });

  it('falls back to FilesApiError for a status with no family', async () => {
    const err = await errorFromResponse(new Response('boom', { status: 500 }));
    expect(err.constructor).toBe(FilesApiError);
    expect(err.status).toBe(500);
    expect(isFilesError(err)).toBe(true);
  });
});
