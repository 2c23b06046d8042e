import type { HttpHandler } from 'msw';
import type { RequestPipeline } from './pipeline.js';
import { fromRequest, toResponse } from './web.js';

type Msw = typeof import('msw');

/** Node's `process.getBuiltinModule` (Node >= 20.16, Bun, Deno), reached without importing `node:`. */
const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;

/**
 * msw once loaded (an optional peer dependency: only `emulator.handlers` needs it). Loading it
 * never blocks the module, so `require('files-stream/testing')` works (no top-level `await`):
 * where Node's synchronous `require` is at hand it loads on first use; elsewhere (browsers, Node
 * < 20.16) its `import()` starts now, and `handlers` are there once it has settled.
 */
let msw: Msw | undefined;
let missing: unknown;
if (typeof getBuiltinModule !== 'function') {
  import('msw').then(
    (loaded) => void (msw = loaded),
    (error: unknown) => void (missing = error),
  );
}

/** msw, loaded synchronously where Node's `require` can; a clear error when it is not installed. */
function loadMsw(): Msw {
  if (msw) return msw;
  if (typeof getBuiltinModule === 'function' && missing === undefined) {
    const { createRequire } = getBuiltinModule('node:module') as { createRequire(from: string): (id: string) => unknown };
    try {
      return (msw = createRequire(import.meta.url)('msw') as Msw);
    } catch (error) {
      missing = error;
    }
  }
  if (missing !== undefined) throw new Error('emulator.handlers needs the msw package: npm install --save-dev msw', { cause: missing });
  throw new Error('emulator.handlers: msw is still loading (without Node >= 20.16 it loads asynchronously): read handlers after an await');
}

/**
 * msw 2 request handlers answering every request to `baseUrl` from the emulator. A
 * connection reset becomes `HttpResponse.error()`.
 */
export function mswHandlers(pipeline: RequestPipeline, baseUrl: string): HttpHandler[] {
  const { http, HttpResponse } = loadMsw();
  return [
    http.all(`${baseUrl}/*`, async ({ request }) => {
      const reply = await pipeline.dispatch(fromRequest(request));
      return reply.fault?.kind === 'reset' ? HttpResponse.error() : toResponse(reply);
    }),
  ];
}
