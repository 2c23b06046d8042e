import type { RecordEncoder } from '../format/encoder.js';
import type { OutputSink } from '../output/sink.js';
import type { ProgressReporter } from '../progress/progress.js';
import type { StatsCounter } from './stats.js';

/** The part of a page the writer uses. */
export interface PageLike<T = unknown> {
  readonly items: readonly T[];
  readonly nextCursor?: string | undefined;
}

/** Options of {@link writePages}. */
export interface WritePagesOptions<P extends PageLike> {
  readonly encoder: RecordEncoder;
  readonly sink: OutputSink;
  readonly stats: StatsCounter;
  readonly progress: ProgressReporter;
  /** Runs after a page's text is written, before the next page is read (checkpointing). */
  readonly afterPage?: (page: P) => Promise<void>;
  /** Runs after the closing text is written (marking a checkpoint done). */
  readonly afterEnd?: () => Promise<void>;
}

/**
 * Writes a listing page by page: each page is encoded and written (waiting out backpressure)
 * before the next one is read, so memory holds about one page whatever the listing's length.
 * The encoder's closing text is written once the pages run out.
 */
export async function writePages<P extends PageLike>(pages: AsyncIterable<P>, options: WritePagesOptions<P>): Promise<void> {
  const { encoder, sink, stats, progress } = options;
  for await (const page of pages) {
    await sink.write(encoder.page(page.items));
    stats.page(page.items.length);
    progress.update(stats.snapshot());
    await options.afterPage?.(page);
  }
  await sink.write(encoder.end());
  await options.afterEnd?.();
}
