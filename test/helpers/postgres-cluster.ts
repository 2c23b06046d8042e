// A throwaway, real PostgreSQL cluster (no mocks) for tests and benchmarks: initdb into a fresh
// temporary directory, a server on a free port of 127.0.0.1 (password authentication over TCP,
// optionally TLS), removed by destroy(). Plain Node (no vitest): benchmarks import it too.
//
// The server refuses to run as root: when this process is root, every server command runs as
// the `postgres` system user (Debian's `postgresql` package makes it), which owns the directory.
// Durability against a crash of the machine is traded for speed (fsync and full_page_writes
// off: the cluster is thrown away anyway); a crash of the server (stop('immediate')) loses no
// commit, as on a real server (synchronous_commit stays on: crash tests rely on it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, chownSync, constants, existsSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import pg from 'pg';

/** A running (or stopped) throwaway cluster; see {@link startPostgresCluster}. */
export interface PostgresCluster {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The superuser. */
  readonly user: 'postgres';
  readonly password: string;
  /** The temporary directory: `data/` (the cluster), `log` (the server's), `sock/` (its Unix socket). */
  readonly dir: string;
  /** With `ssl: true`: the server's self-signed certificate (PEM), to trust as `ca` / `sslrootcert`. */
  readonly caFile?: string;
  /** `postgres://postgres:<password>@127.0.0.1:<port>/<database><extra>` (`extra`: e.g. `?sslmode=require`). */
  url(database?: string, extra?: string): string;
  /** The libpq variables of a connection to `database` (default `postgres`). */
  env(database?: string): { PGHOST: string; PGPORT: string; PGUSER: string; PGPASSWORD: string; PGDATABASE: string };
  /** The rows of one statement, on a connection opened for it (to `database`, default `postgres`). */
  query(sql: string, params?: unknown[], database?: string): Promise<any[]>;
  /** Creates a database (a fresh unique name when none is given); returns its name. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (`immediate`: as a crash would; the next start recovers). Data and port stay. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again after a stop, on the same port and data. */
  start(): Promise<void>;
  /** Stops it (immediately) if running and removes the directory. Idempotent. */
  destroy(): Promise<void>;
}

/** Options of {@link startPostgresCluster}. */
export interface PostgresClusterOptions {
  /** Generate a self-signed certificate and serve TLS (`ssl=on`; clients may still connect without). */
  readonly ssl?: boolean;
}

const MISSING = "PostgreSQL's initdb not found (install Debian's postgresql package: .ci/run does)";

/** The folder of initdb, pg_ctl and postgres: initdb's (symlinks resolved) on PATH, else the newest /usr/lib/postgresql/<version>/bin. */
export function findPostgresBin(): { bin: string } | { missing: string } {
  const complete = (dir: string) => ['initdb', 'pg_ctl', 'postgres'].every((name) => isExecutable(join(dir, name)));
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || !isExecutable(join(dir, 'initdb'))) continue;
    const real = dirname(realpathSync(join(dir, 'initdb')));
    if (complete(real)) return { bin: real };
  }
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = readdirSync(root).filter((v) => /^\d+(\.\d+)*$/.test(v));
  } catch {
    // no Debian package
  }
  versions.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  for (const version of versions) if (complete(join(root, version, 'bin'))) return { bin: join(root, version, 'bin') };
  return { missing: MISSING };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Who runs the server's commands: the `postgres` user when we are root, else us (no uid/gid). */
interface ServerUser {
  readonly uid?: number;
  readonly gid?: number;
}

function serverUser(): ServerUser {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: '-u' | '-g') => {
    const result = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    return result.status === 0 ? Number(result.stdout.trim()) : NaN;
  };
  let uid = id('-u');
  let gid = id('-g');
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
    const fields = line?.split(':') ?? [];
    uid = Number(fields[2]);
    gid = Number(fields[3]);
  }
  if (!(Number.isInteger(uid) && Number.isInteger(gid) && uid > 0)) {
    throw new Error("PostgreSQL test cluster: running as root, but there is no `postgres` user to run the server as (install Debian's postgresql package)");
  }
  return { uid, gid };
}

