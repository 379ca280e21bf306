// Runs the real bin/flamegraph-svg.js (built into dist/ by `npm test`): file against stdin,
// --help, a bad flag, a reader that closes the pipe early, and --cp's palette.map in the cwd.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'flamegraph-svg.js');
const built = existsSync(join(ROOT, 'dist', 'flamegraph', 'cli.js'));
if (!built) console.warn('flamegraph-svg bin tests skipped: dist/ is not built (run npm run build)');
const FIXTURE = join(ROOT, 'fixtures', 'flamegraph', 'simple.folded');

function bin(args: string[], opts: { input?: string | Buffer; cwd?: string } = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { input: opts.input ?? '', cwd: opts.cwd ?? ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
}

describe.skipIf(!built)('bin/flamegraph-svg.js', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'flamegraph-bin-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes the same SVG from a file argument and from stdin', () => {
    const fromFile = bin([FIXTURE]);
    const fromStdin = bin([], { input: readFileSync(FIXTURE) });
    expect(fromFile.status).toBe(0);
    expect(fromFile.stdout.startsWith('<?xml version="1.0" standalone="no"?>\n<svg ')).toBe(true);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
    expect(fromStdin.status).toBe(0);
  });

  it('--help prints usage and the exit codes, exit 0', () => {
    const r = bin(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: flamegraph-svg \[options\] \[file \.\.\.\]/);
    expect(r.stdout).toContain('2  usage error');
  });

  it('a bad flag exits 2 with the usage line on stderr and nothing on stdout', () => {
    const r = bin(['--colours', 'hot', FIXTURE]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "flamegraph-svg: unknown option '--colours'\n(Did you mean --colors?)\nUsage: flamegraph-svg [options] [file ...]\nTry 'flamegraph-svg --help' for more information.\n",
    );
  });

  it('exits 0, quietly, when the reader closes the pipe early', async () => {
    // A big graph (about 3 MB of SVG), read for 100 bytes only.
    const big = Array.from({ length: 20000 }, (_, i) => `app;mod${i % 50};fn${i} ${1 + (i % 7)}`).join('\n') + '\n';
    const input = join(tmp, 'big.folded');
    writeFileSync(input, big);
    const child = spawn(process.execPath, [BIN, '--minwidth', '0', '--max-frames', '0', input], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  it('--help into a closed pipe exits 0 without a stack trace', async () => {
    const child = spawn(process.execPath, [BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // closed before the child starts writing
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('--cp reads and writes palette.map in the current directory', () => {
    writeFileSync(join(tmp, 'palette.map'), 'main->rgb(1,2,3)\n');
    const r = bin(['--cp', FIXTURE], { cwd: tmp });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('<title>main (15 samples, 71.43%)</title><rect x="347.1" y="517" width="842.9" height="15.0" fill="rgb(1,2,3)"/>');
    const map = readFileSync(join(tmp, 'palette.map'), 'utf8');
    expect(map.split('\n')[0]).toBe('->rgb(213,39,9)');
    expect(map).toContain('main->rgb(1,2,3)\n');
    expect(map).toContain('start_kernel_[k]->');
    // A second run reads the map back: same colours, same bytes.
    expect(bin(['--cp', FIXTURE], { cwd: tmp }).stdout).toBe(r.stdout);
  });
});
