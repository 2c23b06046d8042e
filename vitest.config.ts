import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Resolve `files-stream` and `files-stream/testing` to the TypeScript sources (tests run
  // in Node, so the SSR resolver needs the condition too).
  resolve: { conditions: ['files-stream-source'] },
  ssr: { resolve: { conditions: ['files-stream-source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
