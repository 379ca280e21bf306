// Man pages and tool pages stay true to the code: every option a tool's --help lists is
// documented in docs/<tool>.md, and the build made a man page of it (dist/man/<tool>.1,
// from the same Markdown, by scripts/build-man.mjs) that names the option too.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, spawnBin } from './helpers.js';

const TOOLS = ['range-perf', 'stackcollapse', 'flamegraph-svg', 'heatmap-svg'];
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const haveMan = spawnSync('man', ['--version']).status === 0;

describe.each(TOOLS)('%s', (tool) => {
  it('documents every option of --help in docs/TOOL.md and in its man page', async () => {
    const help = await spawnBin(tool, ['--help']);
    expect(help.code).toBe(0);
    const options = [...new Set(help.stdout.toString('utf8').match(/--[a-z][a-z0-9-]*/g))];
    expect(options.length).toBeGreaterThan(3);
    const page = readFileSync(join(ROOT, 'docs', `${tool}.md`), 'utf8');
    const man = readFileSync(join(ROOT, 'dist', 'man', `${tool}.1`), 'utf8').replace(/\\-/g, '-');
    expect(options.filter((o) => !page.includes(o))).toEqual([]);
    expect(options.filter((o) => !man.includes(o))).toEqual([]);
  });

  it('has a man page listed in package.json, with its name, section and the version', () => {
    expect(pkg.man).toContain(`./dist/man/${tool}.1`);
    const man = readFileSync(join(ROOT, 'dist', 'man', `${tool}.1`), 'utf8');
    expect(man.startsWith(`.TH "${tool.toUpperCase().replace(/-/g, '\\-')}" "1" `), man.slice(0, 40)).toBe(true);
    expect(man).toContain(`"${pkg.version}" "flamekit"`);
    for (const sh of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'LIMITS AND GUARANTEES', 'EXIT STATUS', 'SEE ALSO']) expect(man).toMatch(new RegExp(`^\\.SH "?${sh}"?$`, 'm'));
  });

  it.skipIf(!haveMan)('renders with man(1)', () => {
    const r = spawnSync('man', ['-l', join(ROOT, 'dist', 'man', `${tool}.1`)], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^NAME\\n\\s+${tool}\\s+-\\s`, 'm'));
  });
});

it('the build writes the same man pages every time (no date of the day)', () => {
  const before = TOOLS.map((t) => readFileSync(join(ROOT, 'dist', 'man', `${t}.1`), 'utf8'));
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-man.mjs')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(TOOLS.map((t) => readFileSync(join(ROOT, 'dist', 'man', `${t}.1`), 'utf8'))).toEqual(before);
  expect(existsSync(join(ROOT, 'dist', 'man', 'range-perf.1'))).toBe(true);
});
