// The fuzz harness (issue 16 item 7): mutates the fixtures (test/fuzz/mutate.ts), runs
// every tool with rotating option sets on each mutant, and checks the promises the tools
// make whatever the input:
// - exit codes 0, 1 or 2 only; no stack trace, no internal error;
// - no hang within a time limit, no running out of memory (each run is in a worker thread
//   with a memory limit; a run past the limit has its worker terminated);
// - SVGs are well-formed XML, namespaces included (test/xml-namespaces.ts);
// - range-perf passes bytes through exactly: its output is whole lines of its input, in
//   order, and the same from a file (read by bisection), stdin (read in order) and gzip;
// - the same folded output (and exit code) from a file, stdin and gzip;
// - counts that add up: the heat map's cells sum to its #samples line, and flamegraph-svg's
//   root frame is the sum of the folded counts it was given.
// Work must not grow with the time span between samples (a mangled timestamp far out):
// such a run that hangs is a finding like any other.
//
// Run: the short fixed-seed round is part of `npm test` (test/fuzz.test.ts); a long one is
//   FUZZ_MUTANTS=10000 npm run fuzz        (FUZZ_SEED=n for another seed)
// and mutants with findings are written to FUZZ_OUT (default: a temporary directory).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { mutate, Rng } from './mutate.js';
import { wellFormedProblem } from '../xml-namespaces.js';

export type Tool = 'range-perf' | 'stackcollapse' | 'flamegraph-svg' | 'heatmap-svg';
export const TOOLS: Tool[] = ['range-perf', 'stackcollapse', 'flamegraph-svg', 'heatmap-svg'];

export interface FuzzOptions {
  seed: number;
  mutants: number;
  /** A run that takes longer has hung. Default 20 s (a loaded 2-core machine is slow). */
  timeLimitMs?: number;
  /** Worker threads. Default 2. */
  workers?: number;
  /** Old-generation limit of a worker, in MB: past it, the run ran out of memory. Default 1024. */
  memoryMb?: number;
  /** Where mutants with findings are saved. Default: a temporary directory. */
  outDir?: string;
  log?: (line: string) => void;
}

export interface Finding {
  tool: Tool;
  args: string[];
  input: 'file' | 'stdin' | 'gzip';
  check: string;
  detail: string;
  mutant: number;
  seedFile: string;
  ops: string[];
  saved?: string;
}

export interface FuzzReport {
  seed: number;
  mutants: number;
  runs: Record<Tool, number>;
  findings: Finding[];
  /** Slowest run of each tool, in ms (printed, never asserted). */
  slowest: Record<Tool, number>;
  outDir: string;
}

interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  thrown: string | null;
  hang: boolean;
  crash: string | null;
  ms: number;
}

// --- the worker pool --------------------------------------------------------------------

interface Job {
  tool: Tool;
  args: string[];
  stdin: Buffer | null;
  resolve: (r: RunResult) => void;
}

