// The real binaries, spawned: file against stdin, --help, a bad flag, a closed pipe, and
// the classic pipeline range-perf | stackcollapse.
import { readdirSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, spawnBin } from './helpers.js';

const recorded = join(FIXTURES, 'perf', 'recorded-pthreads-header.txt');

describe.each(['range-perf', 'stackcollapse'])('%s binary', (tool) => {
  const args = tool === 'range-perf' ? ['0', '1e9'] : [];

  it('gives the same output for a file argument and for stdin', async () => {
    const a = await spawnBin(tool, [...args, recorded]);
    const b = await spawnBin(tool, args, readFileSync(recorded));
    const c = await spawnBin(tool, [...args, '-'], readFileSync(recorded));
    expect(a.code).toBe(0);
    expect(a.stdout.length).toBeGreaterThan(300);
    expect(b.stdout.equals(a.stdout)).toBe(true);
    expect(c.stdout.equals(a.stdout)).toBe(true);
  });

  it('prints --help on stdout, with the exit codes, and exits 0', async () => {
    const r = await spawnBin(tool, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain(`Usage: ${tool} [options]`);
    expect(r.stdout.toString()).toContain('Exit status:');
    expect(r.stderr).toBe('');
  });

  it('exits 2 on a bad flag, with no stack trace', async () => {
    const r = await spawnBin(tool, ['--no-such-flag', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${tool}: unknown option '--no-such-flag'\\nusage: ${tool} `));
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('exits 0 quietly when the reader closes the pipe early', async () => {
    // A big input, so that the tool is still writing when the reader goes away.
    const big = Buffer.concat(Array.from({ length: 40 }, () => readFileSync(recorded)));
    const r = await spawnBin(tool, [...args, ...(tool === 'stackcollapse' ? ['--tid', '--addrs'] : [])], big, { closeStdoutAfter: 1 });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});

it('range-perf | stackcollapse through the real binaries equals stackcollapse on the same window', async () => {
  const pipeline = await new Promise<string>((resolve, reject) => {
    const a = spawn(process.execPath, [join(ROOT, 'bin/range-perf.js'), '--timezerosecs', '0.5', '0.9', recorded]);
    const b = spawn(process.execPath, [join(ROOT, 'bin/stackcollapse.js'), '--tid']);
    a.stdout.pipe(b.stdin);
    let out = '';
    b.stdout.on('data', (c) => (out += c.toString('latin1')));
    b.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
  });
  // The same window cut by hand from the file: samples whose time - floor(first) is in [0.5, 0.9].
  const text = readFileSync(recorded, 'latin1');
  const blocks = text.split('\n\n').filter((b) => /\d+\.\d+:/.test(b));
  const t0 = Math.floor(Number(/ (\d+\.\d+):/.exec(blocks[0])![1]));
  const kept = blocks.filter((b) => {
    const t = Number(/ (\d+\.\d+):/.exec(b)![1]) - t0;
    return t >= 0.5 && t <= 0.9;
  });
  expect(kept.length).toBeGreaterThan(10);
  const direct = await spawnBin('stackcollapse', ['--tid'], kept.map((b) => b.replace(/^#.*\n/gm, '')).join('\n\n') + '\n');
  expect(pipeline).toBe(direct.stdout.toString('latin1'));
});

describe('the bin shims run as executables, through their #! line', () => {
  it.each(['range-perf', 'stackcollapse', 'flamegraph-svg', 'heatmap-svg'])('%s --version', async (tool) => {
    const bin = join(ROOT, 'bin', `${tool}.js`);
    // A plain `env node`: BusyBox's env has no -S for flags (see bin/run.js).
    expect(readFileSync(bin, 'latin1')).toMatch(/^#!\/usr\/bin\/env node\n/);
    const child = spawn(bin, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(Buffer.concat(err).toString()).toBe('');
    expect(code).toBe(0);
    expect(Buffer.concat(out).toString()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('heatmap-svg runs in one node process (bin/run.js starts no second one)', () => {
  const childPids = (pid: number): number[] =>
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
        } catch {
          return false;
        }
      })
      .map(Number);
  const childrenOf = (pid: number): string[] =>
    childPids(pid).flatMap((k) => {
      try {
        return [readFileSync(`/proc/${k}/cmdline`, 'latin1').split('\0').join(' ')];
      } catch {
        return [];
      }
    });

  it.skipIf(process.platform !== 'linux')('no child node while it reads, and its exit status is the tool\'s', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'heatmap-svg.js'), '--format', 'tsv'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    // While stdin stays open, the tool waits: look at its process tree then (node's own
    // threads are not processes; a second node would be).
    await new Promise((r) => setTimeout(r, 1000));
    expect(childrenOf(child.pid!)).toEqual([]);
    child.stdin.end(readFileSync(recorded));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(Buffer.concat(out).toString()).toMatch(/^#origin\t/);
    const bad = await spawnBin('heatmap-svg', ['--rows', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^heatmap-svg: /);
  });
});
