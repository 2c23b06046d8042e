import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files that take seconds rather than milliseconds: child processes (the CLI executable,
 * the examples, the README quickstart, the large-download memory check, the packed package),
 * the reliability suite, real databases (DuckDB files, throwaway PostgreSQL clusters) and the
 * TypeDoc reference's staleness check. `npm run test:unit` leaves them out; `npm test` runs
 * them all.
 */
const SLOW = [
  'test/**/*.slow.test.ts', // a slow part of a unit-tested module (scale, child processes)
  'test/reliability/**/*.test.ts',
  'test/cli/bin/**/*.test.ts',
  'test/cli/terminal-progress.test.ts', // runs the executable in a pseudo-terminal
  'test/examples/**/*.test.ts',
  'test/readme/**/*.test.ts',
  'test/package/**/*.test.ts',
  'test/download/memory.test.ts',
  'test/sdk/**/*.test.ts', // the official JS SDK in a child process, the CLI's --https
  'test/sync/**/*.test.ts', // DuckDB, Parquet and PostgreSQL
  'test/docs/api-reference.test.ts', // renders the TypeDoc reference (~8 s of CPU)
  'test/docs/code-blocks.test.ts', // runs the guides' blocks: the CLI, DuckDB, trees
];

/**
 * Unit test files that must run in a module graph of their own (`vi.mock` of a Node module).
 * Every other file shares its worker's modules with the files before it (`isolate: false`, in
 * the unit and the slow projects): importing the library once a worker instead of once a file
 * is most of the run's time saved. No test may rely on module state another file left behind,
 * and a test that changes the process (`process.env`, the working directory, globals, mocks)
 * puts it back in a `finally`.
 */
const ISOLATED = ['test/paths/local-outside.test.ts'];

export default defineConfig({
  // Resolve `files-stream` and `files-stream/testing` to the TypeScript sources (tests run
  // in Node, so the SSR resolver needs the condition too). Every project inherits this.
  resolve: { conditions: ['files-stream-source'] },
  ssr: { resolve: { conditions: ['files-stream-source'] } },
  test: {
    experimental: { fsModuleCache: true },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...SLOW, ...ISOLATED],
          isolate: false,
          // In-process and quick: both cores (vitest's default leaves one to the main process).
          maxWorkers: 2,
          // First in `vitest run`; projects with different maxWorkers need their own group.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        // With the unit project (same group, same workers): no start-up of its own.
        test: { name: 'unit-isolated', include: ISOLATED, maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        // Two files at once: most of their time is children, servers and waits, not this
        // process. The CLI the children run is built once per run from the sources
        // (test/setup/built-cli.ts). Like the unit files, the slow files share their worker's
        // modules (`isolate: false`): 52 files importing the library, the emulator and the
        // databases' drivers once a file cost ~25 s of a 3.7-minute run.
        test: { name: 'slow', include: SLOW, maxWorkers: 2, isolate: false, globalSetup: ['test/setup/built-cli.ts'], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