class Pool {
  private idle: Worker[] = [];
  private queue: Job[] = [];
  private all = new Set<Worker>();
  private seq = 0;
  constructor(
    private readonly size: number,
    private readonly timeLimitMs: number,
    private readonly memoryMb: number,
  ) {
    for (let k = 0; k < size; k++) this.idle.push(this.spawn());
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./worker.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
      // The tools write only to the streams they are given; anything else is dropped.
      stdout: true,
      stderr: true,
    });
    w.stdout.resume();
    w.stderr.resume();
    w.unref();
    this.all.add(w);
    return w;
  }

  run(tool: Tool, args: string[], stdin: Buffer | null): Promise<RunResult> {
    return new Promise((resolve) => {
      this.queue.push({ tool, args, stdin, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.start(w, job);
    }
  }

  private start(w: Worker, job: Job): void {
    const id = ++this.seq;
    const t0 = performance.now();
    let settled = false;
    const finish = (r: Omit<RunResult, 'ms'>, healthy: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      if (healthy) this.idle.push(w);
      else {
        this.all.delete(w);
        void w.terminate();
        this.idle.push(this.spawn());
      }
      job.resolve({ ...r, ms: performance.now() - t0 });
      this.pump();
    };
    const empty = { code: null, stdout: Buffer.alloc(0), stderr: '', thrown: null };
    const onMessage = (m: { id: number; code: number; stdout: Uint8Array; stderr: string; thrown: string | null }) => {
      if (m.id !== id) return;
      finish({ code: m.code, stdout: Buffer.from(m.stdout.buffer, m.stdout.byteOffset, m.stdout.byteLength), stderr: m.stderr, thrown: m.thrown, hang: false, crash: null }, true);
    };
    const onError = (e: Error) => finish({ ...empty, hang: false, crash: `${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`.trim() }, false);
    const onExit = (code: number) => finish({ ...empty, hang: false, crash: `worker exited (${code})` }, false);
    const timer = setTimeout(() => finish({ ...empty, hang: true, crash: null }, false), this.timeLimitMs);
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage({ id, tool: job.tool, args: job.args, stdin: job.stdin });
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((w) => w.terminate()));
    this.all.clear();
  }
}

// --- seeds and option sets -------------------------------------------------------------

const FIXTURES = join(new URL('.', import.meta.url).pathname, '..', '..', 'fixtures');

interface Seed {
  name: string;
  bytes: Buffer;
  kind: 'perf' | 'folded';
}

function loadSeeds(): Seed[] {
  const out: Seed[] = [];
  for (const sub of ['perf', 'hostile', 'flamegraph']) {
    for (const f of readdirSync(join(FIXTURES, sub)).sort()) {
      const path = join(FIXTURES, sub, f);
      if (!statSync(path).isFile() || /\.(c|tsv|gz)$/.test(f)) continue;
      out.push({ name: `${sub}/${f}`, bytes: readFileSync(path), kind: /\.folded$/.test(f) ? 'folded' : 'perf' });
    }
  }
  return out;
}

const RANGE_SETS = [['0', '0.5'], ['--timezerosecs', '0.2', '1'], ['--timeraw', '0', '1e12'], ['--unsorted', '0', '0.3'], ['0', '1e9'], ['--', '-1', '0'], ['5.5', '9'], ['--timezerosecs', '20', '20.5'], ['--timeraw', '450', '460.1']];
const COLLAPSE_SETS = [[], ['--pid'], ['--tid', '--addrs'], ['--all', '--weight', 'samples'], ['--event-filter', 'cycles'], ['--kernel', '--jit']];
const HEATMAP_SETS = [[], ['--rows', '7', '--no-idle-filter'], ['--tid', '--enhanced', '--title', '<&>"'], ['--no-stacks'], ['--cells', 'png']];
const FLAMEGRAPH_SETS = [[], ['--inverted', '--hash'], ['--flamechart', '--colors', 'java'], ['--reverse', '--minwidth', '0', '--title', '<&>"', '--subtitle', ']]>'], ['--colors', 'mem', '--max-frames', '3', '--countname', 'B']];
const WINDOWS = ['1s', '250ms'];

/**
 * `copies` copies of a perf seed one after the other, each copy's timestamps 2 s after
 * the last copy's: a longer profile in time order, the seed's quirks repeated.
 */
function lengthen(seed: Seed, copies: number): Seed {
  const text = seed.bytes.toString('latin1');
  const parts: string[] = [];
  for (let k = 0; k < copies; k++) {
    parts.push(text.replace(/ (\d+)\.(\d+):/g, (_m, sec: string, frac: string) => ` ${Number(sec) + 2 * k}.${frac}:`));
    if (!text.endsWith('\n')) parts.push('\n');
  }
  return { name: `${seed.name} x${copies}`, bytes: Buffer.from(parts.join(''), 'latin1'), kind: seed.kind };
}

// --- checks -------------------------------------------------------------------------------

const STACK_LINE = /^\s+at .+:\d+(:\d+)?\)?$/m;

