// The ordered merge on its own: only the head slice's pages go out (none while the rest of a
// cut slice comes first), later slices hold at most `bufferPages` pages, `concurrency x
// bufferPages` in all (far slices outside that budget), finished slices leave from the head
// only; in arrival order any page goes out.
import { describe, expect, it } from 'vitest';
import { OrderedMerge } from '../../src/partition/ordered-merge.js';
import { makeSlice, type Cut, type Fetched, type Slice } from '../../src/partition/slice.js';

const page = (...ids: number[]): Fetched<{ id: number }> => ({ items: ids.map((id) => ({ id })), times: ids.map((id) => id * 1000), lastNames: [`#${ids.at(-1)}`] });
const slice = (id: number, from: number, to: number, pages: Fetched<{ id: number }>[] = []): Slice<{ id: number }> => {
  const s = makeSlice<{ id: number }>(id, from, to);
  s.buffer.push(...pages);
  return s;
};
const ids = (taken: { page: Fetched<{ id: number }> } | undefined) => taken?.page.items.map((r) => r.id);

describe('ordered merge', () => {
  it('only the earliest slice hands out pages, whatever order slices are added and pages arrive in', () => {
    const merge = new OrderedMerge<{ id: number }>(true, 2, 8, []);
    const late = slice(1, 20_000, 30_000, [page(20)]);
    const early = slice(0, 0, 20_000);
    merge.add(late);
    merge.add(early);
    expect(merge.slices).toEqual([early, late]);
    expect(merge.take()).toBeUndefined(); // the head has nothing yet: the later page waits
    early.buffer.push(page(1, 2));
    expect(ids(merge.take())).toEqual([1, 2]);
    early.done = true;
    merge.dropFinished(() => {});
    expect(ids(merge.take())).toEqual([20]);
  });

  it('the rest of a cut slice before the earliest slice: no slice is the head, nothing goes out', () => {
    const cuts: Cut[] = [{ from: 5_000, to: 10_000, records: 1, span: 1, owed: new Map() }];
    const merge = new OrderedMerge<{ id: number }>(true, 2, 8, cuts);
    const s = slice(0, 10_000, 20_000, [page(10)]);
    merge.add(s);
    expect(merge.isHead(s)).toBe(false);
    expect(merge.take()).toBeUndefined();
    cuts.shift();
    expect(ids(merge.take())).toEqual([10]);
  });

  it('slices ahead of the output hold at most bufferPages pages, the budget in all; the head and far slices are outside it', () => {
    const merge = new OrderedMerge<{ id: number }>(true, 2, 3, []);
    const head = slice(0, 0, 10_000, [page(1), page(2), page(3)]);
    const a = slice(1, 10_000, 20_000, [page(10)]);
    const far = slice(2, 90_000, 100_000, [page(90)]);
    far.far = true;
    for (const s of [head, a, far]) merge.add(s);
    expect([merge.holds(head), merge.holds(a), merge.buffered(), merge.full()]).toEqual([false, false, 1, false]);
    expect(merge.active()).toBe(3);
    a.buffer.push(page(11));
    expect([merge.holds(a), merge.buffered(), merge.full(), merge.active()]).toEqual([true, 2, false, 2]);
    const b = slice(3, 20_000, 30_000, [page(20)]);
    merge.add(b);
    expect([merge.buffered(), merge.full()]).toEqual([3, true]);
    // Full, but the rest of a cut slice comes before every slice: the output waits for it, so it may start.
    const cut = new OrderedMerge<{ id: number }>(true, 2, 1, [{ from: 0, to: 5_000, records: 1, span: 1, owed: new Map() }]);
    cut.add(slice(0, 5_000, 10_000, [page(5), page(6)]));
    expect([cut.buffered(), cut.full()]).toEqual([2, false]);
  });

  it('handing a page out lets the waiting fetch loops go on', () => {
    const merge = new OrderedMerge<{ id: number }>(true, 1, 8, []);
    const head = slice(0, 0, 10_000, [page(1)]);
    const a = slice(1, 10_000, 20_000, [page(10)]);
    const resumed: number[] = [];
    head.resume = () => resumed.push(0);
    a.resume = () => resumed.push(1);
    merge.add(head);
    merge.add(a);
    merge.take();
    expect(resumed.sort()).toEqual([0, 1]);
    expect(head.resume).toBeUndefined();
  });

  it('finished slices leave from the head only, in order; each is reported once', () => {
    const merge = new OrderedMerge<{ id: number }>(true, 2, 8, []);
    const [a, b, c] = [slice(0, 0, 1_000), slice(1, 1_000, 2_000, [page(1)]), slice(2, 2_000, 3_000)];
    for (const s of [a, b, c]) {
      s.done = true;
      merge.add(s);
    }
    const retired: number[] = [];
    merge.dropFinished((s) => retired.push(s.id));
    expect(retired).toEqual([0]);
    expect(merge.slices.map((s) => s.id)).toEqual([1, 2]);
    merge.take();
    merge.dropFinished((s) => retired.push(s.id));
    expect(retired).toEqual([0, 1, 2]);
    expect(merge.slices).toEqual([]);
  });

  it('arrival order: any slice hands out its pages, and finished slices leave wherever they are', () => {
    const merge = new OrderedMerge<{ id: number }>(false, 2, 8, []);
    const [a, b] = [slice(0, 0, 1_000), slice(1, 1_000, 2_000, [page(1), page(2), page(3)])];
    merge.add(a);
    merge.add(b);
    expect([merge.holds(b), merge.full()]).toEqual([false, false]);
    expect(ids(merge.take())).toEqual([1]);
    b.done = true;
    b.buffer.length = 0;
    const retired: number[] = [];
    merge.dropFinished((s) => retired.push(s.id));
    expect(retired).toEqual([1]);
    expect(merge.slices).toEqual([a]);
  });
});
