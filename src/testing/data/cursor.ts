import { hashString } from './hash.js';

/** A value a listing can be ordered by. */
export type SortValue = string | number | boolean | null;

/**
 * A keyset position: the sort value and the id of a boundary record. Cursors name a record,
 * not an offset, so they stay valid when records are added or removed before them.
 */
export type SortKey = readonly [value: SortValue, id: number];

/** What a cursor carries. */
export interface CursorState {
  /** The ordering the cursor belongs to, e.g. `id:asc` or `name:desc`. */
  readonly order: string;
  /** `next`: records after `key`; `prev`: the page of records before `key`. */
  readonly direction: 'next' | 'prev';
  readonly key: SortKey;
}

/** Encodes and checks opaque cursors: base64url of the state plus a seed-keyed checksum. */
export class CursorCodec {
  readonly #secret: number;

  /** @param secret Keys the checksum, so cursors of another emulator seed are rejected. */
  constructor(secret: number) {
    this.#secret = secret;
  }

  /** Encodes a cursor state as an opaque string. */
  encode(state: CursorState): string {
    const body = JSON.stringify([state.order, state.direction === 'next' ? 'n' : 'p', state.key[0], state.key[1]]);
    return toBase64Url(`${body}.${this.#checksum(body)}`);
  }

  /** Decodes a cursor; `undefined` when it is malformed or its checksum does not match. */
  decode(cursor: string): CursorState | undefined {
    const text = fromBase64Url(cursor);
    if (text === undefined) return undefined;
    const dot = text.lastIndexOf('.');
    if (dot < 0) return undefined;
    const body = text.slice(0, dot);
    if (text.slice(dot + 1) !== this.#checksum(body)) return undefined;
    try {
      const [order, direction, value, id] = JSON.parse(body) as [string, string, SortValue, number];
      if (typeof order !== 'string' || typeof id !== 'number') return undefined;
      return { order, direction: direction === 'p' ? 'prev' : 'next', key: [value, id] };
    } catch {
      return undefined;
    }
  }

  #checksum(body: string): string {
    return hashString(this.#secret, body).toString(36);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes text as base64url (UTF-8, no padding). */
function toBase64Url(text: string): string {
  const bytes = encoder.encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url to text; returns `undefined` when the input is not valid base64url UTF-8. */
function fromBase64Url(encoded: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(encoded)) return undefined;
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
