import type { FaultKind } from './faults.js';

/** What a request was for: the API, a presigned download or upload URL, or anything else (control endpoints, unknown paths). */
export type RequestKind = 'api' | 'download' | 'upload' | 'control';

/** One logged request. */
export interface RequestLogEntry {
  readonly method: string;
  /** URL path as received (still percent-encoded), e.g. `/api/rest/v1/users`. */
  readonly path: string;
  /** Query parameters (the last value wins for repeated names). */
  readonly query: Readonly<Record<string, string>>;
  /** Status answered; 0 when the connection was reset. */
  readonly status: number;
  /** The injected fault, if any. */
  readonly fault?: FaultKind;
  /** Operation id (`namespace.method`, e.g. `users.list`) for API requests that matched one. */
  readonly operation?: string;
  readonly kind: RequestKind;
  /**
   * Listings: records the emulator looked at to answer (the page, records skipped by
   * filters, the look-ahead, binary-search probes of a time range). About `per_page` for a
   * page of a time range, however long the log.
   */
  readonly examined?: number;
}

/** Counters over every request since the last reset. */
export interface EmulatorStats {
  total: number;
  byKind: Record<RequestKind, number>;
  /** Keyed by status code (`'0'` for resets). */
  byStatus: Record<string, number>;
  byFault: Partial<Record<FaultKind, number>>;
  /** Keyed by operation id, e.g. `users.list`. */
  byOperation: Record<string, number>;
  /** The most API requests in flight at once (being delayed or handled); `429`s of `maxConcurrent` are not counted in flight. */
  peakInFlight: number;
}

function emptyStats(): EmulatorStats {
  return { total: 0, byKind: { api: 0, download: 0, upload: 0, control: 0 }, byStatus: {}, byFault: {}, byOperation: {}, peakInFlight: 0 };
}

/** A bounded log of recent requests plus counters. */
export class RequestLog {
  readonly #limit: number;
  #entries: RequestLogEntry[] = [];
  #stats = emptyStats();

  /** @param limit How many recent entries to keep. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Records one request. */
  record(entry: RequestLogEntry): void {
    const stats = this.#stats;
    stats.total++;
    stats.byKind[entry.kind]++;
    stats.byStatus[entry.status] = (stats.byStatus[entry.status] ?? 0) + 1;
    if (entry.fault) stats.byFault[entry.fault] = (stats.byFault[entry.fault] ?? 0) + 1;
    if (entry.operation) stats.byOperation[entry.operation] = (stats.byOperation[entry.operation] ?? 0) + 1;
    if (this.#limit === 0) return;
    this.#entries.push(entry);
    if (this.#entries.length >= this.#limit * 2) this.#entries = this.#entries.slice(-this.#limit);
  }

  /** Notes how many API requests are in flight now (for `peakInFlight`). */
  inFlight(count: number): void {
    if (count > this.#stats.peakInFlight) this.#stats.peakInFlight = count;
  }

  /** The most recent entries, oldest first. */
  get entries(): RequestLogEntry[] {
    return this.#entries.slice(-this.#limit);
  }

  /** A copy of the counters. */
  get stats(): EmulatorStats {
    return structuredClone(this.#stats);
  }

  /** Clears the entries and the counters. */
  reset(): void {
    this.#entries = [];
    this.#stats = emptyStats();
  }
}
