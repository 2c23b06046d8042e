/**
 * A checkpoint cannot be used: it is not a valid checkpoint, it was saved by a different
 * export or for another output, the output no longer holds what it covers, or its folder
 * cannot hold it. The CLI prints the message (which names what differs) and the hint, and
 * exits with status 2, before any record is written.
 */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
  /** What to do about it, printed as the `hint:` line. */
  readonly hint: string;

  constructor(message: string, hint = 'nothing was written: rerun with the settings and --out the checkpoint was saved with, or delete the checkpoint and its output to start over') {
    super(message);
    this.hint = hint;
  }
}
