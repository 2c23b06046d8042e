import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** One msw server per test file; handlers are reset after each test; unhandled requests fail. */
export function useMswServer(): ReturnType<typeof setupServer> {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** Base URL the tests point clients at. */
export const BASE = 'https://files.test';
/** The API root under the base URL. */
export const API = `${BASE}/api/rest/v1`;
