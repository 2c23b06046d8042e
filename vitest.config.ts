import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files that take minutes rather than seconds: child processes (the CLI executable,
 * the examples, the README quickstart, the large-download memory check, the packed package)
 * and the reliability suite. `npm run test:unit` leaves them out; `npm test` runs them all.
 */
const SLOW = [
  'test/reliability/**/*.test.ts',
  'test/cli/bin/**/*.test.ts',
  'test/cli/terminal-progress.test.ts', // runs the executable in a pseudo-terminal
  'test/examples/**/*.test.ts',
  'test/readme/**/*.test.ts',
  'test/package/**/*.test.ts',
  'test/download/memory.test.ts',
  'test/sdk/**/*.test.ts', // the official JS SDK in a child process, the CLI's --https
];

export default defineConfig({
  // Resolve `files-stream` and `files-stream/testing` to the TypeScript sources (tests run
  // in Node, so the SSR resolver needs the condition too). Both projects inherit this.
  resolve: { conditions: ['files-stream-source'] },
  ssr: { resolve: { conditions: ['files-stream-source'] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...SLOW],
          // In-process and quick: both cores (vitest's default leaves one to the main process).
          maxWorkers: 2,
          // First in `vitest run`; projects with different maxWorkers need their own group.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        // The default workers (one on two cores): the timing checks of the reliability suite
        // and the child processes get a core of their own.
        test: { name: 'slow', include: SLOW, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
