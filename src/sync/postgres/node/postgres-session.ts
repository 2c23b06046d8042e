// Node-only: the PostgreSQL session of the destination (see ../postgres-destination.ts): the
// connection (with libpq's sslmode), the run's advisory locks, COPY, the state row.
import { hostname } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Client, ClientConfig } from 'pg';
import { hash53 } from '../../../core/hash.js';
import { SyncError } from '../../../errors/client-errors.js';
import { EXTRA_COLUMN, type Column, type RecordBatch } from '../../columns.js';
import { DELETED_AT_COLUMN, missingColumns, STATE_TABLE, stateKeyOf, type DestinationSession, type MergeCounts, type SyncState } from '../../destination.js';
import { copyChunks, PG_TYPES } from '../copy-text.js';
import { tlsOptionsOf, type PostgresTarget } from './connection.js';

const decoder = new TextDecoder();
const OPEN = new Uint8Array([1, 0x5b]); // \x01[
const CLOSE = new Uint8Array([0x5d, 1, 10]); // ]\x01\n

/**
 * Pages of JSON records (`{...},{...}`) as the values of COPY's CSV format framed by bytes
 * valid JSON never holds (quote `\x01`, delimiter `\x02`): each page one JSON array, read
 * verbatim, whatever its backslashes, quotes and line breaks.
 */
function* pageValues(runs: readonly Uint8Array[]): Generator<Uint8Array> {
  for (const run of runs) {
    yield OPEN;
    yield run;
    yield CLOSE;
  }
}

/** Whether an error is PostgreSQL's refusal of a value (SQLSTATE class 22, data exception), maybe wrapped. */
function isDataException(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && e.code.startsWith('22')) return true;
  }
  return false;
}

type Pg = typeof import('pg');
type CopyFrom = typeof import('pg-copy-streams').from;

/** The advisory lock space of files-stream syncs (the first key of `pg_advisory_lock(int, int)`). */
const LOCK_SPACE = 0x66730001; // "fs" 0001

/** A table's staging (merge, replace). */
function stagingOf(table: string): string {
  return `_files_stream_staging__${table}`;
}

/** A quoted identifier: the name exactly as given (`"subfolders_locked?"`). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function loadDriver(): Promise<{ pg: Pg; copyFrom: CopyFrom }> {
  try {
    const pg = (await import('pg')) as Pg & { default?: Pg };
    const copy = (await import('pg-copy-streams')) as typeof import('pg-copy-streams') & { default?: typeof import('pg-copy-streams') };
    return { pg: pg.default ?? pg, copyFrom: copy.from ?? copy.default!.from };
  } catch (error) {
    throw new SyncError('driver-missing', 'sync into PostgreSQL needs the pg and pg-copy-streams packages: npm install pg pg-copy-streams', { cause: error });
  }
}

/** A message of the driver or server, with the password taken out. */
function messageOf(error: unknown, target: PostgresTarget): string {
  let text = error instanceof AggregateError && error.errors.length > 0 ? error.errors.map((e: Error) => e.message).join('; ') : ((error as Error)?.message ?? String(error));
  if (target.password) text = text.split(target.password).join('[redacted]').split(encodeURIComponent(target.password)).join('[redacted]');
  return text;
}

/**
 * Connects to `target` (TLS as its `sslmode` asks), and creates the schema and state table
 * when missing.
 *
 * @throws SyncError `driver-missing`, or `destination` (cannot connect or use it; the message
 *   never holds the password).
 */
