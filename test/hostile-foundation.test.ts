// The hostile-input corpus (test/gen/hostile.ts) through range-perf and stackcollapse:
// for every case, the exit code, the exact stderr, and the output.
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main as collapse } from '../src/collapse/cli.js';
import { main as range } from '../src/range/cli.js';
import { smallCases } from './gen/hostile.js';
import { AS_NOBODY, FIXTURES, NOBODY_CAN_RUN, ROOT, runMain } from './helpers.js';

const DIR = join(FIXTURES, 'hostile');
/** The large cases, made once per run by test/global-setup.ts (not in the source tree). */
const LARGE = inject('hostileLarge');
const file = (name: string) => join(DIR, name);

beforeAll(() => {
  // The committed small cases are what test/gen/hostile.ts makes.
  for (const [name, bytes] of Object.entries(smallCases())) expect(readFileSync(join(DIR, name)).equals(bytes), name).toBe(true);
});

interface Want {
  code: number;
  stderr: string;
  /** The exact output (latin1), or a check of it. */
  out: string | ((out: Buffer) => void);
}

const GOOD2 = 'app;main;leaf 2\n';
// stackcollapse on each case (by its path, so messages name the file).
const collapseCases: Record<string, (f: string) => Want> = {
  'empty.txt': () => ({ code: 0, stderr: 'stackcollapse: warning: no samples in input\n', out: '' }),
  'only-comments.txt': () => ({ code: 0, stderr: 'stackcollapse: warning: no samples in input\n', out: '' }),
  'binary-garbage.bin': (f) => ({
    code: 1,
    stderr: expect.stringMatching(
      new RegExp(`^stackcollapse: warning: ignored \\d+ lines: not a perf script line \\(first at ${f}:1: ".*"\\)\\nstackcollapse: no samples found: is this perf script output\\?\\n$`),
    ) as unknown as string,
    out: '',
  }),
  'nul-bytes.txt': () => ({ code: 0, stderr: '', out: 'app\0;le\0af 1\napp;main;leaf 2\n' }),
  'truncated-last-line.txt': (f) => ({
    code: 0,
    stderr: `stackcollapse: warning: ignored 1 line: not a frame line (first at ${f}:6: "\\t    400100 leaf (/usr/bi")\n`,
    out: 'app 1\napp;main;leaf 1\n',
  }),
  'crlf.txt': () => ({ code: 0, stderr: '', out: GOOD2 }),
  'mixed-line-endings.txt': () => ({ code: 0, stderr: '', out: 'app;main;leaf 3\n' }),
  'invalid-utf8.txt': () => ({ code: 0, stderr: '', out: 'app;main;bad_\xff\xfe_\xc3 1\n' }),
  'latin1-names.txt': () => ({ code: 0, stderr: '', out: 'caf\xe9;main;na\xefve_r\xe9sum\xe9 1\n' }),
  'markup-names.txt': () => ({
    code: 0,
    stderr: '',
    out: (out) => {
      const text = out.toString('latin1');
      // Names pass through as data (folded text is not markup); only ';' and quotes change.
      expect(text).toContain('app;main;</script><script>alert1</script> 1\n');
      expect(text).toContain('app;main;]]> 1\n');
      expect(text).toContain('app;main;&nbsp: 1\n');
      expect(text).toContain('app;main;- 1\n');
      expect(text).toContain('app;main;ctl\x01\x1b[31m\x7f 1\n');
      expect(text.split('\n').filter(Boolean)).toHaveLength(9);
    },
  }),
  'time-backwards.txt': () => ({ code: 0, stderr: '', out: 'app;main;leaf 5\n' }),
  'time-missing.txt': () => ({ code: 0, stderr: '', out: 'app;leaf 1\napp;main;leaf 2\n' }),
  'time-9-decimals.txt': () => ({ code: 0, stderr: '', out: 'app;main;leaf 3\n' }),
  'period-64bit.txt': () => ({
    code: 0,
    stderr: 'stackcollapse: warning: some counts exceed 2^53 and are rounded to 53 significant bits; consider --weight samples\n',
    out: 'app;big 18455751272964292608\n',
  }),
  'truncated.txt.gz': (f) => ({ code: 1, stderr: `stackcollapse: ${f}: truncated gzip input (unexpected end of file)\n`, out: '' }),
  // Added with the SVG tools' cases (test/hostile-svg.test.ts): names pass through as bytes.
  'xml-invalid-chars.txt': () => ({ code: 0, stderr: '', out: 'app;main;surrogate\xed\xa0\x80;ctl\x01\x0b\x0c\x1b;nonchar\xef\xbf\xbe 1\n' }),
  'idle-other-untimed.txt': () => ({
    code: 0,
    stderr: 'stackcollapse: warning: kept events of type cycles; left out 1 sample of other types (instructions); choose with --event-filter\n',
    // The sample without a timestamp is a sample to stackcollapse, which needs no time.
    out: 'app;leaf 1\napp;main;leaf 2\nswapper;cpu_idle;default_idle 1\n',
  }),
};

