/**
 * A synthetic collection: base records 1..count are derived on demand from their id (no
 * memory per record); creations, updates and deletions live in a small overlay.
 */

import type { ByteWriter } from './byte-writer.js';

/** A plain JSON record. */
export type JsonRecord = Record<string, unknown>;

/** Derives the base records of a collection from their ids (1-based). */
export interface RecordSource {
  /**
   * How many base records there are (ids 1..count). May grow (a log whose records keep
   * arriving), never shrink; a growing source takes no creations (their ids would clash).
   */
  readonly count: number;
  /** The JSON text of base record `id`. Must be cheap: it runs once per listed record. */
  json(id: number): string;
  /** One field of base record `id`, ideally without building the record. */
  field(id: number, name: string): unknown;
  /** Writes the JSON of base record `id` as UTF-8; optional fast path of `json`. */
  write?(id: number, out: ByteWriter): void;
}

/** A derived collection with an overlay of mutations. */
export class Collection {
  readonly #source: RecordSource;
  readonly #live: Record<string, (id: number) => unknown>;
  /** `null` marks a deletion; an object replaces (or adds) the record. */
  readonly #overlay = new Map<number, JsonRecord | null>();
  /** Highest id assigned by `create` (the base count at construction until then). */
  #maxId: number;
  /** The base count at construction, to notice growth. */
  readonly #initialCount: number;
  #version = 0;

  /**
   * @param source Derives the base records.
   * @param live Fields computed on every read, for base and overlay records alike (e.g. a
   *   group's member list). The source must derive them too for base records.
   */
  constructor(source: RecordSource, live: Record<string, (id: number) => unknown> = {}) {
    this.#source = source;
    this.#live = live;
    this.#maxId = source.count;
    this.#initialCount = this.#maxId;
  }

  /** Highest id ever assigned (or derived, for a growing source); ids 1..maxId are live unless deleted. */
  get maxId(): number {
    const count = this.#source.count;
    return count > this.#maxId ? count : this.#maxId;
  }

  /** Changes on every mutation and as a growing source grows (sorted indexes use it to know when to rebuild). */
  get version(): number {
    return this.#version + (this.#source.count - this.#initialCount);
  }

  /** True when nothing has been mutated (the fast path of listings). */
  get pristine(): boolean {
    return this.#overlay.size === 0;
  }

  /** True when record `id` exists. */
  has(id: number): boolean {
    if (!Number.isInteger(id) || id < 1 || id > this.maxId) return false;
    const over = this.#overlay.get(id);
    return over !== null && (over !== undefined || id <= this.#source.count);
  }

  /** The JSON text of record `id`, or `undefined` when it does not exist. */
  json(id: number): string | undefined {
    const over = this.#overlay.get(id);
    if (over === undefined) return id >= 1 && id <= this.#source.count ? this.#source.json(id) : undefined;
    return over === null ? undefined : JSON.stringify(this.#withLive(id, over));
  }

  /** Writes the JSON of record `id` (which must exist) as UTF-8. */
  write(id: number, out: ByteWriter): void {
    const over = this.#overlay.get(id);
    if (over === undefined && this.#source.write) this.#source.write(id, out);
    else out.text(this.json(id)!);
  }

  /** Record `id` as an object, or `undefined`. */
  get(id: number): JsonRecord | undefined {
    const over = this.#overlay.get(id);
    if (over !== undefined) return over === null ? undefined : this.#withLive(id, over);
    return this.has(id) ? (JSON.parse(this.#source.json(id)) as JsonRecord) : undefined;
  }

  /** One field of record `id` (the record is assumed to exist). */
  field(id: number, name: string): unknown {
    const over = this.#overlay.get(id);
    if (!over) return this.#source.field(id, name);
    const live = this.#live[name];
    return live ? live(id) : over[name];
  }

  /** Adds a record under the next id; `build` receives that id. */
  create(build: (id: number) => JsonRecord): JsonRecord {
    const id = (this.#maxId = this.maxId + 1);
    const record = build(id);
    this.#overlay.set(id, record);
    this.#version++;
    return this.#withLive(id, record);
  }

  /** Merges `patch` into record `id`; `undefined` when it does not exist. */
  update(id: number, patch: JsonRecord): JsonRecord | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next = { ...current, ...patch };
    this.#overlay.set(id, next);
    this.#version++;
    return this.#withLive(id, next);
  }

  /** Deletes record `id`; false when it did not exist. */
  delete(id: number): boolean {
    if (!this.has(id)) return false;
    this.#overlay.set(id, null);
    this.#version++;
    return true;
  }

  #withLive(id: number, record: JsonRecord): JsonRecord {
    const out = { ...record };
    for (const [name, derive] of Object.entries(this.#live)) out[name] = derive(id);
    return out;
  }

  /** Ids of the overlay records (created or updated), for scans that must see them. */
  *overlayIds(): IterableIterator<number> {
    for (const [id, record] of this.#overlay) if (record) yield id;
  }
}
