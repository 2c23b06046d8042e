// `export` copies each record's JSON text as the server sent it (NDJSON and JSON, no
// --fields): only when that text is one line per record and was validated; any other layout
// is re-serialised. Either way: one record per line, every record once, values unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli-in-process.js';
import { answer, tinyServer, type TinyServer } from './support/tiny-server.js';

const KEY = 'raw-passthrough-key';
/** Compact text as a server may write it: escapes, `1.0`, keys in its own order, spaces between tokens. */
const RECORDS_TEXT = [
  '{"id":1,"username":"caf\\u00e9","name":"\\"quoted\\" } ] ,","authenticate_until":null,"ratio":1.0}',
  '{ "username" : "tab\\tand\\\\backslash" , "id" : 2 , "groups": [ {"a": [1, {"b": "]"}]} ] }',
  '{"id":3,"username":"𝄞 \\ud834\\udd1e","notes":"line\\nbreak"}',
];
const RECORDS = RECORDS_TEXT.map((t) => JSON.parse(t) as Record<string, unknown>);

let layout: 'compact' | 'pretty' = 'compact';
let server: TinyServer;
beforeAll(async () => {
  server = await tinyServer((_req, res) => {
    const body = layout === 'compact' ? `[${RECORDS_TEXT.join(',')}]` : JSON.stringify(RECORDS, null, 2);
    answer(res, 200, body);
  });
});
afterAll(() => server.close());

const exportUsers = (...args: string[]) => runInProcess(['export', 'users', '--api-key', KEY, '--base-url', server.baseUrl, '--quiet', ...args]);

describe('export: the server\'s text of each record, when it is one line', () => {
  it('NDJSON of a compact page: each line is the record\'s text, byte for byte', async () => {
    layout = 'compact';
    const run = await exportUsers();
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(RECORDS_TEXT.map((t) => `${t}\n`).join(''));
  });

  it('JSON of a compact page: one array, the records\' text inside', async () => {
    layout = 'compact';
    const run = await exportUsers('--format', 'json');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`[\n${RECORDS_TEXT.join(',\n')}\n]\n`);
    expect(JSON.parse(run.stdout)).toEqual(RECORDS);
  });

  it('a pretty-printed page (records spanning lines) is re-serialised: still one record per line', async () => {
    layout = 'pretty';
    const run = await exportUsers();
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => JSON.parse(l))).toEqual(RECORDS);
    expect(lines).toEqual(RECORDS.map((r) => JSON.stringify(r)));
  });

  it('--fields writes the fields asked for, not the server\'s text', async () => {
    layout = 'compact';
    const run = await exportUsers('--fields', 'id,username');
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(RECORDS.map((r) => ({ id: r.id, username: r.username })));
  });
});
