import type { RecordEncoder } from '../format/encoder.js';
import { resolve } from 'node:path';
import type { FileSink } from '../output/file-sink.js';
import { CHECKPOINT_VERSION, type Checkpoint, type ExportIdentity } from './checkpoint.js';
import { saveCheckpoint } from './checkpoint-file.js';
import type { CheckpointLock } from './checkpoint-lock.js';

/** Options of {@link checkpointSaver}. */
export interface CheckpointSaverOptions {
  /** The checkpoint file. */
  readonly path: string;
  /** The site the export reads (see `siteOf`), saved so that a resume elsewhere is refused. */
  readonly site: string;
  /** The checkpoint's lock, held by this run: checked before each save (see `assertHeld`). */
  readonly lock?: Pick<CheckpointLock, 'assertHeld'>;
  readonly identity: ExportIdentity;
  /** The output file (opened with a hash): fsynced before each save, its size and hash saved. */
  readonly sink: FileSink;
  /** The output file's path (saved resolved). */
  readonly output: string;
  /** The encoder: its state (records, CSV columns) is saved. */
  readonly encoder: RecordEncoder;
  /** Pages written by earlier runs. */
  readonly pagesBefore: number;
  /** Stop after this many records in all: the page that reaches it completes the listing. */
  readonly limit?: number;
}

/** The hooks that save a checkpoint after each page and mark it done at the end. */
export interface CheckpointSaver {
  /** After a page's text is written: fsync the output, then save the page's next cursor. */
  afterPage(page: { readonly nextCursor?: string | undefined }): Promise<void>;
  /** After the closing text is written: fsync the output, then save the checkpoint as done. */
  afterEnd(): Promise<void>;
}

/**
 * Saves a checkpoint after each page: the output is fsynced first, then the checkpoint
 * (cursor of the next page, output size, records) is replaced atomically. So the saved size
 * never counts bytes that are not on disk, and a page written after it is cut on resume. The
 * output's resolved path and the SHA-256 of the bytes it covers are saved too, so a resume
 * can tell that it continues the same, unchanged file, and the site, so it continues the same
 * listing. Before each save the run checks it still holds the checkpoint's lock.
 * A saved cursor of `null` means the listing is complete but the output may lack its
 * closing text; `done` means it has it.
 */
export function checkpointSaver(options: CheckpointSaverOptions): CheckpointSaver {
  const { sink, encoder } = options;
  let pages = options.pagesBefore;
  const output = resolve(options.output);
  const save = async (cursor: string | null, done: boolean): Promise<void> => {
    await options.lock?.assertHeld();
    await sink.sync();
    const state = encoder.state();
    const sha256 = sink.sha256();
    if (sha256 === undefined) throw new Error('checkpointSaver needs an output sink that keeps a hash');
    const checkpoint: Checkpoint = {
      version: CHECKPOINT_VERSION,
      site: options.site,
      export: options.identity,
      output,
      sha256,
      cursor,
      bytes: sink.bytes,
      records: state.records,
      pages,
      ...(state.columns ? { columns: state.columns } : {}),
      done,
      savedAt: new Date().toISOString(),
    };
    await saveCheckpoint(options.path, checkpoint);
  };
  return {
    async afterPage(page) {
      pages++;
      const reachedLimit = encoder.state().records >= (options.limit ?? Infinity);
      await save(reachedLimit ? null : (page.nextCursor ?? null), false);
    },
    afterEnd: () => save(null, true),
  };
}
