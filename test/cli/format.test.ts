import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../../src/cli/format/csv-line.js';
import { createEncoder as createByteEncoder } from '../../src/cli/format/create-encoder.js';
import { flattenRecord } from '../../src/cli/format/flatten.js';
import { selectFields } from '../../src/cli/format/select-fields.js';
import { csvRecords, parseCsv } from '../helpers/parse-output.js';

/** An encoder whose pages are text (a page of records with the server's JSON text comes as bytes). */
function createEncoder(...args: Parameters<typeof createByteEncoder>) {
  const encoder = createByteEncoder(...args);
  return {
    ...encoder,
    page(items: readonly unknown[]): string {
      const out = encoder.page(items);
      return typeof out === 'string' ? out : new TextDecoder().decode(out);
    },
  };
}

describe('CSV flattening', () => {
  it('dots nested keys at any depth, writes arrays as JSON, null/undefined as empty, keeps odd key names', () => {
    const cells = flattenRecord({
      id: 7,
      ok: false,
      a: { b: 1, c: { d: 'x' } },
      tags: ['p', 'q'],
      empty: {},
      none: null,
      missing: undefined,
      'subfolders_locked?': true,
    });
    expect(Object.fromEntries(cells)).toEqual({
      id: '7',
      ok: 'false',
      'a.b': '1',
      'a.c.d': 'x',
      tags: '["p","q"]',
      empty: '{}',
      none: '',
      missing: '',
      'subfolders_locked?': 'true',
    });
  });
});

describe('csvLine', () => {
  it('writes exactly what csv-stringify writes, for any cells', () => {
    const cellText = fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', '\r', 'é', '=', '\t', '0') });
    fc.assert(
      fc.property(fc.array(cellText, { minLength: 1, maxLength: 6 }), (cells) => {
        expect(csvLine(cells)).toBe(stringify([cells]));
      }),
      { numRuns: 500 },
    );
  });
});

describe('encoders', () => {
  const records = [
    { id: 1, name: 'Doe, "JJ"', note: 'line1\nline2', meta: { k: 'v' } },
    { id: 2, name: 'plain', note: 'cr\rhere', extra: 'x' },
  ];

  it('CSV: header from the first record, later extra fields dropped with one warning, quoting that parses back', () => {
    const warnings: string[][] = [];
    const csv = createEncoder('csv', { onDroppedColumns: (_i, cols) => warnings.push([...cols]) });
    const text = csv.page(records.slice(0, 1)) + csv.page(records.slice(1)) + csv.end();
    expect(parseCsv(text)[0]).toEqual(['id', 'name', 'note', 'meta.k']);
    expect(csvRecords(text)).toEqual([
      { id: '1', name: 'Doe, "JJ"', note: 'line1\nline2', 'meta.k': 'v' },
      { id: '2', name: 'plain', note: 'cr\rhere', 'meta.k': '' },
    ]);
    expect(warnings).toEqual([['extra']]);
    expect(csv.state()).toEqual({ records: 2, columns: ['id', 'name', 'note', 'meta.k'] });
  });

  it('CSV: --fields fixes the columns (a header even for no records); a resumed encoder writes no second header', () => {
    const empty = createEncoder('csv', { fields: ['id', 'meta.k'] });
    expect(empty.page([]) + empty.end()).toBe('id,meta.k\n');
    const first = createEncoder('csv', { fields: ['id', 'meta.k'] });
    const part1 = first.page(records.slice(0, 1));
    const resumed = createEncoder('csv', { fields: ['id', 'meta.k'], resume: first.state() });
    const part2 = resumed.page(records.slice(1)) + resumed.end();
    expect(csvRecords(part1 + part2)).toEqual([
      { id: '1', 'meta.k': 'v' },
      { id: '2', 'meta.k': '' },
    ]);
  });

  it('JSON: one valid array across pages, [] when empty, and across a resume', () => {
    const json = createEncoder('json');
    expect(JSON.parse(json.page([]) + json.end())).toEqual([]);
    const a = createEncoder('json', { fields: ['id'] });
    const head = a.page(records.slice(0, 1));
    const b = createEncoder('json', { fields: ['id'], resume: a.state() });
    expect(JSON.parse(head + b.page([]) + b.page(records.slice(1)) + b.end())).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('NDJSON: one record per line; --fields picks keys or dotted paths, missing ones null', () => {
    const nd = createEncoder('ndjson', { fields: ['id', 'meta.k', 'nope'] });
    const lines = nd.page(records).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { id: 1, 'meta.k': 'v', nope: null },
      { id: 2, 'meta.k': null, nope: null },
    ]);
    expect(selectFields({ 'a.b': 1, a: { b: 2 } }, ['a.b'])).toEqual({ 'a.b': 1 });
  });
});

describe('CSV formula neutralisation', () => {
  const FORMULA_START = /^[=+\-@\t\r]/;

  it('no text cell or header of the default output starts a formula; --csv-raw writes them as sent; numbers stay numbers', () => {
    const text = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', 'a', '1', ',', '"', '\n', "'", ' '), maxLength: 6 });
    fc.assert(
      fc.property(fc.dictionary(text.filter((k) => k !== '' && !k.includes('.')), fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })), { minKeys: 1, maxKeys: 4 }), (record) => {
        const safe = createEncoder('csv');
        const [header, row] = parseCsv(safe.page([record]) + safe.end());
        const keys = Object.keys(record);
        keys.forEach((key, i) => {
          expect(header![i]).toBe(FORMULA_START.test(key) ? `'${key}` : key);
          const value = record[key];
          if (typeof value === 'number') expect(row![i]).toBe(String(value));
          else expect(row![i]).toBe(FORMULA_START.test(value!) ? `'${value}` : value);
        });
        const raw = createEncoder('csv', { csvRaw: true });
        const [rawHeader, rawRow] = parseCsv(raw.page([record]) + raw.end());
        expect(rawHeader).toEqual(keys);
        expect(rawRow).toEqual(keys.map((k) => String(record[k])));
      }),
      { numRuns: 500 },
    );
  });

  it('a resumed CSV keeps its saved columns as sent and neutralises nothing twice', () => {
    const first = createEncoder('csv');
    const head = first.page([{ '=a': '=1', b: -2 }]);
    expect(first.state()).toEqual({ records: 1, columns: ['=a', 'b'] });
    const resumed = createEncoder('csv', { resume: first.state() });
    expect(csvRecords(head + resumed.page([{ '=a': '@x', b: '-3' }]) + resumed.end())).toEqual([
      { "'=a": "'=1", b: '-2' },
      { "'=a": "'@x", b: "'-3" },
    ]);
  });
});
