import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'simulators/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/harness/global-setup.ts'],
    setupFiles: ['test/support/openapi-first.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Integration suites start their own service processes; two cores do not gain from more forks.
    pool: 'forks',
    maxWorkers: 2,
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
  },
});