// range-perf 0 100 (relative to the first sample) on each case.
const rangeCases: Record<string, (f: string, input: Buffer) => Want> = {
  'empty.txt': () => ({ code: 0, stderr: 'range-perf: warning: no samples in input\n', out: '' }),
  'only-comments.txt': () => ({ code: 0, stderr: 'range-perf: warning: no samples in input\n', out: '' }),
  'binary-garbage.bin': () => ({ code: 1, stderr: 'range-perf: no perf script samples found in the input\n', out: '' }),
  'nul-bytes.txt': (_f, input) => ({ code: 0, stderr: '', out: input.toString('latin1') }),
  'truncated-last-line.txt': (_f, input) => ({ code: 0, stderr: '', out: input.toString('latin1') }),
  'crlf.txt': (_f, input) => ({ code: 0, stderr: '', out: input.toString('latin1') }),
  'mixed-line-endings.txt': (_f, input) => ({ code: 0, stderr: '', out: input.toString('latin1') }),
  'invalid-utf8.txt': (_f, input) => ({ code: 0, stderr: '', out: input.toString('latin1') }),
  'latin1-names.txt': (_f, input) => ({ code: 0, stderr: '', out: input.toString('latin1') }),
  'markup-names.txt': (_f, input) => ({ code: 0, stderr: '', out: input.toString('latin1') }),
  // In time order until 9.0 (4 s after the first sample at 5.0, within 100 s); the samples at
  // 3.0 come after the start and are kept, as range-perf.pl keeps them.
  'time-backwards.txt': (_f, input) => ({ code: 0, stderr: '', out: input.toString('latin1') }),
  'time-missing.txt': (_f, input) => ({ code: 0, stderr: '', out: input.toString('latin1') }),
  'time-9-decimals.txt': (_f, input) => ({ code: 0, stderr: '', out: input.toString('latin1') }),
  'period-64bit.txt': (_f, input) => ({ code: 0, stderr: '', out: input.toString('latin1') }),
  'truncated.txt.gz': (f) => ({
    code: 1,
    stderr: `range-perf: ${f}: truncated gzip input (unexpected end of file)\n`,
    out: (out) => expect(out.length).toBeLessThan(40000),
  }),
  'xml-invalid-chars.txt': (_f, input) => ({ code: 0, stderr: '', out: input.toString('latin1') }),
  'idle-other-untimed.txt': (_f, input) => ({ code: 0, stderr: '', out: input.toString('latin1') }),
};

function check(r: { code: number; stdout: Buffer; stderr: string }, want: Want) {
  expect(r.code).toBe(want.code);
  expect(r.stderr).toEqual(want.stderr);
  if (typeof want.out === 'string') expect(r.stdout.toString('latin1')).toBe(want.out);
  else want.out(r.stdout);
}

