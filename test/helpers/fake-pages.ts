import type { PageFetcher } from '../../src/pagination/types.js';

/** A fake cursor API: `pages` pages of `perPage` numbered records; cursors `c1`, `c2`, ... */
export interface FakeApi {
  fetcher: PageFetcher<number>;
  /** Cursors requested, in order (`start` for the first page). */
  requests: string[];
  /** Events in order: `request:<cursor>`, `body:<cursor>`, `abort:<cursor>`. */
  events: string[];
  /**
   * Resolves once no request is in flight and none started during the last turn of the event
   * loop: whatever the listing was going to ask for by now, it has asked for and received.
   */
  idle(): Promise<void>;
}

export function fakeApi(pages: number, perPage: number, opts: { loopAt?: number; failAt?: number } = {}): FakeApi {
  const requests: string[] = [];
  const events: string[] = [];
  let inFlight = 0;
  const settled: (() => void)[] = [];
  const fetcher: PageFetcher<number> = async (cursor, signal) => {
    const name = cursor ?? 'start';
    requests.push(name);
    events.push(`request:${name}`);
    signal.addEventListener('abort', () => events.push(`abort:${name}`), { once: true });
    const index = cursor === undefined ? 0 : Number(cursor.slice(1));
    inFlight++;
    try {
      // A request takes a moment (a timer, not a microtask), as over a network: an abort or
      // the consumer can act while it is out.
      await new Promise((r) => setTimeout(r, 1));
    } finally {
      if (--inFlight === 0) for (const wake of settled.splice(0)) wake();
    }
    if (signal.aborted) throw signal.reason;
    if (opts.failAt === index) throw Object.assign(new Error(`page ${index} failed`), { name: 'BoomError' });
    const next = index + 1 < pages ? `c${opts.loopAt !== undefined && index + 1 > opts.loopAt ? opts.loopAt : index + 1}` : undefined;
    return {
      nextCursor: next,
      prevCursor: index > 0 ? `c${index - 1}` : undefined,
      discard: () => events.push(`discard:${name}`),
      items: async () => {
        events.push(`body:${name}`);
        return Array.from({ length: perPage }, (_, i) => index * perPage + i);
      },
    };
  };
  const idle = async () => {
    for (;;) {
      if (inFlight > 0) await new Promise<void>((resolve) => settled.push(resolve));
      const asked = requests.length;
      await new Promise((resolve) => setImmediate(resolve));
      if (inFlight === 0 && requests.length === asked) return;
    }
  };
  return { fetcher, requests, events, idle };
}
