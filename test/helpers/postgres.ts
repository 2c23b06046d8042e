// Real PostgreSQL in tests (see ./postgres-cluster.ts): one throwaway cluster per describe block
// (or file), and suites skipped by name, with the reason, where PostgreSQL is not installed.
import { afterAll, beforeAll, describe } from 'vitest';
import { findPostgresBin, startPostgresCluster, type PostgresCluster, type PostgresClusterOptions } from './postgres-cluster.js';

export type { PostgresCluster, PostgresClusterOptions } from './postgres-cluster.js';

const found = findPostgresBin();

/** Why PostgreSQL tests cannot run here (no initdb), or undefined when they can: `describe.skipIf(postgresMissing)`. */
export const postgresMissing: string | undefined = 'missing' in found ? found.missing : undefined;

/**
 * `describe(name, fn)`, or, without PostgreSQL, `describe.skip` under a name that says why
 * (so the skip shows in the report rather than passing silently).
 */
export function describePostgres(name: string, fn: () => void): void {
  if (postgresMissing) describe.skip(`${name} (skipped: ${postgresMissing})`, fn);
  else describe(name, fn);
}

/**
 * One cluster, started before the tests of the enclosing block (file or describe: call this at
 * its top level) and destroyed after them. The function returned gives it (in tests and hooks
 * that run after the start). Without PostgreSQL it starts nothing: the block is skipped anyway
 * (see {@link describePostgres}), else the function throws the reason.
 */
export function usePostgres(options: PostgresClusterOptions = {}): () => PostgresCluster {
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    if (!postgresMissing) cluster = await startPostgresCluster(options);
  }, 60_000);
  afterAll(async () => {
    await cluster?.destroy();
    cluster = undefined;
  }, 60_000);
  return () => {
    if (!cluster) throw new Error(postgresMissing ?? 'usePostgres(): the cluster is started in beforeAll (use it in tests or later hooks)');
    return cluster;
  };
}
