// Terminal manners (issue 14): colour on stderr only when it is wanted (a terminal, or
// FORCE_COLOR) and never with NO_COLOR; a progress line on long runs in every tool that
// reads profiles; -q in every tool; --help wrapped at the terminal's width.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colourLevel, type IO } from '../src/cli.js';
import { main as collapse } from '../src/collapse/cli.js';
import { main as flamegraph } from '../src/flamegraph/cli.js';
import { main as heatmap } from '../src/heatmap/cli.js';
import { main as range } from '../src/range/cli.js';
import { FIXTURES, ROOT, runMain } from './helpers.js';

const TOOLS = { 'range-perf': range, stackcollapse: collapse, 'flamegraph-svg': flamegraph, 'heatmap-svg': heatmap };
const DEMO = join(FIXTURES, 'demo', 'demo-profile.txt.gz');
const RECORDED = join(FIXTURES, 'perf', 'recorded-pthreads.txt');
const ESC = '\x1b[';

/** A stderr that says it is a terminal, and a stdout of `columns` columns. */
function terminalIO(env: Record<string, string>, opts: { tty?: boolean; columns?: number } = {}): { io: IO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stdout = Object.assign(new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) }), { isTTY: opts.columns !== undefined, columns: opts.columns });
  const stderr = Object.assign(new Writable({ write: (c, _e, cb) => ((err += c.toString()), cb()) }), { isTTY: opts.tty ?? true });
  const stdin = Object.assign(Readable.from([]), { isTTY: false });
  return { io: { stdin, stdout, stderr, env }, out: () => out, err: () => err };
}

describe('colourLevel', () => {
  it.each([
    [{}, false, 0],
    [{}, true, 1],
    [{ TERM: 'dumb' }, true, 0],
    [{ NO_COLOR: '1' }, true, 0],
    [{ NO_COLOR: '' }, true, 1], // empty means unset (no-color.org)
    [{ FORCE_COLOR: '1' }, false, 1],
    [{ FORCE_COLOR: '' }, false, 1],
    [{ FORCE_COLOR: 'true' }, false, 1],
    [{ FORCE_COLOR: '3' }, false, 3],
    [{ FORCE_COLOR: '0' }, true, 0],
    [{ FORCE_COLOR: 'false' }, true, 0],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, 0], // NO_COLOR wins
  ] as const)('env %j, stderr a terminal: %s -> level %i', (env, tty, level) => {
    expect(colourLevel(terminalIO({ ...env }, { tty }).io)).toBe(level);
  });
});

describe('colour on stderr', () => {
  it.each(Object.entries(TOOLS))('%s: FORCE_COLOR paints the error red and the name bold; NO_COLOR turns it off', async (_name, main) => {
    const args = ['--no-such-flag'];
    const coloured = await runMain(main, args, '', 0, { FORCE_COLOR: '1' });
    expect(coloured.code).toBe(2);
    expect(coloured.stderr).toContain(`${ESC}31munknown option '--no-such-flag'${ESC}39m`);
    expect(coloured.stderr).toMatch(new RegExp(`^\\x1b\\[1m${_name}:\\x1b\\[22m `));
    const plain = await runMain(main, args, '', 0, { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(plain.code).toBe(2);
    expect(plain.stderr).not.toContain('\x1b');
    expect(plain.stderr.startsWith(`${_name}: unknown option '--no-such-flag'\n`)).toBe(true);
  });

  it('a warning gets a yellow "warning:", on a terminal without FORCE_COLOR', async () => {
    const t = terminalIO({});
    expect(await range(['0', '1'], t.io)).toBe(0);
    expect(t.err()).toBe(`${ESC}1mrange-perf:${ESC}22m ${ESC}33mwarning:${ESC}39m no samples in input\n`);
  });

  it('no colour into a pipe or a file', async () => {
    const t = terminalIO({}, { tty: false });
    expect(await range(['0', '1'], t.io)).toBe(0);
    expect(t.err()).toBe('range-perf: warning: no samples in input\n');
  });

  const haveScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!haveScript)('through a real pseudo-terminal (script -qc): colour, and none with NO_COLOR', () => {
    const cmd = `${process.execPath} ${join(ROOT, 'bin', 'range-perf.js')} 20 10 ${RECORDED}`;
    const env = { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, TERM: 'xterm' } as NodeJS.ProcessEnv;
    delete env.FORCE_COLOR;
    delete env.NO_COLOR;
    const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env });
    expect(tty.status).toBe(2);
    expect(tty.stdout).toContain(`${ESC}31mSTART (20) is after END (10)`);
    const off = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
    expect(off.status).toBe(2);
    expect(off.stdout).toContain('range-perf: START (20) is after END (10)');
    expect(off.stdout).not.toContain('\x1b');
  });
});

