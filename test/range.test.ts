import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/range/cli.js';
import { FIXTURES, runMain } from './helpers.js';

const fixture = (name: string) => readFileSync(join(FIXTURES, 'perf', name));

/** Five one-sample-per-line-group samples at known times. */
function samples(times: string[], sep = '\n'): string {
  return times.map((t, i) => `p 1 [000] ${t}: 1 cycles:${sep}\t40${i} f${i} (/x)${sep}${sep}`).join('');
}
const heads = (out: Buffer) =>
  out
    .toString('latin1')
    .split('\n')
    .filter((l) => l.startsWith('p '))
    .map((l) => l.split(' ')[3].replace(':', ''));

describe('range-perf windows', () => {
  const text = samples(['100.250000', '100.750000', '101.000000', '101.250000', '102.100000', '103.000000']);

  it.each([
    // args, the sample times printed
    [['0', '0.5'], ['100.250000', '100.750000']], // relative to the first sample, inclusive
    [['0.5', '0.75'], ['100.750000', '101.000000']], // both bounds inclusive
    [['--timezerosecs', '1', '2'], ['101.000000', '101.250000']], // from the first whole second
    [['--timezerosecs', '0.25', '0.25'], ['100.250000']],
    [['--timeraw', '101', '102.1'], ['101.000000', '101.250000', '102.100000']],
    [['--timeraw', '--timezerosecs', '1', '1'], ['101.000000']], // --timezerosecs wins
    [['--', '-5', '0'], ['100.250000']],
    [['5', '10'], []],
    // START after END is a usage error: test/no-silent-answers.test.ts.
  ])('%j', async (args, want) => {
    const r = await runMain(main, args, text);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(heads(r.stdout)).toEqual(want);
  });

  it('prints the input bytes exactly, frames and separators included, less comments', async () => {
    const input = '# header\n' + samples(['1.0', '2.0', '3.0'], '\r\n');
    const r = await runMain(main, ['--timeraw', '2', '2'], input);
    expect(r.stdout.toString('latin1')).toBe('p 1 [000] 2.0: 1 cycles:\r\n\t401 f1 (/x)\r\n\r\n');
  });

  it('drops comment lines inside the window', async () => {
    const input = 'p 1 [000] 1.0: 1 cycles:\n\t4 f (/x)\n# note\n\np 1 [000] 2.0: 1 cycles:\n';
    const r = await runMain(main, ['0', '10'], input);
    expect(r.stdout.toString()).toBe('p 1 [000] 1.0: 1 cycles:\n\t4 f (/x)\n\np 1 [000] 2.0: 1 cycles:\n');
  });

  it('is exact at a boundary that doubles get wrong', async () => {
    // 0.3 - 0.1 is 0.19999999999999998 in doubles: range-perf.pl would drop this sample.
    const r = await runMain(main, ['--timeraw', '0.2', '0.2'], samples(['0.1', '0.2', '0.3']));
    expect(heads(r.stdout)).toEqual(['0.2']);
    const rel = await runMain(main, ['0.2', '0.2'], samples(['0.100000', '0.300000']));
    expect(heads(rel.stdout)).toEqual(['0.300000']);
  });

  it('stops at the first sample past END, as range-perf.pl does; --unsorted reads to the end', async () => {
    const unordered = samples(['1.0', '2.0', '9.0', '3.0', '0.5']);
    const sorted = await runMain(main, ['--timeraw', '1', '3'], unordered);
    expect(heads(sorted.stdout)).toEqual(['1.0', '2.0']);
    const all = await runMain(main, ['--timeraw', '--unsorted', '1', '3'], unordered);
    expect(heads(all.stdout)).toEqual(['1.0', '2.0', '3.0']);
    // In the sorted mode, once on, printing stays on for an early sample (range-perf.pl).
    const sticky = await runMain(main, ['--timeraw', '1', '9'], unordered);
    expect(heads(sticky.stdout)).toEqual(['1.0', '2.0', '9.0', '3.0', '0.5']);
  });

  it('passes non-UTF-8 bytes through unchanged', async () => {
    const input = fixture('non-utf8.txt');
    const r = await runMain(main, ['0', '100'], input);
    expect(r.stdout.equals(input)).toBe(true);
  });

  it.each(['edge-cases.txt', 'recorded-pthreads.txt', 'recorded-pthreads-header.txt', 'non-utf8.txt'])(
    '%s: same output in chunks of 1, 7 and 4096 bytes',
    async (name) => {
      const input = fixture(name);
      for (const args of [['0', '1e9'], ['--timezerosecs', '0.1', '0.6'], ['--unsorted', '0.2', '0.4']]) {
        const whole = await runMain(main, args, input);
        for (const size of [1, 7, 4096]) {
          const r = await runMain(main, args, input, size);
          expect(r.stdout.equals(whole.stdout)).toBe(true);
        }
      }
    },
  );

  it('whole range: the input less its comment lines', async () => {
    const input = fixture('recorded-pthreads-header.txt').toString('latin1');
    const r = await runMain(main, ['0', '1e9'], input);
    expect(r.stdout.toString('latin1')).toBe(input.split('\n').filter((l) => !l.startsWith('#')).join('\n'));
  });

  it('fails on input without timestamps, saying how to get them', async () => {
    const r = await runMain(main, ['0', '1'], fixture('no-timestamps.txt'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'range-perf: the input has no timestamps: re-run perf script with time among its fields, e.g. perf script -F comm,pid,tid,cpu,time,period,event,ip,sym,dso\n',
    );
    expect(r.stdout.length).toBe(0);
  });

  it('fails on text that is not perf script', async () => {
    const r = await runMain(main, ['0', '1'], 'hello\n');
    expect(r).toMatchObject({ code: 1, stderr: 'range-perf: no perf script samples found in the input\n' });
  });

  it.each([
    [['1'], "range-perf: missing required argument 'END'"],
    [['a', '2'], 'range-perf: START must be a number of seconds, not "a"'],
    [['1', '2x'], 'range-perf: END must be a number of seconds, not "2x"'],
    [['--nope', '1', '2'], "range-perf: unknown option '--nope'"],
  ])('usage error %j exits 2', async (args, msg) => {
    const r = await runMain(main, args, '');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${msg}\nusage: range-perf [options] START END [file ...]\nTry 'range-perf --help' for more information.\n`);
  });

  it('reads files named after the bounds', async () => {
    const file = join(FIXTURES, 'perf', 'recorded-pthreads.txt');
    const fromFile = await runMain(main, ['0', '0.2', file], '');
    const fromStdin = await runMain(main, ['0', '0.2'], readFileSync(file));
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout.length).toBeGreaterThan(0);
    expect(fromFile.stdout.equals(fromStdin.stdout)).toBe(true);
  });
});

describe('range-perf stopping early on gzip input', () => {
  it('exits 0 with the same output as on the plain text', async () => {
    const { gzipSync } = await import('node:zlib');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { spawnBin } = await import('./helpers.js');
    const plain = Buffer.concat(Array.from({ length: 30 }, () => fixture('recorded-pthreads-header.txt')));
    const dir = mkdtempSync(join(tmpdir(), 'flamekit-gz-'));
    writeFileSync(join(dir, 'p.txt'), plain);
    writeFileSync(join(dir, 'p.txt.gz'), gzipSync(plain));
    const a = await spawnBin('range-perf', ['--timezerosecs', '0.9', '1.2', join(dir, 'p.txt')]);
    const b = await spawnBin('range-perf', ['--timezerosecs', '0.9', '1.2', join(dir, 'p.txt.gz')]);
    expect(a).toMatchObject({ code: 0, stderr: '' });
    expect(b).toMatchObject({ code: 0, stderr: '' });
    expect(a.stdout.length).toBeGreaterThan(1000);
    expect(b.stdout.equals(a.stdout)).toBe(true);
  });
});
