/**
 * The request scheduler of a partitioned listing: one adjustable limit of requests in flight,
 * shared by every slice's requests (the request core's `RequestSlot`), which adapts to the
 * server's 429s and hands places out earliest slice first.
 *
 * - A place is held from the send to the response headers: reading and parsing a page, and a
 *   retry's `Retry-After` wait, hold none.
 * - A 429 halves the limit (once per burst of them); a run of successes grows it back by one,
 *   never above `max`.
 * - Growing past the highest level known to be safe is a probe, tried only after a long run
 *   of successes (four times as long after each failed probe). In ordered mode the probe's
 *   place goes only to a slice listed far ahead of the output, so that a refused probe's
 *   `Retry-After` holds up nothing.
 */
import type { RequestSlot } from '../core/types.js';

/**
 * Adjustable limit of requests in flight, the slot every slice's requests share: a place is
 * taken before each attempt and given back when its response headers arrive (the server is
 * done with it), so a body's transfer and parsing, and a `Retry-After` wait, hold none.
 * Halved on 429, grown by one after a run of successes, never above `max`. Waiting requests
 * get places earliest slice first: the ordered output needs the earliest records first.
 */
export class RequestScheduler {
  #limit: number;
  #inFlight = 0;
  #successes = 0;
  /** Counts halvings: a 429 to a request sent before the last one is the same congestion, already answered. */
  #epoch = 0;
  /** Requests waiting for a place, by the `from` of their slice. */
  #waiting: { priority: number; far: boolean; grant: () => void }[] = [];
  /**
   * @param max The most requests in flight (`concurrency`).
   * @param farProbes A place above the level known to be safe (a probe) goes only to a slice
   *   listed far ahead of the output (ordered mode: a refused probe's `Retry-After` then holds
   *   up nothing); otherwise to the request furthest ahead.
   */
  constructor(
    readonly max: number,
    private readonly farProbes: boolean,
  ) {
    this.#limit = max;
  }
  /** The current limit of requests in flight. */
  get limit(): number {
    return this.#limit;
  }
  /** Requests holding a place now (sent, their response headers not in yet). */
  get inFlight(): number {
    return this.#inFlight;
  }
  /** The limit is above the level known to be safe: the next place beyond that level is a probe. */
  get probeDue(): boolean {
    return this.#limit > this.#known;
  }

  /**
   * A slot for the requests of a slice starting at `priority` (its `from`; `far` for a slice
   * listed far ahead of the output), which `onStatus` hears the status of.
   */
  slotFor(priority: number, far: boolean, onSend: () => void, onStatus: (status: number | undefined) => void): RequestSlot {
    return {
      acquire: async (signal) => {
        onSend();
        await this.#take(priority, far, signal);
        const epoch = this.#epoch;
        return (status) => {
          this.#inFlight--;
          if (status === 429) this.#rateLimited(epoch);
          else if (status !== undefined && status < 400) this.#succeeded();
          this.#grant();
          onStatus(status);
        };
      },
    };
  }

  #take(priority: number, far: boolean, signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        priority,
        far,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const at = this.#waiting.findIndex((w) => w.priority > priority);
      this.#waiting.splice(at < 0 ? this.#waiting.length : at, 0, waiter);
      this.#grant();
    });
  }

  /**
   * Hands free places to the earliest waiting requests, up to the level known to be safe;
   * a place above it (a probe, which the server may refuse with a `Retry-After`) goes to a
   * slice far ahead of the output, or with `farProbes` off to the request furthest ahead.
   */
  #grant(): void {
    while (this.#inFlight < this.#limit && this.#waiting.length > 0) {
      let at = 0;
      if (this.#inFlight >= this.#known) {
        at = this.farProbes ? this.#waiting.findIndex((w) => w.far) : this.#waiting.length - 1;
        if (at < 0) return;
      }
      const [waiter] = this.#waiting.splice(at, 1);
      this.#inFlight++;
      waiter!.grant();
    }
  }

  /**
   * The highest level known to be safe (as TCP's slow-start threshold): after a first 429, the
   * level it halved the limit to; after a probe above it failed, the level below the probe.
   * Growing back to it is quick; growing beyond it is a probe, tried only after a long run of
   * successes, four times as long after each failed probe (a server's limit is usually fixed,
   * and a 429 makes its request wait `Retry-After`, which the ordered output may wait on).
   */
  #known = Infinity;
  /** How much longer than an ordinary run of successes the run before a probe is. */
  #probeRun = 16;

  /** A 429 to a request sent in `epoch`: halves the limit, unless a later halving already answered it. */
  #rateLimited(epoch: number): void {
    this.#successes = 0;
    if (epoch < this.#epoch) return;
    this.#epoch++;
    if (this.#limit > this.#known) {
      this.#known = this.#limit - 1;
      this.#probeRun *= 4;
    } else this.#known = Math.max(1, Math.floor(this.#limit / 2));
    this.#limit = Math.max(1, Math.floor(this.#limit / 2));
  }
  /** A success: after a run of them, one more request in flight (never above `max`). */
  #succeeded(): void {
    if (this.#limit >= this.max) return;
    // "A run of successes": as many pages in a row as the limit allows at once (at least 4),
    // `#probeRun` times that to probe above the level known to be safe.
    const run = Math.max(4, this.#limit) * (this.#limit >= this.#known ? this.#probeRun : 1);
    if (++this.#successes >= run) {
      this.#limit++;
      this.#successes = 0;
    }
  }
}
