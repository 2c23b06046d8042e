import type { ByteWriter } from './byte-writer.js';
import type { JsonRecord, RecordSource } from './collection.js';

const encoder = new TextEncoder();

/** Computes one field of a derived record from its id. */
export type FieldDeriver = (id: number) => unknown;

/** Serialises one value as JSON text, with fast paths for scalars. */
function jsonValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'undefined':
      return 'null';
    default:
      return JSON.stringify(value);
  }
}

/**
 * A record source built from an example record: fields in `derive` are computed per id,
 * all others keep the example's value. The example's field order is kept (derived fields
 * missing from the example are appended), and the constant stretches of JSON are
 * serialised once, so a record costs a few string concatenations.
 */
export class TemplateSource implements RecordSource {
  readonly #count: number | (() => number);
  readonly #example: JsonRecord;
  readonly #derive: Record<string, FieldDeriver>;
  readonly #virtual: Record<string, FieldDeriver>;
  /** Constant JSON text between derived fields: `#literals.length === #derivers.length + 1`. */
  readonly #literals: string[] = [];
  readonly #derivers: FieldDeriver[] = [];
  /** `#literals` as UTF-8, for {@link TemplateSource.write}. */
  readonly #literalBytes: Uint8Array[];

  /**
   * @param count Number of records (ids 1..count), or a function that reads it (a log that
   *   grows with the clock: the function must never return less than before).
   * @param example The record whose shape and constant values every record shares.
   * @param derive Fields computed per id.
   * @param virtual Fields that filters can read but that are not part of the JSON (e.g. a log record's folder).
   */
  constructor(count: number | (() => number), example: JsonRecord, derive: Record<string, FieldDeriver>, virtual: Record<string, FieldDeriver> = {}) {
    this.#count = count;
    this.#example = example;
    this.#derive = derive;
    this.#virtual = virtual;
    const keys = [...Object.keys(example), ...Object.keys(derive).filter((k) => !(k in example))];
    let literal = '{';
    keys.forEach((key, index) => {
      literal += `${index === 0 ? '' : ','}${JSON.stringify(key)}:`;
      const deriver = derive[key];
      if (deriver) {
        this.#literals.push(literal);
        this.#derivers.push(deriver);
        literal = '';
      } else {
        literal += jsonValue(example[key]);
      }
    });
    this.#literals.push(`${literal}}`);
    this.#literalBytes = this.#literals.map((text) => encoder.encode(text));
  }

  /** How many records there are (ids 1..count), at this moment for a growing source. */
  get count(): number {
    const count = this.#count;
    return typeof count === 'number' ? count : count();
  }

  /** The JSON text of record `id`. */
  json(id: number): string {
    const literals = this.#literals;
    const derivers = this.#derivers;
    let out = literals[0]!;
    for (let i = 0; i < derivers.length; i++) out += jsonValue(derivers[i]!(id)) + literals[i + 1]!;
    return out;
  }

  /** Writes the JSON of record `id` as UTF-8 (the fast path of listings). */
  write(id: number, out: ByteWriter): void {
    const literals = this.#literalBytes;
    const derivers = this.#derivers;
    out.bytes(literals[0]!);
    for (let i = 0; i < derivers.length; i++) {
      out.value(derivers[i]!(id));
      out.bytes(literals[i + 1]!);
    }
  }

  /** One field of record `id`. */
  field(id: number, name: string): unknown {
    const deriver = this.#derive[name] ?? this.#virtual[name];
    return deriver ? deriver(id) : this.#example[name];
  }
}
