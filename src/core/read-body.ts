import { TimeoutError } from '../errors/client-errors.js';

/**
 * A read that gets no chunk within `ms` rejects with `TimeoutError(message)`: a body that
 * stalls after its headers must not hang a caller that has no signal.
 */
export function withIdleTimeout<T>(read: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(message, ms)), ms);
  });
  return Promise.race([read, stalled]).finally(() => clearTimeout(timer));
}

/** How a body is read: at most `maxBytes`, and/or failing when a chunk takes longer than `idleMs`. */
export interface ReadBodyOptions {
  maxBytes?: number;
  /** With `maxBytes`: the error to throw when the body is longer (default: keep the first `maxBytes`). */
  tooLarge?: () => Error;
  idleMs?: number;
  /** Names the body in a timeout message, e.g. `users.list`. */
  what?: string;
  /**
   * The body's length as the response declares it (an honest, unencoded `Content-Length`):
   * the chunks are copied into one buffer of that size as they arrive, so the body is never
   * held twice (chunks, then joined). A body that turns out longer is read as without it.
   */
  expectedBytes?: number;
}

/**
 * Reads a body stream to bytes (collected, then joined once; or, with `expectedBytes`,
 * copied into one buffer as they arrive). Stops after `maxBytes` (and
 * throws `tooLarge()` when given and the body goes on); with
 * `idleMs`, a stalled chunk cancels the body and rejects with `TimeoutError`. Other read errors
 * cancel the body and are rethrown.
 */
export async function readBody(body: ReadableStream<Uint8Array>, options: ReadBodyOptions = {}): Promise<Uint8Array> {
  const { maxBytes = Infinity, idleMs, what = 'response', tooLarge, expectedBytes } = options;
  const reader = body.getReader();
  let chunks: Uint8Array[] = [];
  // One buffer of the declared size, filled as the chunks arrive (until one does not fit).
  let into =
    expectedBytes !== undefined && Number.isSafeInteger(expectedBytes) && expectedBytes > 0 && expectedBytes <= maxBytes
      ? allocUnsafe(expectedBytes)
      : undefined;
  let size = 0;
  const bytes = () => (into ? into.subarray(0, size) : join(chunks, size));
  try {
    while (true) {
      if (size >= maxBytes && !tooLarge) {
        reader.cancel().catch(() => {});
        return bytes().subarray(0, maxBytes);
      }
      const next = reader.read();
      const { done, value } = await (idleMs === undefined
        ? next
        : withIdleTimeout(next, idleMs, `${what}: response body stalled for ${idleMs} ms`));
      if (done) return bytes();
      if (into && size + value.byteLength <= into.byteLength) into.set(value, size);
      else {
        if (into) chunks = [into.subarray(0, size)];
        into = undefined;
        chunks.push(value);
      }
      size += value.byteLength;
      if (size > maxBytes && tooLarge) throw tooLarge();
    }
  } catch (error) {
    reader.cancel(error).catch(() => {});
    throw error;
  }
}

/** Node's `Buffer.allocUnsafeSlow` where there is one: no zero-filling of memory about to be overwritten. */
const allocUnsafe: (size: number) => Uint8Array =
  (globalThis as { Buffer?: { allocUnsafeSlow(size: number): Uint8Array } }).Buffer?.allocUnsafeSlow ?? ((size) => new Uint8Array(size));

function join(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = allocUnsafe(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Options of {@link guardBody}. */
export interface GuardBodyOptions {
  /** A chunk that takes longer than this errors the stream with `TimeoutError`. */
  idleMs?: number;
  /** Errors the stream with the signal's reason when it aborts, even if `fetch` would not. */
  signal?: AbortSignal;
  /** Names the body in messages, e.g. `files.downloadStream reports/q1.csv`. */
  what: string;
  /** Maps a read error (a connection broken mid-body) to the error the consumer sees. */
  mapError: (error: unknown) => unknown;
}

/**
 * A body stream for a consumer that reads it at its own pace (a download): it errors with
 * `TimeoutError` when a chunk stalls, with the signal's reason on abort, and with
 * `mapError(error)` when the connection breaks. Nothing is read ahead of the consumer.
 */
export function guardBody(body: ReadableStream<Uint8Array>, options: GuardBodyOptions): ReadableStream<Uint8Array> {
  const { idleMs, signal, what } = options;
  const reader = body.getReader();
  let onAbort = (): void => {};
  const aborted = signal
    ? new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason);
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      })
    : undefined;
  aborted?.catch(() => {});
  const release = () => signal?.removeEventListener('abort', onAbort);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          let read = reader.read();
          if (idleMs !== undefined) read = withIdleTimeout(read, idleMs, `${what}: response body stalled for ${idleMs} ms`);
          const step = await (aborted ? Promise.race([read, aborted]) : read);
          if (step.done) {
            release();
            controller.close();
          } else controller.enqueue(step.value);
        } catch (error) {
          release();
          reader.cancel(error).catch(() => {});
          controller.error(signal?.aborted ? signal.reason : error instanceof TimeoutError ? error : options.mapError(error));
        }
      },
      cancel(reason) {
        release();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
