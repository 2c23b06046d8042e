import { hash3, Salt } from '../data/hash.js';

/** An upload in progress: the parts received so far, keyed by part number. */
export interface UploadSession {
  readonly ref: string;
  /** Destination path as given when the upload began. */
  readonly path: string;
  readonly mkdirParents: boolean;
  readonly parts: Map<number, Uint8Array>;
}

/** The uploads in progress, keyed by `ref`. */
export class UploadSessions {
  readonly #secret: number;
  readonly #sessions = new Map<string, UploadSession>();
  #counter = 0;

  constructor(secret: number) {
    this.#secret = secret;
  }

  /** Begins an upload and returns its session. */
  open(path: string, mkdirParents: boolean): UploadSession {
    const n = ++this.#counter;
    const ref = `put-${n}-${hash3(this.#secret, Salt.token, n).toString(36)}`;
    const session: UploadSession = { ref, path, mkdirParents, parts: new Map() };
    this.#sessions.set(ref, session);
    return session;
  }

  /** The session of a ref, or `undefined`. */
  get(ref: string): UploadSession | undefined {
    return this.#sessions.get(ref);
  }

  /** Ends a session (after its file was written). */
  close(ref: string): void {
    this.#sessions.delete(ref);
  }

  /** The parts of a session in order, or the number of the first missing part. */
  assemble(session: UploadSession): Uint8Array | { missing: number } {
    const numbers = [...session.parts.keys()].sort((a, b) => a - b);
    let total = 0;
    for (let i = 0; i < numbers.length; i++) {
      if (numbers[i] !== i + 1) return { missing: i + 1 };
      total += session.parts.get(numbers[i]!)!.length;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const n of numbers) {
      const part = session.parts.get(n)!;
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}
