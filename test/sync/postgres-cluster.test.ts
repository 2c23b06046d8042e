// The throwaway PostgreSQL cluster of the tests (test/helpers/postgres-cluster.ts), against the
// real server: password authentication, databases, a restart after a crash, the libpq
// variables, TLS, and the cleanup (destroy, and a test process that exits or is killed).
import { readFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startNode } from '../helpers/child-process.js';
import { describePostgres, usePostgres } from '../helpers/postgres.js';
import { findPostgresBin, startPostgresCluster } from '../helpers/postgres-cluster.js';

/** Connects, runs `sql`, disconnects: the rows. */
async function queryWith(config: pg.ClientConfig, sql: string): Promise<any[]> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const SSL_IN_USE = 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()';

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('findPostgresBin', () => {
  it('finds a folder with initdb, pg_ctl and postgres, or says why not in one line', () => {
    const found = findPostgresBin();
    if ('bin' in found) for (const name of ['initdb', 'pg_ctl', 'postgres']) expect(existsSync(join(found.bin, name))).toBe(true);
    else expect(found.missing).toMatch(/^PostgreSQL's initdb not found[^\n]*$/);
  });
});

describePostgres('a PostgreSQL test cluster', () => {
  const cluster = usePostgres();

  it('accepts the password URL (a real server)', async () => {
    const c = cluster();
    expect(c.url()).toBe(`postgres://postgres:${c.password}@127.0.0.1:${c.port}/postgres`);
    const [row] = await queryWith({ connectionString: c.url() }, 'SELECT version() AS version');
    expect(row.version).toMatch(/^PostgreSQL \d+/);
    expect(await c.query(SSL_IN_USE)).toEqual([{ ssl: false }]);
  });

  it('refuses a wrong password (28P01)', async () => {
    const c = cluster();
    const error = await queryWith({ connectionString: c.url().replace(c.password, 'wrong') }, 'SELECT 1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '28P01' });
  });

  it('creates databases (fresh names, or the one given)', async () => {
    const c = cluster();
    const fresh = await c.createDatabase();
    expect(await c.createDatabase('Named "db"')).toBe('Named "db"');
    expect(await c.createDatabase()).not.toBe(fresh);
    const names = (await c.query('SELECT datname FROM pg_database')).map((r) => r.datname);
    expect(names).toEqual(expect.arrayContaining([fresh, 'Named "db"']));
    expect(await c.query('SELECT current_database() AS db, $1::int + 1 AS n', [41], fresh)).toEqual([{ db: fresh, n: 42 }]);
  });

  it('env(): the libpq variables, read by a pg.Client given no config', async () => {
    const c = cluster();
    const database = await c.createDatabase();
    const env = c.env(database);
    expect(env).toEqual({ PGHOST: '127.0.0.1', PGPORT: String(c.port), PGUSER: 'postgres', PGPASSWORD: c.password, PGDATABASE: database });
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      const client = new pg.Client();
      await client.connect();
      try {
        expect((await client.query('SELECT current_database() AS db')).rows).toEqual([{ db: database }]);
      } finally {
        await client.end();
      }
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('keeps committed data across stop("immediate") and start() (same port)', async () => {
    const c = cluster();
    const database = await c.createDatabase();
    await c.query('CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)', [], database);
    await c.stop('immediate');
    expect(await listening(c.port)).toBe(false);
    await c.start();
    expect(await c.query('SELECT id FROM t ORDER BY id', [], database)).toEqual([{ id: 1 }, { id: 2 }]);
    await c.stop(); // fast
    await c.start();
    expect(await c.query('SELECT count(*)::int AS n FROM t', [], database)).toEqual([{ n: 2 }]);
  });
});

describePostgres('a PostgreSQL test cluster with ssl: true', () => {
  const cluster = usePostgres({ ssl: true });

  it('serves TLS (not verified: rejectUnauthorized false)', async () => {
    const c = cluster();
    expect(await queryWith({ connectionString: c.url(), ssl: { rejectUnauthorized: false } }, SSL_IN_USE)).toEqual([{ ssl: true }]);
  });

  it('serves its certificate (caFile), verified as localhost', async () => {
    const c = cluster();
    const ca = readFileSync(c.caFile!);
    expect(await queryWith({ connectionString: c.url(), ssl: { ca, servername: 'localhost' } }, SSL_IN_USE)).toEqual([{ ssl: true }]);
    // Verification is real: another name, or no trust in the certificate, is refused.
    await expect(queryWith({ connectionString: c.url(), ssl: { ca, servername: 'example.com' } }, 'SELECT 1')).rejects.toThrow(/example\.com/);
    await expect(queryWith({ connectionString: c.url(), ssl: {} }, 'SELECT 1')).rejects.toThrow(/self[- ]signed/i);
  });
});

describePostgres('cleanup of PostgreSQL test clusters', () => {
  it.concurrent('destroy() stops the server and removes the directory', async () => {
    const c = await startPostgresCluster();
    expect(await listening(c.port)).toBe(true);
    await c.destroy();
    await c.destroy(); // idempotent
    expect(await listening(c.port)).toBe(false);
    expect(existsSync(c.dir)).toBe(false);
  });

  /** A process that starts a cluster, prints `{ dir, port }`, then exits (without destroy()) or waits to be killed. */
  function leakingProcess(then: 'exit' | 'wait') {
    const url = new URL('../helpers/postgres-cluster.ts', import.meta.url).href;
    const code = `import { startPostgresCluster } from ${JSON.stringify(url)};
      const c = await startPostgresCluster();
      console.log(JSON.stringify({ dir: c.dir, port: c.port }));
      ${then === 'wait' ? 'setInterval(() => {}, 1000);' : ''}`;
    return startNode(['--import', 'tsx', '--input-type=module', '-e', code]);
  }

  it.concurrent('a process that exits without destroy() stops its clusters', async () => {
    const result = await leakingProcess('exit').done;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const { dir, port } = JSON.parse(result.stdout) as { dir: string; port: number };
    expect(await listening(port)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it.concurrent('a process killed by SIGKILL does not leave its server running', async () => {
    const child = leakingProcess('wait');
    expect(await eventually(async () => child.stdout().includes('\n'), 30_000)).toBe(true);
    const { dir, port } = JSON.parse(child.stdout()) as { dir: string; port: number };
    expect(await listening(port)).toBe(true);
    child.process.kill('SIGKILL');
    await child.done;
    expect(await eventually(async () => !(await listening(port)) && !existsSync(dir))).toBe(true);
  });
});
