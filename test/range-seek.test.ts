// range-perf on a regular file finds its window by bisection (src/range/seek.ts). Whatever
// it skips or copies unparsed, its output must equal the sequential filter's on
// time-ordered input, and it must fall back to reading sequentially where it cannot tell.
import { closeSync, createWriteStream, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputSink } from '../src/cli.js';
import { parseSeconds, type Instant } from '../src/parse/perf-script.js';
import { main } from '../src/range/cli.js';
import { main as heatmapMain } from '../src/heatmap/cli.js';
import { absoluteWindow, RangeFilter, type TimeOrigin } from '../src/range/range.js';
import { planSeek, rangeBySeek, type SeekableFile, type SeekTuning } from '../src/range/seek.js';
import { gunzipSync } from 'node:zlib';
import { CONFORMANCE, HAVE_CONFORMANCE, ROOT, runMain } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flamekit-seek-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Small reads, so that a file of a few KiB takes many bisection steps. */
const SMALL: SeekTuning = { probe: 64, maxProbe: 1024, minGap: 96 };

/** What the sequential filter prints of `text`. */
function sequential(text: Buffer, begin: Instant, end: Instant, origin: TimeOrigin): Buffer {
  const f = new RangeFilter({ begin, end, origin });
  const parts: Buffer[] = [];
  f.push(text.toString('latin1'), (s, e) => parts.push(text.subarray(s, e)));
  return Buffer.concat(parts);
}

/** What the seek path prints of the file, or null when it declines (reads sequentially). */
async function seeking(path: string, size: number, begin: Instant, end: Instant, origin: TimeOrigin, tuning: SeekTuning, chunk: number) {
  const fd = openSync(path, 'r');
  try {
    const file: SeekableFile = { fd, base: 0, size, name: path, close: true };
    const plan = planSeek(file, (first) => absoluteWindow(begin, end, first, origin), tuning);
    if (plan === null) return null;
    const stream = new PassThrough();
    const got: Buffer[] = [];
    // Copied, as the OS copies what a write gives it: the middle's read Buffer is read into
    // again once the output is idle (every byte handed on).
    stream.on('data', (b: Buffer) => got.push(Buffer.from(b)));
    const out = new OutputSink(stream);
    await rangeBySeek(file, plan, new RangeFilter({ begin, end, origin, first: plan.first }), out, null, chunk);
    await out.end();
    return { out: Buffer.concat(got), plan };
  } finally {
    closeSync(fd);
  }
}

const at = (s: number): Instant => ({ sec: Math.floor(s), ns: Math.round((s - Math.floor(s)) * 1e9) });

/** A time-ordered profile: one sample per time, some with several frames, some lines around. */
function profile(times: number[], extras: { comment: boolean; hashInName: boolean; frames: number }[]): Buffer {
  let t = '';
  times.forEach((time, i) => {
    const x = extras[i % extras.length];
    const stamp = (1000 + time).toFixed(6);
    if (x.comment) t += '# a comment line\n';
    t += `worker ${100 + (i % 3)}/${200 + i} [00${i % 4}] ${stamp}: 10101 cpu-clock:\n`;
    for (let k = 0; k < x.frames; k++) t += `\t    4005${k}${i % 10} fn${k}${x.hashInName ? '#1' : ''}+0x1${k} (/usr/bin/app)\n`;
    if (x.comment && i % 2 === 0) t += '#inside a sample\n';
    t += '\n';
  });
  return Buffer.from(t, 'latin1');
}

