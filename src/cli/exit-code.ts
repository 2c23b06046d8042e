/** Exit statuses of `files-stream`. */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** A runtime failure: the API, the network or the disk. */
  failure: 1,
  /** Bad usage: unknown command, option or operation, or an invalid parameter. */
  usage: 2,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