export async function openPostgres(
  target: PostgresTarget,
  schema: string,
  description: string,
  connectTimeoutMs: number,
  options: { readonly wait?: boolean; readonly signal?: AbortSignal },
): Promise<DestinationSession> {
  const { pg, copyFrom } = await loadDriver();
  // Timestamps without a zone are read as UTC, as this client reads them; values are UTF-8.
  const config = (fallback: boolean): ClientConfig => ({
    host: target.host,
    port: target.port,
    user: target.user,
    ...(target.password === undefined ? {} : { password: target.password }),
    database: target.database,
    ssl: tlsOptionsOf(target, fallback),
    application_name: target.applicationName,
    connectionTimeoutMillis: target.connectTimeoutMs ?? connectTimeoutMs,
    keepAlive: true,
    options: '-c TimeZone=UTC -c client_encoding=UTF8',
  });
  let client = new pg.Client(config(false));
  let broken: Error | undefined;
  const watch = (c: Client) => c.on('error', (error) => (broken = error)); // a dropped connection: the next query fails
  watch(client);
  try {
    try {
      await client.connect();
    } catch (error) {
      // allow, prefer: TLS when the server offers it, else none (as libpq).
      if (!((target.sslmode === 'prefer' || target.sslmode === 'allow') && /does not support SSL/i.test((error as Error).message))) throw error;
      client = new pg.Client(config(true));
      watch(client);
      await client.connect();
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw new SyncError('destination', `cannot connect to ${description}: ${messageOf(error, target)}`, { cause: error });
  }
  const session = new PostgresSession(client, copyFrom, target, schema, description, options, () => broken);
  try {
    await session.prepare();
  } catch (error) {
    await client.end().catch(() => {});
    if (error instanceof SyncError) throw error;
    throw new SyncError('destination', `cannot use ${description}: ${messageOf(error, target)}`, { cause: error });
  }
  return session;
}

/** A 31-bit advisory lock key of a name. */
function lockKey(name: string): number {
  return hash53(name) % 0x7fffffff;
}

class PostgresSession implements DestinationSession {
  /** The columns of each table ensured in this session, in row order. */
  readonly #columns = new Map<string, readonly Column[]>();
  readonly #s: string;

  constructor(
    private readonly client: Client,
    private readonly copyFrom: CopyFrom,
    private readonly target: PostgresTarget,
    private readonly schema: string,
    private readonly description: string,
    private readonly options: { readonly wait?: boolean; readonly signal?: AbortSignal },
    private readonly broken: () => Error | undefined,
  ) {
    this.#s = quoteIdent(schema);
  }

  /** `schema.name`, quoted. */
  #q(name: string): string {
    return `${this.#s}.${quoteIdent(name)}`;
  }

  /** Runs a statement; a server or connection error is a `SyncError` (`destination`) without the password. */
  async #run(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]> {
    try {
      return (await this.client.query(sql, params)).rows as Record<string, unknown>[];
    } catch (error) {
      throw this.#failure(error);
    }
  }

  #failure(error: unknown): Error {
    if (error instanceof SyncError) return error;
    const cause = this.broken() ?? error;
    return new SyncError('destination', `${this.description}: ${messageOf(cause, this.target)}`, { cause: error });
  }

  /** The schema and state table, created when missing (serialized: runs may start together). */
  async prepare(): Promise<void> {
    await this.#transaction(async () => {
      await this.#run('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, lockKey(`schema ${this.schema}`)]);
      await this.#run(`CREATE SCHEMA IF NOT EXISTS ${this.#s}`);
      await this.#run(
        `CREATE TABLE IF NOT EXISTS ${this.#q(STATE_TABLE)} (table_name text PRIMARY KEY, operation text, mode text, high_water timestamptz, position text, rows bigint, updated_at timestamptz, state jsonb)`,
      );
    });
    // The pages of a batch, as the server sent them (see #copy).
    await this.#run('CREATE TEMP TABLE files_stream_pages (doc jsonb)');
  }

  /**
   * Takes the run's lock for `key` (a table, or a table's shard) until the session closes:
   * another run of it waits (`wait`) or is refused (`in-use`, naming who holds it). A run of
   * a whole table also excludes runs of its shards, and a shard's run a whole table's.
   */
  async lockTable(key: string): Promise<void> {
    const hash = key.indexOf('#');
    const table = hash < 0 ? key : key.slice(0, hash);
    const locks: { key: number; shared: boolean }[] =
      hash < 0 ? [{ key: lockKey(`table ${this.schema}.${table}`), shared: false }] : [{ key: lockKey(`table ${this.schema}.${table}`), shared: true }, { key: lockKey(`shard ${this.schema}.${key}`), shared: false }];
    await this.#run(`SELECT set_config('application_name', $1, false)`, [`${this.target.applicationName} ${key} (pid ${process.pid} on ${hostname()})`.slice(0, 63)]);
    for (const lock of locks) {
      for (;;) {
        const [row] = await this.#run(`SELECT ${lock.shared ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock'}($1, $2) AS ok`, [LOCK_SPACE, lock.key]);
        if (row!.ok === true) break;
        if (this.options.wait === false) {
          throw new SyncError('in-use', `table ${key} of ${this.description} is being synced by another run${await this.#holder(lock.key)}: wait for it (run without --no-wait)`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
        this.options.signal?.throwIfAborted();
      }
    }
  }

  /** Who holds an advisory lock: ` (application "...", server pid N, connected since ...)`. */
  async #holder(key: number): Promise<string> {
    const rows = await this.#run(
      `SELECT a.pid, a.application_name, host(a.client_addr) AS addr, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 2 AND a.pid <> pg_backend_pid() LIMIT 1`,
      [LOCK_SPACE, key],
    ).catch(() => []);
    const h = rows[0];
    if (!h) return '';
    const since = h.backend_start instanceof Date ? h.backend_start.toISOString() : String(h.backend_start);
    return ` (${JSON.stringify(String(h.application_name || 'no application name'))}, server pid ${String(h.pid)}${h.addr ? ` from ${String(h.addr)}` : ''}, connected since ${since})`;
  }

  async readState(key: string): Promise<SyncState | undefined> {
    const [row] = await this.#run(`SELECT state FROM ${this.#q(STATE_TABLE)} WHERE table_name = $1`, [key]);
    return row ? (row.state as SyncState) : undefined;
  }

  async listStates(): Promise<SyncState[]> {
    return (await this.#run(`SELECT state FROM ${this.#q(STATE_TABLE)} ORDER BY table_name`)).map((r) => r.state as SyncState);
  }

  async reset(table: string): Promise<void> {
    await this.#transaction(async () => {
      await this.#run(`DROP TABLE IF EXISTS ${this.#q(table)}`);
      await this.#run(`DROP TABLE IF EXISTS ${this.#q(stagingOf(table))}`);
      await this.#run(`DELETE FROM ${this.#q(STATE_TABLE)} WHERE table_name = $1 OR starts_with(table_name, $2)`, [table, `${table}#`]);
    });
  }

  async ensureTable(table: string, columns: readonly Column[], key?: string, shards = 0): Promise<void> {
    await this.#transaction(async () => {
      // Runs of one table's shards may start together: one at a time here.
      await this.#run('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, lockKey(`ensure ${this.schema}.${table}`)]);
      const existing = await this.#tableColumns(table);
      const layout = `files-stream sync: shards ${shards}`;
      if (existing.length === 0) {
        await this.#run(`CREATE TABLE ${this.#q(table)} (${columns.map((c) => `${quoteIdent(c.name)} ${PG_TYPES[c.type]}`).join(', ')})`);
        await this.#run(`COMMENT ON TABLE ${this.#q(table)} IS '${layout}'`);
      } else {
        const [row] = await this.#run(`SELECT obj_description(to_regclass($1), 'pg_class') AS comment`, [this.#q(table)]);
        const had = /files-stream sync: shards (\d+)/.exec(String(row?.comment ?? ''))?.[1] ?? '0';
        if (Number(had) !== shards) {
          throw new SyncError(
            'state-mismatch',
            `table ${table} of ${this.description} is synced ${had === '0' ? 'whole' : `in ${had} shards`}, not ${shards === 0 ? 'whole' : `in ${shards} shards`}: ${had === '0' ? 'run without --shard' : `use --shard K/${had}`}, or sync into another --table`,
          );
        }
        for (const column of missingColumns(table, this.description, existing, columns, PG_TYPES)) {
          await this.#run(`ALTER TABLE ${this.#q(table)} ADD COLUMN ${quoteIdent(column.name)} ${PG_TYPES[column.type]}`);
        }
      }
      if (key) await this.#run(`CREATE INDEX IF NOT EXISTS ${quoteIdent(`${table.slice(0, 40)}_files_stream_${key}`)} ON ${this.#q(table)} (${quoteIdent(key)})`);
    });
    this.#columns.set(table, columns);
  }

  async append(table: string, batch: RecordBatch, state: SyncState): Promise<void> {
    await this.#withRowsFallback((asRows) =>
      this.#transaction(async () => {
        await this.#copy(table, table, batch, asRows);
        await this.#saveState(state);
      }),
    );
  }

  async beginStaging(table: string): Promise<void> {
    await this.#transaction(async () => {
      await this.#run(`DROP TABLE IF EXISTS ${this.#q(stagingOf(table))}`);
      await this.#run(`CREATE TABLE ${this.#q(stagingOf(table))} (LIKE ${this.#q(table)})`);
    });
  }

  async stage(table: string, batch: RecordBatch): Promise<void> {
    await this.#withRowsFallback((asRows) => this.#transaction(() => this.#copy(stagingOf(table), table, batch, asRows)));
  }

  async applyMerge(table: string, key: string, keepDeleted: boolean, state: SyncState): Promise<MergeCounts> {
    const t = this.#q(table);
    const s = this.#q(stagingOf(table));
    const k = quoteIdent(key);
    const count = async (sql: string) => Number((await this.#run(sql))[0]!.n);
    let counts: MergeCounts = { inserted: 0, updated: 0, deleted: 0 };
    await this.#transaction(async () => {
      await this.#run(`ANALYZE ${s}`);
      // The staged rows that differ from the table's (changed or new), found by id (a hash join,
      // not a comparison of every row with every row): only they are written.
      await this.#run(`CREATE TEMP TABLE files_stream_changed ON COMMIT DROP AS SELECT y.* FROM ${s} y LEFT JOIN ${t} x ON x.${k} = y.${k} WHERE x.${k} IS NULL OR ROW(y.*) IS DISTINCT FROM ROW(x.*)`);
      const changed = await count(`SELECT count(*) AS n FROM files_stream_changed`);
      const inserted = await count(`SELECT count(*) AS n FROM files_stream_changed c WHERE NOT EXISTS (SELECT 1 FROM ${t} x WHERE x.${k} = c.${k})`);
      const gone = `NOT EXISTS (SELECT 1 FROM ${s} y WHERE y.${k} = x.${k})`;
      const live = keepDeleted ? ` AND x.${quoteIdent(DELETED_AT_COLUMN)} IS NULL` : '';
      const deleted = await count(`SELECT count(*) AS n FROM ${t} x WHERE ${gone}${live}`);
      if (keepDeleted) await this.#run(`UPDATE ${t} x SET ${quoteIdent(DELETED_AT_COLUMN)} = now() WHERE ${gone}${live}`);
      else await this.#run(`DELETE FROM ${t} x WHERE ${gone}`);
      await this.#run(`DELETE FROM ${t} x USING files_stream_changed c WHERE x.${k} = c.${k}`);
      await this.#run(`INSERT INTO ${t} SELECT * FROM files_stream_changed`);
      await this.#run(`DROP TABLE ${s}`);
      const rows = await count(`SELECT count(*) AS n FROM ${t}`);
      await this.#saveState({ ...state, rows });
      counts = { inserted, updated: changed - inserted, deleted };
    });
    return counts;
  }

  async applyReplace(table: string, state: SyncState): Promise<void> {
    await this.#transaction(async () => {
      await this.#run(`DROP TABLE IF EXISTS ${this.#q(table)}`);
      await this.#run(`ALTER TABLE ${this.#q(stagingOf(table))} RENAME TO ${quoteIdent(table)}`);
      await this.#run(`COMMENT ON TABLE ${this.#q(table)} IS 'files-stream sync: shards 0'`);
      await this.#saveState(state);
    });
  }

  async close(): Promise<void> {
    // The run's advisory locks go with the connection.
    await this.client.end().catch(() => {});
  }

  /** Runs `body` in a transaction: committed when it resolves, rolled back when it throws. */
  async #transaction(body: () => Promise<void>): Promise<void> {
    await this.#run('BEGIN');
    try {
      await body();
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => {});
      throw this.#failure(error);
    }
    await this.#run('COMMIT');
  }

  /** A table's columns (name and PostgreSQL type, in order); none when it does not exist. */
  async #tableColumns(table: string): Promise<{ name: string; type: string }[]> {
    const rows = await this.#run(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [this.#q(table)],
    );
    return rows.map((r) => ({ name: String(r.name), type: String(r.type) }));
  }

  /**
   * Runs `write` (a transaction writing a batch) with the records as the server sent them;
   * when PostgreSQL refuses a value so read (a data exception: rolled back), again with every
   * record as a row.
   */
  async #withRowsFallback(write: (asRows: boolean) => Promise<void>): Promise<void> {
    try {
      await write(false);
    } catch (error) {
      if (!isDataException(error)) throw error;
      await write(true);
    }
  }

  /**
   * Writes a batch into table `into` (of `of`'s ensured columns). The records that fit their
   * columns as sent go as the server's JSON text, a page a value, into the session's temporary
   * table of pages, and from there into `into` by `jsonb_populate_recordset` (parsed by the
   * server, not by JS); the others (and with `asRows`, all) as rows, by COPY's text format.
   */
  async #copy(into: string, of: string, batch: RecordBatch, asRows: boolean): Promise<void> {
    const columns = this.#columns.get(of);
    if (!columns) throw new Error(`sync: ensureTable(${of}) was not called`);
    if (batch.size === 0) return;
    const { runs, others } = asRows ? { runs: [], others: batch.records() } : batch.runs();
    // A page whose text holds the bytes that frame a value (never in valid JSON) goes as rows.
    const framed = runs.filter((run) => run.indexOf(1) < 0 && run.indexOf(2) < 0);
    const rows = framed.length === runs.length ? others : [...others, ...runs.filter((run) => !framed.includes(run)).flatMap((run) => JSON.parse(`[${decoder.decode(run)}]`) as unknown[])];
    if (framed.length > 0) {
      await this.#stream(`COPY pg_temp.files_stream_pages (doc) FROM STDIN (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')`, pageValues(framed));
      const named = columns.filter((c) => c.name !== EXTRA_COLUMN).map((c) => quoteIdent(c.name));
      await this.#run(
        `INSERT INTO ${this.#q(into)} (${named.join(', ')}) SELECT ${named.map((n) => `r.${n}`).join(', ')} FROM pg_temp.files_stream_pages p, jsonb_populate_recordset(NULL::${this.#q(into)}, p.doc) r`,
      );
      await this.#run('TRUNCATE pg_temp.files_stream_pages');
    }
    if (rows.length > 0) {
      const list = columns.map((c) => quoteIdent(c.name)).join(', ');
      await this.#stream(`COPY ${this.#q(into)} (${list}) FROM STDIN`, copyChunks(rows, columns));
    }
  }

  /** Streams `data` into a `COPY ... FROM STDIN`. */
  async #stream(sql: string, data: Iterable<string | Uint8Array>): Promise<void> {
    try {
      await pipeline(Readable.from(data), this.client.query(this.copyFrom(sql)));
    } catch (error) {
      throw this.#failure(error);
    }
  }

  async #saveState(state: SyncState): Promise<void> {
    await this.#run(
      `INSERT INTO ${this.#q(STATE_TABLE)} VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (table_name) DO UPDATE SET operation = EXCLUDED.operation, mode = EXCLUDED.mode, high_water = EXCLUDED.high_water, position = EXCLUDED.position, rows = EXCLUDED.rows, updated_at = EXCLUDED.updated_at, state = EXCLUDED.state`,
      [
        stateKeyOf(state),
        state.operation,
        state.mode,
        state.highWater === undefined ? null : new Date(state.highWater).toISOString(),
        state.run?.cursor ?? null,
        String(state.rows),
        state.updatedAt,
        JSON.stringify(state),
      ],
    );
  }
}