/** The environment of server commands: ours without libpq's PG* variables (they would redirect initdb/pg_ctl). */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^PG/.test(key)) env[key] = value;
  return { ...env, LC_ALL: 'C' };
}

/** Runs a command to its end (as the server user), resolving its exit code and output. */
function run(file: string, args: readonly string[], user: ServerUser, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { cwd, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'], ...user });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Clusters started and not destroyed: stopped when this process exits (see below). */
const live = new Set<{ stopSync(): void }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const cluster of live) cluster.stopSync();
  });
}

/**
 * A process that stops the cluster and removes its directory once `parent` is gone: the
 * 'exit' hook cannot run when this process is killed by a signal (SIGKILL, or the default
 * SIGTERM/SIGINT), and a postmaster (detached by pg_ctl) would otherwise run forever.
 * It runs as the current user (so it can see us) and runs pg_ctl as the server user.
 */
const WATCHDOG = `
const [parent, pgCtl, data, dir, uid, gid] = process.argv.slice(1);
const { spawnSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const alive = () => { try { process.kill(Number(parent), 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const timer = setInterval(() => {
  if (alive()) return;
  clearInterval(timer);
  const user = uid === '' ? {} : { uid: Number(uid), gid: Number(gid) };
  spawnSync(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'], { cwd: dir, stdio: 'ignore', timeout: 30000, ...user });
  rmSync(dir, { recursive: true, force: true });
}, 500);
`;

function startWatchdog(pgCtl: string, data: string, dir: string, user: ServerUser): ChildProcess | undefined {
  try {
    const child = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), pgCtl, data, dir, String(user.uid ?? ''), String(user.gid ?? '')], {
      cwd: dir,
      detached: true,
      stdio: 'ignore',
      env: { PATH: process.env.PATH ?? '' },
    });
    child.on('error', () => {}); // best effort: the 'exit' hook still covers ordinary exits
    child.unref();
    return child;
  } catch {
    return undefined;
  }
}

let databases = 0;

