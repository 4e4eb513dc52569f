import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // two cores here: keep parallelism modest so signed-request timing tests stay reliable
    maxWorkers: 2,
  },
});
