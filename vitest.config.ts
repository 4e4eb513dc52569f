import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // no variable of aispend's configuration from the shell reaches the tests
    setupFiles: ['test/setup/clean-env.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // two cores here: keep parallelism modest so signed-request timing tests stay reliable
    maxWorkers: 2,
  },
});
