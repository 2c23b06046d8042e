// Positions on their own: record names, the resume cursor's codec (round trip, refusals), a
// delivered position moved past a page, and a listing's positions (ordered: one).
import { describe, expect, it } from 'vitest';
import { advance, countNames, encodePartitionCursor, listingPositions, parsePartitionCursor, recordName, type SlicePosition } from '../../src/partition/positions.js';

describe('record names', () => {
  it('by id where there is one; else by content, whatever the key order', () => {
    expect(recordName({ id: 42, created_at: 'x' })).toBe('#42');
    expect(recordName({ id: 'abc-1' })).toBe('#abc-1');
    expect(recordName({ path: 'a', created_at: 'x' })).toBe(recordName({ created_at: 'x', path: 'a' }));
    expect(recordName({ path: 'a' })).not.toBe(recordName({ path: 'b' }));
    expect(recordName({ id: 'has space', path: 'a' })).toMatch(/^~/);
  });
});

describe('the resume cursor', () => {
  const cursor = { since: 1000, until: 9000, positions: [{ from: 2000, to: 5000, seen: ['#1', '~x'] }, { from: 6000, to: 9000, seen: [] }] };

  it('round trip: what is written is read back', () => {
    const text = encodePartitionCursor(cursor);
    expect(text).toMatch(/^fs-partition:[A-Za-z0-9_-]+$/);
    expect(parsePartitionCursor(text, 1000, 9000)).toEqual(cursor);
    expect(parsePartitionCursor(text, 1000, undefined)).toEqual(cursor); // no until: the cursor's own
    expect(parsePartitionCursor(undefined, 1000, 9000)).toBeUndefined();
  });

  it('refused: another kind of cursor, another range, edited, cut short, overlapping positions', () => {
    const text = encodePartitionCursor(cursor);
    expect(() => parsePartitionCursor('fs-resume:3:abc', 1000, 9000)).toThrow(/not the resume cursor of a partitioned listing/);
    expect(() => parsePartitionCursor(text, 2000, 9000)).toThrow(/for another range \(1970-01-01T00:00:01Z to 1970-01-01T00:00:09Z/);
    expect(() => parsePartitionCursor(text.slice(0, -4), 1000, 9000)).toThrow(RangeError);
    const edited = encodePartitionCursor({ ...cursor, positions: [cursor.positions[1]!, cursor.positions[0]!] });
    expect(() => parsePartitionCursor(edited, 1000, 9000)).toThrow(/positions out of order, overlapping or outside the range/);
  });
});

describe('positions of a listing', () => {
  it('advance: past records at a later time, the names of those at that time; at the same time, added to those seen', () => {
    const start = { from: 1000, seen: countNames(['#1']) };
    expect(advance(start, 3000, ['#5', '#6'])).toEqual({ from: 3000, seen: countNames(['#5', '#6']) });
    expect(advance(start, 1000, ['#2', '#2'])).toEqual({ from: 1000, seen: new Map([['#1', 1], ['#2', 2]]) });
  });

  const slice = (from: number, to: number, done = false, buffered = 0, seen: string[] = []): SlicePosition => ({ to, done, buffer: { length: buffered }, delivered: { from, seen: countNames(seen) } });

  it('arrival order: each running slice and each part not listed yet, by from; finished, emptied slices are complete', () => {
    const current = slice(0, 1000, true, 0, ['#9']);
    const slices = [current, slice(1000, 2000, true, 0), slice(2000, 3000, false, 0, ['#b', '#a'])];
    const rest = [{ from: 5000, to: 9000, seen: [] }, { from: 3000, to: 5000, seen: [] }];
    expect(listingPositions(slices, rest, false, 9000, current)).toEqual([
      { from: 0, to: 1000, seen: ['#9'] },
      { from: 2000, to: 3000, seen: ['#a', '#b'] },
      { from: 3000, to: 5000, seen: [] },
      { from: 5000, to: 9000, seen: [] },
    ]);
  });

  it('ordered: one position, from the earliest part not delivered to the end of the range', () => {
    const slices = [slice(1500, 2000, false, 1, ['#4']), slice(2000, 3000)];
    expect(listingPositions(slices, [{ from: 3000, to: 4000, seen: [] }], true, 9000)).toEqual([{ from: 1500, to: 9000, seen: ['#4'] }]);
    expect(listingPositions([], [], true, 9000)).toEqual([]);
  });
});
