// No silent wrong answers (issue 14): a window that cannot hold a sample is a usage error,
// an empty input is said to be empty by every tool, and every tool that leaves samples out
// says how many and why. Each case checks the exit code, the exact stderr and the output.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as collapse } from '../src/collapse/cli.js';
import { main as flamegraph } from '../src/flamegraph/cli.js';
import { main as heatmap } from '../src/heatmap/cli.js';
import { main as range } from '../src/range/cli.js';
import { FIXTURES, runMain } from './helpers.js';

const USAGE = "usage: range-perf [options] START END [file ...]\nTry 'range-perf --help' for more information.\n";
const sample = (t: string, comm = 'app', frames = ['leaf', 'main']) =>
  `${comm} 100/101 [000] ${t}: 1 cycles:\n${frames.map((f, i) => `\t    40010${i} ${f} (/usr/bin/app)\n`).join('')}\n`;

describe('range-perf: START after END', () => {
  it.each([
    [['20', '10'], '20', '10'],
    [['--timezerosecs', '1.5', '1.499999999'], '1.5', '1.499999999'],
    [['--timeraw', '--', '-1', '-2'], '-1', '-2'],
  ])('%j is a usage error (exit 2), with nothing on stdout', async (args, start, end) => {
    const r = await runMain(range, [...args, join(FIXTURES, 'perf', 'edge-cases.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`range-perf: START (${start}) is after END (${end}): the window is empty; give START first\n${USAGE}`);
    expect(r.stdout.length).toBe(0);
  });

  it('START equal to END is a window of one instant, not an error', async () => {
    const input = sample('1.000000') + sample('2.000000');
    const r = await runMain(range, ['--timeraw', '2', '2'], input);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.toString('latin1')).toBe(sample('2.000000'));
  });
});

describe('an empty input warns in every tool', () => {
  const empty = join(FIXTURES, 'hostile', 'empty.txt');
  const comments = join(FIXTURES, 'hostile', 'only-comments.txt');

  it.each([
    ['stdin', [] as string[]],
    ['an empty file', [empty]],
    ['a file of comments', [comments]],
  ])('range-perf on %s: a warning, empty output, exit 0', async (_what, files) => {
    const r = await runMain(range, ['0', '10', ...files], '');
    expect(r).toMatchObject({ code: 0, stderr: 'range-perf: warning: no samples in input\n' });
    expect(r.stdout.length).toBe(0);
  });

  it('range-perf -q keeps quiet', async () => {
    const r = await runMain(range, ['-q', '0', '10'], '');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.length).toBe(0);
  });

  it('stackcollapse: a warning, empty output, exit 0', async () => {
    const r = await runMain(collapse, [empty]);
    expect(r).toMatchObject({ code: 0, stderr: 'stackcollapse: warning: no samples in input\n' });
    expect(r.stdout.length).toBe(0);
  });

  it("flamegraph-svg: an error, flamegraph.pl's error SVG, exit 1", async () => {
    const r = await runMain(flamegraph, [empty]);
    expect(r).toMatchObject({ code: 1, stderr: 'flamegraph-svg: no stack counts found\n' });
    expect(r.stdout.toString('utf8')).toContain('ERROR: No valid input provided to flamegraph-svg.');
  });

  it('heatmap-svg: an error, no output, exit 1', async () => {
    const r = await runMain(heatmap, [empty]);
    expect(r).toMatchObject({ code: 1, stderr: 'heatmap-svg: no samples in input\n' });
    expect(r.stdout.length).toBe(0);
  });
});

describe('every sample left out is counted', () => {
  it('heatmap-svg says how many idle samples it left out, and why', async () => {
    const input = sample('1.000000') + sample('1.100000', 'swapper', ['cpu_idle', 'start_secondary']) + sample('1.200000', 'swapper', ['cpu_idle']);
    const r = await runMain(heatmap, ['--format', 'tsv'], input);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("heatmap-svg: left out 2 idle samples (default idle pattern); --no-idle-filter keeps them\n");
    expect(r.stdout.toString('latin1')).toMatch(/^#samples\t1$/m);
    expect(r.stdout.toString('latin1')).toMatch(/^#idle\t2$/m);
    const kept = await runMain(heatmap, ['--format', 'tsv', '--no-idle-filter'], input);
    expect(kept).toMatchObject({ code: 0, stderr: '' });
    expect(kept.stdout.toString('latin1')).toMatch(/^#samples\t3$/m);
    const quiet = await runMain(heatmap, ['-q', '--format', 'tsv'], input);
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
  });

  it('stackcollapse --per-window says how many samples came before the first timestamp', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flamekit-nowindow-'));
    const untimed = 'app 100/101 [000] 1 cycles:\n\t    400100 early (/usr/bin/app)\n\n';
    const r = await runMain(collapse, ['--per-window', '1s', '--output-dir', dir], untimed + untimed + sample('1.500000'));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('stackcollapse: warning: left out 2 samples before the first timestamp: no window holds them\n');
    expect(r.stdout.length).toBe(0);
    expect(readdirSync(dir)).toEqual(['000000.000.folded']);
    expect(readFileSync(join(dir, '000000.000.folded'), 'latin1')).toBe('app;main;leaf 1\n');
  });

  it('stackcollapse names the event it kept and counts the samples of others', async () => {
    const r = await runMain(collapse, [], sample('1.0') + sample('1.1').replace('cycles', 'instructions'));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('stackcollapse: warning: kept events of type cycles; left out 1 sample of other types (instructions); choose with --event-filter\n');
    expect(r.stdout.toString('latin1')).toBe('app;main;leaf 1\n');
  });
});
