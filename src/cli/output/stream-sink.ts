import type { Writable } from 'node:stream';
import type { OutputSink } from './sink.js';

/**
 * An output stream (stdout): each write waits for `drain` when the stream's buffer is full,
 * so a slow reader slows the listing instead of filling memory. The stream is not closed.
 * A stream error (`EPIPE` when the reader went away) rejects the pending or next write.
 */
export function streamSink(stream: Writable): OutputSink {
  let bytes = 0;
  let failure: Error | undefined;
  stream.on('error', (err: Error) => (failure ??= err));
  return {
    async write(text) {
      if (failure) throw failure;
      bytes += typeof text === 'string' ? Buffer.byteLength(text) : text.byteLength;
      if (!stream.write(text)) await drained(stream);
    },
    sync: async () => {},
    get bytes() {
      return bytes;
    },
    close: async () => {
      if (failure) throw failure;
    },
  };
}

/** Resolves on the stream's next `drain`, rejects on its next `error`; removes both listeners. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (err: Error): void => {
      stream.off('drain', onDrain);
      reject(err);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}
