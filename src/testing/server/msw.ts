import type { HttpHandler } from 'msw';
import type { RequestPipeline } from './pipeline.js';
import { fromRequest, toResponse } from './web.js';

/** msw, when installed (it is an optional peer dependency: only `emulator.handlers` needs it). */
const msw = await import('msw').catch(() => undefined);

/**
 * msw 2 request handlers answering every request to `baseUrl` from the emulator. A
 * connection reset becomes `HttpResponse.error()`.
 */
export function mswHandlers(pipeline: RequestPipeline, baseUrl: string): HttpHandler[] {
  if (!msw) throw new Error('emulator.handlers needs the msw package: npm install --save-dev msw');
  const { http, HttpResponse } = msw;
  return [
    http.all(`${baseUrl}/*`, async ({ request }) => {
      const reply = await pipeline.dispatch(fromRequest(request));
      return reply.fault?.kind === 'reset' ? HttpResponse.error() : toResponse(reply);
    }),
  ];
}
