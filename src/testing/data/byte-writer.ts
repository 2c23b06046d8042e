const encoder = new TextEncoder();
const TRUE = encoder.encode('true');
const FALSE = encoder.encode('false');

/**
 * Recycled page buffers. Front ends that know when a body has been written (the HTTP
 * server) hand it back with {@link releaseBuffer}; others simply drop it.
 */
const pool: Uint8Array[] = [];
const POOL_LIMIT = 8;

/** Returns a buffer obtained from {@link ByteWriter.result} for reuse. Optional. */
export function releaseBuffer(bytes: Uint8Array): void {
  const whole = new Uint8Array(bytes.buffer);
  if (pool.length < POOL_LIMIT && whole.byteLength >= 64 * 1024 && !pool.includes(whole)) pool.push(whole);
}

function takeBuffer(capacity: number): Uint8Array {
  for (let i = pool.length - 1; i >= 0; i--) {
    const candidate = pool[i]!;
    if (candidate.length >= capacity) {
      pool.splice(i, 1);
      return candidate;
    }
  }
  return new Uint8Array(capacity);
}

/**
 * Appends JSON text as UTF-8 bytes to a growing buffer. Listing pages are written with it
 * directly as bytes: no string ropes to flatten, no second pass to encode.
 */
export class ByteWriter {
  #buffer: Uint8Array;
  #length = 0;

  /** @param capacity Initial size in bytes (the buffer doubles when full). */
  constructor(capacity = 64 * 1024) {
    this.#buffer = takeBuffer(Math.max(64 * 1024, capacity));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  #reserve(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#buffer.length) return;
    let size = this.#buffer.length * 2;
    while (size < needed) size *= 2;
    const next = takeBuffer(size);
    next.set(this.#buffer.subarray(0, this.#length));
    releaseBuffer(this.#buffer);
    this.#buffer = next;
  }

  /** Appends raw bytes. */
  bytes(bytes: Uint8Array): void {
    const n = bytes.length;
    this.#reserve(n);
    if (n > 48) {
      this.#buffer.set(bytes, this.#length);
      this.#length += n;
      return;
    }
    const buffer = this.#buffer;
    let at = this.#length;
    for (let i = 0; i < n; i++) buffer[at++] = bytes[i]!;
    this.#length = at;
  }

  /** Appends one byte (e.g. `,`). */
  byte(value: number): void {
    this.#reserve(1);
    this.#buffer[this.#length++] = value;
  }

  /** Appends text as UTF-8. */
  text(text: string): void {
    this.#reserve(text.length * 3);
    this.#length += encoder.encodeInto(text, this.#buffer.subarray(this.#length)).written;
  }

  /** Appends a string as a JSON string literal (quoted, escaped). */
  jsonString(value: string): void {
    const n = value.length;
    this.#reserve(n + 2);
    const buffer = this.#buffer;
    let at = this.#length;
    buffer[at++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        this.text(JSON.stringify(value));
        return;
      }
      buffer[at++] = c;
    }
    buffer[at++] = 0x22;
    this.#length = at;
  }

  /** Appends any JSON value, with fast paths for scalars. */
  value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.jsonString(value);
        return;
      case 'number':
        if (Number.isInteger(value) && value >= 0 && value < 0x80000000) this.#integer(value);
        else this.text(Number.isFinite(value) ? String(value) : 'null');
        return;
      case 'boolean':
        this.bytes(value ? TRUE : FALSE);
        return;
      case 'undefined':
        this.text('null');
        return;
      default:
        this.text(JSON.stringify(value));
    }
  }

  #integer(value: number): void {
    this.#reserve(10);
    const buffer = this.#buffer;
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.#length + digits;
    this.#length = at;
    let rest = value;
    do {
      buffer[--at] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
  }

  /** The bytes written: a view of the writer's buffer (see {@link releaseBuffer}). */
  result(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }
}