describe('stackcollapse on hostile input', () => {
  it('has a case for every small corpus file', () => {
    const names = Object.keys(smallCases()).filter((n) => !n.endsWith('.folded'));
    expect(Object.keys(collapseCases).sort()).toEqual(names.sort());
  });
  it.each(Object.keys(collapseCases))('%s', async (name) => {
    const f = file(name);
    check(await runMain(collapse, [f], ''), collapseCases[name](f));
  });
  it('a 10 MB line', async () => {
    const r = await runMain(collapse, [join(LARGE, 'long-line-10mb.txt')], '');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.toString('latin1').split('\n');
    expect(lines[0]).toBe('app;main;leaf 2');
    expect(lines[1]).toBe(`app;${'x'.repeat(10 << 20)} 1`);
  });
  it('a stack 10,000 frames deep', async () => {
    const r = await runMain(collapse, [join(LARGE, 'deep-10000.txt')], '');
    expect(r.code).toBe(0);
    const deep = r.stdout.toString('latin1').split('\n')[0];
    expect(deep.split(';')).toHaveLength(10001);
    expect(deep.startsWith('app;f9999;f9998;')).toBe(true);
    expect(deep.endsWith(';f1;f0 1')).toBe(true);
  });
});

describe('range-perf on hostile input', () => {
  it('has a case for every small corpus file', () => {
    const names = Object.keys(smallCases()).filter((n) => !n.endsWith('.folded'));
    expect(Object.keys(rangeCases).sort()).toEqual(names.sort());
  });
  it.each(Object.keys(rangeCases))('%s', async (name) => {
    const f = file(name);
    check(await runMain(range, ['0', '100', f], ''), rangeCases[name](f, readFileSync(f)));
  });
  it('a 10 MB line passes through', async () => {
    const input = readFileSync(join(LARGE, 'long-line-10mb.txt'));
    const r = await runMain(range, ['0', '100', join(LARGE, 'long-line-10mb.txt')], '');
    expect(r.code).toBe(0);
    expect(r.stdout.equals(input)).toBe(true);
  });
});

describe('inputs that cannot be read', () => {
  const tools: [string, typeof range, string[]][] = [
    ['range-perf', range, ['0', '1']],
    ['stackcollapse', collapse, []],
  ];
  it.each(tools)('%s: a missing file, a directory, a path through a file', async (prog, main, args) => {
    for (const [path, msg] of [
      ['/nonexistent/perf.txt', 'no such file or directory'],
      [DIR, 'is a directory'],
      [join(DIR, 'crlf.txt', 'x'), 'not a directory'],
    ]) {
      const r = await runMain(main, [...args, path], '');
      expect(r).toMatchObject({ code: 1, stderr: `${prog}: ${path}: ${msg}\n` });
      expect(r.stdout.length).toBe(0);
    }
  });

  let tmp = '';
  afterAll(() => tmp && rmSync(tmp, { recursive: true, force: true }));
  it.skipIf(!NOBODY_CAN_RUN).each(['range-perf', 'stackcollapse'])('%s: an unreadable file', async (tool) => {
    tmp = mkdtempSync(join(tmpdir(), 'flamekit-'));
    const f = join(tmp, 'secret.txt');
    copyFileSync(file('crlf.txt'), f);
    chmodSync(f, 0o000);
    chmodSync(tmp, 0o755);
    // root reads anything: run the tool as nobody then.
    const asNobody = AS_NOBODY;
    const args = tool === 'range-perf' ? ['0', '1', f] : [f];
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, [join(ROOT, 'bin', `${tool}.js`), ...args], { ...asNobody, env: { NO_COLOR: '1' } });
      let err = '';
      c.stderr.on('data', (d) => (err += d));
      c.on('close', (code) => resolve({ code: code ?? -1, stderr: err }));
    });
    expect(r).toEqual({ code: 1, stderr: `${tool}: ${f}: permission denied\n` });
  });
});

it('a terminal on stdin with no file gets a usage hint, not a silent wait', async () => {
  const { Readable, Writable } = await import('node:stream');
  const stdin = Object.assign(Readable.from([]), { isTTY: true });
  let err = '';
  const sink = new Writable({ write: (c, _e, cb) => cb() });
  const stderr = new Writable({
    write: (c, _e, cb) => {
      err += c;
      cb();
    },
  });
  const code = await collapse([], { stdin, stdout: sink, stderr, env: {} });
  expect(code).toBe(2);
  expect(err).toBe(
    "stackcollapse: no input: name a file, or pipe perf script output into it\nusage: stackcollapse [options] [file ...]\nTry 'stackcollapse --help' for more information.\n",
  );
});
