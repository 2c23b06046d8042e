/**
 * Where a PostgreSQL destination connects, read as `psql` reads it: a URL
 * (`postgres://user[:password]@host[:port]/db?sslmode=...`, also `postgresql://`), or, for
 * `postgres:` alone, the libpq environment variables (`PGHOST`, `PGPORT`, `PGUSER`,
 * `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`, `PGSSLROOTCERT`, `PGAPPNAME`, `PGCONNECT_TIMEOUT`). What the URL leaves out comes
 * from those variables too, as with libpq. The password is kept out of every description.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import { SyncError } from '../../../errors/client-errors.js';

/** libpq's `sslmode`s: `disable` (no TLS), `allow`/`prefer` (TLS when the server offers it, unverified), `require` (TLS, unverified unless a root certificate is given), `verify-ca`, `verify-full` (the server's certificate and name checked). */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** A PostgreSQL connection, resolved. */
export interface PostgresTarget {
  /** Host name, address, or the folder of a Unix socket. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** `undefined`: none given (the driver may read `~/.pgpass`). */
  readonly password: string | undefined;
  readonly database: string;
  readonly sslmode: SslMode;
  /** A root certificate file (`sslrootcert`): the server's certificate must chain to it. */
  readonly sslrootcert: string | undefined;
  /** What the connection is called on the server (`application_name`, `PGAPPNAME`); the sync adds what it syncs. Default `files-stream sync`. */
  readonly applicationName: string;
  /** How long to try to connect (`connect_timeout` seconds, `PGCONNECT_TIMEOUT`), in ms; `undefined`: the destination's default. */
  readonly connectTimeoutMs: number | undefined;
  /** For messages: `postgres://user@host:port/db`, never the password. */
  readonly description: string;
}

const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
/** The URL query parameters taken (libpq's names); others are refused, as libpq does. */
const QUERY_PARAMETERS = ['sslmode', 'sslrootcert', 'host', 'port', 'user', 'password', 'dbname', 'application_name', 'connect_timeout'];

/** Whether `to` names a PostgreSQL destination: `postgres:`, `postgres://...`, `postgresql://...`. */
export function isPostgresUrl(to: string): boolean {
  return /^postgres(ql)?:/i.test(to);
}

/**
 * Resolves a destination (`postgres:` alone, or a URL) with `env` (the libpq variables).
 *
 * @throws SyncError `destination` for a malformed URL, an unknown query parameter or
 *   `sslmode`, a port that is not a number (the message never holds the password).
 */
