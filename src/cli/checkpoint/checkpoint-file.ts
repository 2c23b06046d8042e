import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { removeStaleTemps, writeFileAtomic } from './atomic-write.js';
import { CHECKPOINT_VERSION, checkpointSchema, type Checkpoint } from './checkpoint.js';
import { CheckpointError } from './checkpoint-error.js';
import { lockCheckpoint, type CheckpointLock } from './checkpoint-lock.js';

/** A checkpoint is a few hundred bytes (plus its cursor): anything this large is not one. */
const MAX_CHECKPOINT_BYTES = 16 * 1024 * 1024;

const FOLDER_HINT = 'nothing was written: pass a --checkpoint path in a folder you can write';

/** A checkpoint opened for a run: its lock, held, and what it holds. */
export interface OpenedCheckpoint {
  /** Held until the run releases it (in a `finally`). */
  readonly lock: CheckpointLock;
  /** The saved checkpoint; `undefined` on a first run. */
  readonly saved: Checkpoint | undefined;
}

/**
 * Opens a checkpoint for a run, in this order: checks its folder (see
 * {@link prepareCheckpointFolder}); takes its lock (see `lockCheckpoint`: a run that holds it
 * makes this one fail, naming it); checks that a save's temporary file can be created beside
 * it; removes the temporary files of saves that a killed run left; reads it (see
 * {@link loadCheckpoint}). Nothing is read or removed before the lock is held, so a refused
 * run leaves the running one's files alone. On failure the lock is released again.
 *
 * @param command What the run is, for the lock (shown to a run that is refused).
 * @throws CheckpointError when the folder cannot hold the checkpoint, another run holds it,
 *   or the file is not a valid checkpoint.
 */
export async function openCheckpoint(path: string, command: string): Promise<OpenedCheckpoint> {
  await prepareCheckpointFolder(path);
  const lock = await lockCheckpoint(path, command).catch((err: unknown) => {
    throw err instanceof CheckpointError ? err : new CheckpointError(`cannot write in the checkpoint's folder ${dirname(resolve(path))}: ${reason(err)}`, FOLDER_HINT);
  });
  try {
    await probeTemp(path);
    await removeStaleTemps(path);
    return { lock, saved: await loadCheckpoint(path) };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

/**
 * Reads a checkpoint file; `undefined` when there is none. The content is validated strictly
 * (see `checkpointSchema`): a known version, the site, integers >= 0, a string or null cursor,
 * a boolean `done`, the export's settings, string CSV columns, and nothing else.
 *
 * @throws CheckpointError when the file exists but is not a valid checkpoint (the message
 *   names the field).
 */
export async function loadCheckpoint(path: string): Promise<Checkpoint | undefined> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!info) return undefined;
  if (info.isDirectory()) throw new CheckpointError(`checkpoint ${path} is a folder, not a file`);
  if (info.size > MAX_CHECKPOINT_BYTES) throw new CheckpointError(`${path} is not a files-stream checkpoint (${info.size} bytes)`);
  const text = await readFile(path, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CheckpointError(`${path} is not a checkpoint file (not JSON)`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CheckpointError(`${path} is not a files-stream checkpoint (not a JSON object)`);
  }
  const version = (value as { version?: unknown }).version;
  if (version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      typeof version === 'number'
        ? `checkpoint ${path} has version ${version}; this files-stream reads version ${CHECKPOINT_VERSION} (delete the checkpoint and its output to start over)`
        : `${path} is not a files-stream checkpoint (field version: expected ${CHECKPOINT_VERSION})`,
    );
  }
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) throw new CheckpointError(`checkpoint ${path} is not valid: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((k) => [...issue.path, k].join('.')).join(', ')}`;
    return `field ${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`;
  });
  return shown.join('; ') + (issues.length > 3 ? `; and ${issues.length - 3} more` : '');
}

/** Saves a checkpoint atomically (temp file, fsync, rename). */
export async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(checkpoint, null, 2)}\n`);
}

/**
 * Makes sure a checkpoint's folder can hold it before any record is written: the folder exists
 * (it is created when missing) and is a folder, and `path` is not a folder. (That a file can be
 * created there is checked by {@link openCheckpoint}, once it holds the lock.)
 *
 * @throws CheckpointError naming the folder and what is wrong with it.
 */
export async function prepareCheckpointFolder(path: string): Promise<void> {
  const folder = dirname(resolve(path));
  try {
    await mkdir(folder, { recursive: true });
  } catch (err) {
    throw new CheckpointError(`cannot create the checkpoint's folder ${folder}: ${reason(err)}`, FOLDER_HINT);
  }
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new CheckpointError(`the checkpoint's folder ${folder} is not a folder`, FOLDER_HINT);
  if ((await stat(path).catch(() => undefined))?.isDirectory()) throw new CheckpointError(`checkpoint ${path} is a folder, not a file`, FOLDER_HINT);
}

/**
 * Creates and removes the temporary file each save writes (`<path>.<pid>.tmp`, this process's
 * own), under the lock: a folder that takes the lock but not that file fails before any record.
 */
async function probeTemp(path: string): Promise<void> {
  const probe = `${path}.${process.pid}.tmp`;
  try {
    await (await open(probe, 'w')).close();
    await unlink(probe);
  } catch (err) {
    throw new CheckpointError(`cannot write in the checkpoint's folder ${dirname(resolve(path))}: ${reason(err)}`, FOLDER_HINT);
  }
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  const known: Record<string, string> = {
    ENOTDIR: 'a part of its path is a file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'read-only file system',
    EEXIST: 'a file of that name exists',
  };
  return (code && known[code]) ?? (err instanceof Error ? err.message : String(err));
}
