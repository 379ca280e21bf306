import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, longest first (seconds of their own in full runs on the
 * 2-core machine: the browser and hostile-input files 20-60 s, the rest of this list 6-16 s).
 * Two workers take files in this order, so the long ones start first and the short ones
 * fill in at the end, and the two workers end together instead of one running a long file
 * alone at the end.
 */
const LONGEST_FIRST = [
  'hostile-browser',
  'heatmap-browser',
  'hostile-svg',
  'flamegraph-browser',
  'heatmap-compare',
  'heatmap-page-browser',
  'heatmap-search-browser',
  'parse-core',
  'workers',
  'readme',
  'range-seek',
  'flamegraph-conformance',
  'collapse-core',
  'perf-data',
  'output-dir',
  'flamegraph',
];

/**
 * LONGEST_FIRST, then the other files larger first (vitest's own order without a cache). Not
 * vitest's default, which orders by the durations cached from the last run: that cache holds
 * whatever files ran last, and a fresh clone (CI) has none.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.indexOf(basename(f.moduleId, '.test.ts'));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    const size = (f: TestSpecification) => statSync(f.moduleId).size;
    return [...files].sort((a, b) => rank(a) - rank(b) || size(b) - size(a));
  }
}

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
    sequence: { sequencer: LongestFirst },
  },
});
