// Made once per test run, before any test file:
// - the large hostile inputs (a 10 MB line, a 10,000-frame stack, a million distinct stacks:
//   ~140 MB), into a temporary directory that is removed at the end. Never into the source
//   tree, so `git status` stays clean and test files running at once never see half a file.
//   Test files find it with `inject('hostileLarge')`.
// - the tools' runs on the million distinct stacks that test files share
//   (test/hostile-outputs.ts), started here in the background once the inputs exist;
//   `inject('hostileRuns')` names those started.
// - one Chromium for the run's browser tests (test/browser/launch.ts), when a test file of
//   the run uses it: `inject('chromiumServer')` is where to connect ('' when none).
// - whether user nobody can run the tools from this clone (helpers.ts, NOBODY_CAN_RUN): one
//   node start here instead of one in every test file.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { haveChromium, launchChromiumServer } from './browser/launch.js';
import { largeCases, writeCases } from './gen/hostile.js';
import { HOSTILE_RUNS, startHostileRuns, type HostileRun } from './hostile-outputs.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The directory of the large hostile inputs (see test/gen/hostile.ts, largeCases). */
    hostileLarge: string;
    /** The shared runs started (see test/hostile-outputs.ts). */
    hostileRuns: string[];
    /** The run's shared Chromium to connect to (a ws: endpoint), or '' (test/browser/chromium.ts). */
    chromiumServer: string;
    /** Whether user nobody can read dist/ (only asked when the tests run as root). */
    nobodyCanRun: boolean;
  }
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'flamekit-hostile-large-'));
  // A run of chosen files that has none of the hostile tests skips the work (seconds on a
  // loaded machine). The file filters are vitest's internal state: when they cannot be read,
  // everything is made.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const paths = (await project.globTestFiles(filters)).testFiles;
  const files = filters === undefined ? undefined : paths.map((f) => basename(f));
  const wanted = (name: string) => files === undefined || files.some((f) => f.startsWith(name));
  // Started now, while the inputs are written; awaited before the tests start.
  const server = haveChromium && paths.some((f) => readFileSync(f, 'utf8').includes('launchChromium(')) ? launchChromiumServer() : undefined;
  let children: ChildProcess[] = [];
  let started: HostileRun[] = [];
  if (wanted('hostile')) {
    const t0 = performance.now();
    writeCases(dir, largeCases());
    // Printed, never asserted.
    console.log(`global setup: large hostile inputs in ${dir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    started = (Object.keys(HOSTILE_RUNS) as HostileRun[]).filter((run) => HOSTILE_RUNS[run].readers.some(wanted));
    children = startHostileRuns(dir, started);
  }
  project.provide('hostileLarge', dir);
  project.provide('hostileRuns', started);
  const chromium = await server;
  project.provide('chromiumServer', chromium?.wsEndpoint() ?? '');
  // Root reads anything, so the unreadable-file tests run the tools as nobody; that needs the
  // clone to be reachable by nobody (a clone under /root or in a 0700 folder is not).
  project.provide(
    'nobodyCanRun',
    process.getuid?.() !== 0 ||
      spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(join(ROOT, 'dist', 'cli.js'))}, 4)`], { uid: 65534, gid: 65534, stdio: 'ignore' }).status === 0,
  );
  return async () => {
    // A run of a few files can end before the shared runs do.
    await Promise.all(
      children.map((c) =>
        c.exitCode !== null || c.signalCode !== null
          ? undefined
          : new Promise<void>((resolve) => {
              c.once('close', () => resolve());
              c.kill('SIGKILL');
            }),
      ),
    );
    await chromium?.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
