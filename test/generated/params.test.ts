/** Parameter checking: every kind of bad input fails with `InvalidParameterError` before anything is sent. */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkParams, splitParams } from '../../src/api/params.js';
import { aiTaskCreateOp } from '../../src/generated/resources/ai-tasks.js';
import { automationCreateOp } from '../../src/generated/resources/automations.js';
import { chatSessionFindOp } from '../../src/generated/resources/chat-sessions.js';
import { fileDeleteOp } from '../../src/generated/resources/files.js';
import { folderListForOp } from '../../src/generated/resources/folders.js';
import { remoteMountBackendCreateOp } from '../../src/generated/resources/remote-mount-backends.js';
import { userCreateOp, userFindOp, userListOp, userUpdateOp } from '../../src/generated/resources/users.js';
import { actionLogListOp } from '../../src/generated/resources/action-logs.js';
import { createClient, InvalidParameterError } from '../../src/index.js';

const server = setupServer();
let requests = 0;
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const client = createClient({ apiKey: 'test-key', baseUrl: 'https://files.test', retry: false });
// The client is used untyped here on purpose: these are the calls TypeScript would refuse.
const loose = client as unknown as Record<string, Record<string, (...args: unknown[]) => unknown>>;

/** Runs a call (sync throw, rejected promise or listing) and returns what it threw. */
async function failureOf(call: () => unknown): Promise<unknown> {
  try {
    const result = call();
    if (result instanceof Promise) await result;
    else if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
      for await (const _ of result as AsyncIterable<unknown>) break;
    }
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

type Case = [string, () => unknown, string];

const badCalls: Case[] = [
  // path arguments
  ['missing id', () => loose.users!.find!(), 'id'],
  ['id 0', () => loose.users!.find!(0), 'id'],
  ['negative id', () => loose.users!.find!(-3), 'id'],
  ['fractional id', () => loose.users!.find!(1.5), 'id'],
  ['id as a string', () => loose.users!.find!('5'), 'id'],
  ['empty path', () => loose.folders!.listFor!(''), 'path'],
  ['path as a number', () => loose.folders!.listFor!(5), 'path'],
  ['path parameter in the params object', () => loose.users!.find!(1, { id: 2 }), 'id'],
  // required parameters
  ['required parameter missing', () => loose.users!.create!({}), 'username'],
  ['required parameter, no params object', () => loose.users!.create!(), 'username'],
  // types
  ['string expected', () => loose.users!.create!({ username: 5 }), 'username'],
  ['boolean expected', () => loose.users!.update!(1, { site_admin: 'yes' }), 'site_admin'],
  ['integer expected', () => loose.users!.update!(1, { partner_id: 1.5 }), 'partner_id'],
  ['null value', () => loose.users!.update!(1, { name: null }), 'name'],
  [
    'double expected',
    () => loose.remoteMountBackends!.create!({ canary_file_path: 'a', remote_server_mount_id: 1, remote_server_id: 1, min_free_cpu: 'lots' }),
    'min_free_cpu',
  ],
  ['object expected', () => loose.automations!.create!({ automation: 'create_folder', definition: [1] }), 'definition'],
  ['array expected', () => loose.aiTasks!.create!({ name: 'n', prompt: 'p', recurring_days: 3 }), 'recurring_days'],
  ['array item of the wrong type', () => loose.aiTasks!.create!({ name: 'n', prompt: 'p', recurring_days: [1, 'x'] }), 'recurring_days[1]'],
  ['params not an object', () => loose.users!.list!('everything'), 'params'],
  // names
  ['unknown parameter', () => loose.users!.list!({ bogus: 1 }), 'bogus'],
  ['cursor (resume is options.startCursor)', () => loose.users!.list!({ cursor: 'abc' }), 'cursor'],
  // per_page
  ['per_page 0', () => loose.users!.list!({ per_page: 0 }), 'per_page'],
  ['per_page above the max', () => loose.users!.list!({ per_page: 10_001 }), 'per_page'],
  ['per_page above a log list max (1000)', () => loose.actionLogs!.list!({ per_page: 1001 }), 'per_page'],
  ['per_page not an integer', () => loose.users!.list!({ per_page: 2.5 }), 'per_page'],
  ['per_page as a string', () => loose.users!.list!({ per_page: '10' }), 'per_page'],
  // sort_by
  ['sort_by with two fields', () => loose.users!.list!({ sort_by: { name: 'asc', email: 'desc' } }), 'sort_by'],
  ['sort_by with no field', () => loose.users!.list!({ sort_by: {} }), 'sort_by'],
  ['sort_by on an invalid field', () => loose.users!.list!({ sort_by: { shoe_size: 'asc' } }), 'sort_by'],
  ['sort_by with an invalid direction', () => loose.users!.list!({ sort_by: { name: 'up' } }), 'sort_by'],
  // filters
  ['filter on an invalid field', () => loose.users!.list!({ filter: { shoe_size: 42 } }), 'filter'],
  ['filter_gt on a field only valid for filter', () => loose.users!.list!({ filter_gt: { username: 'a' } }), 'filter_gt'],
  ['filter_prefix on an invalid field', () => loose.users!.list!({ filter_prefix: { site_admin: 'a' } }), 'filter_prefix'],
  ['filter value that is an object', () => loose.users!.list!({ filter: { username: { like: 'a' } } }), 'filter'],
];

describe('invalid calls fail before anything is sent', () => {
  it.each(badCalls)('%s', async (_, call, parameter) => {
    requests = 0;
    server.use(
      http.all('*', () => {
        requests++;
        return HttpResponse.json({});
      }),
    );
    const error = await failureOf(call);
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe(parameter);
    expect((error as InvalidParameterError).operation).toMatch(/^[a-zA-Z0-9]+\.[a-zA-Z0-9]+$/);
    expect(requests).toBe(0);
  });
});

function thrown(fn: () => void): InvalidParameterError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidParameterError) return error;
    throw error;
  }
  throw new Error('expected InvalidParameterError');
}

