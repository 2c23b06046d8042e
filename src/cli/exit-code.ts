/** Exit statuses of `files-stream`. */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** A runtime failure: the API, the network or the disk. */
  failure: 1,
  /** Bad usage: unknown command, option or operation, or an invalid parameter. */
  usage: 2,
  /** Stopped by SIGINT (128 + 2), cleanly: output closed, checkpoint saved. */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + 15), cleanly: output closed, checkpoint saved. */
  terminated: 143,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
