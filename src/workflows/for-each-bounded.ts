/**
 * Runs `task` for each item of an async iterable with at most `concurrency` tasks in
 * flight, pulling the next item only when a slot is free (so the source is never drained
 * ahead of the work). The first task error, source error or abort stops pulling, lets the
 * running tasks settle, closes the source, and rejects with that error (the signal's reason
 * for an abort).
 */
export async function forEachBounded<T>(
  items: AsyncIterable<T>,
  concurrency: number,
  task: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const running = new Set<Promise<void>>();
  const iterator = items[Symbol.asyncIterator]();
  let failure: { error: unknown } | undefined;
  let exhausted = false;
  try {
    while (!failure) {
      signal?.throwIfAborted();
      const step = await iterator.next();
      if (step.done) {
        exhausted = true;
        break;
      }
      const run: Promise<void> = task(step.value)
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => running.delete(run));
      running.add(run);
      while (running.size >= concurrency && !failure) await Promise.race(running);
    }
  } catch (error) {
    failure ??= { error: signal?.aborted ? signal.reason : error };
  }
  await Promise.all(running);
  if (!exhausted) await iterator.return?.().catch(() => {});
  if (failure) throw failure.error;
}