/** The header timestamps' span in seconds (a finding that hangs says it). */
export function timeSpan(text: string): number {
  let lo = Infinity;
  let hi = -Infinity;
  // Loose on purpose (no space needed after the colon): a mangled header's time counts too.
  for (const m of text.matchAll(/ (\d+)(?:\.(\d+))?:/g)) {
    const t = Number(m[1]);
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return hi >= lo ? hi - lo : 0;
}

/** Whether `out` is whole lines of `input`, in order (range-perf's output). */
export function wholeLinesInOrder(out: Buffer, input: Buffer): boolean {
  let pos = 0;
  let i = 0;
  while (i < out.length) {
    let nl = out.indexOf(10, i);
    nl = nl < 0 ? out.length : nl + 1;
    const line = out.subarray(i, nl);
    // Find this line at a line start of the input, from pos.
    // A last line without its line break must be the input's last line, unbroken too.
    const ok = (k: number) => (k === 0 || input[k - 1] === 10) && (line[line.length - 1] === 10 || k + line.length === input.length);
    let at = input.indexOf(line, pos);
    while (at >= 0 && !ok(at)) at = input.indexOf(line, at + 1);
    if (at < 0) return false;
    pos = at + line.length;
    i = nl;
  }
  return true;
}

export function sumFolded(out: Buffer): bigint {
  let sum = 0n;
  for (const line of out.toString('latin1').split('\n')) {
    const m = / (\d+)$/.exec(line);
    if (m) sum += BigInt(m[1]);
  }
  return sum;
}

// --- the run ------------------------------------------------------------------------------

export async function fuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const log = opts.log ?? (() => {});
  const timeLimitMs = opts.timeLimitMs ?? 20_000;
  const pool = new Pool(opts.workers ?? 2, timeLimitMs, opts.memoryMb ?? 1024);
  const work = mkdtempSync(join(tmpdir(), 'flamekit-fuzz-'));
  const outDir = opts.outDir ?? join(tmpdir(), `flamekit-fuzz-findings-${opts.seed}`);
  mkdirSync(outDir, { recursive: true });
  const seeds = loadSeeds();
  const runs = Object.fromEntries(TOOLS.map((t) => [t, 0])) as Record<Tool, number>;
  const slowest = Object.fromEntries(TOOLS.map((t) => [t, 0])) as Record<Tool, number>;
  const findings: Finding[] = [];
  const seen = new Set<string>();

  const fuzzOne = async (n: number) => {
    const rng = new Rng((opts.seed * 1_000_003 + n) >>> 0);
    let seed = seeds[rng.int(seeds.length)];
    const other = seeds[rng.int(seeds.length)];
    // One mutant in eight starts from a long profile (over 1 MB), so that range-perf's
    // bisection (regular files past its 512 KiB minimum gap) is what the file run uses.
    if (seed.kind === 'perf' && rng.int(8) === 0) seed = lengthen(seed, 12 + rng.int(20));
    const m = mutate(seed.bytes, other.bytes, rng);
    const bytes = m.bytes;
    const text = bytes.toString('latin1');
    const dir = join(work, `m${n}`);
    mkdirSync(dir);
    const file = join(dir, seed.kind === 'folded' ? 'in.folded' : 'in.txt');
    writeFileSync(file, bytes);
    const isGzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
    const gz = join(dir, 'in.gz');
    if (!isGzip) writeFileSync(gz, gzipSync(bytes));
    let savedAs: string | undefined;

    const report = (tool: Tool, args: string[], input: Finding['input'], check: string, detail: string) => {
      // A hang on a mutant whose timestamps span years is work growing with the span.
      if (check === 'hang') detail += ` (its timestamps span ${timeSpan(text).toExponential(1)} s)`;
      const f: Finding = { tool, args, input, check, detail: detail.slice(0, 300), mutant: n, seedFile: seed.name, ops: m.ops };
      if (savedAs === undefined) {
        savedAs = join(outDir, `mutant-${opts.seed}-${n}${seed.kind === 'folded' ? '.folded' : '.txt'}`);
        writeFileSync(savedAs, bytes);
      }
      f.saved = savedAs;
      findings.push(f);
      const key = `${tool} ${check}`;
      if (!seen.has(key)) {
        seen.add(key);
        log(`FINDING: ${tool} ${args.join(' ')} (${input}): ${check}: ${f.detail} [mutant ${n} of ${seed.name}: ${m.ops.join(', ')}; saved as ${savedAs}]`);
      }
    };

    /** Runs a tool and applies the checks every run gets. Null when it failed them. */
    const run = async (tool: Tool, args: string[], input: Finding['input'], stdin: Buffer | null): Promise<RunResult | null> => {
      runs[tool]++;
      const r = await pool.run(tool, args, stdin);
      if (r.ms > slowest[tool]) slowest[tool] = r.ms;
      if (r.hang) return report(tool, args, input, 'hang', `no exit within ${timeLimitMs} ms`), null;
      if (r.crash) return report(tool, args, input, 'crash', r.crash), null;
      if (r.thrown) return report(tool, args, input, 'main() threw', r.thrown), null;
      if (r.code !== 0 && r.code !== 1 && r.code !== 2) return report(tool, args, input, 'exit code', String(r.code)), null;
      if (STACK_LINE.test(r.stderr) || /internal error/.test(r.stderr)) return report(tool, args, input, 'internal error or stack trace', r.stderr), null;
      return r;
    };

    const svgCheck = (tool: Tool, args: string[], input: Finding['input'], r: RunResult) => {
      if (r.stdout.length === 0) {
        if (r.code === 0) report(tool, args, input, 'silent empty output', 'exit 0 and no SVG');
        return;
      }
      const problem = wellFormedProblem(r.stdout.toString('utf8'));
      if (problem) report(tool, args, input, 'SVG not well-formed', problem);
    };

    /** The same run on a file, stdin and gzip: the same exit code and stdout. */
    const threeWays = async (tool: Tool, args: string[], check?: (r: RunResult, input: Finding['input']) => void): Promise<RunResult | null> => {
      const a = await run(tool, [...args, file], 'file', null);
      const b = await run(tool, args, 'stdin', bytes);
      const c = isGzip ? null : await run(tool, [...args, gz], 'gzip', null);
      for (const [r, input] of [
        [a, 'file'],
        [b, 'stdin'],
        [c, 'gzip'],
      ] as const) {
        if (r === null) continue;
        check?.(r, input);
        if (a !== null && r !== a && (r.code !== a.code || !r.stdout.equals(a.stdout))) {
          report(tool, args, input, `differs from the file run`, `exit ${r.code} vs ${a.code}, ${r.stdout.length} vs ${a.stdout.length} bytes; stderr ${JSON.stringify(r.stderr.slice(0, 120))} vs ${JSON.stringify(a.stderr.slice(0, 120))}`);
        }
      }
      return a;
    };

    const pick = <T>(sets: T[]): T => sets[(n + rng.int(sets.length)) % sets.length];

    if (seed.kind === 'folded') {
      const args = pick(FLAMEGRAPH_SETS);
      await threeWays('flamegraph-svg', args, (r, input) => svgCheck('flamegraph-svg', args, input, r));
    } else {
      const rargs = pick(RANGE_SETS);
      await threeWays('range-perf', rargs, (r, input) => {
        if (!wholeLinesInOrder(r.stdout, isGzip ? Buffer.alloc(0) : bytes) && !isGzip) report('range-perf', rargs, input, 'not byte-exact', 'output is not whole lines of the input in order');
      });
      const cargs = pick(COLLAPSE_SETS);
      const folded = await threeWays('stackcollapse', cargs);
      // The folded output drawn: the root frame counts what the folded lines add up to.
      if (folded !== null && folded.code === 0 && folded.stdout.length > 0) {
        const fargs = pick(FLAMEGRAPH_SETS).filter((a) => a !== '--max-frames' && a !== '3');
        const fin = join(dir, 'collapsed.folded');
        writeFileSync(fin, folded.stdout);
        const r = await run('flamegraph-svg', [...fargs, fin], 'file', null);
        if (r !== null) {
          svgCheck('flamegraph-svg', fargs, 'file', r);
          const root = /<title>all \(([\d,]+) \w+, 100%\)<\/title>/.exec(r.stdout.toString('utf8'));
          const sum = sumFolded(folded.stdout);
          // Past 2^53 counts are doubles: rounded, and flamegraph-svg says so on stderr.
          const rounded = sum >= 2n ** 53n && r.stderr.includes('exceeds 2^53');
          const off = root === null ? 0n : BigInt(root[1].replace(/,/g, '')) - sum;
          if (root === null) report('flamegraph-svg', fargs, 'file', 'counts do not add up', `no root frame "all (N samples, 100%)"; the folded lines add up to ${sum}`);
          else if (rounded ? (off < 0n ? -off : off) > sum / 2n ** 40n : off !== 0n) {
            report('flamegraph-svg', fargs, 'file', 'counts do not add up', `root frame ${root[1]}, folded lines add up to ${sum}`);
          }
        }
      }
      const hargs = pick(HEATMAP_SETS);
      const h = await run('heatmap-svg', [...hargs, file], 'file', null);
      if (h !== null) svgCheck('heatmap-svg', hargs, 'file', h);
      await threeWays('heatmap-svg', ['--format', 'tsv'], (r, input) => {
        if (r.code !== 0) return;
        const t = r.stdout.toString('latin1');
        const samples = /^#samples\t(\d+)$/m.exec(t);
        let cells = 0;
        for (const line of t.split('\n')) {
          // Whole numbers only: a timestamp far out is printed in digits too, never 1e+26.
          const c = /^-?\d+\t\d+\t(\d+)$/.exec(line);
          if (!c && line !== '' && !line.startsWith('#')) report('heatmap-svg', ['--format', 'tsv'], input, 'malformed tsv', line.slice(0, 100));
          if (c) cells += Number(c[1]);
        }
        if (samples === null || Number(samples[1]) !== cells) report('heatmap-svg', ['--format', 'tsv'], input, 'counts do not add up', `cells add up to ${cells}, #samples says ${samples?.[1]}`);
      });
      const wdir = join(dir, 'windows');
      const wargs = ['--per-window', pick(WINDOWS), '--output-dir', wdir];
      await run('stackcollapse', [...wargs, file], 'file', null);
    }
    rmSync(dir, { recursive: true, force: true });
    if ((n + 1) % 100 === 0) log(`${n + 1} mutants, runs: ${TOOLS.map((t) => `${t} ${runs[t]}`).join(', ')}; ${findings.length} findings`);
  };

  try {
    // Two mutants at a time keep both workers busy.
    let next = 0;
    const lanes = Array.from({ length: opts.workers ?? 2 }, async () => {
      while (next < opts.mutants) await fuzzOne(next++);
    });
    await Promise.all(lanes);
  } finally {
    await pool.close();
    rmSync(work, { recursive: true, force: true, maxRetries: 2 });
  }
  return { seed: opts.seed, mutants: opts.mutants, runs, findings, slowest, outDir };
}
