// stackcollapse --per-window W --output-dir DIR: each window file equals the classic
//   range-perf --timezerosecs S S+W-1ns FILE | stackcollapse
// for every window of every timed fixture and conformance input (README, "One folded file per window" says
// why the end is S+W-1ns: windows are half-open, range-perf's bounds inclusive).
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as collapse } from '../src/collapse/cli.js';
import { decideEvent } from '../src/collapse/parallel.js';
import { formatWindowStart, parseWindowLength, windowFileName } from '../src/collapse/per-window.js';
import { formatSeconds, parseWindowFileName } from '../src/window-name.js';
import { main as range } from '../src/range/cli.js';
import { statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CONFORMANCE, FIXTURES, HAVE_CONFORMANCE, runMain } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'flamekit-per-window-'));
let dirs = 0;
const newDir = () => join(tmp, `out-${dirs++}`);

function plain(path: string): string {
  if (!path.endsWith('.gz')) return path;
  const out = join(tmp, path.split('/').pop()!.replace(/\.gz$/, ''));
  if (!existsSync(out)) writeFileSync(out, gunzipSync(readFileSync(path)));
  return out;
}

/** Whether the sample times of a file never go back (then range-perf needs no --unsorted). */
function inTimeOrder(file: string): boolean {
  let last = -Infinity;
  for (const m of readFileSync(file, 'latin1').matchAll(/ (\d+)\.(\d+): /g)) {
    const t = Number(`${m[1]}.${m[2]}`);
    if (t < last) return false;
    last = t;
  }
  return true;
}

/** S+W-1ns as range-perf reads it, from a window's start S (a file name) and W in ns. */
function windowEnd(start: string, lengthNs: number): string {
  const neg = start.startsWith('-');
  const [sec, frac] = start.replace('-', '').split('.');
  const abs = BigInt(sec) * 1_000_000_000n + BigInt(frac.padEnd(9, '0'));
  const ns = (neg ? -abs : abs) + BigInt(lengthNs) - 1n;
  const a = ns < 0n ? -ns : ns;
  return `${ns < 0n ? '-' : ''}${a / 1_000_000_000n}.${String(a % 1_000_000_000n).padStart(9, '0')}`;
}

/** Runs --per-window, then checks every window file against the range-perf | stackcollapse pipeline. */
async function checkWindows(file: string, length: string, opts: string[] = []): Promise<number> {
  const dir = newDir();
  const r = await runMain(collapse, ['-q', ...opts, '--per-window', length, '--output-dir', dir, file]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.length).toBe(0);
  const files = readdirSync(dir).sort();
  expect(files.every((f) => /^-?\d{6,}\.\d{3,9}\.folded$/.test(f)), 'no temporary files left').toBe(true);
  const lengthNs = parseWindowLength(length)!;
  const event = decideEvent([{ path: file, size: statSync(file).size }]);
  const filter = event.decided && event.event !== null ? ['--event-filter', event.event] : [];
  const sorted = inTimeOrder(file);
  const pipeline = async (from: string, to: string) => {
    const cut = await runMain(range, ['--timezerosecs', ...(sorted ? [] : ['--unsorted']), '--', from, to, file]);
    expect(cut.code).toBeLessThanOrEqual(1); // 1: an empty window, said on stderr
    return (await runMain(collapse, ['-q', ...opts, ...filter], cut.stdout)).stdout.toString('latin1');
  };
  const starts = files.map((f) => f.replace(/\.folded$/, '')).sort((a, b) => (toNs(a) < toNs(b) ? -1 : 1));
  for (const start of starts) {
    expect(readFileSync(join(dir, `${start}.folded`)).toString('latin1'), `${file} window ${start}`).toBe(await pipeline(start, windowEnd(start, lengthNs)));
  }
  // Windows without a file are empty: the time between two files holds no sample.
  for (let i = 1; i < starts.length; i++) {
    const gapStart = toNs(starts[i - 1]) + BigInt(lengthNs);
    if (gapStart === toNs(starts[i])) continue;
    expect(await pipeline(fromNs(gapStart), fromNs(toNs(starts[i]) - 1n)), `${file} between ${starts[i - 1]} and ${starts[i]}`).toBe('');
  }
  return files.length;
}

