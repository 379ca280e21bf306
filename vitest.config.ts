import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Browser tests each start Chromium; two at a time is what a 2-core machine holds.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
