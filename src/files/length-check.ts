import { IntegrityError } from './integrity-error.js';

/**
 * A pass-through stream that errors with {@link IntegrityError} (`check: 'size'`) when the
 * bytes through it are more than `expected` (as soon as they are) or fewer (at the end).
 * Catches a body cut short by a proxy or a dropped connection that still ended cleanly.
 */
export function lengthCheck(path: string, expected: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > expected) controller.error(new IntegrityError(path, 'size', expected, seen));
      else controller.enqueue(chunk);
    },
    flush(controller) {
      if (seen !== expected) controller.error(new IntegrityError(path, 'size', expected, seen));
    },
  });
}
