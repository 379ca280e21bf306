// stackcollapse on several threads gives what it gives on one, byte for byte: the folded
// output, the counts, and the bad lines (with their line numbers). As inferno's
// test_collapse_multi does, every fixture and every conformance input is split into 2 and
// 5 pieces under each option set, collapsed and merged in this process (the pieces run
// through collapseInProcess, what a worker runs, without the worker): the same planner,
// splitter and merge as the tool, many inputs, no thread start-up each.
// Two cases run the real tool (bin/stackcollapse.js) with real worker threads, stdout and
// stderr compared.
//
// The worker threads run dist/collapse/worker.js: `npm test` builds first.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Collapser, type CollapseOptions } from '../src/collapse/collapse.js';
import { collapseInProcess, collapseThreaded, planThreads, readRangeBytes, splitFile } from '../src/collapse/parallel.js';
import { resolveInputs } from '../src/runtime/input.js';
import { CONFORMANCE, FIXTURES, HAVE_CONFORMANCE, ROOT, spawnBin } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'flamekit-workers-'));

/** A plain copy of a .gz input: threads need a file they can cut. */
function plain(path: string): string {
  if (!path.endsWith('.gz')) return path;
  const out = join(tmp, path.split('/').pop()!.replace(/\.gz$/, ''));
  if (!existsSync(out)) writeFileSync(out, gunzipSync(readFileSync(path)));
  return out;
}

const fixtureInputs = [
  ...readdirSync(join(FIXTURES, 'perf'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => join(FIXTURES, 'perf', f)),
  ...readdirSync(join(FIXTURES, 'hostile'))
    .filter((f) => /\.(txt|bin)$/.test(f))
    .map((f) => join(FIXTURES, 'hostile', f)),
];
/**
 * Three slices of ~100 KB of the bundled demo profile, each cut after a blank line: big
 * enough to be split into pieces, so that the equivalence below never holds trivially,
 * even in a clone without ../shared/conformance.
 */
function demoSlices(): string[] {
  const text = gunzipSync(readFileSync(join(FIXTURES, 'demo', 'demo-profile.txt.gz')));
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < 3; i++) {
    const cut = text.indexOf('\n\n', from + 100_000);
    if (cut < 0) break;
    const file = join(tmp, `demo-slice-${i}.txt`);
    writeFileSync(file, text.subarray(from, cut + 2));
    out.push(file);
    from = cut + 2;
  }
  return out;
}
const sliceInputs = demoSlices();

const conformanceInputs = HAVE_CONFORMANCE
  ? readdirSync(join(CONFORMANCE, 'perf')).map((f) => plain(join(CONFORMANCE, 'perf', f)))
  : [];

/** stackcollapse's flags, and the options they map to. */
const OPTION_SETS: [string[], CollapseOptions][] = [
  [[], {}],
  [['--tid'], { pid: true, tid: true }],
  [['--all', '--addrs'], { kernel: true, jit: true, addrs: true }],
  [['--pid', '--weight', 'samples'], { pid: true, weight: 'samples' }],
];

/** What a run gives: the folded bytes, the counts, and per kind of bad line its count and first place. */
interface Outcome {
  out: Buffer;
  stats: unknown;
  bad: string[];
}

function outcome(c: Collapser, bad: Map<string, { n: number; first: string }>): Outcome {
  const out = Buffer.concat([...c.foldedChunks(1 << 16)]);
  const { otherEvents, ...rest } = c.stats;
  return { out, stats: { ...rest, otherEvents: [...otherEvents], inexact: c.inexact, capped: c.capped }, bad: [...bad].map(([k, v]) => `${k}: ${v.n} (first at ${v.first})`) };
}

function tally(): [Map<string, { n: number; first: string }>, (reason: string, line: number, text: string, n?: number) => void] {
  const m = new Map<string, { n: number; first: string }>();
  return [
    m,
    (reason, line, text, n = 1) => {
      const k = m.get(reason);
      if (k) k.n += n;
      else m.set(reason, { n, first: `${line}: ${text}` });
    },
  ];
}

/** One thread, as stackcollapse --jobs 1 reads a file. */
function collapseOne(file: string, opts: CollapseOptions): Outcome {
  const [bad, add] = tally();
  const c = new Collapser(opts, (b) => add(b.reason, b.line, b.text));
  readRangeBytes(file, { start: 0, end: statSync(file).size }, (b) => c.pushBytes(b));
  c.endInput();
  return outcome(c, bad);
}

