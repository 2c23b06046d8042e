// CSV cells of objects are JSON text (as arrays are); --fields naming a field no record has
// warns once, at the end.
import { describe, expect, it } from 'vitest';
import { afterAll, beforeAll } from 'vitest';
import { csvEncoder } from '../../src/cli/format/csv.js';
import { fieldPresence } from '../../src/cli/format/field-presence.js';
import { runHere, startSite, type Site } from './support/terminal-run.js';

const encode = (fields: string[] | undefined, ...pages: unknown[][]) => {
  const encoder = csvEncoder(fields);
  return pages.map((p) => encoder.page(p)).join('') + encoder.end();
};

describe('CSV cells of objects', () => {
  it('--fields naming an object writes it as JSON text, not an empty cell', () => {
    const record = { id: 1, value: { a: 1, b: [2, 3] }, schedule: { days: [1, 2] }, tags: ['x'], empty: {} };
    expect(encode(['id', 'value', 'schedule', 'schedule.days', 'tags', 'empty'], [record])).toBe(
      'id,value,schedule,schedule.days,tags,empty\n1,"{""a"":1,""b"":[2,3]}","{""days"":[1,2]}","[1,2]","[""x""]",{}\n',
    );
  });

  it('--fields keeps a key with a dot before a dotted path, and a missing field is an empty cell', () => {
    expect(encode(['a.b', 'c.d', 'nope'], [{ 'a.b': 'key', a: { b: 'path' }, c: { d: 'deep' } }])).toBe('a.b,c.d,nope\nkey,deep,\n');
  });

  it('without --fields, a header column holding an object in a later record gets it as JSON (no dropped-fields warning for it)', () => {
    const dropped: string[][] = [];
    const encoder = csvEncoder(undefined, undefined, (_i, columns) => dropped.push([...columns]));
    const text = encoder.page([{ id: 1, meta: null }, { id: 2, meta: { k: 'v' } }, { id: 3, meta: null, extra: 1 }]) + encoder.end();
    expect(text).toBe('id,meta\n1,\n2,"{""k"":""v""}"\n3,\n');
    expect(dropped).toEqual([['extra']]);
  });

  it('an object cell is JSON text starting with {, which formula neutralisation leaves as it is', () => {
    expect(encode(['v'], [{ v: { f: '=1+1' } }])).toBe('v\n"{""f"":""=1+1""}"\n');
  });
});

describe('fieldPresence', () => {
  it('names the fields no record had, once, with close names of the records', () => {
    const presence = fieldPresence(['id', 'usrname', 'shoe_size']);
    presence.see([{ id: 1, username: 'a' }]);
    presence.see([{ id: 2, username: 'b' }]);
    expect(presence.warning()).toBe(
      'warning: --fields names "usrname", "shoe_size", which no record has (did you mean username?): written as null, or empty CSV cells',
    );
  });

  it('says nothing when every field was in some record (a null counts), or when there were no records', () => {
    const presence = fieldPresence(['a', 'b.c']);
    presence.see([{ a: null }, { b: { c: 0 } }]);
    expect(presence.warning()).toBeUndefined();
    const none = fieldPresence(['x']);
    none.see([]);
    expect(none.warning()).toBeUndefined();
  });
});

describe('export --fields on the wire', () => {
  let site: Site;
  beforeAll(async () => {
    site = await startSite({ users: 25 });
  });
  afterAll(() => site?.close());

  it.each(['ndjson', 'csv', 'json'])('%s: one warning for a field no record has', async (format) => {
    const run = await runHere([...site.args, 'export', 'users', '--per-page', '10', '--format', format, '--fields', 'id,usrname']);
    expect(run.code, run.stderr).toBe(0);
    const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toEqual(['warning: --fields names "usrname", which no record has (did you mean username?): written as null, or an empty CSV cell']);
    expect(run.stderr).toMatch(/users\.list: 25 records, 3 pages/);
  });

  it('no warning with --quiet, nor when every field exists', async () => {
    const quiet = await runHere([...site.args, '--quiet', 'export', 'users', '--fields', 'id,usrname']);
    expect(quiet.stderr).toBe('');
    const fine = await runHere([...site.args, 'export', 'users', '--fields', 'id,username', '--format', 'csv']);
    expect(fine.stderr).not.toMatch(/warning/);
  });
});
