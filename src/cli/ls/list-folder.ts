import type { Writable } from 'node:stream';
import type { File, FilesClient } from '../../index.js';
import { NotFoundError } from '../../index.js';
import { isFolderIsAFile, noSuchPath } from '../errors/not-a-folder.js';
import type { RecordEncoder } from '../format/encoder.js';
import { ndjsonEncoder } from '../format/ndjson.js';
import type { MessageWriter } from '../output/messages.js';
import type { OutputSink } from '../output/sink.js';
import { createProgress } from '../progress/progress.js';
import { startStats, type ExportStats } from '../export/stats.js';
import { writePages, type PageLike } from '../export/write-pages.js';
import { lsTextEncoder } from './ls-encoder.js';

/** What to list and how to show it: the options of `files-stream ls`. */
export interface ListFolderJob {
  /** Remote folder (`/` for the root), or a file (shown alone). */
  readonly path: string;
  /** Walk every subfolder (`-R`). */
  readonly recursive?: boolean;
  /** Folder listings in flight during a recursive walk. Default 4. */
  readonly concurrency?: number;
  /** Type, size and modification time on each line (`--long`). */
  readonly long?: boolean;
  /** One JSON File record per line (NDJSON) instead of text (`--json`). */
  readonly json?: boolean;
}

/** Where `listFolder` reports progress. */
export interface ListFolderIo {
  readonly stderr: Writable;
  /** Draw a progress line. */
  readonly progress: boolean;
  /** Cleans names and the progress label (redacted, control characters escaped). Default: escaping only. */
  readonly messages?: Pick<MessageWriter, 'clean'>;
}

/**
 * Lists a folder (or, recursively, the tree below it with `client.folders.walk`) to `sink`,
 * page by page, through the same writer as `export`: constant memory, backpressure respected.
 * Text lines are terminal-safe (see `lsTextEncoder`); `--json` lines are the exact records.
 *
 * A path that names a file (Files.com answers its listing with
 * `bad-request/folder-must-not-be-a-file`) is shown alone, as `ls` shows a file: its record
 * from `client.files.find`, without the `download_uri` (a presigned link). A path that does
 * not exist is a `NotFoundError` saying there is no file or folder there (see `noSuchPath`).
 */
export async function listFolder(client: FilesClient, job: ListFolderJob, sink: OutputSink, io: ListFolderIo): Promise<ExportStats> {
  const listing = job.recursive
    ? client.folders.walk(job.path, { concurrency: job.concurrency ?? 4 })
    : client.folders.listFor(job.path);
  const clean = io.messages?.clean;
  const encoder: RecordEncoder = job.json ? ndjsonEncoder(undefined) : lsTextEncoder({ long: job.long, fullPaths: job.recursive, clean });
  const stats = startStats();
  const label = job.recursive ? `ls -R ${job.path}` : `ls ${job.path}`;
  const progress = createProgress({ stream: io.stderr, enabled: io.progress, label: clean ? clean(label) : label });
  try {
    await writePages(pagesOrFile(listing.pages(), client, job.path), { encoder, sink, stats, progress });
  } finally {
    progress.stop(stats.snapshot());
    await sink.close();
  }
  return stats.snapshot();
}

/**
 * The listing's pages; when its first page fails because the path is a file, one page
 * holding that file's record instead (its `download_uri`, a presigned link, left out).
 */
async function* pagesOrFile(pages: AsyncIterable<PageLike<File>>, client: FilesClient, path: string): AsyncGenerator<PageLike<File>> {
  let started = false;
  try {
    for await (const page of pages) {
      started = true;
      yield page;
    }
  } catch (err) {
    if (!started && err instanceof NotFoundError) throw noSuchPath(err, `ls ${path}`);
    if (started || !isFolderIsAFile(err)) throw err;
    const { download_uri: _link, ...file } = await client.files.find(path);
    yield { items: [file] };
  }
}