function toNs(start: string): bigint {
  const neg = start.startsWith('-');
  const [sec, frac] = start.replace('-', '').split('.');
  const abs = BigInt(sec) * 1_000_000_000n + BigInt((frac ?? '').padEnd(9, '0'));
  return neg ? -abs : abs;
}

function fromNs(ns: bigint): string {
  const a = ns < 0n ? -ns : ns;
  return `${ns < 0n ? '-' : ''}${a / 1_000_000_000n}.${String(a % 1_000_000_000n).padStart(9, '0')}`;
}

const fixtureInputs = [
  ...readdirSync(join(FIXTURES, 'perf')).filter((f) => f.endsWith('.txt') && f !== 'no-timestamps.txt').map((f) => join(FIXTURES, 'perf', f)),
  ...['crlf.txt', 'markup-names.txt', 'mixed-line-endings.txt', 'time-9-decimals.txt', 'time-backwards.txt', 'time-missing.txt', 'truncated-last-line.txt', 'period-64bit.txt'].map((f) =>
    join(FIXTURES, 'hostile', f),
  ),
];
const timedConformance = HAVE_CONFORMANCE
  ? ['example-perf-stacks.txt.gz', 'flamescope-perf-test01.txt', 'perf-cycles-instructions-01.txt', 'perf-funcab-cmd-01.txt', 'perf-iperf-stacks-pidtid-01.txt', 'perf-numa-stacks-01.txt'].map(
      (f) => join(CONFORMANCE, 'perf', f),
    )
  : [];

describe('window file = range-perf --timezerosecs S S+W-1ns | stackcollapse', () => {
  it.each(fixtureInputs.flatMap((f) => ['1s', '100ms', '0.25'].map((w) => [f.split('/').slice(-2).join('/'), w, f])))('%s, windows of %s', async (_n, w, file) => {
    await checkWindows(file, w);
  });
  it('with options: --tid --all', async () => {
    await checkWindows(join(FIXTURES, 'perf', 'recorded-pthreads.txt'), '50ms', ['--tid', '--all']);
  });
  describe.skipIf(!HAVE_CONFORMANCE)('conformance inputs', () => {
    it.each(timedConformance.map((f) => [f.split('/').pop()!, f]))('%s', async (_n, file) => {
      const p = plain(file);
      expect(await checkWindows(p, '1s')).toBeGreaterThan(0);
      await checkWindows(p, '2.5s', ['--pid']);
    });
  });
});

