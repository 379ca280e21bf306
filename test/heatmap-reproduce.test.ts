// The command heatmap-svg's page prints for a selection draws what the page draws: the
// same samples, idle ones left out as the page leaves them out (a grep stage with the idle
// pattern), --match/--exclude as grep stages. Checked at the shell, through the real
// binaries on PATH, against the heat map's own cells for the same seconds. heatmap-svg's
// SVG and cells are made in this process (runTool), once per input and flags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { FIXTURES, ROOT, runTool } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reproduce-'));
  // The four tools as commands, as `npm install -g .` puts them on PATH.
  for (const tool of ['range-perf', 'stackcollapse', 'flamegraph-svg', 'heatmap-svg']) {
    const f = join(dir, tool);
    writeFileSync(f, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin', `${tool}.js`)}" "$@"\n`);
    chmodSync(f, 0o755);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The page's reproduce parts, from the SVG's JSON block. */
function reproduce(svg: string): { collapseFlags: string; rangeFlags: string } {
  const m = /<script type="application\/json" id="heatmap-data"><!\[CDATA\[\n([\s\S]*?)\n\]\]><\/script>/.exec(svg);
  return JSON.parse(m![1]).reproduce;
}

/** Samples in the heat map's cells of seconds [from, to]. */
function cellSum(tsv: string, from: number, to: number): number {
  let n = 0;
  for (const line of tsv.split('\n')) {
    const f = line.split('\t');
    if (line.startsWith('#') || f.length !== 3) continue;
    if (Number(f[0]) >= from && Number(f[0]) <= to) n += Number(f[2]);
  }
  return n;
}

/** heatmap-svg's output for these arguments, made once for the file. */
const runs = new Map<string, Promise<{ code: number; stdout: Buffer; stderr: string }>>();
function heatmap(args: string[]) {
  const key = JSON.stringify(args);
  let r = runs.get(key);
  if (r === undefined) runs.set(key, (r = runTool('heatmap-svg', args)));
  return r;
}

async function check(file: string, args: string[], from: number, to: number): Promise<{ cells: number; idleGrep: boolean }> {
  const svg = await heatmap(['-q', ...args, file]);
  expect(svg.code, svg.stderr).toBe(0);
  const R = reproduce(svg.stdout.toString('utf8'));
  const tsv = await heatmap(['-q', '--format', 'tsv', ...args, file]);
  const cells = cellSum(tsv.stdout.toString(), from, to);
  // As the page prints it (page.ts, command()), without the last stage.
  const cmd = `range-perf --timezerosecs ${from} ${to}.999999999${R.rangeFlags} '${file}' | stackcollapse${R.collapseFlags}`;
  const sh = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, encoding: 'latin1' });
  // grep exits 1 when it keeps no line: that is an empty range, not a failure.
  expect(sh.status === 0 || (sh.status === 1 && sh.stdout === ''), sh.stderr).toBe(true);
  let folded = 0;
  for (const line of sh.stdout.trim().split('\n')) if (line) folded += Number(line.slice(line.lastIndexOf(' ') + 1));
  expect(folded, cmd).toBe(cells);
  return { cells, idleGrep: R.collapseFlags.includes('grep -v -E') };
}

describe('the printed command of a selection draws what the page draws', () => {
  it('leaves idle samples out as the page does (an idle profile recorded on a VM here)', async () => {
    const r = await check(join(FIXTURES, 'perf', 'idle-vm.txt'), [], 0, 1000);
    expect(r.idleGrep).toBe(true);
    expect(r.cells).toBeGreaterThan(0);
  });

  it('on the demo profile, for the band at 20-23 s and for the whole of it', async () => {
    const file = join(dir, 'demo.stacks');
    writeFileSync(file, gunzipSync(readFileSync(join(FIXTURES, 'demo', 'demo-profile.txt.gz'))));
    for (const [from, to] of [
      [20, 22],
      [0, 200],
    ]) {
      const r = await check(file, ['--rows', 'auto'], from, to);
      expect(r.idleGrep).toBe(true);
      expect(r.cells).toBeGreaterThan(0);
    }
  });

  it('with --match and --exclude too', async () => {
    const file = join(dir, 'demo2.stacks');
    writeFileSync(file, gunzipSync(readFileSync(join(FIXTURES, 'demo', 'demo-profile.txt.gz'))));
    const r = await check(file, ['--rows', 'auto', '--exclude', 'gzip'], 0, 200);
    expect(r.cells).toBeGreaterThan(0);
  });

  it('has no idle stage when nothing was left out as idle', async () => {
    const svg = await heatmap( ['-q', '--no-idle-filter', join(FIXTURES, 'perf', 'idle-vm.txt')]);
    expect(reproduce(svg.stdout.toString('utf8')).collapseFlags).toBe(' --weight samples');
  });
});
