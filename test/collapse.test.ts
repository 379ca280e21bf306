import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '../src/collapse/cli.js';
import { Collapser, type CollapseOptions } from '../src/collapse/collapse.js';
import { stripArguments, tidyFrameName } from '../src/parse/frame-name.js';
import { FIXTURES, runMain } from './helpers.js';

const fixture = (name: string) => readFileSync(join(FIXTURES, 'perf', name));

function collapse(text: string, opts: CollapseOptions = {}): string[] {
  const c = new Collapser(opts);
  c.push(text);
  c.endInput();
  return c.lines();
}

describe('frame names', () => {
  const o = { kernel: false, jit: false, addrs: false, java: false };
  it.each([
    ['native_write_msr+0x4', '[kernel.kallsyms]', 'native_write_msr'],
    ['cpu_idle+0xABC', '[kernel.kallsyms]', 'cpu_idle+0xABC'], // Perl strips lowercase hex only
    ['foo(int, char*)', '/a.so', 'foo'],
    ['a;b', '/a.so', 'a:b'],
    ['RegExp:[&<>\\"\\\']', '/tmp/perf-1.map', 'RegExp:[&<>\\\\]'],
    ['net/http.(*Client).Do', '/go', 'net/http.(*Client).Do'],
    ['(anonymous namespace)::foo(int)', '/a.so', '(anonymous namespace)::foo'],
    ['std::function<void (int)>::operator()(int) const', '/a.so', 'std::function<void (int)>::operator()'],
    ['std::operator<< <char>(std::ostream&)', '/a.so', 'std::operator<< <char>'],
    ['[unknown]', '/usr/lib/libfoo.so', '[libfoo.so]'],
    ['[unknown]', '[unknown]', '[unknown]'],
    ['La;::x->Lb;::y', '/tmp/perf-1.map', 'La:::x;Lb:::y_[i]'],
    ['(/usr/bin/foo)', '/usr/bin/foo', ''],
  ])('%s in %s', (sym, dso, want) => {
    expect(tidyFrameName('7f00', sym, dso, o)).toBe(want);
  });

  it('annotates kernel, jit and unknown frames on request', () => {
    const all = { kernel: true, jit: true, addrs: true, java: false };
    expect(tidyFrameName('1', 'f', '[kernel.kallsyms]', all)).toBe('f_[k]');
    expect(tidyFrameName('1', 'f', '/lib/modules/5.4/vmlinux-5.4.14-generic', all)).toBe('f_[k]');
    expect(tidyFrameName('1', 'f', '/lib/modules/nf.ko', all)).toBe('f_[k]');
    expect(tidyFrameName('1', '[unknown]', '[kernel.kallsyms]', all)).toBe('[[kernel.kallsyms] <1>]_[k]');
    expect(tidyFrameName('ff', '[unknown]', '[unknown]', all)).toBe('[unknown <ff>]');
    expect(tidyFrameName('1', 'f', '/tmp/perf-42.map', all)).toBe('f_[j]');
    expect(tidyFrameName('1', 'fib.smx::fib', '/tmp/jitted-31714-4145673320.so', all)).toBe('fib.smx::fib_[j]');
    expect(tidyFrameName('1', 'f_[j]', '/tmp/perf-42.map', all)).toBe('f_[j]');
  });

  it('strips Java L prefixes only for java processes', () => {
    expect(tidyFrameName('1', 'Ljava/lang/String;::hashCode', '/tmp/perf-1.map', { ...o, java: true })).toBe('java/lang/String:::hashCode');
    expect(tidyFrameName('1', 'Ljava/lang/String;::hashCode', '/tmp/perf-1.map', o)).toBe('Ljava/lang/String:::hashCode');
    expect(tidyFrameName('1', 'Lfoo', '/x', { ...o, java: true })).toBe('Lfoo');
  });

  it('cuts arguments outside brackets only', () => {
    expect(stripArguments('f<(a)>(b)')).toBe('f<(a)>');
    expect(stripArguments('Foo::operator->(int)')).toBe('Foo::operator->');
    expect(stripArguments('cooperator(int)')).toBe('cooperator');
    expect(stripArguments('plain')).toBe('plain');
  });
});

