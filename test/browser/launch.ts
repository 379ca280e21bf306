// How Chromium is started, for test files (chromium.ts) and for the global setup, which
// cannot import vitest's test API (chromium.ts uses `inject`).
import { existsSync } from 'node:fs';
import { chromium, type BrowserServer } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether a Chromium binary is installed; browser suites skip (with a note) when not. */
export const haveChromium = existsSync(CHROMIUM_PATH);

export const LAUNCH = {
  executablePath: CHROMIUM_PATH,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--allow-file-access-from-files',
  ],
};

/**
 * One Chromium for the whole test run, started by test/global-setup.ts when a test file of
 * the run uses Chromium: each file connects to it (a fraction of a second) instead of
 * starting and stopping its own (2-3 s of a shared 2-core machine each). Every file still
 * works in browser contexts of its own, which nothing shares.
 */
export function launchChromiumServer(): Promise<BrowserServer> {
  return chromium.launchServer(LAUNCH);
}
