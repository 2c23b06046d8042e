// Page bodies are parsed in pieces cut at record boundaries: the value (and any error) must be
// JSON.parse's for every body, and the record texts kept for writers must be the records'.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBytes, PIECE_BYTES } from '../../src/core/json-body.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** What the old reader did: the whole body decoded (a BOM dropped) to one string, parsed once. */
function reference(body: string): { value: unknown } | { error: true } {
  const text = decode(utf8(body));
  try {
    return { value: text === '' ? undefined : JSON.parse(text) };
  } catch {
    return { error: true };
  }
}

function parsed(bytes: Uint8Array): { value: unknown } | { error: true } {
  try {
    return { value: parseJsonBytes(bytes).value };
  } catch (error) {
    expect(error).toBeInstanceOf(SyntaxError);
    return { error: true };
  }
}

/** Strings that trip a careless scanner: quotes, backslashes, brackets, commas, multi-byte text. */
const nasty = fc.string({ unit: fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', 'a', 'é', '𝄞', '\n', ' ', ':'), maxLength: 12 });
const record = fc.dictionary(nasty, fc.oneof(nasty, fc.jsonValue({ maxDepth: 3 })), { maxKeys: 6 });

describe('parseJsonBytes: JSON.parse of the whole body, in pieces', () => {
  it('gives the value JSON.parse gives, for arrays of records in any layout', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), fc.constantFrom(undefined, 2, '\t'), (records, indent) => {
        const text = JSON.stringify(records, null, indent);
        const { value, records: raw } = parseJsonBytes(utf8(text));
        // JSON.parse of the text, not the records: the text has lost what JSON cannot carry (-0 is "0").
        expect(value).toEqual(JSON.parse(text));
        if (indent === undefined || records.every((r) => Object.keys(r).length === 0)) {
          // One line per record: each record's text is its own, and parses to it.
          expect(raw).toBeDefined();
          expect(raw!.offsets.length).toBe(2 * records.length);
          for (let i = 0; i < records.length; i++) {
            const own = decode(raw!.bytes.subarray(raw!.offsets[2 * i], raw!.offsets[2 * i + 1]));
            expect(own).toBe(JSON.stringify(records[i]));
          }
        } else if (records.some((r) => Object.keys(r).length > 0)) {
          expect(raw).toBeUndefined(); // a record spans lines: no text that a line-per-record writer could use
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fails exactly where JSON.parse fails, and agrees where it does not, for damaged bodies', () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.constantFrom('', ',', '"', '\\', '{', '}', '[', ']', ' ', 'x', '\uFEFF'),
        fc.boolean(),
        (records, at, insert, drop) => {
          const text = JSON.stringify(records);
          const i = at % (text.length + 1);
          const damaged = text.slice(0, i) + insert + text.slice(drop ? i + 1 : i);
          expect(parsed(utf8(damaged))).toEqual(reference(damaged));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('bodies that are not arrays of objects are parsed whole', () => {
    for (const text of ['{"error":"x"}', '[1,2,3]', '["a",{"b":1}]', '[]', ' [ ] ', '', '42', 'null', '[{"a":1},2]', '\uFEFF[{"a":1}]']) {
      expect(parsed(utf8(text))).toEqual(reference(text));
    }
    expect(parseJsonBytes(utf8('[]')).records?.offsets.length).toBe(0);
  });

  it('records cross piece boundaries, and one record larger than a piece is parsed alone', () => {
    const small = Array.from({ length: 3000 }, (_, i) => ({ id: i, text: `é"${'x'.repeat(i % 97)}\\` }));
    const big = [{ id: 0 }, { id: 1, blob: 'y'.repeat(3 * PIECE_BYTES) }, { id: 2 }];
    for (const records of [small, big]) {
      const { value, records: raw } = parseJsonBytes(utf8(JSON.stringify(records)));
      expect(value).toEqual(records);
      expect(raw!.offsets.length).toBe(2 * records.length);
    }
  });

  it('whitespace between records (spaces, tabs, new lines) is allowed; a line break inside a record withholds the texts', () => {
    const spaced = '[ {"a":1} ,\n\t{"b":"}"} ]';
    expect(parseJsonBytes(utf8(spaced))).toMatchObject({ value: [{ a: 1 }, { b: '}' }] });
    expect(parseJsonBytes(utf8(spaced)).records).toBeDefined();
    const folded = '[{"a":\n1}]';
    expect(parseJsonBytes(utf8(folded))).toEqual({ value: [{ a: 1 }] });
  });
});