export function resolvePostgresTarget(to: string, env: Readonly<Record<string, string | undefined>> = process.env): PostgresTarget {
  const bad = (why: string) => new SyncError('destination', `${redactUrl(to)}: ${why}`);
  let fromUrl: Partial<Record<'host' | 'port' | 'user' | 'password' | 'database' | 'sslmode' | 'sslrootcert' | 'application_name' | 'connect_timeout', string>> = {};
  if (!/^postgres(ql)?:$/i.test(to)) {
    let url: URL;
    try {
      url = new URL(to);
    } catch {
      throw bad('not a URL: postgres://user[:password]@host[:port]/database, or postgres: alone for the PG* environment variables');
    }
    if (!/^postgres(ql)?:$/i.test(url.protocol) || !to.slice(url.protocol.length).startsWith('//')) {
      throw bad('not a URL: postgres://user[:password]@host[:port]/database, or postgres: alone for the PG* environment variables');
    }
    const query = Object.fromEntries(url.searchParams);
    const unknown = Object.keys(query).filter((k) => !QUERY_PARAMETERS.includes(k));
    if (unknown.length > 0) throw bad(`unknown parameter ${unknown.map((k) => JSON.stringify(k)).join(', ')} (taken: ${QUERY_PARAMETERS.join(', ')})`);
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw bad('a part of the URL is not valid percent-encoding');
      }
    };
    const path = decode(url.pathname.replace(/^\//, ''));
    fromUrl = {
      ...(url.hostname ? { host: decode(url.hostname.replace(/^\[(.*)\]$/, '$1')) } : {}),
      ...(url.port ? { port: url.port } : {}),
      ...(url.username ? { user: decode(url.username) } : {}),
      ...(url.password ? { password: decode(url.password) } : {}),
      ...(path ? { database: path } : {}),
      ...(query.host ? { host: query.host } : {}),
      ...(query.port ? { port: query.port } : {}),
      ...(query.user ? { user: query.user } : {}),
      ...(query.password ? { password: query.password } : {}),
      ...(query.dbname ? { database: query.dbname } : {}),
      ...(query.sslmode ? { sslmode: query.sslmode } : {}),
      ...(query.sslrootcert ? { sslrootcert: query.sslrootcert } : {}),
      ...(query.application_name ? { application_name: query.application_name } : {}),
      ...(query.connect_timeout ? { connect_timeout: query.connect_timeout } : {}),
    };
  }
  const host = fromUrl.host ?? env.PGHOST ?? 'localhost';
  const portText = fromUrl.port ?? env.PGPORT ?? '5432';
  const port = Number(portText);
  if (!(Number.isInteger(port) && port > 0 && port < 65536)) throw bad(`port ${JSON.stringify(portText)} is not a port number`);
  const user = fromUrl.user ?? env.PGUSER ?? safeUserName();
  const database = fromUrl.database ?? env.PGDATABASE ?? user;
  const sslmode = (fromUrl.sslmode ?? env.PGSSLMODE ?? (host.startsWith('/') ? 'disable' : 'prefer')) as SslMode;
  if (!SSL_MODES.includes(sslmode)) throw bad(`sslmode ${JSON.stringify(sslmode)} is not one of ${SSL_MODES.join(', ')}`);
  const timeoutText = fromUrl.connect_timeout ?? env.PGCONNECT_TIMEOUT;
  const timeout = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 0)) throw bad(`connect_timeout ${JSON.stringify(timeoutText)} is not a number of seconds`);
  const hostPart = host.startsWith('/') ? `[${host}]` : host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port,
    user,
    password: fromUrl.password ?? env.PGPASSWORD,
    database,
    sslmode,
    sslrootcert: fromUrl.sslrootcert ?? env.PGSSLROOTCERT,
    applicationName: fromUrl.application_name ?? env.PGAPPNAME ?? 'files-stream sync',
    // libpq: 0 waits for ever; less than 2 is 2.
    connectTimeoutMs: timeout === undefined ? undefined : timeout === 0 ? 0 : Math.max(2, timeout) * 1000,
    description: `postgres://${encodeURIComponent(user)}@${hostPart}:${port}/${encodeURIComponent(database)}`,
  };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'postgres';
  }
}

/** Query parameters whose values a message may show. */
const SHOWN_PARAMETERS = new Set(['sslmode', 'sslrootcert', 'host', 'port', 'user', 'dbname', 'application_name', 'connect_timeout']);

/** A destination URL with its password, and the values of unknown (maybe mistyped) parameters, replaced (for a message about a URL that could not be read). */
export function redactUrl(to: string): string {
  return to
    .replace(/^([a-z]+:\/\/[^/@?#]*?:)[^/@?#]*@/i, '$1[redacted]@')
    .replace(/([?&])([^=&#]*)=([^&#]*)/g, (all, sep: string, name: string) => (SHOWN_PARAMETERS.has(name) ? all : `${sep}${name}=[redacted]`));
}

/**
 * The TLS options of a connection attempt: `false` (no TLS) or Node's TLS options, as libpq's
 * `sslmode` asks. `allow` and `prefer` try TLS first and fall back to none when the server
 * does not offer it (the caller retries with `fallback`).
 *
 * @throws SyncError `destination` when `sslrootcert` cannot be read, or `verify-ca` has none.
 */
export function tlsOptionsOf(target: PostgresTarget, fallback = false): false | ConnectionOptions {
  if (target.sslmode === 'disable' || fallback) return false;
  let ca: string | undefined;
  if (target.sslrootcert !== undefined && target.sslrootcert !== 'system') {
    try {
      ca = readFileSync(target.sslrootcert, 'utf8');
    } catch (error) {
      throw new SyncError('destination', `cannot read sslrootcert ${target.sslrootcert} of ${target.description}: ${(error as Error).message}`, { cause: error });
    }
  }
  switch (target.sslmode) {
    case 'allow':
    case 'prefer':
      return { rejectUnauthorized: false };
    case 'require':
      // libpq: with a root certificate, `require` checks the chain (as verify-ca).
      return ca ? { ca, checkServerIdentity: () => undefined } : { rejectUnauthorized: false };
    case 'verify-ca':
      if (!ca) throw new SyncError('destination', `sslmode=verify-ca of ${target.description} needs sslrootcert=<file>: the certificate to verify the server's against`);
      return { ca, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ...(ca ? { ca } : {}), servername: target.host.startsWith('/') ? undefined : target.host };
  }
}
