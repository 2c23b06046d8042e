/**
 * Where encoded text goes. Each `write` resolves once the text is handed over and the
 * destination can take more (backpressure), so a page is never queued behind another.
 */
export interface OutputSink {
  /** Writes text (or bytes of UTF-8 text); resolves when the destination is ready for more. */
  write(text: string | Uint8Array): Promise<void>;
  /** Makes everything written so far durable (fsync for a file; nothing for a stream). */
  sync(): Promise<void>;
  /** Size of the output in bytes (for a file: including what was there before a resume). */
  readonly bytes: number;
  /** Flushes and releases the destination (a stream such as stdout is left open). */
  close(): Promise<void>;
}