describe('stackcollapse core', () => {
  const edge = fixture('edge-cases.txt').toString('latin1');

  it('collapses every header and frame form of the edge-case fixture', () => {
    expect(collapse(edge)).toEqual([
      'DOM_Worker;worker_loop;native_write_msr_safe 1',
      'Plex_DLNA_Serve;(anonymous namespace)::serve;std::function<void (int)>::operator() 2654110',
      'Thread_2_worker;net/http.(*Client).Do;run 7',
      '[ET_NET_0];[unknown];[traffic_server] 10',
      'false;[unknown] 1',
      'java;fib.smx::fib;quoted:name;com/example/A:::run;com/example/B:::inner_[i] 100',
      'kworker/0:1;ext4_read;nf_hook;worker_thread 3',
      'swapper;cpu_startup_entry;native_safe_halt 250000',
      't;main 5',
    ]);
  });

  it('names roots with --pid and --tid as stackcollapse-perf.pl does', () => {
    const lines = collapse(edge, { tid: true, pid: true });
    expect(lines).toContain('[ET_NET_0]-4242/4250;[unknown];[traffic_server] 10');
    expect(lines).toContain('swapper-?/0;cpu_startup_entry;native_safe_halt 250000');
    expect(lines).toContain('DOM_Worker-?/21528;worker_loop;native_write_msr_safe 1');
    expect(collapse(edge, { pid: true })).toContain('t-99076;main 5');
  });

  it('keeps the first event by default and counts the others', () => {
    const c = new Collapser();
    c.push(edge);
    c.endInput();
    expect(c.stats.event).toBe('cycles');
    expect(Object.fromEntries(c.stats.otherEvents)).toEqual({ 'syscalls:sys_enter_read': 1, instructions: 1 });
    expect(c.stats.samples).toBe(11);
    expect(c.stats.kept).toBe(9);
  });

  it('filters another event on request', () => {
    expect(collapse(edge, { eventFilter: 'instructions' })).toEqual(['instr;counted_elsewhere 1000']);
  });

  it('weights by period by default, or counts samples', () => {
    const text = 'a 1 [0] 1.0: 100 cycles:\n\t1 f (/x)\n\na 1 [0] 2.0: 300 cycles:\n\t1 f (/x)\n';
    expect(collapse(text)).toEqual(['a;f 400']);
    expect(collapse(text, { weight: 'samples' })).toEqual(['a;f 2']);
  });

  it('leaves out a period past the largest double with a warning that counts, and caps sums past it (issue 16)', async () => {
    const sample = (period: string, sym: string) => `a 1 [000] 1.5: ${period} cycles:\n\tffff ${sym} (x)\n\n`;
    const huge = '9'.repeat(310);
    const r = await runMain(main, [], sample(huge, 'f') + sample('5', 'g') + sample(huge, 'f'));
    expect(r.code).toBe(0);
    expect(r.stdout.toString('latin1')).toBe('a;g 5\n');
    expect(r.stderr).toBe('stackcollapse: warning: left out 2 samples whose period is past 1.8e308, the largest number counted; consider --weight samples\n');
    const near = '9'.repeat(308);
    const s = await runMain(main, [], sample(near, 'f') + sample(near, 'f'));
    expect(s.code).toBe(0);
    expect(s.stdout.toString('latin1')).toBe(`a;f ${BigInt(Number.MAX_VALUE)}\n`);
    expect(s.stderr).toBe('stackcollapse: warning: some counts exceed 1.8e308 and are capped at it; consider --weight samples\n');
    const w = await runMain(main, ['--weight', 'samples'], sample(huge, 'f'));
    expect(w.stdout.toString('latin1')).toBe('a;f 1\n');
  });

  it("keeps the samples and periods of exited tasks (':-1 -1' headers, issue 14)", async () => {
    const input = readFileSync(join(FIXTURES, 'perf', 'exited-task.txt'));
    const r = await runMain(main, [], input);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.toString('latin1').trim().split('\n');
    expect(lines).toContain(':-1;__schedule;finish_task_switch.isra.0 20202020');
    expect(lines).toContain('sleep;__nanosleep;finish_task_switch.isra.0 10101010');
  });

  it('strips one +0x offset from a symbol, as stackcollapse-perf.pl does, not two', async () => {
    const text = 'app 1 [000] 1.0: 1 cycles:\n\t1 f+0x1f+0x1f (/x)\n\t2 g+0x10 (/x)\n\n';
    const r = await runMain(main, ['--weight', 'samples'], text);
    expect(r.stdout.toString('latin1')).toBe('app;g;f+0x1f 1\n');
  });

  it('counts a sample without frames as its comm', () => {
    expect(collapse('java 1 [0] 1.0: cycles:\n\n')).toEqual(['java 1']);
  });

  it('sums periods past 2^53 without printing an exponent', () => {
    const text = 'a 1 [0] 1.0: 18446744073709551615 cycles:\n\t1 f (/x)\n';
    expect(collapse(text)).toEqual(['a;f 18446744073709551616']);
  });

  // Each case where stackcollapse-perf.pl loses data (README, "Differences from FlameGraph").
  describe('where stackcollapse-perf.pl loses data', () => {
    const s1 = 'prog 10 [000] 1.000000: 1 cycles:\n\t400 leaf (/bin/prog)\n\t500 main (/bin/prog)\n';
    const s2 = 'prog 10 [000] 2.000000: 1 cycles:\n\t600 other (/bin/prog)\n\t500 main (/bin/prog)\n';
    const want = ['prog;main;leaf 1', 'prog;main;other 1'];
    it.each([
      ['a last sample without a trailing blank line', `${s1}\n${s2}`],
      ['CRLF input', `${s1}\n${s2}\n`.replace(/\n/g, '\r\n')],
      ['whitespace-only separators', `${s1} \t\n${s2}   \n`],
      ['headers with leading spaces', `   ${s1}\n      ${s2}\n`],
      ['no blank line between samples', `${s1}${s2}`],
    ])('%s', (_name, text) => {
      expect(collapse(text)).toEqual(want);
    });
    it('a frame on the header line', () => {
      expect(collapse('prog 10 [000] 1.0: 1 cycles:  400 leaf (/bin/prog)\n')).toEqual(['prog;leaf 1']);
    });
    it("frames whose symbol starts with '('", () => {
      expect(collapse('p 1 [0] 1.0: cycles:\n\t1 (anonymous namespace)::f() (/x)\n\t2 main (/x)\n')).toEqual(['p;main;(anonymous namespace)::f 1']);
    });
  });

  it('passes non-UTF-8 bytes through unchanged', () => {
    const bytes = fixture('non-utf8.txt');
    const lines = collapse(bytes.toString('latin1'));
    const out = Buffer.from(lines.join('\n') + '\n', 'latin1');
    expect(out.equals(Buffer.from('caf\xe9;na\xefve_\xff\xfe 1\ncaf\xe9;\xe6\x97\xa5\xe6\x9c\xac;na\xefve_\xff\xfe 1\n', 'latin1'))).toBe(true);
  });
});

