/**
 * Every one of the spec's operations, called through the client against msw: verb, exact URL
 * (path encoding, nested query objects), JSON body, auth header, and the parsed result.
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { createClient } from '../../src/index.js';
import * as schemas from '../../src/schemas.js';
import { apiOperations } from '../../src/generated/manifest.js';
import type { ApiContext } from '../../src/api/context.js';
import type { OperationSpec } from '../../src/api/operation.js';
import { createNamespaces, type ApiNamespaces } from '../../src/generated/namespaces.js';
import {
  argumentsFor,
  expectedUrl,
  hasSpec,
  operationCases,
  needsSpec,
  spec,
  type OperationCase,
} from './spec-fixture.js';

interface Seen {
  method: string;
  url: string;
  apiKey: string | null;
  body: string;
}

const server = setupServer();
let seen: Seen[] = [];
/** Answers every request with `reply(n)` (n counts from 0) and records what arrived. */
function serve(reply: (index: number, url: URL) => Response): void {
  server.use(
    http.all('*', async ({ request }) => {
      const index = seen.length;
      seen.push({
        method: request.method,
        url: request.url,
        apiKey: request.headers.get('x-filesapi-key'),
        body: await request.text(),
      });
      return reply(index, new URL(request.url));
    }),
  );
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  seen = [];
});
afterAll(() => server.close());

const client = createClient({ apiKey: 'test-key', baseUrl: 'https://files.test', retry: false });

type AnyMethod = (...args: unknown[]) => unknown;
function methodOf(c: OperationCase): AnyMethod {
  const namespace = (client as unknown as Record<string, Record<string, AnyMethod>>)[c.namespace]!;
  return namespace[c.method]!.bind(namespace);
}

/** The `OperationSpec` a namespace method hands to its API context. */
function operationSpec(c: OperationCase, pathArgs: readonly unknown[]): OperationSpec {
  let captured: OperationSpec | undefined;
  const capture = (op: OperationSpec) => {
    captured = op;
    return undefined as never;
  };
  const namespaces = createNamespaces({ call: capture, list: capture } as ApiContext);
  const namespace = namespaces[c.namespace as keyof ApiNamespaces] as unknown as Record<string, AnyMethod>;
  namespace[c.method]!(...pathArgs, undefined, undefined);
  return captured!;
}

/** What the client must return for a response record: the model schema's parse of it. */
function parsed(schema: ZodType, record: unknown): unknown {
  return schema.parse(record);
}

const paginated = operationCases.filter((c) => c.op.paginated);

describe.skipIf(!hasSpec)(needsSpec('every operation through the client'), () => {
  it('covers the whole spec', () => {
    expect(operationCases).toHaveLength(apiOperations.length);
    expect(operationCases.map((c) => c.id)).toEqual(apiOperations.map((o) => `${o.namespace}.${o.method}`));
    expect(new Set(operationCases.map((c) => c.id)).size).toBe(operationCases.length);
  });

  it.each(operationCases)('$id', async (c) => {
    const { op } = c;
    const { pathArgs, params } = argumentsFor(op);
    serve(() =>
      op.exampleResponse === null
        ? new HttpResponse(null, { status: op.status })
        : HttpResponse.json(op.exampleResponse, { status: op.status }),
    );

    const returned = methodOf(c)(...pathArgs, params, undefined);
    const result = op.paginated ? await (returned as { toArray(): Promise<unknown[]> }).toArray() : await returned;

    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    expect(request.method).toBe(op.method);
    const inQuery = op.method === 'GET';
    expect(request.url).toBe(expectedUrl(op, pathArgs, inQuery ? params : {}));
    if (inQuery || Object.keys(params).length === 0) expect(request.body).toBe('');
    else expect(JSON.parse(request.body)).toEqual(params);
    const anonymous = op.method === 'POST' && op.path === '/sessions';
    expect(request.apiKey).toBe(anonymous ? null : 'test-key');

    const spec = operationSpec(c, pathArgs);
    expect(spec.id).toBe(c.id);
    if (!op.returns) {
      expect(result).toBeUndefined();
      return;
    }
    const schema = (schemas as unknown as Record<string, ZodType>)[`${spec.returns!.model}Schema`]!;
    const example = op.exampleResponse;
    const expected = Array.isArray(example) ? example.map((r) => parsed(schema, r)) : parsed(schema, example);
    expect(result).toEqual(expected);
  });
});

describe.skipIf(!hasSpec)(needsSpec('every paginated operation follows the cursor'), () => {
  it('has the paginated operations the spec counts', () => {
    const counts = (spec as unknown as { counts: { paginatedOperations: number } }).counts;
    expect(paginated).toHaveLength(counts.paginatedOperations);
  });

  it.each(paginated)('$id: two pages, in order, in exactly two requests', async (c) => {
    const { op } = c;
    const { pathArgs, params } = argumentsFor(op);
    const record = (op.exampleResponse as Record<string, unknown>[])[0]!;
    const pages = [{ ...record, test_page: 1 }, { ...record, test_page: 2 }];
    serve((index) =>
      index === 0
        ? HttpResponse.json([pages[0]], { headers: { 'X-Files-Cursor-Next': 'c2' } })
        : HttpResponse.json([pages[1]]),
    );

    const records = (await (methodOf(c)(...pathArgs, params, undefined) as { toArray(): Promise<unknown[]> }).toArray()) as Record<string, unknown>[];

    expect(records.map((r) => r.test_page)).toEqual([1, 2]);
    expect(seen).toHaveLength(2);
    const first = new URL(seen[0]!.url);
    const second = new URL(seen[1]!.url);
    expect(first.searchParams.has('cursor')).toBe(false);
    expect(second.searchParams.get('cursor')).toBe('c2');
    const withoutCursor = [...second.searchParams].filter(([key]) => key !== 'cursor');
    expect(withoutCursor).toEqual([...first.searchParams]);
    expect(second.pathname).toBe(first.pathname);
  });
});