describe('window boundaries', () => {
  const sample = (t: string, fn: string) => `app 100/101 [000] ${t}: 1 cycles:\n\t    400100 ${fn} (/usr/bin/app)\n\n`;

  it('puts a sample at exactly S+W in the next window only, where range-perf S S+W would count it twice', async () => {
    // Time 0 is 10.000000000, the first sample's whole second.
    const file = join(tmp, 'edges.txt');
    writeFileSync(file, sample('10.500000000', 'a') + sample('10.999999999', 'b') + sample('11.000000000', 'c') + sample('13.000000001', 'd'));
    const dir = newDir();
    expect((await runMain(collapse, ['--per-window', '1s', '--output-dir', dir, file])).code).toBe(0);
    const read = (s: string) => readFileSync(join(dir, `${s}.folded`), 'latin1');
    // 000002.000 is empty: no file (the classic loop writes an empty one).
    expect(readdirSync(dir).sort()).toEqual(['000000.000.folded', '000001.000.folded', '000003.000.folded']);
    expect(read('000000.000')).toBe('app;a 1\napp;b 1\n');
    expect(read('000001.000')).toBe('app;c 1\n');
    expect(read('000003.000')).toBe('app;d 1\n');
    // The inclusive classic window [0, 1] also takes the sample at 1.000000000:
    const inclusive = await runMain(range, ['--timezerosecs', '0', '1', file]);
    expect(inclusive.stdout.toString('latin1')).toContain('11.000000000');
    await checkWindows(file, '1s');
  });

  it('reopens a window when a sample comes back after it was written', async () => {
    let text = '';
    for (let s = 0; s < 10; s++) text += sample(`${100 + s}.5`, `f${s}`);
    text += sample('101.25', 'late'); // eight windows after 101 closed
    const file = join(tmp, 'late.txt');
    writeFileSync(file, text);
    const dir = newDir();
    expect((await runMain(collapse, ['--per-window', '1s', '--output-dir', dir, file])).code).toBe(0);
    expect(readFileSync(join(dir, '000001.000.folded'), 'latin1')).toBe('app;f1 1\napp;late 1\n');
    await checkWindows(file, '1s'); // against range-perf --unsorted: the file is out of order
  });

  it('names windows by their exact start', () => {
    expect(parseWindowLength('1s')).toBe(1e9);
    expect(parseWindowLength('500ms')).toBe(5e8);
    expect(parseWindowLength('2.5s')).toBe(2.5e9);
    expect(parseWindowLength('2')).toBe(2e9);
    expect(parseWindowLength('250us')).toBe(250000);
    expect(parseWindowLength('0')).toBeNull();
    expect(parseWindowLength('1.5ns')).toBeNull();
    expect(parseWindowLength('1m')).toBeNull();
    expect(windowFileName(12, 1e9)).toBe('000012.000.folded');
    expect(formatWindowStart(3, 2.5e8)).toBe('000000.750');
    expect(formatWindowStart(3, 250000)).toBe('000000.000750');
    expect(formatWindowStart(7, 1)).toBe('000000.000000007');
  });
});

describe('per-window usage', () => {
  it.each([
    [['--per-window', '1s'], '--per-window needs --output-dir DIR'],
    [['--per-window', '1 minute', '--output-dir', 'x'], '--per-window wants a length such as 1s, 500ms, 2.5s or 2, not "1 minute"'],
    [['--output-dir', 'x'], '--output-dir goes with --per-window'],
  ])('%j', async (args, message) => {
    const r = await runMain(collapse, [...args, join(FIXTURES, 'perf', 'recorded-pthreads.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`stackcollapse: ${message}`);
  });

  it('refuses input without timestamps, saying how to get them', async () => {
    const r = await runMain(collapse, ['--per-window', '1s', '--output-dir', newDir(), join(FIXTURES, 'perf', 'no-timestamps.txt')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^stackcollapse: --per-window needs timestamps: re-run perf script with time among its fields/);
  });
});

describe('window file names, written and read back', () => {
  it.each([
    [0, 1e9, '000000.000.folded', 0],
    [12, 1e9, '000012.000.folded', 12e9],
    [-1, 1e9, '-000001.000.folded', -1e9],
    [-3, 2.5e8, '-000000.750.folded', -7.5e8],
    [3, 250000, '000000.000750.folded', 750000],
    [-7, 1, '-000000.000000007.folded', -7],
  ])('window %i of %d ns: %s', (index, lengthNs, name, startNs) => {
    expect(windowFileName(index, lengthNs)).toBe(name);
    expect(parseWindowFileName(name)).toBe(startNs);
  });
  it.each(['a.folded', '12.folded.txt', '+000001.000.folded', '--1.000.folded', '000001.000.svg'])('%s is not a window file', (name) => {
    expect(parseWindowFileName(name)).toBe(null);
  });
  it.each([
    [0, '0'],
    [-1e9, '-1'],
    [-5e8, '-0.5'],
    [12.25e9, '12.25'],
    [250000, '0.00025'],
  ])('%d ns reads %s s in a title', (ns, text) => {
    expect(formatSeconds(ns)).toBe(text);
  });
});
