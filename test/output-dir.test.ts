// Named outputs: flamegraph-svg --output-dir (one SVG per window file), and what Ctrl-C
// leaves behind when stackcollapse --per-window or flamegraph-svg --output-dir is
// interrupted: whole files only, no temporary ones.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, runTool, spawnBin } from './helpers.js';
import { DEFAULTS as CORPUS_DEFAULTS, generatePerf } from './gen/corpus.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'flamekit-out-'));
const recorded = join(FIXTURES, 'perf', 'recorded-pthreads-header.txt');

describe('flamegraph-svg --output-dir', () => {
  let windows = '';
  beforeAll(async () => {
    windows = tmp();
    const r = await spawnBin('stackcollapse', ['--per-window', '250ms', '--output-dir', windows, recorded]);
    expect(r.code).toBe(0);
  });

  it('draws each window file as flamegraph-svg draws it alone, with the window in the title', async () => {
    const out = tmp();
    const r = await spawnBin('flamegraph-svg', ['--output-dir', out, '--colors', 'java', windows]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const names = readdirSync(windows).filter((n) => n.endsWith('.folded'));
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(readdirSync(out).sort()).toEqual(names.map((n) => n.replace('.folded', '.svg')).sort());
    for (const n of names) {
      const start = Number(n.replace('.folded', ''));
      const fmt = (x: number) => String(Number(x.toFixed(9)));
      const title = `Flame Graph: ${fmt(start)} s to ${fmt(start + 0.25)} s`;
      // Drawn alone by flamegraph-svg's main() in this process: the same code, without a start-up per window.
      const alone = await runTool('flamegraph-svg', ['--colors', 'java', '--title', title, join(windows, n)]);
      expect(readFileSync(join(out, n.replace('.folded', '.svg'))).equals(alone.stdout)).toBe(true);
    }
  });

  it('says how many files were empty, and still draws them', async () => {
    const dir = tmp();
    writeFileSync(join(dir, '000001.000.folded'), 'a;b 3\n');
    writeFileSync(join(dir, '000002.000.folded'), '');
    const out = tmp();
    const r = await spawnBin('flamegraph-svg', ['--output-dir', out, dir]);
    expect(r).toMatchObject({ code: 0, stderr: 'flamegraph-svg: warning: 1 of 2 files were empty: drawn as graphs saying so\n' });
    expect(readFileSync(join(out, '000002.000.svg'), 'utf8')).toContain('ERROR');
    expect(readFileSync(join(out, '000001.000.svg'), 'utf8')).toContain('Flame Graph: 1 s to 2 s');
  });

  it('titles a window before the origin, whose name has a sign, with its window', async () => {
    // stackcollapse --per-window writes a window before the first sample's second (a late
    // sample from another CPU) as -000001.000.folded: read back with its sign.
    const dir = tmp();
    writeFileSync(join(dir, '-000001.000.folded'), 'a;b 3\n');
    writeFileSync(join(dir, '000000.000.folded'), 'a;c 2\n');
    writeFileSync(join(dir, '-000000.500.folded'), 'a;d 1\n');
    const out = tmp();
    const r = await spawnBin('flamegraph-svg', ['--output-dir', out, dir]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(join(out, '-000001.000.svg'), 'utf8')).toContain('Flame Graph: -1 s to -0.5 s');
    expect(readFileSync(join(out, '-000000.500.svg'), 'utf8')).toContain('Flame Graph: -0.5 s to 0 s');
    expect(readFileSync(join(out, '000000.000.svg'), 'utf8')).toContain('Flame Graph: 0 s to 0.5 s');
  });

  it.each([
    [['--diff'], "flamegraph-svg: '--output-dir' does not go with '--diff'"],
    [[], "flamegraph-svg: '--output-dir' wants input files or directories"],
  ])('refuses %j', async (extra, msg) => {
    const r = await runTool('flamegraph-svg', ['--output-dir', tmp(), ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(msg);
  });
});

describe('Ctrl-C leaves whole files only', () => {
  // No race with the tool's speed: each run is interrupted while it waits for input that
  // never comes (a pipe kept open, a FIFO nobody writes), once the files before that wait
  // are on disk. A finished run cannot happen, so fewer files than a full run is certain.
  let big = '';
  beforeAll(() => {
    big = join(tmp(), 'big.txt');
    generatePerf({ ...CORPUS_DEFAULTS, mb: 10, seconds: 300, out: big });
  });

  /** Starts `tool args` (stdin a pipe, fed `input`), sends SIGINT once `ready()` holds, and waits for the exit. */
  function interrupt(tool: string, args: string[], input: Buffer | null, ready: () => boolean): Promise<NodeJS.Signals | null> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', `${tool}.js`), ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
      child.stdin.on('error', () => {});
      // Never ended: the tool waits for more once it has read this.
      if (input) child.stdin.write(input);
      const timer = setInterval(() => {
        if (ready()) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 5);
      child.on('exit', (_code, signal) => {
        clearInterval(timer);
        resolve(signal);
      });
    });
  }

  it('stackcollapse --per-window', async () => {
    const full = tmp();
    execFileSync(process.execPath, [join(ROOT, 'bin', 'stackcollapse.js'), '--per-window', '1s', '--output-dir', full, big]);
    // The first half of the input on a pipe that stays open: windows of the first half are
    // written, and the run cannot end.
    const text = readFileSync(big);
    const half = text.subarray(0, text.indexOf('\n\n', text.length >> 1) + 2);
    const cut = tmp();
    const signal = await interrupt('stackcollapse', ['--per-window', '1s', '--output-dir', cut], half, () => existsSync(cut) && readdirSync(cut).length > 20);
    expect(signal).toBe('SIGINT');
    const left = readdirSync(cut);
    expect(left.filter((n) => !n.endsWith('.folded'))).toEqual([]);
    expect(left.length).toBeLessThan(readdirSync(full).length);
    for (const n of left) expect(readFileSync(join(cut, n)).equals(readFileSync(join(full, n)))).toBe(true);
  });

  it('flamegraph-svg --output-dir', async () => {
    const windows = tmp();
    execFileSync(process.execPath, [join(ROOT, 'bin', 'stackcollapse.js'), '--per-window', '1s', '--output-dir', windows, big]);
    const full = tmp();
    execFileSync(process.execPath, [join(ROOT, 'bin', 'flamegraph-svg.js'), '--output-dir', full, windows]);
    // The same windows, with a FIFO that no one writes sorted among them (not a window
    // name, so the titles stay those of the full run): drawing stops there.
    const names = readdirSync(windows).sort();
    const before = names.slice(0, 10);
    const mixed = tmp();
    for (const n of names) writeFileSync(join(mixed, n), readFileSync(join(windows, n)));
    execFileSync('mkfifo', [join(mixed, `${before[before.length - 1].replace(/\.folded$/, '')}x.folded`)]);
    const cut = tmp();
    const signal = await interrupt('flamegraph-svg', ['--output-dir', cut, mixed], null, () => before.every((n) => existsSync(join(cut, n.replace(/\.folded$/, '.svg')))));
    expect(signal).toBe('SIGINT');
    const left = readdirSync(cut);
    expect(left.filter((n) => !n.endsWith('.svg'))).toEqual([]);
    expect(left.length).toBeLessThan(readdirSync(full).length);
    for (const n of left) expect(readFileSync(join(cut, n)).equals(readFileSync(join(full, n)))).toBe(true);
  });
});
