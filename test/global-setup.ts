// Made once per test run, before any test file: the large hostile inputs (a 10 MB line,
// a 10,000-frame stack, a million distinct stacks: ~140 MB), into a temporary directory
// that is removed at the end. Never into the source tree, so `git status` stays clean and
// test files running at once never see half a file. Test files find it with
// `inject('hostileLarge')`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { largeCases, writeCases } from './gen/hostile.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The directory of the large hostile inputs (see test/gen/hostile.ts, largeCases). */
    hostileLarge: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'flamekit-hostile-large-'));
  // A run of chosen files that names none of the hostile tests skips the work (seconds on
  // a loaded machine). The file filters are vitest's internal state: when they cannot be
  // read, the inputs are made.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  if (filters === undefined || filters.length === 0 || filters.some((f) => f.includes('hostile'))) {
    const t0 = performance.now();
    writeCases(dir, largeCases());
    // Printed, never asserted.
    console.log(`global setup: large hostile inputs in ${dir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  project.provide('hostileLarge', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