/** `jobs` pieces, as stackcollapse --jobs N plans, splits and merges them, in this process. */
async function collapseMany(file: string, opts: CollapseOptions, jobs: number): Promise<Outcome> {
  const plan = planThreads(resolveInputs([file]), jobs, opts);
  // No plan (an input that is not plain text, or whose event is undecided): one thread, as the tool does.
  if (plan === null) return collapseOne(file, opts);
  const [bad, add] = tally();
  const c = new Collapser({ ...opts, eventFilter: plan.event }, (b) => add(b.reason, b.line, b.text));
  const size = statSync(file).size;
  await collapseThreaded(
    c,
    file,
    size,
    plan,
    () => {},
    (r, lineBase) => {
      for (const [reason, n, line, text] of r.bad) add(reason, lineBase + line, text, n);
    },
    collapseInProcess,
  );
  return outcome(c, bad);
}

async function compareThreads(file: string, opts: CollapseOptions): Promise<void> {
  const one = collapseOne(file, opts);
  for (const jobs of [2, 5]) {
    const many = await collapseMany(file, opts, jobs);
    expect({ jobs, stats: many.stats, bad: many.bad }).toEqual({ jobs, stats: one.stats, bad: one.bad });
    expect(many.out.equals(one.out), `${jobs} pieces: output`).toBe(true);
  }
}

describe('stackcollapse --jobs N = --jobs 1', () => {
  it.each(fixtureInputs.flatMap((f) => OPTION_SETS.map(([flags, o]) => [f.slice(ROOT.length + 1), flags, o] as const)))('%s %j', async (file, _flags, opts) => {
    await compareThreads(join(ROOT, file), opts);
  });

  it.each(sliceInputs.flatMap((f) => OPTION_SETS.map(([flags, o]) => [f.split('/').pop()!, flags, f, o] as const)))('demo profile %s %j', async (_name, _flags, file, opts) => {
    await compareThreads(file, opts);
  });

  describe.skipIf(!HAVE_CONFORMANCE)('conformance inputs', () => {
    it.each(conformanceInputs.flatMap((f) => OPTION_SETS.map(([flags, o]) => [f.split('/').pop()!, flags, f, o] as const)))('%s %j', async (_name, _flags, file, opts) => {
      await compareThreads(file, opts);
    });
  });

  it('the real tool on real worker threads: a demo slice, every option set', async () => {
    for (const [flags] of OPTION_SETS) {
      const one = await spawnBin('stackcollapse', ['--jobs', '1', ...flags, sliceInputs[0]]);
      const many = await spawnBin('stackcollapse', ['--jobs', '2', ...flags, sliceInputs[0]]);
      expect({ flags, code: many.code, stderr: many.stderr }).toEqual({ flags, code: one.code, stderr: one.stderr });
      expect(many.stdout.equals(one.stdout), `${flags.join(' ')} stdout`).toBe(true);
    }
  });

  it('really cuts the inputs it is tested on', () => {
    // Otherwise the equivalence above would hold trivially.
    const big = [...fixtureInputs, ...sliceInputs, ...conformanceInputs].filter((f) => statSync(f).size > 30000);
    expect(big.length).toBeGreaterThan(3);
    for (const f of big) expect(splitFile(f, statSync(f).size, 3).length, f).toBeGreaterThan(1);
  });

  it('numbers bad lines and keeps "first event" across pieces', async () => {
    // Many samples of two events, with bad lines of two kinds scattered through the file:
    // a thread that missed the global first event, or counted lines from its own start,
    // would print another warning.
    let text = '# comment\n';
    for (let i = 0; i < 3000; i++) {
      const event = i % 3 === 0 ? 'instructions' : 'cycles';
      text += `prog ${100 + (i % 7)} [000] ${1000 + i}.000001: 1 ${i === 0 ? 'cycles' : event}:\n`;
      text += `\tffffffff8104f45a native_write_msr+0x4 ([kernel.kallsyms])\n\t400500 f${i % 50} (/bin/prog)\n`;
      if (i % 997 === 5) text += 'this is not perf output\n';
      if (i % 1499 === 7) text += '\t\n\t400500 orphan (/bin/prog)\n';
      text += '\n';
    }
    const file = join(tmp, 'events.txt');
    writeFileSync(file, text);
    expect(splitFile(file, statSync(file).size, 7).length).toBe(7);
    const one = await spawnBin('stackcollapse', ['--jobs', '1', file]);
    expect(one.stderr).toMatch(/ignored 4 lines: not a frame line \(first at .*events.txt:25: "this is not perf output"\)/);
    expect(one.stderr).toMatch(/ignored 2 lines: frame line outside a sample \(first at .*events.txt:35: /);
    expect(one.stderr).toMatch(/kept events of type cycles; left out 999 samples of other types \(instructions\)/);
    for (const jobs of ['2', '7']) {
      const many = await spawnBin('stackcollapse', ['--jobs', jobs, file]);
      expect(many.stderr).toBe(one.stderr);
      expect(many.stdout.equals(one.stdout)).toBe(true);
    }
  });
});
