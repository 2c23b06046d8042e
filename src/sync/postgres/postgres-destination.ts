/**
 * PostgreSQL (`postgres://user@host/db`, or `postgres:` with the libpq variables): `pg` and
 * `pg-copy-streams` (optional peer dependencies, loaded on first use). Each batch goes in by
 * `COPY ... FROM STDIN` (text format, large chunks) in the transaction that also saves the
 * state row, so rows and their position are committed together. A merge or replace stages its
 * rows in a table of its own, applied in one transaction.
 *
 * One run a table at a time: the session holds an advisory lock keyed by the table (by the
 * table and shard for `--shard K/N`: shards of one table run side by side) for as long as it
 * is connected, so a killed run's lock goes with its connection. See ./node/connection.ts for
 * how the destination is read, ./node/postgres-session.ts for the session.
 */
import { SyncError } from '../../errors/client-errors.js';
import type { Destination } from '../destination.js';
import { resolvePostgresTarget } from './node/connection.js';
import { openPostgres } from './node/postgres-session.js';

/** Options of {@link postgres}. */
export interface PostgresOptions {
  /** The schema of the tables (created when missing). Default `public`. */
  schema?: string;
  /** The libpq variables (`PGHOST`, ...). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** How long to try to connect. Default 15,000 ms. */
  connectTimeoutMs?: number;
}

/**
 * A PostgreSQL database as a sync destination: `to` is `postgres://user[:password]@host[:port]/db`
 * (also `postgresql://`, with libpq's `sslmode` and `sslrootcert`), or `postgres:` alone for
 * the libpq environment variables, as `psql` reads them. The password appears in no message.
 *
 * @example
 * await sync(createClient(), 'actionLogs', postgres('postgres://etl@db.internal/files', { schema: 'files_com' }), { since: '2026-01-01', parallel: 8 });
 * @throws SyncError `destination` for a malformed URL or schema name (before connecting).
 */
export function postgres(to = 'postgres:', options: PostgresOptions = {}): Destination {
  const target = resolvePostgresTarget(to, options.env ?? process.env);
  const schema = options.schema ?? 'public';
  if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(schema)) throw new SyncError('destination', `schema ${JSON.stringify(schema)}: must be letters, digits, _ and $ (not starting with a digit), at most 63 characters`);
  const description = schema === 'public' ? target.description : `${target.description} schema ${schema}`;
  return {
    description,
    shards: true,
    open: (openOptions) => openPostgres(target, schema, description, options.connectTimeoutMs ?? 15_000, openOptions ?? {}),
  };
}

