// Named outputs: flamegraph-svg --output-dir (one SVG per window file), and what Ctrl-C
// leaves behind when stackcollapse --per-window or flamegraph-svg --output-dir is
// interrupted: whole files only, no temporary ones.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, spawnBin } from './helpers.js';

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
      const alone = await spawnBin('flamegraph-svg', ['--colors', 'java', '--title', title, join(windows, n)]);
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

  it.each([
    [['--diff'], "flamegraph-svg: '--output-dir' does not go with '--diff'"],
    [[], "flamegraph-svg: '--output-dir' wants input files or directories"],
  ])('refuses %j', async (extra, msg) => {
    const r = await spawnBin('flamegraph-svg', ['--output-dir', tmp(), ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(msg);
  });
});

describe('Ctrl-C leaves whole files only', () => {
  let big = '';
  beforeAll(() => {
    big = join(tmp(), 'big.txt');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'gen-corpus.mjs'), '--mb', '40', '--seconds', '300', '--out', big], { stdio: 'ignore' });
  });

  /** Starts `tool args`, sends SIGINT once `ready()` holds, and waits for the exit. */
  function interrupt(tool: string, args: string[], ready: () => boolean): Promise<NodeJS.Signals | null> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', `${tool}.js`), ...args], { stdio: 'ignore' });
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
    const cut = tmp();
    const signal = await interrupt('stackcollapse', ['--per-window', '1s', '--output-dir', cut, big], () => existsSync(cut) && readdirSync(cut).length > 20);
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
    const cut = tmp();
    const signal = await interrupt('flamegraph-svg', ['--output-dir', cut, windows], () => existsSync(cut) && readdirSync(cut).length > 5);
    expect(signal).toBe('SIGINT');
    const left = readdirSync(cut);
    expect(left.filter((n) => !n.endsWith('.svg'))).toEqual([]);
    expect(left.length).toBeLessThan(readdirSync(full).length);
    for (const n of left) expect(readFileSync(join(cut, n)).equals(readFileSync(join(full, n)))).toBe(true);
  });
});
