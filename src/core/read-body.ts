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
}

/**
 * Reads a body stream to bytes (collected, then joined once). Stops after `maxBytes` (and
 * throws `tooLarge()` when given and the body goes on); with
 * `idleMs`, a stalled chunk cancels the body and rejects with `TimeoutError`. Other read errors
 * cancel the body and are rethrown.
 */
export async function readBody(body: ReadableStream<Uint8Array>, options: ReadBodyOptions = {}): Promise<Uint8Array> {
  const { maxBytes = Infinity, idleMs, what = 'response', tooLarge } = options;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (true) {
      if (size >= maxBytes && !tooLarge) {
        reader.cancel().catch(() => {});
        return join(chunks, size).subarray(0, maxBytes);
      }
      const next = reader.read();
      const { done, value } = await (idleMs === undefined
        ? next
        : withIdleTimeout(next, idleMs, `${what}: response body stalled for ${idleMs} ms`));
      if (done) return join(chunks, size);
      chunks.push(value);
      size += value.byteLength;
      if (size > maxBytes && tooLarge) throw tooLarge();
    }
  } catch (error) {
    reader.cancel(error).catch(() => {});
    throw error;
  }
}

function join(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
