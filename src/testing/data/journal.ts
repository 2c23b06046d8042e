/**
 * The event journal: history and action log records of what the API did during the run.
 * Uploads (at `action: end`), downloads (`GET /files/{path}` answering a `download_uri`),
 * copies and moves (when their migration completes), deletions and folder creations each add
 * one record to history (`/history` and its folder, file and user lists) and one to
 * `/action_logs`, with the acting user, the path (and destination), the action, interface
 * `restapi` and the emulator's clock.
 *
 * Merging with the derived records. A log lists records by id, and `created_at` never
 * decreases as the id grows (ranges are answered by binary search, cursors name an id). A
 * written record takes the next id, after every record that exists when it is written (the
 * derived ones, initial and arrived, and the written ones before it): it is dated `now`
 * rounded down to the second, which is at or after all of them, since a derived record exists
 * only once the clock has reached its time (`logRate`). The records that arrive later
 * (`logRate`) are dated after the clock, so they come after it: their ids move up by one for
 * each record written before they arrived. No record that exists ever changes id or time, so
 * cursors and time ranges stay exact. When initial derived records lie after the clock
 * (`logsUntil` in the future, or a clock before the derived span), a written record is
 * dated at the latest existing record instead of `now`, so that the list stays in time order.
 *
 * Memory: one small record per write (its time, the derived count it came after, the action,
 * paths and user); the derived records stay derived.
 */
import type { Principal } from '../server/routing.js';
import type { ByteWriter } from './byte-writer.js';
import { Collection, type RecordSource } from './collection.js';
import type { ListCapabilities } from './list-query.js';
import type { ListableCollection } from './list-reply.js';
import { SortedIndexes } from './ordering.js';
import type { Site } from './site.js';
import type { TemplateSource } from './template.js';
import { firstIdAtOrAfter, type Timeline } from './timeline.js';

/**
 * The actions written records have: HistoryExport's `query_action` values ("Valid values:
 * `create`, `read`, `update`, `destroy`, `move`, `login`, `failedlogin`, `copy`, ...") that a
 * file operation takes: `create` (an upload of a new file, a folder), `update` (an upload over
 * a file), `read` (a download), `destroy`, `move`, `copy`.
 */
export type WrittenAction = 'create' | 'update' | 'read' | 'destroy' | 'move' | 'copy';

/** The interface of written records: HistoryExport's `query_interface` value of the REST API. */
export const WRITTEN_INTERFACE = 'restapi';

/** The IP address of written records: the emulator serves on 127.0.0.1. */
export const WRITTEN_IP = '127.0.0.1';

/** Who acted: a user of the site, or nobody (`null`s). */
export interface Actor {
  readonly userId: number | null;
  readonly username: string | null;
}

/** What happened to which path (and where to, for a move or copy). */
export interface FileEvent {
  readonly action: WrittenAction;
  /** Display path of the file or folder acted on (of the source, for a move or copy). */
  readonly path: string;
  /** The destination of a move or copy; `null` otherwise. */
  readonly destination: string | null;
}

/** A written record: the event, who, and when (ms, a whole second). */
export interface WrittenEvent extends FileEvent, Actor {
  readonly time: number;
}

/** What the file store and the migrations need of the journal. */
export interface EventSink {
  /**
   * The principal a route declared (see {@link Journal.actAs}), taken so that it is used
   * once: an operation takes it on entry, so the operations it runs inside itself (the
   * folders an upload creates, the files a copy writes) find none and record nothing.
   */
  takeActor(): Actor | undefined;
  /** Appends the records of one event, dated by the clock. */
  record(actor: Actor, event: FileEvent): void;
  /** A request begins: forgets any principal declared before it and not taken. */
  beginRequest(): void;
}

/**
 * The written records of one log (history, or action logs) and their place among the
 * derived ones. Ids are the merged ids the listing uses: written record `w` (1-based) has id
 * `derivedBefore(w) + w`, where `derivedBefore(w)` is the number of derived records that
 * existed when it was written; derived record `j` (its id in the derived timeline) has id
 * `j` plus the number of written records that came before it.
 */
export class WrittenLog {
  /** The derived records' timeline. */
  readonly derived: Timeline;
  /** Derived and written records together: what the listing answers and `emulator.timeline()` counts. */
  readonly timeline: Timeline;
  readonly #now: () => number;
  readonly #events: WrittenEvent[] = [];
  /** Merged id of written record `w` at index `w - 1` (increasing). */
  readonly #ids: number[] = [];
  /** Derived records that existed when written record `w` was written, at `w - 1` (non-decreasing). */
  readonly #before: number[] = [];

