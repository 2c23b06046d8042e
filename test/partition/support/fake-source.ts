// The fake partition source of the partition tests: a time-ordered log served page by page,
// with latency, failures and a server limit on requests in flight.
import { Paginated, RateLimitedError } from '../../../src/index.js';
import { partitionedPages, type PartitionOptions, type PartitionSource } from '../../../src/partition/partition.js';
import type { Page } from '../../../src/pagination/types.js';

export interface Rec {
  id: number;
  created_at: string;
}

export const T0 = Date.parse('2024-01-01T00:00:00Z');
export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Records at whole seconds (several may share one), sorted; `id` is their position. */
export function records(seconds: readonly number[]): Rec[] {
  return [...seconds].sort((a, b) => a - b).map((s, id) => ({ id, created_at: iso(T0 + s * 1000) }));
}

export interface FakeOptions {
  perPage?: number;
  /** The upper bound includes `to` (start_at/end_at): the fake returns records at `to` too. */
  inclusiveEnd?: boolean;
  /** Fails the n-th page request (1-based) once, with this error. */
  failOn?: Map<number, () => Error>;
  /** Milliseconds each page takes. */
  latencyMs?: number;
  /** These page requests (1-based) are rate limited once: retried after a 429, as the request core does. */
  rateLimitAt?: Set<number>;
  /** A server limit of requests in flight: one beyond it gets a 429 and is retried 5 ms later, as the request core does. */
  maxConcurrent?: number;
}

/** A fake time-ranged list over `all`, recording every slice request. */
export function fakeSource(all: readonly Rec[], options: FakeOptions = {}) {
  const perPage = options.perPage ?? 10;
  const requests: { from: number; to: number; offset: number; inFlight: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let refused = 0;
  /** The `from` of each request refused (a 429). */
  const refusals: number[] = [];
  const source: PartitionSource<Rec> = {
    operation: 'actionLogs.list',
    openSlice(from, to, signal, slot) {
      const inRange = all.filter((r) => {
        const t = Date.parse(r.created_at);
        return t >= from && (options.inclusiveEnd ? t <= to : t < to);
      });
      return {
        async *[Symbol.asyncIterator](): AsyncGenerator<Page<Rec>> {
          for (let offset = 0; offset < inRange.length || offset === 0; offset += perPage) {
            signal.throwIfAborted();
            // As the request core does: a place under the slot before each attempt, given back
            // with the response's status when it arrives.
            let giveBack = await slot.acquire(signal);
            while (options.maxConcurrent !== undefined && inFlight >= options.maxConcurrent) {
              refused++;
              refusals.push(from);
              giveBack(429);
              await new Promise((r) => setTimeout(r, 5));
              signal.throwIfAborted();
              giveBack = await slot.acquire(signal);
            }
            inFlight++;
            requests.push({ from, to, offset, inFlight });
            const fail = options.failOn?.get(requests.length);
            maxInFlight = Math.max(maxInFlight, inFlight);
            let status: number | undefined = 200;
            try {
              const limited = options.rateLimitAt?.has(requests.length);
              if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
              if (limited) {
                // A 429; the request core then sends the same request again, which succeeds.
                inFlight--;
                giveBack(429);
                giveBack = await slot.acquire(signal);
                inFlight++;
              }
              if (fail) {
                options.failOn!.delete(requests.length);
                const error = fail();
                status = error instanceof RateLimitedError ? 429 : undefined;
                throw error;
              }
            } finally {
              inFlight--;
              giveBack(status);
            }
            const more = offset + perPage < inRange.length;
            yield { items: inRange.slice(offset, offset + perPage), cursor: undefined, nextCursor: more ? `after-${offset + perPage}` : undefined, prevCursor: undefined };
            if (offset + perPage >= inRange.length) return;
          }
        },
      };
    },
  };
  return { source, requests, maxInFlight: () => maxInFlight, refused: () => refused, refusals };
}

export const listing = (source: PartitionSource<Rec>, options: PartitionOptions & { startCursor?: string; perPage?: number }) =>
  new Paginated<Rec>((demand) => partitionedPages(source, { perPage: 10, ...options }, demand));

export const between = (all: readonly Rec[], since: number, until: number) =>
  all.filter((r) => Date.parse(r.created_at) >= since && Date.parse(r.created_at) < until).map((r) => r.id);