/** Starts a fresh cluster (60 s at most; usually 1-2 s). Throws with the server log's tail when it cannot. */
export async function startPostgresCluster(options: PostgresClusterOptions = {}): Promise<PostgresCluster> {
  const found = findPostgresBin();
  if ('missing' in found) throw new Error(found.missing);
  const initdb = join(found.bin, 'initdb');
  const pgCtl = join(found.bin, 'pg_ctl');
  const user = serverUser();

  const dir = await mkdtemp(join(tmpdir(), 'files-stream-pg-'));
  const data = join(dir, 'data');
  const sock = join(dir, 'sock');
  const logFile = join(dir, 'log');
  const pidFile = join(data, 'postmaster.pid');
  const password = randomBytes(24).toString('hex');
  const pwfile = join(dir, 'pwfile');
  const chown = (path: string) => {
    if (user.uid !== undefined) chownSync(path, user.uid, user.gid!);
  };
  const failure = async (what: string, output: string) => {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    return new Error(`PostgreSQL test cluster: ${what}\n${tail([output, log].filter(Boolean).join('\n'))}`);
  };

  let port = 0;
  let running = false;
  let destroyed = false;
  let watchdog: ChildProcess | undefined;

  const handle = {
    stopSync() {
      live.delete(handle);
      if (watchdog?.pid) {
        try {
          process.kill(watchdog.pid);
        } catch {
          // already gone
        }
      }
      if (running || existsSync(pidFile)) spawnSync(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'], { cwd: dir, env: serverEnv(), stdio: 'ignore', timeout: 30_000, ...user });
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };

  const serverOptions = () =>
    [`-p ${port}`, `-k '${sock}'`, '-c listen_addresses=127.0.0.1', '-c fsync=off', '-c full_page_writes=off', ...(options.ssl ? ['-c ssl=on'] : [])].join(' ');

  /** One `pg_ctl start`; resolves whether the port was taken (and so another may be tried). */
  const startOnce = async (): Promise<'ok' | 'port-taken'> => {
    const before = await readFile(logFile, 'utf8').catch(() => '');
    const { code, output } = await run(pgCtl, ['-D', data, '-w', '-t', '60', '-l', logFile, 'start', '-o', serverOptions()], user, dir);
    if (code === 0) return 'ok';
    const log = (await readFile(logFile, 'utf8').catch(() => '')).slice(before.length);
    if (/already in use/i.test(log)) return 'port-taken';
    throw await failure(`pg_ctl start failed (exit code ${code}, port ${port})`, output);
  };

  try {
    writeFileSync(pwfile, password + '\n', { mode: 0o600 });
    if (user.uid !== undefined) {
      for (const path of [dir, pwfile]) chown(path);
    }
    const init = await run(
      initdb,
      ['-D', data, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale=C'],
      user,
      dir,
    );
    rmSync(pwfile, { force: true });
    if (init.code !== 0) {
      const hint = user.uid !== undefined && /permission denied/i.test(init.output) ? ` (can the postgres user reach ${tmpdir()}? set TMPDIR=/tmp)` : '';
      throw await failure(`initdb failed (exit code ${init.code})${hint}`, init.output);
    }

    let caFile: string | undefined;
    if (options.ssl) {
      const key = join(data, 'server.key');
      caFile = join(data, 'server.crt');
      const cert = await run(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', caFile],
        user,
        data,
      ).catch((error: Error) => ({ code: -1, output: error.message }));
      if (cert.code !== 0) throw await failure('openssl could not make the self-signed certificate (is openssl installed?)', cert.output);
      chmodSync(key, 0o600);
      chown(key);
      chown(caFile);
    }

    await mkdir(sock, { mode: 0o700 });
    chown(sock);

    installExitHook();
    live.add(handle);
    watchdog = startWatchdog(pgCtl, data, dir, user);
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const result = await startOnce();
      if (result === 'ok') break;
      if (attempt === 5) throw await failure(`no free port after ${attempt} attempts`, '');
    }
    running = true;

    const url = (database = 'postgres', extra = '') => `postgres://postgres:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}${extra}`;
    const query = async (sql: string, params: unknown[] = [], database = 'postgres'): Promise<any[]> => {
      const client = new pg.Client({ connectionString: url(database) });
      await client.connect();
      try {
        const result = (await client.query(sql, params)) as pg.QueryResult | pg.QueryResult[];
        // Several statements (simple protocol, no params): the last one's rows.
        return Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows;
      } finally {
        await client.end();
      }
    };

    return {
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password,
      dir,
      ...(caFile ? { caFile } : {}),
      url,
      env: (database = 'postgres') => ({ PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', PGPASSWORD: password, PGDATABASE: database }),
      query,
      async createDatabase(name?: string) {
        const database = name ?? `test_${process.pid}_${++databases}_${randomBytes(3).toString('hex')}`;
        await query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
        return database;
      },
      async stop(mode: 'fast' | 'immediate' = 'fast') {
        if (destroyed) throw new Error('PostgreSQL test cluster: stop() after destroy()');
        if (!running) return;
        const { code, output } = await run(pgCtl, ['-D', data, '-m', mode, '-w', '-t', '60', 'stop'], user, dir);
        if (code !== 0) throw await failure(`pg_ctl stop -m ${mode} failed (exit code ${code})`, output);
        running = false;
      },
      async start() {
        if (destroyed) throw new Error('PostgreSQL test cluster: start() after destroy()');
        if (running) return;
        if ((await startOnce()) === 'port-taken') throw await failure(`port ${port} was taken while the cluster was stopped`, '');
        running = true;
      },
      async destroy() {
        if (destroyed) return;
        destroyed = true;
        live.delete(handle);
        if (watchdog?.pid) {
          try {
            process.kill(watchdog.pid);
          } catch {
            // already gone
          }
        }
        if (running || existsSync(pidFile)) await run(pgCtl, ['-D', data, '-m', 'immediate', '-w', '-t', '60', 'stop'], user, dir);
        running = false;
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    destroyed = true;
    handle.stopSync();
    throw error;
  }
}
