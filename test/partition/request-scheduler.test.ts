// The request scheduler of a partitioned listing on its own: places earliest slice first, the
// limit halved once per burst of 429s, grown back after runs of successes, probes above the
// level known to be safe (far slices only, in ordered mode), aborts of waiting requests.
import { describe, expect, it } from 'vitest';
import { RequestScheduler } from '../../src/partition/request-scheduler.js';

type GiveBack = (status: number | undefined) => void;

/** Lets granted acquisitions run their `then`s. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A slot of `scheduler` for a slice starting at `priority`. */
const slot = (scheduler: RequestScheduler, priority: number, far = false) => scheduler.slotFor(priority, far, () => {}, () => {});

/** `n` requests sent and answered `status` one after another (each sent after the one before came back). */
async function answered(scheduler: RequestScheduler, n: number, status: number | undefined): Promise<void> {
  for (let i = 0; i < n; i++) (await slot(scheduler, 0).acquire(undefined))(status);
}

describe('request scheduler', () => {
  it('at most `max` requests in flight; waiting ones get places earliest slice first', async () => {
    const scheduler = new RequestScheduler(2, false);
    const a = await slot(scheduler, 5).acquire(undefined);
    const b = await slot(scheduler, 6).acquire(undefined);
    expect(scheduler.inFlight).toBe(2);
    const granted: number[] = [];
    const gives = new Map<number, GiveBack>();
    for (const priority of [9, 3, 7]) {
      void slot(scheduler, priority)
        .acquire(undefined)
        .then((give) => {
          granted.push(priority);
          gives.set(priority, give);
        });
    }
    await settle();
    expect(granted).toEqual([]);
    a(200);
    await settle();
    expect(granted).toEqual([3]);
    b(200);
    gives.get(3)!(200);
    await settle();
    expect(granted).toEqual([3, 7, 9]);
    expect(scheduler.inFlight).toBe(2);
  });

  it('a burst of 429s (requests sent before the first came back) halves the limit once; a 429 after it halves it again', async () => {
    const scheduler = new RequestScheduler(8, false);
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => slot(scheduler, i).acquire(undefined)));
    burst[0]!(429);
    burst[1]!(429);
    burst[2]!(429);
    expect(scheduler.limit).toBe(4);
    for (const give of burst.slice(3)) give(200);
    await answered(scheduler, 1, 429);
    expect(scheduler.limit).toBe(2);
  });

  it('grows back by one after a run of successes; past the level known to be safe only after a run 16 times as long, then 4 times longer after each failed probe', async () => {
    const scheduler = new RequestScheduler(8, false);
    await answered(scheduler, 1, 429); // 8 -> 4: 4 is the level known to be safe
    expect([scheduler.limit, scheduler.probeDue]).toEqual([4, false]);
    await answered(scheduler, 63, 200);
    expect(scheduler.limit).toBe(4);
    await answered(scheduler, 1, 200); // 64 = 4 x 16 successes: a probe to 5
    expect([scheduler.limit, scheduler.probeDue]).toEqual([5, true]);
    await answered(scheduler, 1, 429); // the probe failed: 5 -> 2, 4 stays the level known to be safe
    expect([scheduler.limit, scheduler.probeDue]).toEqual([2, false]);
    await answered(scheduler, 4, 200); // below it: one more after a run of 4
    expect(scheduler.limit).toBe(3);
    await answered(scheduler, 4, 200);
    expect(scheduler.limit).toBe(4);
    await answered(scheduler, 255, 200); // the next probe: after 4 x 64
    expect(scheduler.limit).toBe(4);
    await answered(scheduler, 1, 200);
    expect(scheduler.limit).toBe(5);
  });

  it('never grows above `max`; a failure without a status neither halves nor breaks a run of successes', async () => {
    const scheduler = new RequestScheduler(3, false);
    await answered(scheduler, 500, 200);
    expect(scheduler.limit).toBe(3);
    await answered(scheduler, 5, undefined);
    expect(scheduler.limit).toBe(3);
    await answered(scheduler, 1, 429); // 3 -> 1, the level known to be safe
    await answered(scheduler, 63, 200);
    await answered(scheduler, 10, undefined);
    expect(scheduler.limit).toBe(1);
    await answered(scheduler, 1, 200); // the 64th success of the run: a probe to 2
    expect(scheduler.limit).toBe(2);
  });

  for (const farProbes of [true, false]) {
    it(`a place above the level known to be safe goes to ${farProbes ? 'a slice far ahead of the output only' : 'the request furthest ahead'}`, async () => {
      const scheduler = new RequestScheduler(4, farProbes);
      await answered(scheduler, 1, 429); // 4 -> 2, known 2
      await answered(scheduler, 64, 200); // a probe to 3
      expect([scheduler.limit, scheduler.probeDue]).toEqual([3, true]);
      const first = await slot(scheduler, 1).acquire(undefined);
      await slot(scheduler, 2).acquire(undefined);
      await slot(scheduler, 40, true).acquire(undefined); // the probe: a far slice, in either mode
      expect(scheduler.inFlight).toBe(3);
      const granted: number[] = [];
      for (const [priority, far] of [
        [3, false],
        [20, true],
        [30, false],
      ] as const) {
        void slot(scheduler, priority, far)
          .acquire(undefined)
          .then(() => granted.push(priority));
      }
      await settle();
      expect(granted).toEqual([]);
      first(200); // a place frees below the limit, but above the level known to be safe
      await settle();
      expect(granted).toEqual([farProbes ? 20 : 30]);
    });
  }

  it('without a far slice waiting, ordered mode sends no probe: the near requests wait for the safe level', async () => {
    const scheduler = new RequestScheduler(4, true);
    await answered(scheduler, 1, 429);
    await answered(scheduler, 64, 200);
    await slot(scheduler, 1).acquire(undefined);
    await slot(scheduler, 2).acquire(undefined);
    let granted = false;
    void slot(scheduler, 3)
      .acquire(undefined)
      .then(() => (granted = true));
    await settle();
    expect(granted).toBe(false);
    expect(scheduler.inFlight).toBe(2);
  });

  it('an aborted wait rejects with the reason and takes no place; the slot reports sends and statuses', async () => {
    const events: string[] = [];
    const scheduler = new RequestScheduler(1, false);
    const first = await scheduler.slotFor(0, false, () => events.push('send 0'), (s) => events.push(`status ${s}`)).acquire(undefined);
    const controller = new AbortController();
    const waiting = slot(scheduler, 1).acquire(controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    first(503);
    expect(scheduler.inFlight).toBe(0);
    expect(events).toEqual(['send 0', 'status 503']);
    await expect(slot(scheduler, 2).acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
    expect(scheduler.inFlight).toBe(0);
  });
});
