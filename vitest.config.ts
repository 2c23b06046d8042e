import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Resolve `files-stream` and `files-stream/testing` to the TypeScript sources.
    conditions: ['files-stream-source'],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
