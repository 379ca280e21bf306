// Every command in README.md runs here, in order, as a user would type it: each ```sh block
// is run by bash (with -e and pipefail) in one temporary folder, with the four tools on PATH
// (this clone's bin/) and a stand-in `perf` (`perf record` does nothing, `perf script`
// prints the bundled demo profile). The quick-start block (```, not ```sh) is what CI runs
// itself; its `npm run demo` is run here as scripts/demo.mjs into a temporary folder.
// The README's claims about the demo profile's numbers are checked against the tools.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const TOOLS = ['range-perf', 'stackcollapse', 'flamegraph-svg', 'heatmap-svg'];

/** The ```sh blocks of a Markdown text, in order. */
export function shellBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const re = /^```sh\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) blocks.push(m[1]);
  return blocks;
}

/** Files a block writes with `> FILE`, and folders it fills with `--output-dir DIR`. */
function targets(block: string): { files: string[]; dirs: string[] } {
  const files = [...block.matchAll(/(?<![0-9&])>\s*([^\s|;&]+)/g)].map((m) => m[1]);
  const dirs = [...block.matchAll(/--output-dir\s+([^\s|;&]+)/g)].map((m) => m[1]);
  return { files, dirs };
}

const work = mkdtempSync(join(tmpdir(), 'flamekit-readme-'));
const binDir = join(work, '.bin');
mkdirSync(binDir);
for (const t of TOOLS) {
  writeFileSync(join(binDir, t), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin', `${t}.js`)}" "$@"\n`);
  chmodSync(join(binDir, t), 0o755);
}
const demo = join(ROOT, 'fixtures', 'demo', 'demo-profile.txt.gz');
writeFileSync(join(binDir, 'perf'), `#!/bin/sh\ncase "$1" in\n  record) exit 0 ;;\n  script) exec gzip -dc "${demo}" ;;\n  *) echo "perf stand-in: $1 not known" >&2; exit 1 ;;\nesac\n`);
chmodSync(join(binDir, 'perf'), 0o755);
symlinkSync(join(ROOT, 'fixtures'), join(work, 'fixtures'));

function bash(script: string) {
  return spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], {
    cwd: work,
    env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
}

describe('README.md', () => {
  const blocks = shellBlocks(README);

  it('has the two quick-start commands and stays a guide (at most ~300 lines)', () => {
    expect(README).toContain('npm install && npm run demo');
    expect(README).toContain('npm test');
    expect(README.split('\n').length).toBeLessThanOrEqual(310);
    expect(blocks.length).toBeGreaterThan(5);
  });

  it('has no headline that only fits one kind of profile', () => {
    expect(README).not.toMatch(/grep -v cpu_idle/);
  });

  // Sequential: later blocks read what earlier ones wrote (out.stacks, windows/).
  it.each(blocks.map((b, i) => [i + 1, b.split('\n')[0], b] as const))('block %i runs: %s', (_i, _first, block) => {
    const r = bash(block);
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    expect(r.stderr).not.toMatch(/error|internal/i);
    const { files, dirs } = targets(block);
    for (const t of files) {
      // As the shell names it: `host-$(hostname).folded`.
      const f = bash(`printf '%s' ${t}`).stdout;
      const p = join(work, f);
      expect(existsSync(p), `${f} written`).toBe(true);
      expect(statSync(p).size, `${f} not empty`).toBeGreaterThan(0);
      if (f.endsWith('.svg')) expect(readFileSync(p, 'utf8').trimEnd().endsWith('</svg>'), `${f} is a whole SVG`).toBe(true);
    }
    for (const d of dirs) expect(readdirSync(join(work, d)).length, `${d} filled`).toBeGreaterThan(0);
  }, 180_000);

  it('tells the truth about the demo profile: periods against samples', () => {
    const m = /`all \(([\d,]+) samples\)` for its ([\d,]+) samples/.exec(README);
    expect(m, 'the README quotes both totals').not.toBeNull();
    const period = readFileSync(join(work, 'cpu-period.svg'), 'utf8');
    const samples = readFileSync(join(work, 'cpu.svg'), 'utf8');
    expect(period).toContain(`all (${m![1]} period`);
    expect(samples).toContain(`all (${m![2]} samples`);
  });

  it('tells the truth about the walkthrough: the 20-23 s band is gzip, and the per-second files are named as it says', () => {
    expect(readFileSync(join(work, 'spike.svg'), 'utf8')).toMatch(/<title>gzip \(/);
    expect(README).toContain('windows/000020.000.folded');
    expect(existsSync(join(work, 'windows', '000020.000.folded'))).toBe(true);
    expect(readFileSync(join(work, 'svg', '000020.000.svg'), 'utf8')).toContain('Flame Graph: 20 s to 21 s');
  });

  it('npm run demo: the demo script writes what it lists', () => {
    const out = join(work, 'demo-out');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'demo.mjs'), '--out', out], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    const listed = [...r.stdout.matchAll(/^\s+(\S+\.(?:svg|folded|stacks))\s/gm)].map((x) => x[1]);
    expect(listed.length).toBeGreaterThan(3);
    for (const f of listed) expect(statSync(join(work, f)).size, f).toBeGreaterThan(0);
  }, 180_000);
});
