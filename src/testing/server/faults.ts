import { Salt, unit } from '../data/hash.js';

/**
 * Fault injection for API requests (never for the emulator's download, upload and control
 * paths). Rates are probabilities in 0..1, drawn per request from the seed and the
 * request's sequence number, so the same seed and the same request sequence give the same
 * faults.
 */
export interface FaultOptions {
  /** Delay before answering, in ms: a fixed value or a `[min, max]` range. */
  latencyMs?: number | readonly [min: number, max: number];
  /** Rate of `429 rate-limited/too-many-requests` (with `Retry-After`). */
  rateLimited?: number;
  /** Rate of `500` answered with an HTML body, as a failing proxy would. */
  serverError?: number;
  /** Rate of `503 service-unavailable` (JSON error body). */
  unavailable?: number;
  /** Rate of connections dropped without an answer. */
  connectionReset?: number;
  /** Rate of successful answers whose body is cut short (headers announce the full length). */
  truncatedBody?: number;
  /** `Retry-After` of the 429s, in seconds (or any header value); `null` sends none. Default 1. */
  retryAfter?: number | string | null;
  /** At most this many faulted requests in a row (the next one succeeds). Default: no limit. */
  maxConsecutive?: number;
}

/**
 * The kinds of injected faults, each named as its rate in {@link FaultOptions} (`rateLimited`
 * is counted as `stats.byFault.rateLimited`), and `concurrencyLimited`: a `429` sent because
 * more than `maxConcurrent` API requests were in flight (a limit, not a random draw).
 */
export type FaultKind = 'rateLimited' | 'serverError' | 'unavailable' | 'connectionReset' | 'truncatedBody' | 'concurrencyLimited';

/** The faults drawn at random, in the order a request's draw tries them: each named as its rate in {@link FaultOptions}. */
const KINDS = ['rateLimited', 'serverError', 'unavailable', 'connectionReset', 'truncatedBody'] as const satisfies readonly (keyof FaultOptions & FaultKind)[];

/** The decision for one request. */
export interface FaultDraw {
  /** Sequence number of the API request (0-based), which the draw derives from. */
  readonly sequence: number;
  /** The fault to inject, if any. */
  readonly kind?: FaultKind;
  /** Delay to apply before answering. */
  readonly latencyMs: number;
  /** Where to cut a truncated body, as a share (0.1..0.9) of its length. */
  readonly cutAt: number;
}

/** Draws deterministic faults; options can be replaced at run time. */
export class FaultInjector {
  readonly #seed: number;
  #options: FaultOptions;
  #sequence = 0;
  #consecutive = 0;

  constructor(seed: number, options: FaultOptions) {
    this.#seed = seed;
    this.#options = { ...options };
  }

  /** The current options. */
  get options(): FaultOptions {
    return { ...this.#options };
  }

  /** Replaces the options (`set({})` turns every fault off). */
  set(options: FaultOptions): void {
    for (const key of KINDS) {
      const rate = options[key];
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) throw new RangeError(`fault rate ${key} must be in 0..1`);
    }
    this.#options = { ...options };
    this.#consecutive = 0;
  }

  /** Decides the fault of the next API request. */
  draw(): FaultDraw {
    const sequence = this.#sequence++;
    const options = this.#options;
    const latencyMs = this.#latency(sequence);
    const cutAt = 0.1 + 0.8 * unit(this.#seed, Salt.fault + 100, sequence);
    let kind: FaultKind | undefined;
    const roll = unit(this.#seed, Salt.fault, sequence);
    let threshold = 0;
    for (const name of KINDS) {
      threshold += options[name] ?? 0;
      if (roll < threshold) {
        kind = name;
        break;
      }
    }
    if (kind && options.maxConsecutive !== undefined && this.#consecutive >= options.maxConsecutive) kind = undefined;
    this.#consecutive = kind ? this.#consecutive + 1 : 0;
    return { sequence, kind, latencyMs, cutAt };
  }

  /** The `Retry-After` header value of injected 429s, or `undefined` for none. */
  retryAfter(): string | undefined {
    const value = this.#options.retryAfter === undefined ? 1 : this.#options.retryAfter;
    return value === null ? undefined : String(value);
  }

  #latency(sequence: number): number {
    const latency = this.#options.latencyMs;
    if (latency === undefined) return 0;
    if (typeof latency === 'number') return latency;
    const [min, max] = latency;
    return min + Math.floor(unit(this.#seed, Salt.latency, sequence) * (max - min + 1));
  }
}