  constructor(derived: Timeline, now: () => number) {
    this.derived = derived;
    this.#now = now;
    this.timeline = mergedTimeline(derived, this);
  }

  /** Number of written records. */
  get size(): number {
    return this.#events.length;
  }

  /** Written record `w` (1-based). */
  event(w: number): WrittenEvent {
    return this.#events[w - 1]!;
  }

  /** The merged id of written record `w` (1-based). */
  idOfWritten(w: number): number {
    return this.#ids[w - 1]!;
  }

  /** Which written record merged id `id` is (1-based), or 0 when it is a derived one. */
  writtenAt(id: number): number {
    const ids = this.#ids;
    if (ids.length === 0 || id < ids[0]!) return 0;
    const at = lowerBound(ids, id);
    return at < ids.length && ids[at] === id ? at + 1 : 0;
  }

  /** The derived id of merged id `id` (which must not be a written record's). */
  derivedIdOf(id: number): number {
    const ids = this.#ids;
    return ids.length === 0 || id < ids[0]! ? id : id - lowerBound(ids, id);
  }

  /** The merged id of derived record `j`. */
  idOfDerived(j: number): number {
    const before = this.#before;
    return before.length === 0 || j <= before[0]! ? j : j + lowerBound(before, j);
  }

  /** Appends a record of `event` by `actor`, dated now (see the module's notes); returns its merged id. */
  append(event: FileEvent, actor: Actor): number {
    const derivedCount = this.derived.count;
    const total = derivedCount + this.size;
    const latest = total > 0 ? this.timeline.timeOf(total) : -Infinity;
    const time = Math.max(Math.floor(this.#now() / 1000) * 1000, latest);
    this.#events.push({ ...event, userId: actor.userId, username: actor.username, time });
    this.#ids.push(total + 1);
    this.#before.push(derivedCount);
    return total + 1;
  }
}

/** The first index of a sorted array whose value is at least `value` (`length` when none). */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The timeline of derived and written records together: the derived one's answers, with the
 * written records in their places. Answers exactly as the derived timeline while nothing is
 * written. `initialCount`, `rate`, `arrivalsFrom`, `layout` and `step` are the derived ones'.
 */
function mergedTimeline(derived: Timeline, log: WrittenLog): Timeline {
  const timeOf = (id: number): number => {
    if (log.size === 0) return derived.timeOf(id);
    const w = log.writtenAt(id);
    return w > 0 ? log.event(w).time : derived.timeOf(log.derivedIdOf(id));
  };
  const firstAtOrAfter = (ms: number, total: number): number => firstIdAtOrAfter(timeOf, ms, total);
  const first = () => (log.size === 0 ? derived.first : Math.min(derived.first, log.event(1).time));
  return {
    get count() {
      return derived.count + log.size;
    },
    get initialCount() {
      return derived.initialCount;
    },
    get rate() {
      return derived.rate;
    },
    get arrivalsFrom() {
      return derived.arrivalsFrom;
    },
    get layout() {
      return derived.layout;
    },
    get first() {
      return first();
    },
    get span() {
      if (log.size === 0) return derived.span;
      const start = first();
      return Math.max(derived.first + derived.span - start, log.event(log.size).time + 1000 - start);
    },
    get step() {
      return derived.step;
    },
    timeOf,
    firstAtOrAfter: (ms) => (log.size === 0 ? derived.firstAtOrAfter(ms) : firstAtOrAfter(ms, derived.count + log.size)),
    countBetween: (since, until) => {
      if (log.size === 0) return derived.countBetween(since, until);
      const total = derived.count + log.size;
      return Math.max(0, firstAtOrAfter(until, total) - firstAtOrAfter(since, total));
    },
  };
}

/**
 * A log's records by merged id: the derived source's for derived ids (their own ids), the
 * written source's for written ones (1-based in write order). Both sources must serialise the
 * same model, so that records look alike.
 */
export class MergedSource implements RecordSource {
  readonly #derived: RecordSource;
  readonly #written: RecordSource;
  readonly #log: WrittenLog;

  constructor(derived: RecordSource, written: RecordSource, log: WrittenLog) {
    this.#derived = derived;
    this.#written = written;
    this.#log = log;
  }

  get count(): number {
    return this.#derived.count + this.#log.size;
  }

  json(id: number): string {
    const log = this.#log;
    if (log.size === 0) return this.#derived.json(id);
    const w = log.writtenAt(id);
    return w > 0 ? this.#written.json(w) : this.#derived.json(log.derivedIdOf(id));
  }

  write(id: number, out: ByteWriter): void {
    const log = this.#log;
    const w = log.size === 0 ? 0 : log.writtenAt(id);
    const [source, at] = w > 0 ? [this.#written, w] : [this.#derived, log.size === 0 ? id : log.derivedIdOf(id)];
    if (source.write) source.write(at, out);
    else out.text(source.json(at));
  }

  field(id: number, name: string): unknown {
    const log = this.#log;
    if (log.size === 0) return this.#derived.field(id, name);
    const w = log.writtenAt(id);
    return w > 0 ? this.#written.field(w, name) : this.#derived.field(log.derivedIdOf(id), name);
  }
}

/**
 * A log of derived and written records as a listable collection (as `listable` makes one of
 * a template source): `derived` and `written` must derive the same model from the same
 * example, so that both kinds of record look alike.
 */
export function mergedListable(
  log: WrittenLog,
  derived: TemplateSource,
  written: TemplateSource,
  capabilities: ListCapabilities,
  monotonicFields: readonly string[],
): ListableCollection {
  const collection = new Collection(new MergedSource(derived, written, log));
  return { collection, indexes: new SortedIndexes(collection), capabilities, monotonicFields };
}

/**
 * The site's journal: the written records of history and action logs, and who is acting.
 *
 * Who acts: a route that writes declares the request's principal ({@link Journal.actAs})
 * just before it calls the file store (or starts a migration), which takes it
 * ({@link EventSink.takeActor}) and records the event once it is done. Route handlers run
 * without a pause from there to the store, and every request begins by forgetting the
 * previous one's ({@link Journal.beginRequest}), so an operation never takes another
 * request's principal. The principal's user: the emulator's own API key is user 1's (the
 * site admin every derived site has; the docs' ApiKey example is a "Site-wide API key" with
 * `user_id` 1), a key made with `POST /api_keys` its record's `user_id`, a session its user.
 */
export class Journal implements EventSink {
  readonly history: WrittenLog;
  readonly actionLogs: WrittenLog;
  readonly #site: Site;
  #actor: Actor | undefined;

  /**
   * @param site The site, read only when an actor is resolved (it may still be under construction).
   * @param timelines The derived timelines of the two logs.
   */
  constructor(site: Site, timelines: { readonly history: Timeline; readonly actionLogs: Timeline }) {
    this.#site = site;
    this.history = new WrittenLog(timelines.history, site.options.now);
    this.actionLogs = new WrittenLog(timelines.actionLogs, site.options.now);
  }

  /** Declares who the next file operation acts for (see the class notes). */
  actAs(principal: Principal): void {
    this.#actor = this.actorOf(principal);
  }

  takeActor(): Actor | undefined {
    const actor = this.#actor;
    this.#actor = undefined;
    return actor;
  }

  beginRequest(): void {
    this.#actor = undefined;
  }

  /** Records a download of `path` (a `download_uri` handed out) by `principal`. */
  read(principal: Principal, path: string): void {
    this.record(this.actorOf(principal), { action: 'read', path, destination: null });
  }

  record(actor: Actor, event: FileEvent): void {
    this.history.append(event, actor);
    this.actionLogs.append(event, actor);
  }

  /** The user a principal acts as (see the class notes); `null`s when there is none. */
  actorOf(principal: Principal): Actor {
    const site = this.#site;
    let userId: number | null = null;
    if (principal.kind === 'session') userId = site.sessions.get(principal.id) ?? null;
    else if (principal.kind === 'api-key') {
      const record = site.extraKeys.get(principal.key);
      if (record !== undefined) {
        const owner = site.apiKeys.collection.has(record) ? site.apiKeys.collection.field(record, 'user_id') : null;
        userId = typeof owner === 'number' && owner > 0 ? owner : null;
      } else if (principal.key === site.options.apiKey && site.users.collection.has(1)) userId = 1;
    }
    const users = site.users.collection;
    if (userId === null || !users.has(userId)) return { userId, username: null };
    const username = users.field(userId, 'username');
    return { userId, username: typeof username === 'string' ? username : null };
  }
}
