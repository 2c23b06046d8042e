import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli-in-process.js';

// Nothing here reaches a server: the base URL points nowhere on purpose. The CLI runs in this
// process; test/cli/bin/usage.test.ts runs a few of the cases through the executable.
const KEY = 'usage-test-key';
const env = { FILESCOM_API_KEY: KEY, FILESCOM_BASE_URL: 'http://127.0.0.1:9' };
const globals = ['--api-key', KEY, '--base-url', env.FILESCOM_BASE_URL];

type Case = [name: string, args: string[], message: RegExp];

const cases: Case[] = [
  ['unknown command', ['exprot', 'users'], /unknown command 'exprot'/],
  ['unknown option', ['export', 'users', '--nope'], /unknown option '--nope'/],
  ['missing operation', ['export'], /missing required argument 'operation'/],
  ['bad --format', ['export', 'users', '--format', 'xml'], /Allowed choices are ndjson, csv, json/],
  ['bad --per-page', ['export', 'users', '--per-page', 'many'], /expected a positive integer/],
  ['bad --sort', ['export', 'users', '--sort', 'name:sideways'], /expected field:asc or field:desc/],
  ['bad --filter', ['export', 'users', '--filter', 'name'], /expected name=value/],
  ['unknown operation', ['export', 'usres'], /unknown operation "usres"; did you mean users/],
  ['non-paginated operation', ['export', 'users.find', '1'], /"users\.find" .* is not a paginated operation/],
  ['invalid sort field', ['export', 'users', '--sort', 'shoe_size:asc'], /users\.list: invalid parameter "sort_by": "shoe_size" is not a valid field \(valid: /],
  ['invalid filter field', ['export', 'users', '--filter', 'shoe_size=9'], /invalid parameter "filter": "shoe_size" is not a valid field/],
  ['filter on an operation without filters', ['export', 'folders.listFor', '/', '--filter', 'path=a'], /invalid parameter "filter": is not a parameter of this operation/],
  ['unknown --param', ['export', 'users', '--param', 'colour=red'], /invalid parameter "colour": is not a parameter of this operation/],
  ['mistyped --param', ['export', 'users', '--param', 'include_parent_site_users=maybe'], /"include_parent_site_users": must be a boolean/],
  // --per-page above the maximum is capped with a warning (test/cli/export-options.test.ts); per_page as a --param is checked as sent.
  ['per_page over the maximum as a --param', ['export', 'actionLogs', '--param', 'per_page=5000'], /"per_page": must be between 1 and 1000/],
  ['cursor as a --param', ['export', 'users', '--param', 'cursor=abc'], /"cursor": is set by the listing/],
  ['missing path argument', ['export', 'history.listForFolder'], /invalid parameter "path": is required/],
  ['non-integer id', ['export', 'history.listForUser', 'bob'], /"user_id": must be a positive integer/],
  ['extra path argument', ['export', 'users', 'extra'], /takes no path arguments, got 1/],
  ['--checkpoint without --out', ['export', 'users', '--checkpoint', 'x.json'], /--checkpoint needs --out/],
  ['ls without a path', ['ls'], /missing required argument 'path'/],
  ['emulator with a bad rate', ['emulator', '--faults', '2'], /expected a rate between 0 and 1/],
];

describe('bad usage exits 2 with the usage on stderr', () => {
  it.each(cases)('%s', async (_name, args, message) => {
    const run = await runInProcess([...globals, ...args], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^(usage|Usage): files-stream /m);
    expect(run.stderr).not.toContain(KEY);
  });

  it('--help prints the usage on stdout and exits 0', async () => {
    const run = await runInProcess(['export', '--help'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: files-stream export \[options\] <operation> \[pathArgs\.\.\.\]/);
    expect(run.stdout).toMatch(/Global Options:[\s\S]*--api-key/);
  });
});