describe('checkParams', () => {
  it('accepts valid calls', () => {
    expect(() =>
      checkParams(userListOp, [], {
        per_page: 1000,
        sort_by: { name: 'desc' },
        filter: { username: 'a', site_admin: true },
        filter_gt: { last_login_at: new Date() },
        filter_prefix: { email: 'ann' },
        search: undefined,
      }),
    ).not.toThrow();
    expect(() => checkParams(userFindOp, [1], undefined)).not.toThrow();
    expect(() => checkParams(folderListForOp, ['/'], { per_page: 1 })).not.toThrow();
    expect(() => checkParams(chatSessionFindOp, ['a1b2'], {})).not.toThrow();
    expect(() => checkParams(userCreateOp, [], { username: 'ann', group_id: 3 })).not.toThrow();
    expect(() => checkParams(aiTaskCreateOp, [], { name: 'n', prompt: 'p', recurring_days: [1, 2] })).not.toThrow();
    expect(() => checkParams(automationCreateOp, [], { automation: 'x', import_urls: [{ url: 'u' }] })).not.toThrow();
    expect(() =>
      checkParams(remoteMountBackendCreateOp, [], { canary_file_path: 'a', remote_server_mount_id: 1, remote_server_id: 2, min_free_cpu: 0.5 }),
    ).not.toThrow();
  });

  it('counts path arguments', () => {
    expect(thrown(() => checkParams(userFindOp, [], {})).parameter).toBe('id');
    expect(thrown(() => checkParams(userFindOp, [1, 2], {})).parameter).toBe('arguments');
    expect(thrown(() => checkParams(userListOp, ['x'], {})).message).toMatch(/expects 0 path argument/);
  });

  it('lists the valid choices', () => {
    expect(thrown(() => checkParams(userListOp, [], { bogus: 1 })).validChoices).toContain('per_page');
    expect(thrown(() => checkParams(userListOp, [], { sort_by: { shoe_size: 'asc' } })).validChoices).toContain('username');
    expect(thrown(() => checkParams(userListOp, [], { sort_by: { name: 'up' } })).validChoices).toEqual(['asc', 'desc']);
    expect(thrown(() => checkParams(userListOp, [], { filter: { x: 1 } })).validChoices).toContain('email');
  });

  it('explains cursor and path parameters passed by name', () => {
    expect(thrown(() => checkParams(userListOp, [], { cursor: 'c' })).message).toMatch(/startCursor/);
    expect(thrown(() => checkParams(userFindOp, [1], { id: 1 })).message).toMatch(/path parameter/);
  });

  it('names the operation in the error', () => {
    const error = thrown(() => checkParams(actionLogListOp, [], { per_page: 5000 }));
    expect(error.operation).toBe('actionLogs.list');
    expect(error.message).toMatch(/actionLogs\.list.*per_page.*1 and 1000/);
  });
});

describe('splitParams', () => {
  it('puts GET parameters in the query', () => {
    expect(splitParams(userListOp, { per_page: 5, sort_by: { name: 'asc' }, search: undefined })).toEqual({
      query: { per_page: 5, sort_by: { name: 'asc' } },
    });
  });

  it('puts other verbs’ parameters in the JSON body, a DELETE’s included', () => {
    expect(splitParams(userUpdateOp, { name: 'x', site_admin: false })).toEqual({ body: { name: 'x', site_admin: false } });
    expect(splitParams(fileDeleteOp, { recursive: true })).toEqual({ body: { recursive: true } });
  });

  it('returns nothing for no parameters', () => {
    expect(splitParams(userUpdateOp, undefined)).toEqual({});
    expect(splitParams(userUpdateOp, {})).toEqual({});
  });
});
