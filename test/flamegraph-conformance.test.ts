// Conformance with flamegraph.pl (FlameGraph 41fee1f): for every case in
// ../shared/conformance/flamegraph/CASES.tsv, our SVG run through tools/svg-frames.py must
// give the case's .frames.tsv (frames as a sorted table: geometry, fill, title, label).
// The shared folder is read in place, never copied. Where it (or python3) is missing the
// suite is skipped with a note.
//
// Deliberate differences are listed below with their reason; for those cases the test
// requires the difference to be exactly the listed rows, no more and no less.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './flamegraph-io.js';
import { CONFORMANCE, HAVE_CONFORMANCE } from './helpers.js';

const SHARED = CONFORMANCE;
const CASES = join(SHARED, 'flamegraph', 'CASES.tsv');
const TOOL = join(SHARED, 'tools', 'svg-frames.py');
const havePython = spawnSync('python3', ['--version']).status === 0;
const enabled = HAVE_CONFORMANCE && existsSync(CASES) && existsSync(TOOL) && havePython;
if (!enabled) {
  console.warn(`NOTE: flamegraph conformance skipped: ${!HAVE_CONFORMANCE || !existsSync(CASES) ? `${SHARED} not found or hidden` : 'python3 not found'}`);
}

interface Exception {
  reason: string;
  /** Rows of our table that flamegraph.pl's lacks. */
  extra: string[];
  /** Rows of flamegraph.pl's table that ours lacks. */
  missing: string[];
}

// flamegraph.pl keys frames by "name;depth;end-time". A frame of width 0 (a stack found only
// in BEFORE, "stack N 0") that ends at the same time, at the same depth and with the same
// name as a real frame overwrites that frame's start, and flamegraph.pl then drops the real
// frame as too narrow. flamekit keeps it. (Checked by replaying flow() on the input: exactly
// these three keys collide.)
const DROPPED_BY_KEY_COLLISION = (fill1: string, fill2: string, fill3: string): string[] => [
  `738.5\t693.0\t3.0\t15.0\trgb(255,255,255)\torg/mozilla/javascript/ScriptableObject:.getSlot (1 samples, 0.26%; 0.00%)\t`,
  `690.3\t709.0\t18.1\t15.0\t${fill1}\torg/mozilla/javascript/ScriptableObject:.getSlot (6 samples, 1.53%; ${fill2})\t`,
  `645.2\t773.0\t9.0\t15.0\t${fill3}\tjava/util/HashMap:.get (3 samples, 0.77%; ${fill1 === 'rgb(255,187,187)' ? '+0.51%' : '-0.51%'})\t`,
];
const EXCEPTIONS: Record<string, Exception> = {
  'vertx-diff': {
    reason: 'flamegraph.pl loses frames whose name;depth;end-time key collides with a zero-width frame',
    extra: DROPPED_BY_KEY_COLLISION('rgb(255,187,187)', '+1.02%', 'rgb(255,198,198)'),
    missing: [],
  },
  'vertx-diff-negate': {
    reason: 'flamegraph.pl loses frames whose name;depth;end-time key collides with a zero-width frame',
    extra: DROPPED_BY_KEY_COLLISION('rgb(187,187,255)', '-1.02%', 'rgb(198,198,255)'),
    missing: [],
  },
};

function readCases(): { name: string; input: string; options: string[] }[] {
  if (!enabled) return [];
  return readFileSync(CASES, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [name, input, options = ''] = l.split('\t');
      return { name, input, options: options.trim() === '' ? [] : options.trim().split(/\s+/) };
    });
}

function inputPath(file: string): string {
  const a = join(SHARED, 'collapse', file);
  return existsSync(a) ? a : join(SHARED, 'flamegraph', file);
}

function frameTable(svg: string): string[] {
  const r = spawnSync('python3', [TOOL], { input: svg, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`svg-frames.py failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

function multisetMinus(a: string[], b: string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = counts.get(x) ?? 0;
    if (n > 0) counts.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

describe.skipIf(!enabled)('flamegraph.pl conformance (../shared/conformance/flamegraph)', () => {
  it.each(readCases())('$name: flamegraph-svg $options', async ({ name, input, options }) => {
    const r = await run([...options, inputPath(input)]);
    expect(r.code).toBe(0);
    const ours = frameTable(r.stdout);
    const theirs = readFileSync(join(SHARED, 'flamegraph', `${name}.frames.tsv`), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    const exc = EXCEPTIONS[name];
    // The header lines (#size, #title, column names) always match exactly.
    expect(ours.filter((l) => l.startsWith('#') || l.startsWith('x\t'))).toEqual(theirs.filter((l) => l.startsWith('#') || l.startsWith('x\t')));
    expect({ extra: multisetMinus(ours, theirs), missing: multisetMinus(theirs, ours) }).toEqual({
      extra: exc?.extra ?? [],
      missing: exc?.missing ?? [],
    });
  });

  it('lists an exception only for cases that exist', () => {
    const names = new Set(readCases().map((c) => c.name));
    for (const k of Object.keys(EXCEPTIONS)) expect(names.has(k)).toBe(true);
  });
});
