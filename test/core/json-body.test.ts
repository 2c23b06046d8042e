// Page bodies are parsed in pieces cut at record boundaries: the value (and any error) must be
// JSON.parse's for every body, and the record texts kept for writers must be the records'.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
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

describe('parseJsonBytes with maxRecords: a list page holds at most per_page records', () => {
  class TooMany extends Error {}
  const tooMany = () => new TooMany('too many records');
  const limited = (text: string, maxRecords: number) => parseJsonBytes(utf8(text), { maxRecords, tooMany });
  /** Calls of JSON.parse made by `run` (the records parsed, in pieces or whole). */
  function parses(run: () => unknown): number {
    const spy = vi.spyOn(JSON, 'parse');
    try {
      run();
    } catch {
      // the caller checks the error itself
    } finally {
      spy.mockRestore();
    }
    return spy.mock.calls.length;
  }

  it('exactly maxRecords records pass; one more throws tooMany() before any record is parsed', () => {
    const page = (count: number) => JSON.stringify(Array.from({ length: count }, (_, i) => ({ id: i })));
    expect(limited(page(1000), 1000).value).toEqual(JSON.parse(page(1000)));
    expect(limited(page(1000), 1000).records!.offsets.length).toBe(2000);
    expect(() => limited(page(1001), 1000)).toThrow(TooMany);
    expect(parses(() => limited(page(1001), 1000))).toBe(0);
    // No limit: the same page is parsed as before.
    expect(parseJsonBytes(utf8(page(1001))).value).toHaveLength(1001);
  });

  it('2,000,000 empty records for a limit of 1000: refused at once, nothing parsed', () => {
    const body = utf8(`[${'{},'.repeat(1_999_999)}{}]`);
    expect(() => parseJsonBytes(body, { maxRecords: 1000, tooMany })).toThrow(TooMany);
    expect(parses(() => parseJsonBytes(body, { maxRecords: 1000, tooMany }))).toBe(0);
  });

  it('bodies parsed whole (not an array of objects) are counted too, before JSON.parse', () => {
    const many = (unit: string, count: number) => `[${Array.from({ length: count }, () => unit).join(',')}]`;
    for (const unit of ['0', '[]', '"a,]"', 'null', '{}', '[{},{}]', '{"a":[1,2]}']) {
      // A non-object first element sends the body to the whole-body parse.
      const body = `[1,${many(unit, 1000).slice(1)}`;
      expect(() => limited(body, 1000), unit).toThrow(TooMany);
      expect(parses(() => limited(body, 1000)), unit).toBe(0);
      expect(limited(`[1,${many(unit, 999).slice(1)}`, 1000).value, unit).toEqual(JSON.parse(`[1,${many(unit, 999).slice(1)}`));
    }
    // A byte-order mark in front changes nothing.
    expect(() => limited(`\uFEFF${many('{}', 1001)}`, 1000)).toThrow(TooMany);
    expect(() => limited(`\uFEFF${many('0', 1001)}`, 1000)).toThrow(TooMany);
    expect(limited(`\uFEFF${many('{}', 1000)}`, 1000).value).toHaveLength(1000);
  });

  it('commas and brackets inside strings and nested values are not records', () => {
    const text = JSON.stringify([{ a: ',{},[],"\\', b: [{}, {}, [1, 2]] }, { c: '}]' }]);
    expect(limited(text, 2).value).toEqual(JSON.parse(text));
    const mixed = JSON.stringify([',', [1, 2, 3], { a: [{}, {}] }]);
    expect(limited(mixed, 3).value).toEqual(JSON.parse(mixed));
    expect(() => limited(mixed, 2)).toThrow(TooMany);
  });

  it('only the top-level array is limited: an object body, a scalar and an empty array are parsed as before', () => {
    expect(limited(JSON.stringify({ a: [1, 2, 3, 4] }), 1).value).toEqual({ a: [1, 2, 3, 4] });
    expect(limited('"x"', 0).value).toBe('x');
    expect(limited('[]', 0).value).toEqual([]);
    expect(() => limited('[{}]', 0)).toThrow(TooMany);
  });

  it('any array, in any layout, damaged or not: tooMany() past the limit, else JSON.parse\'s value or error', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(record, fc.jsonValue({ maxDepth: 2 })), { maxLength: 12 }),
        fc.nat({ max: 14 }),
        fc.constantFrom(undefined, 2),
        fc.option(fc.tuple(fc.nat(), fc.constantFrom('', ',', '"', ']', '}', 'x')), { nil: undefined }),
        (elements, limit, indent, damage) => {
          let text = JSON.stringify(elements, null, indent);
          if (damage) {
            const at = damage[0] % (text.length + 1);
            text = text.slice(0, at) + damage[1] + text.slice(at + 1);
          }
          const expected = reference(text);
          let outcome: { value: unknown } | { error: true } | 'too-many';
          try {
            outcome = { value: limited(text, limit).value };
          } catch (error) {
            if (error instanceof TooMany) outcome = 'too-many';
            else {
              expect(error).toBeInstanceOf(SyntaxError);
              outcome = { error: true };
            }
          }
          if (!damage) {
            expect(outcome).toEqual(elements.length > limit ? 'too-many' : expected);
          } else if (outcome !== 'too-many') {
            // Damaged: the value or error is JSON.parse's, and a value is never longer than the limit.
            expect(outcome).toEqual(expected);
            if ('value' in outcome && Array.isArray(outcome.value)) expect(outcome.value.length).toBeLessThanOrEqual(limit);
          } else {
            // Refused: never a valid body of `limit` elements or fewer.
            if ('value' in expected) expect((expected.value as unknown[]).length).toBeGreaterThan(limit);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