describe('range-perf bisection (src/range/seek.ts)', () => {
  it('prints what the sequential filter prints, for any window of a time-ordered file', async () => {
    let seeks = 0;
    let copies = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        // Times in ms from a narrow range, so that many samples share a time, and windows
        // that often start or end exactly on one.
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 120 }),
        fc.array(fc.record({ comment: fc.boolean(), hashInName: fc.boolean(), frames: fc.integer({ min: 0, max: 6 }) }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: -5, max: 45 }),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom<TimeOrigin>('first-sample', 'first-second', 'raw'),
        fc.constantFrom(64, 300, 1 << 20),
        async (ms, extras, b, width, origin, chunk) => {
          const times = [...ms].sort((x, y) => x - y).map((v) => v / 1000);
          const text = profile(times, extras);
          const path = join(dir, `p${n++ % 4}.txt`);
          writeFileSync(path, text);
          const base = origin === 'raw' ? 1000 : 0;
          const begin = at(base + b / 1000);
          const end = at(base + (b + width) / 1000);
          const got = await seeking(path, text.length, begin, end, origin, SMALL, chunk);
          expect(got).not.toBeNull();
          if (got!.plan.from > 0) seeks++;
          if (got!.plan.copyTo > got!.plan.from) copies++;
          expect(got!.out.toString('latin1')).toBe(sequential(text, begin, end, origin).toString('latin1'));
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 200), seed: Number(process.env.FC_SEED ?? 20261121) },
    );
    // The property held where it matters: windows that were sought and middles copied.
    expect(seeks).toBeGreaterThan(20);
    expect(copies).toBeGreaterThan(20);
  });

  it('declines, and the tool reads sequentially, when a probe sees time go backwards', async () => {
    const times = Array.from({ length: 200 }, (_, i) => i / 10);
    // Two samples swapped in the middle: out of order.
    [times[100], times[101]] = [times[101], times[100]];
    const text = profile(times, [{ comment: false, hashInName: false, frames: 2 }]);
    const path = join(dir, 'backwards.txt');
    writeFileSync(path, text);
    const fd = openSync(path, 'r');
    const plan = planSeek({ fd, base: 0, size: text.length, name: path, close: true }, (f) => absoluteWindow(at(10), at(12), f, 'first-sample'), {
      probe: 4096,
      maxProbe: 4096,
      minGap: 96,
    });
    closeSync(fd);
    expect(plan).toBeNull();
    const byFile = await runMain(main, ['10', '12', path]);
    const byPipe = await runMain(main, ['10', '12'], text);
    expect(byFile.code).toBe(0);
    expect(byFile.stdout.equals(byPipe.stdout)).toBe(true);
  });

  it('declines on a file without timestamps, which then gets the usual error', async () => {
    const path = join(dir, 'untimed.txt');
    writeFileSync(path, 'java 19983 cycles:\n\t4005 f (/x)\n\n');
    const r = await runMain(main, ['0', '1', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no timestamps');
  });

  // range-perf.pl's own outputs, with probes and gaps small enough that these small files
  // are bisected and their middles copied (with the default sizes they are read whole).
  let confCopied = 0;
  const rangeCases = HAVE_CONFORMANCE && existsSync(join(CONFORMANCE, 'range')) ? readdirSync(join(CONFORMANCE, 'range')) : [];
  if (!HAVE_CONFORMANCE) console.log('range-seek: ../shared/conformance not found, its cases are skipped');
  it.skipIf(!HAVE_CONFORMANCE).each(rangeCases)('bisected: %s equals range-perf.pl', async (f) => {
    const m = /^(.*?)\.([\d.]+)-([\d.]+)(\.timezerosecs)?\.txt$/.exec(f)!;
    // Plain text: a .gz input is unpacked first (gzip is never bisected).
    const plain = join(CONFORMANCE, 'perf', `${m[1]}.txt`);
    const text = existsSync(plain) ? readFileSync(plain) : gunzipSync(readFileSync(`${plain}.gz`));
    const path = join(dir, `conf-${f}`);
    writeFileSync(path, text);
    const origin: TimeOrigin = m[4] ? 'first-second' : 'first-sample';
    const got = await seeking(path, text.length, parseSeconds(m[2])!, parseSeconds(m[3])!, origin, { probe: 256, maxProbe: 4096, minGap: 512 }, 1024);
    expect(got).not.toBeNull();
    if (got!.plan.copyTo > got!.plan.from) confCopied++;
    expect(got!.out.equals(readFileSync(join(CONFORMANCE, 'range', f)))).toBe(true);
  });
  it.skipIf(!HAVE_CONFORMANCE)('bisected the conformance cases for real: most had a middle copied unparsed', () => {
    expect(confCopied).toBeGreaterThan(rangeCases.length / 2);
  });

  describe('through the command line, on a file of a few MiB', () => {
    const times = Array.from({ length: 30000 }, (_, i) => i / 100); // 300 s at 100 Hz
    const text = profile(times, [
      { comment: false, hashInName: false, frames: 4 },
      { comment: true, hashInName: true, frames: 1 },
      { comment: false, hashInName: false, frames: 6 },
    ]);
    const path = join(dir, 'big.txt');
    writeFileSync(path, text);

    it.each([
      ['0', '1e9'],
      ['100', '110'],
      ['--timezerosecs', '299', '300'],
      ['--timeraw', '1150.5', '1150.5'],
      ['250.005', '250.015'],
      ['400', '500'],
    ])('%s %s %s: the same bytes as the sequential read of a pipe, after reading less', async (...args) => {
      const byFile = await runMain(main, [...args, path]);
      const byPipe = await runMain(main, args, text);
      expect(byFile.code).toBe(0);
      expect(byFile.stderr).toBe('');
      expect(byFile.stdout.toString('latin1')).toBe(byPipe.stdout.toString('latin1'));
      const begin = parseSeconds(args[args.length - 2])!;
      const end = parseSeconds(args[args.length - 1])!;
      const origin: TimeOrigin = args[0] === '--timezerosecs' ? 'first-second' : args[0] === '--timeraw' ? 'raw' : 'first-sample';
      const fd = openSync(path, 'r');
      const plan = planSeek({ fd, base: 0, size: text.length, name: path, close: true }, (f) => absoluteWindow(begin, end, f, origin));
      closeSync(fd);
      expect(plan).not.toBeNull();
      // Windows past the start are sought; wide ones are copied without parsing.
      if (args.includes('100') || args.includes('299')) expect(plan!.from).toBeGreaterThan(text.length / 4);
      if (args.includes('1e9')) expect(plan!.copyTo).toBeGreaterThan(text.length / 2);
    });

    it('reads stdin redirected from the file from where its offset is', async () => {
      // Skip the first 1000 samples by hand, then hand the open file to range-perf as stdin.
      const cut = text.indexOf('\n\n', 250000) + 2;
      const fd = openSync(path, 'r');
      readSync(fd, Buffer.alloc(cut), 0, cut, null);
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'range-perf.js'), '--timezerosecs', '150', '151'], { stdio: [fd, 'pipe', 'pipe'] });
      closeSync(fd);
      const out: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      const want = await runMain(main, ['--timezerosecs', '150', '151'], text.subarray(cut));
      expect(want.stdout.length).toBeGreaterThan(1000);
      expect(Buffer.concat(out).toString('latin1')).toBe(want.stdout.toString('latin1'));
    });
  });
});

describe('named pipes are read as streams, never opened to be looked at', () => {
  it.each([
    ['range-perf', ['0', '1e9']],
    ['heatmap-svg', ['--format', 'tsv']],
  ])('%s FIFO', async (tool, args) => {
    const fifo = join(dir, `fifo-${tool}`);
    execFileSync('mkfifo', [fifo]);
    const text = profile(
      Array.from({ length: 2000 }, (_, i) => i / 50),
      [{ comment: true, hashInName: false, frames: 3 }],
    );
    const child = spawn(process.execPath, [join(ROOT, 'bin', `${tool}.js`), ...args, fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    // The writer: a file opened on a FIFO waits for the reader; every byte must arrive.
    const w = createWriteStream(fifo);
    const written = new Promise<void>((resolve, reject) => {
      w.on('error', reject);
      w.end(text, () => resolve());
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    await written;
    expect(Buffer.concat(err).toString()).toBe('');
    expect(code).toBe(0);
    const want = await runMain(tool === 'range-perf' ? main : heatmapMain, args, text);
    expect(Buffer.concat(out).toString('latin1')).toBe(want.stdout.toString('latin1'));
  }, 20000);
});
