import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Checkpoint } from './checkpoint.js';
import { CheckpointError } from './checkpoint-error.js';
import { countRecords } from './record-count.js';

const CHUNK = 1024 * 1024;

/**
 * Checks that `out` is the output `checkpoint` describes, before anything is written: the
 * same file (resolved path), at least `bytes` long, its first `bytes` bytes hash to the saved
 * SHA-256, and those bytes hold the records, CSV header and JSON closing the checkpoint says
 * (counted in the same pass: see `countRecords`). Returns the hash of those bytes, still open,
 * for the output sink to continue.
 *
 * @param checkpointPath Named in the messages.
 * @throws CheckpointError naming what differs: the path, the size, the content, or the field
 *   (`records`, `columns`, `done`) that does not match the content.
 */
export async function verifyOutput(checkpoint: Checkpoint, out: string, checkpointPath: string): Promise<Hash> {
  const path = resolve(out);
  if (path !== checkpoint.output) {
    throw new CheckpointError(
      `checkpoint ${checkpointPath} was saved for --out ${checkpoint.output}, not ${path}: rerun with --out ${checkpoint.output}, or use another checkpoint file`,
    );
  }
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') {
      throw new CheckpointError(`output ${path} is missing, but checkpoint ${checkpointPath} covers ${checkpoint.bytes} bytes of it: delete the checkpoint to start over`);
    }
    throw err;
  });
  try {
    const { size } = await handle.stat();
    if (size < checkpoint.bytes) {
      throw new CheckpointError(
        `output ${path} has ${size} bytes but checkpoint ${checkpointPath} covers ${checkpoint.bytes}: it is not the output the checkpoint describes (delete both to start over)`,
      );
    }
    const hash = createHash('sha256');
    const counter = countRecords(checkpoint);
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, checkpoint.bytes)));
    let position = 0;
    while (position < checkpoint.bytes) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, checkpoint.bytes - position), position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      hash.update(chunk);
      counter.update(chunk);
      position += bytesRead;
    }
    if (position < checkpoint.bytes || hash.copy().digest('hex') !== checkpoint.sha256) {
      throw new CheckpointError(
        `the first ${checkpoint.bytes} bytes of output ${path} differ from those checkpoint ${checkpointPath} saved (SHA-256 mismatch): the output was changed since (delete both to start over)`,
      );
    }
    // The bytes are the ones saved: a count that differs means the checkpoint itself was changed.
    const mismatch = counter.mismatch();
    if (mismatch) {
      throw new CheckpointError(
        `checkpoint ${checkpointPath} does not match output ${path}: ${mismatch} (the checkpoint was changed: delete both to start over)`,
      );
    }
    return hash;
  } finally {
    await handle.close();
  }
}
