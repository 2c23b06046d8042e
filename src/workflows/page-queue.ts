/**
 * A bounded hand-over queue between producers (folder listings) and one consumer. `push`
 * waits while the queue is full, so producers never run further ahead of the consumer
 * than `capacity` items; `take` waits for an item, the end, or an error.
 */
export class PageQueue<T> {
  readonly #capacity: number;
  readonly #items: T[] = [];
  #closed = false;
  #error: { reason: unknown } | undefined;
  #takers: (() => void)[] = [];
  #pushers: (() => void)[] = [];

  /** A queue of at most `capacity` waiting items (at least 1). */
  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Adds an item, waiting while the queue is full. Rejects once the queue has failed. */
  async push(item: T): Promise<void> {
    while (this.#items.length >= this.#capacity && !this.#error) {
      await new Promise<void>((resolve) => this.#pushers.push(resolve));
    }
    if (this.#error) throw this.#error.reason;
    this.#items.push(item);
    this.#wake(this.#takers);
  }

  /** The next item; `undefined` once the queue is closed and empty. Rejects once it has failed. */
  async take(): Promise<T | undefined> {
    while (this.#items.length === 0 && !this.#closed && !this.#error) {
      await new Promise<void>((resolve) => this.#takers.push(resolve));
    }
    if (this.#error) throw this.#error.reason;
    const item = this.#items.shift();
    this.#wake(this.#pushers);
    return item;
  }

  /** No more items will come: `take` drains what is left, then returns `undefined`. */
  close(): void {
    this.#closed = true;
    this.#wake(this.#takers);
  }

  /** Fails the queue: waiting and later `push` and `take` calls reject with `reason`. The first failure wins. */
  fail(reason: unknown): void {
    this.#error ??= { reason };
    this.#items.length = 0;
    this.#wake(this.#takers);
    this.#wake(this.#pushers);
  }

  #wake(waiters: (() => void)[]): void {
    const all = waiters.splice(0);
    for (const wake of all) wake();
  }
}
