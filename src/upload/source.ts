/** Upload sources: what `client.files.upload` reads, and how it is cut into parts. */
import { requireNode } from '../core/platform.js';

/**
 * What `client.files.upload` accepts: a local file path (Node only), bytes, a `Blob`, a web
 * `ReadableStream`, or any `AsyncIterable<Uint8Array>` (a Node `Readable` without an
 * encoding is one: its chunks are `Buffer`s).
 */
export type UploadSource = string | Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** An opened source: its chunks, and its size when known up front. */
export interface ByteSource {
  /** The bytes, chunk by chunk. `return()` releases the underlying stream or file. */
  readonly chunks: AsyncIterator<Uint8Array>;
  /** Total bytes, when known before reading (bytes, a Blob, a file). */
  readonly size?: number;
  /**
   * Checks that the source still is what it was when opened (a local file: same size,
   * mtime and inode). The upload calls it after reading each part and before completing.
   * @throws LocalFileChangedError when it changed.
   */
  readonly verify?: () => Promise<void>;
}

/**
 * Opens an upload source for reading. A string is a local file path, opened through a
 * dynamic `import()` of the Node-only file reader, so other platforms never load `node:fs`.
 *
 * @throws TypeError for anything that is not an {@link UploadSource}.
 */
export async function openSource(source: UploadSource): Promise<ByteSource> {
  if (typeof source === 'string') {
    requireNode('files.upload from a local path');
    const { openFileSource } = await import('./node/file-source.js');
    return openFileSource(source);
  }
  if (source instanceof Uint8Array) return { chunks: once(source), size: source.byteLength };
  if (typeof Blob !== 'undefined' && source instanceof Blob) return { chunks: readerChunks(source.stream()), size: source.size };
  if (isReadableStream(source)) return { chunks: readerChunks(source) };
  if (isAsyncIterable(source)) return { chunks: checkedChunks(source[Symbol.asyncIterator]()) };
  throw new TypeError('upload: the source must be a file path, a Uint8Array, a Blob, a ReadableStream or an AsyncIterable<Uint8Array>');
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** A web stream's chunks through its reader (not every platform makes streams async-iterable). */
async function* readerChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    while (true) {
      const step = await reader.read();
      if (step.done) {
        done = true;
        return;
      }
      yield requireBytes(step.value);
    }
  } finally {
    if (!done) void reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

async function* checkedChunks(iterator: AsyncIterator<unknown>): AsyncGenerator<Uint8Array> {
  let done = false;
  try {
    while (true) {
      const step = await iterator.next();
      if (step.done) {
        done = true;
        return;
      }
      yield requireBytes(step.value);
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}

function requireBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError(`upload: the source gave a chunk that is not a Uint8Array (${typeof chunk}); read streams without an encoding`);
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof ReadableStream !== 'undefined' && value instanceof ReadableStream;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';
}

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
    // A first chunk smaller than the part, kept as is until a second one comes: a source
    // that ends there (a small file) is sent without allocating a part of `size` bytes.
    let first: Uint8Array | undefined;
    let filled = 0;
    while (filled < size) {
      const chunk = await this.#next();
      if (chunk === undefined) break;
      const need = size - filled;
      if (part === undefined && first === undefined && chunk.byteLength >= need) {
        this.#rest = chunk.subarray(need);
        return chunk.subarray(0, need);
      }
      if (part === undefined && first === undefined) {
        first = chunk;
        filled = chunk.byteLength;
        continue;
      }
      if (part === undefined) {
        part = new Uint8Array(size);
        part.set(first!);
      }
      const take = Math.min(need, chunk.byteLength);
      part.set(chunk.subarray(0, take), filled);
      filled += take;
      this.#rest = chunk.subarray(take);
    }
    return part ? part.subarray(0, filled) : (first ?? new Uint8Array(0));
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
