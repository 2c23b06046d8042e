/**
 * Cuts a stream of chunks of any size into parts of the sizes asked for. Holds at most the
 * part being filled and the rest of one chunk: a chunk that already holds a whole part is
 * handed out as a view, without copying.
 */
export class PartReader {
  readonly #chunks: AsyncIterator<Uint8Array>;
  #rest: Uint8Array | undefined;
  #ended = false;

  /** Reads from `chunks`; the caller keeps the duty to `return()` it. */
  constructor(chunks: AsyncIterator<Uint8Array>) {
    this.#chunks = chunks;
  }

  /** True once the source is exhausted and nothing is left over. */
  get ended(): boolean {
    return this.#ended && !this.#rest?.byteLength;
  }

  /** The next `size` bytes; fewer only at the end of the source (empty once it is exhausted). */
  async read(size: number): Promise<Uint8Array> {
    let part: Uint8Array | undefined;
    let filled = 0;
    while (filled < size) {
      const chunk = await this.#next();
      if (chunk === undefined) break;
      const need = size - filled;
      if (part === undefined && chunk.byteLength >= need) {
        this.#rest = chunk.subarray(need);
        return chunk.subarray(0, need);
      }
      part ??= new Uint8Array(size);
      const take = Math.min(need, chunk.byteLength);
      part.set(chunk.subarray(0, take), filled);
      filled += take;
      this.#rest = chunk.subarray(take);
    }
    return part ? part.subarray(0, filled) : new Uint8Array(0);
  }

  async #next(): Promise<Uint8Array | undefined> {
    if (this.#rest?.byteLength) {
      const rest = this.#rest;
      this.#rest = undefined;
      return rest;
    }
    while (!this.#ended) {
      const step = await this.#chunks.next();
      if (step.done) this.#ended = true;
      else if (step.value.byteLength > 0) return step.value;
    }
    return undefined;
  }
}
