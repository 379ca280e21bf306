// The tools' bundles (scripts/build-bundle.mjs) and how bin/ loads them (bin/load-bundle.js):
// each bundle gives the same output as the tool's ES modules, the code cache is taken by the
// node that built it, and a cache that does not match (another bundle's, garbage, other V8
// flags) is rejected by V8 and the tool still runs. No timing is asserted.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, spawnBin } from './helpers.js';

const BUNDLES = join(ROOT, 'dist', 'bundle');
const TOOLS = [
  ['range', 'range-perf'],
  ['collapse', 'stackcollapse'],
  ['flamegraph', 'flamegraph-svg'],
  ['heatmap', 'heatmap-svg'],
] as const;

/** Runs a script in a fresh node (no vitest flags, as a user's node) and returns its stdout, trimmed. */
function node(code: string, execArgv: string[] = []): string {
  const r = spawnSync(process.execPath, [...execArgv, '-e', code], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim();
}

/** What loadBundle reports for `path` with `cache`: "<typeof main> <cached>". */
function loadReport(path: string, cache: string, execArgv: string[] = []): string {
  return node(
    `const r = require('./bin/load-bundle.js').loadBundle(${JSON.stringify(path)}, ${JSON.stringify(cache)}); console.log(typeof r.exports.main, r.cached)`,
    execArgv,
  );
}

const tmp = mkdtempSync(join(tmpdir(), 'flamekit-bundle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the bundles npm run build makes', () => {
  it.each(TOOLS)('%s: a bundle and a code cache that this node takes', (stage) => {
    const path = join(BUNDLES, `${stage}.cjs`);
    expect(existsSync(path)).toBe(true);
    expect(loadReport(path, `${path}.cache`)).toBe('function true');
  });

  it('bin/run.js reads the bundle and its cache', () => {
    // Every file read through fs.readFileSync, written to fd 3 at the end.
    const code = `const fs = require('node:fs'); const seen = []; const orig = fs.readFileSync;
      fs.readFileSync = function (p, ...a) { seen.push(String(p)); return orig.call(this, p, ...a); };
      process.argv = [process.argv[0], 'stackcollapse', ${JSON.stringify(join(FIXTURES, 'perf', 'recorded-pthreads.txt'))}];
      process.on('exit', () => fs.writeSync(3, JSON.stringify(seen))); require('./bin/run.js').run('collapse');`;
    const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    expect(r.status).toBe(0);
    const seen: string[] = JSON.parse(String(r.output[3]));
    expect(seen).toContain(join(BUNDLES, 'collapse.cjs'));
    expect(seen).toContain(join(BUNDLES, 'collapse.cjs.cache'));
  });

  it.each([
    ['perf script, whole', 'stackcollapse', [join(FIXTURES, 'perf', 'recorded-pthreads.txt')]],
    ['a window', 'range-perf', ['0.2', '0.6', join(FIXTURES, 'perf', 'recorded-pthreads.txt')]],
    ['folded stacks', 'flamegraph-svg', [join(FIXTURES, 'flamegraph', 'simple.folded')]],
    ['a heat map', 'heatmap-svg', [join(FIXTURES, 'perf', 'recorded-pthreads.txt')]],
  ] as const)('%s: %s from its bundle writes what its ES modules write', async (_what, tool, args) => {
    const stage = TOOLS.find(([, t]) => t === tool)![0];
    const fromBin = await spawnBin(tool, [...args]);
    const direct = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(join(ROOT, 'dist', stage, 'cli.js'))}); process.exitCode = await main(process.argv.slice(1));`, '--', ...args],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(fromBin.code).toBe(direct.status);
    expect(fromBin.stderr).toBe(String(direct.stderr));
    expect(fromBin.stdout.length).toBeGreaterThan(0);
    expect(fromBin.stdout.equals(direct.stdout)).toBe(true);
  });
});

describe('a code cache that does not match fails safe', () => {
  const src = join(BUNDLES, 'range.cjs');
  const copy = join(tmp, 'range.cjs');
  copyFileSync(src, copy);

  it('garbage: rejected, and the tool still runs', () => {
    const bad = join(tmp, 'garbage.cache');
    writeFileSync(bad, Buffer.from('not a V8 code cache, not at all'.repeat(64)));
    expect(loadReport(copy, bad)).toBe('function false');
  });

  it("another bundle's cache: rejected", () => {
    expect(loadReport(copy, join(BUNDLES, 'collapse.cjs.cache'))).toBe('function false');
  });

  it('other V8 flags than the build had: rejected', () => {
    expect(loadReport(src, `${src}.cache`, ['--max-old-space-size=200'])).toBe('function false');
  });

  it('no cache file: compiled from the text', () => {
    expect(loadReport(copy, join(tmp, 'missing.cache'))).toBe('function false');
  });

  it('a truncated cache: rejected', () => {
    const cut = join(tmp, 'cut.cache');
    const whole = readFileSync(`${src}.cache`);
    writeFileSync(cut, whole.subarray(0, whole.length >> 1));
    expect(loadReport(copy, cut)).toBe('function false');
  });
});