describe('progress on long runs, in every tool that reads profiles', () => {
  // FLAMEKIT_PROGRESS_AFTER_MS=0: the line shows from the first chunk, so that no test
  // depends on how long a run takes.
  const env = { FLAMEKIT_PROGRESS_AFTER_MS: '0' };
  it.each([
    ['range-perf', range, ['0', '1e9', DEMO]],
    ['stackcollapse', collapse, [DEMO]],
    ['heatmap-svg', heatmap, ['--format', 'tsv', DEMO]],
  ] as const)('%s: a progress line on a terminal, wiped at the end; none with -q', async (name, main, args) => {
    const t = terminalIO(env);
    expect(await main([...args], t.io)).toBe(0);
    const err = t.err().replace(/\x1b\[[0-9;]*m/g, '');
    expect(err).toMatch(new RegExp(`\\r${name}: \\d+\\.\\d MB`));
    // Wiped: the last carriage return clears the line, and no progress is drawn after it.
    const tail = err.slice(err.lastIndexOf('\r'));
    expect(tail.startsWith('\r\x1b[K')).toBe(true);
    expect(tail).not.toMatch(/\d MB/);
    const q = terminalIO(env);
    expect(await main(['-q', ...args], q.io)).toBe(0);
    expect(q.err()).not.toContain('\r');
  });
});

describe('-q in every tool', () => {
  it.each(Object.keys(TOOLS))('%s --help lists -q, --quiet', async (name) => {
    const r = await runMain(TOOLS[name as keyof typeof TOOLS], ['--help']);
    expect(r.stdout.toString()).toMatch(/^ {2}-q, --quiet {2,}\S/m);
  });

  it('flamegraph-svg -q drops its warnings, not its errors', async () => {
    const input = 'a;b 1\nnot a line\n';
    const loud = await runMain(flamegraph, [], input);
    expect(loud.stderr).toContain('flamegraph-svg: warning: ignored 1 line with invalid format (first at stdin:2: "not a line")\n');
    const quiet = await runMain(flamegraph, ['-q'], input);
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
    expect(quiet.stdout.equals(loud.stdout)).toBe(true);
    const empty = await runMain(flamegraph, ['-q'], '');
    expect(empty).toMatchObject({ code: 1, stderr: 'flamegraph-svg: no stack counts found\n' });
  });
});

describe('--help wraps at the terminal width', () => {
  it.each(Object.keys(TOOLS).flatMap((n) => [60, 100, 160].map((w) => [n, w] as const)))('%s at %i columns: no line is longer', async (name, width) => {
    const t = terminalIO({}, { columns: width });
    expect(await TOOLS[name as keyof typeof TOOLS](['--help'], t.io)).toBe(0);
    const lines = t.out().split('\n');
    const options = lines.slice(lines.findIndex((l) => l === 'Options:'), lines.findIndex((l) => l.startsWith('Exit status')));
    expect(options.filter((l) => l.length > width)).toEqual([]);
  });

  it.each(Object.keys(TOOLS))('%s: descriptions carry no line breaks of their own (wide terminal: one line each)', async (name) => {
    const t = terminalIO({}, { columns: 2000 });
    expect(await TOOLS[name as keyof typeof TOOLS](['--help'], t.io)).toBe(0);
    const text = t.out();
    // The description under the usage line is one line, followed by a blank line.
    const [, description] = /^Usage: .*\n\n(.*)\n\n/.exec(text)!;
    expect(description.length).toBeGreaterThan(60);
    // Every option is one line: each line of the Options block starts a new option.
    const block = text.slice(text.indexOf('Options:\n') + 9).split('\n\n')[0];
    for (const line of block.split('\n')) expect(line, line).toMatch(/^ {2}(-\w, )?--?[a-zA-Z]/);
  });

  it('COLUMNS sets the width into a pipe', async () => {
    const r = await runMain(range, ['--help'], '', 0, { COLUMNS: '50' });
    const lines = r.stdout.toString().split('\n');
    const body = lines.slice(0, lines.findIndex((l) => l.startsWith('Exit status')));
    expect(body.filter((l) => l.length > 50)).toEqual([]);
  });
});
