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
}

/**
 * Opens an upload source for reading. A string is a local file path, opened through a
 * dynamic `import()` of the Node-only file reader, so other platforms never load `node:fs`.
 *
 * @throws TypeError for anything that is not an {@link UploadSource}.
 */
export async function openSource(source: UploadSource): Promise<ByteSource> {
  if (typeof source === 'string') {
    const { openFileSource } = await import('../workflows/node/file-source.js');
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
