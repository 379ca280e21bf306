import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Large generated inputs, made once per run into a temporary directory (never the source tree).
    globalSetup: ['test/global-setup.ts'],
    // Sized for a busy 2-core machine with room to spare: on a loaded one (load average 15)
    // spawn-heavy tests took past 60 s. Nothing is timed; a hang still ends.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Browser tests each start Chromium; two at a time is what a 2-core machine holds.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