describe('stackcollapse command', () => {
  const files = ['edge-cases.txt', 'recorded-pthreads.txt', 'recorded-pthreads-header.txt', 'non-utf8.txt'];

  it.each(files)('%s gives the same output in chunks of 1, 7 and 4096 bytes', async (name) => {
    const input = fixture(name);
    const whole = await runMain(main, ['--all'], input);
    expect(whole.code).toBe(0);
    expect(whole.stdout.length).toBeGreaterThan(0);
    for (const size of [1, 7, 4096]) {
      const r = await runMain(main, ['--all'], input, size);
      expect(r.stdout.equals(whole.stdout)).toBe(true);
      expect(r.stderr).toBe(whole.stderr);
    }
  });

  it.each([
    ['recorded-pthreads.txt', []],
    ['recorded-pthreads.txt', ['--tid', '--all']],
    ['recorded-pthreads-header.txt', ['--pid', '--kernel']],
    ['edge-cases.txt', ['--addrs', '--jit']],
  ])('%s %s matches its golden file', async (name, args) => {
    const r = await runMain(main, args, fixture(name));
    expect(r.code).toBe(0);
    const opt = args.length ? args.map((a) => a.replace(/^--/, '')).join('+') : 'default';
    await expect(r.stdout.toString('latin1')).toMatchFileSnapshot(join(FIXTURES, 'expected', 'collapse', `${name.replace(/\.txt$/, '')}.${opt}.folded`));
  });

  it('the recorded multi-threaded profile has one root per thread with --tid', async () => {
    const r = await runMain(main, ['--tid'], fixture('recorded-pthreads-header.txt'));
    // Recorded with -a: the test program's three threads, and whatever else ran.
    const roots = new Set(r.stdout.toString('latin1').split('\n').filter((l) => l.startsWith('mt-')).map((l) => l.split(';')[0]));
    expect(roots.size).toBeGreaterThanOrEqual(3);
    const pids = new Set([...roots].map((root) => /^mt-(\d+)\/\d+$/.exec(root)?.[1]));
    expect(pids.size).toBe(1);
  });

  it('reads gzip input', async () => {
    const input = fixture('recorded-pthreads.txt');
    const plain = await runMain(main, [], input);
    const gz = await runMain(main, [], gzipSync(input));
    expect(gz.code).toBe(0);
    expect(gz.stdout.equals(plain.stdout)).toBe(true);
  });

  it('prints one warning naming the event kept and the samples skipped', async () => {
    const r = await runMain(main, [], fixture('edge-cases.txt'));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'stackcollapse: warning: kept events of type cycles; left out 2 samples of other types (syscalls:sys_enter_read, instructions); choose with --event-filter\n',
    );
  });

  it('quotes event names holding control bytes, so they cannot drive the terminal', async () => {
    const r = await runMain(main, [], 'a 1 [0] 1.0: cyc\x1bles:\n\t1 f (/x)\n\na 1 [0] 2.0: cycles:\n\t1 f (/x)\n');
    expect(r.stderr).toBe('stackcollapse: warning: kept events of type "cyc\\x1bles"; left out 1 sample of other types (cycles); choose with --event-filter\n');
  });

  it('summarises unparseable lines once, with a count and the first place', async () => {
    const text = 'c 1 [000] 1.0: cycles:\n\t400 a (/x)\n  junk one\n  junk two\n\t500 b (/x)\n';
    const r = await runMain(main, [], text);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('c;b;a 1\n');
    expect(r.stderr).toBe('stackcollapse: warning: ignored 2 lines: not a frame line (first at stdin:3: "  junk one")\n');
  });

  it('fails on input that is not perf script', async () => {
    const r = await runMain(main, [], 'hello\nworld\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'stackcollapse: warning: ignored 2 lines: not a perf script line (first at stdin:1: "hello")\n' +
        'stackcollapse: no samples found: is this perf script output?\n',
    );
  });

  it('succeeds quietly on empty input, with a warning', async () => {
    const r = await runMain(main, [], '');
    expect(r).toMatchObject({ code: 0, stderr: 'stackcollapse: warning: no samples in input\n' });
    expect(r.stdout.length).toBe(0);
  });

  it('fails when the chosen event never occurs', async () => {
    const r = await runMain(main, ['--event-filter', 'nope'], fixture('edge-cases.txt'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('stackcollapse: no samples of event nope; events seen: cycles, syscalls:sys_enter_read, instructions\n');
  });

  it.each([
    [['--bogus'], "stackcollapse: unknown option '--bogus'"],
    [['--weight', 'bytes'], 'stackcollapse: option \'--weight <how>\' argument \'bytes\' is invalid. Allowed choices are period, samples.'],
    [['--context'], 'stackcollapse: --context goes with --inline'],
  ])('usage error %j exits 2 with the usage line', async (args, msg) => {
    const r = await runMain(main, args, '');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${msg}\nusage: stackcollapse [options] [file ...]\nTry 'stackcollapse --help' for more information.\n`);
  });

  it('names a missing file', async () => {
    const r = await runMain(main, ['/nonexistent/x.txt'], '');
    expect(r).toMatchObject({ code: 1, stderr: 'stackcollapse: /nonexistent/x.txt: no such file or directory\n' });
  });

  it('names a directory', async () => {
    const r = await runMain(main, [FIXTURES], '');
    expect(r).toMatchObject({ code: 1, stderr: `stackcollapse: ${FIXTURES}: is a directory\n` });
  });
});
