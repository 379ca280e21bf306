import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PerfScriptScanner, formatInstant, parseSeconds, type BadLine, type Header } from '../src/parse/perf-script.js';
import { CONFORMANCE, FIXTURES, HAVE_CONFORMANCE } from './helpers.js';

interface Seen {
  headers: Omit<Header, 'start' | 'end'>[];
  frames: { sym: string; dso: string; addr: string; onHeader: boolean }[];
  ends: number;
  bad: BadLine[];
  comments: number;
  blanks: number;
}

/** Parses `text` (fed in chunks of whole lines when split is true) and records what it saw. */
function scan(text: string, opts: { srcline?: boolean } = {}): Seen & { srclines: string[] } {
  const seen: Seen & { srclines: string[] } = { headers: [], frames: [], ends: 0, bad: [], comments: 0, blanks: 0, srclines: [] };
  const s = new PerfScriptScanner(
    {
      header: (h) => {
        const { start: _s, end: _e, ...rest } = h;
        seen.headers.push({ ...rest });
      },
      frame: (f, t) =>
        seen.frames.push({ sym: t.slice(f.symStart, f.symEnd), dso: t.slice(f.dsoStart, f.dsoEnd), addr: t.slice(f.addrStart, f.addrEnd), onHeader: f.onHeader }),
      end: () => seen.ends++,
      bad: (b) => seen.bad.push(b),
      comment: () => seen.comments++,
      blank: () => seen.blanks++,
      srcline: (t, a, b) => seen.srclines.push(t.slice(a, b)),
    },
    opts,
  );
  s.push(text);
  s.finish();
  return seen;
}

const one = (line: string) => scan(line + '\n').headers[0];

describe('header lines', () => {
  it.each([
    // line, comm, pid, tid, cpu, time, period, event
    ['java 12688 [002] 6544038.708352: 235 cpu-clock:', 'java', '12688', null, 2, '6544038.708352', 235, 'cpu-clock'],
    ['perf   977/977   [000] 7628263.042515: cycles: ', 'perf', '977', '977', 0, '7628263.042515', 1, 'cycles'],
    ['DOM Worker 21528 [003] 609678.457663: cycles:', 'DOM Worker', '21528', null, 3, '609678.457663', 1, 'cycles'],
    ['CUPSManager cup 11320 186448.846888:    1008373 cycles:', 'CUPSManager cup', '11320', null, -1, '186448.846888', 1008373, 'cycles'],
    ['[ET_NET 0] 4242/4250 [002] 1.000000: 10 cycles:', '[ET_NET 0]', '4242', '4250', 2, '1.000000', 10, 'cycles'],
    ['foobar [worker] 21332 cycles:', 'foobar [worker]', '21332', null, -1, '', 1, 'cycles'],
    ['Thread 2 worker 123 [000] 5.5: 7 cycles:', 'Thread 2 worker', '123', null, 0, '5.5', 7, 'cycles'],
    ['python3 123 10.000000001: 1 cycles:ppp:', 'python3', '123', null, -1, '10.000000001', 1, 'cycles:ppp'],
    ['kworker/0:1 17 [000] 9.1: 3 cpu-clock:pppH:', 'kworker/0:1', '17', null, 0, '9.1', 3, 'cpu-clock:pppH'],
    ['   swapper     0 [000]   147.374682:          1 cycles:ppp: ', 'swapper', '0', null, 0, '147.374682', 1, 'cycles:ppp'],
    ['t 99076/99077 1.5: 5 cycles:', 't', '99076', '99077', -1, '1.5', 5, 'cycles'],
    ['1234 5678 [001] 2.0: cycles:', '1234', '5678', null, 1, '2.0', 1, 'cycles'],
    ['xxxx 28142 [004] 42460.086800: syscalls:sys_enter_sched_getaffinity: pid: 0x00006dee, len: 0x00000020', 'xxxx', '28142', null, 4, '42460.086800', 1, 'syscalls:sys_enter_sched_getaffinity'],
    ['a.out 423699/423721 [000] 515038.551407: probe_libc:malloc: (560024aaf2d9) bytes=0xf0', 'a.out', '423699', '423721', 0, '515038.551407', 1, 'probe_libc:malloc'],
    ['EvJobScheduler 27529 26441.375932:      10000 mem_load_uops_retired.l3_miss:uppp:     7fffcd5d8ec0         5080022 N/A|SNP N/A', 'EvJobScheduler', '27529', null, -1, '26441.375932', 10000, 'mem_load_uops_retired.l3_miss:uppp'],
    ['java 19983 cycles:', 'java', '19983', null, -1, '', 1, 'cycles'],
    ['big 1 [000] 1.0: 18446744073709551615 cycles:', 'big', '1', null, 0, '1.0', 18446744073709551615, 'cycles'],
    // A task perf no longer knew (it had exited): comm ':-1', pid -1 (issue 14).
    [':-1    -1 [000]  1300.578622:   10101010 cpu-clock:ppp: ', ':-1', '-1', null, 0, '1300.578622', 10101010, 'cpu-clock:ppp'],
    [':-1 -1/-1 [000] 1.5: 7 cycles:', ':-1', '-1', '-1', 0, '1.5', 7, 'cycles'],
  ] as const)('%s', (line, comm, pid, tid, cpu, time, period, event) => {
    const h = one(line);
    expect(h).toBeDefined();
    expect([h.comm, h.pid, h.tid, h.cpu, h.time, h.period, h.event]).toEqual([comm, pid, tid, cpu, time, period, event]);
    expect(h.hasTime).toBe(time !== '');
  });

  it('keeps timestamps exact, with 6 or 9 decimals', () => {
    expect(one('a 1 5086.200000: cycles:')).toMatchObject({ sec: 5086, ns: 200000000 });
    expect(one('a 1 5086.123456789: cycles:')).toMatchObject({ sec: 5086, ns: 123456789 });
    expect(one('a 1 12.5: cycles:')).toMatchObject({ sec: 12, ns: 500000000 });
  });

  it('reads a frame printed on the header line', () => {
    const s = scan('           false 39654 19115.489713:          1 cycles:u:  ffffffff9b201293 [unknown] ([unknown])\n');
    expect(s.headers[0]).toMatchObject({ comm: 'false', event: 'cycles:u', period: 1 });
    expect(s.frames).toEqual([{ sym: '[unknown]', dso: '[unknown]', addr: 'ffffffff9b201293', onHeader: true }]);
  });

  it('does not take tracepoint arguments for a frame', () => {
    const s = scan('f  9566 [001] 18490161.191157: mm_pagevec_free: page=0xffffea00269631d0 pfn=647377360 order=0 cold=0\n');
    expect(s.headers[0]).toMatchObject({ comm: 'f', pid: '9566', event: 'mm_pagevec_free' });
    expect(s.frames).toEqual([]);
  });

  it("does not see PERF_RECORD task lines as samples", () => {
    const s = scan('swapper     0 [000]     0.000000: PERF_RECORD_FORK(1:1):(0:0)\n');
    expect(s.headers).toEqual([]);
  });

  it('tells a frame ending in a colon from a header without a timestamp', () => {
    const s = scan('java 1 cycles:\n\t400577 foo: (/x)\n');
    expect(s.headers.length).toBe(1);
    expect(s.frames.map((f) => f.sym)).toEqual(['foo:']);
  });
});

describe('frame lines', () => {
  it.each([
    ['\t    7f1e214c24d9 SpinPause+0x19 (/usr/lib/jvm/libjvm.so)', 'SpinPause+0x19', '/usr/lib/jvm/libjvm.so'],
    ['\tffffffff8104f45a native_write_msr_safe ([kernel.kallsyms])', 'native_write_msr_safe', '[kernel.kallsyms]'],
    ['ffffffff8103d0ca native_write_msr_safe ([kernel.kallsyms])', 'native_write_msr_safe', '[kernel.kallsyms]'],
    ['   7f7241fbe6d8 arrayOopDesc::base(BasicType) const (/opt/libjvm.so)', 'arrayOopDesc::base(BasicType) const', '/opt/libjvm.so'],
    ['\t7f00 std::function<void (int, int)>::operator() (/path with spaces/lib.so)', 'std::function<void (int, int)>::operator()', '/path with spaces/lib.so'],
    ['\t7f00 sym (/lib/libudev.so (deleted))', 'sym', '/lib/libudev.so (deleted)'],
    ['\t7f00 (anonymous namespace)::foo(int) (/a.so)', '(anonymous namespace)::foo(int)', '/a.so'],
    ['\t9c51fd34 java.lang.String.hashCode ([JIT app cache])', 'java.lang.String.hashCode', '[JIT app cache]'],
    ['\t    7f1e2215d058  (/lib/x86_64-linux-gnu/libc-2.15.so)', ' ', '/lib/x86_64-linux-gnu/libc-2.15.so'],
    // A damaged line: Perl's rule (last ' (' with a ')' after it) still reads it.
    ['\tffffffff810427cd start_secondary ([kernel.kallsyms])/libpthread-2.19.so)', 'start_secondary', '[kernel.kallsyms])/libpthread-2.19.so'],
  ])('%s', (line, sym, dso) => {
    const s = scan(`comm 1 [000] 1.0: cycles:\n${line}\n`);
    expect(s.bad).toEqual([]);
    expect(s.frames.map((f) => [f.sym, f.dso])).toEqual([[sym, dso]]);
  });

  it('reports a line that is not a frame, with its line number, and goes on', () => {
    const s = scan('comm 1 [000] 1.0: cycles:\n\t400 a (/x)\n  THIS_IS_A_WEIRD_LINE\n\t500 b (/x)\n');
    expect(s.bad).toEqual([{ line: 3, reason: 'not a frame line', text: '  THIS_IS_A_WEIRD_LINE' }]);
    expect(s.frames.map((f) => f.sym)).toEqual(['a', 'b']);
  });

  it('reports text that is not perf script at all', () => {
    const s = scan('hello world\n');
    expect(s.bad).toEqual([{ line: 1, reason: 'not a perf script line', text: 'hello world' }]);
  });

  it('attaches source lines with srcline', () => {
    const s = scan('c 1 [000] 1.0: cycles:\n\t400 a (/x)\n  a.c:12\n\t500 [unknown] (/x)\n\t600 b (/x)\n  b.c:3\n', { srcline: true });
    expect(s.frames.map((f) => f.sym)).toEqual(['a', '[unknown]', 'b']);
    expect(s.srclines).toEqual(['a.c:12', 'b.c:3']);
  });
});

describe('whole-file shape', () => {
  const sample = 'c 1 [000] 1.0: cycles:\n\t400 a (/x)\n';
  it.each([
    ['blank separator', `${sample}\n${sample}`],
    ['whitespace-only separator', `${sample}  \t \n${sample}`],
    ['no separator at all', `${sample}${sample}`],
    ['CRLF', `${sample}\n${sample}`.replace(/\n/g, '\r\n')],
    ['no final line break', `${sample}\n${sample}`.slice(0, -1)],
    ['--header comment block', `# ========\n# cmdline : perf record -g\n#\n${sample}\n${sample}`],
  ])('%s: two samples, each ended', (_name, text) => {
    const s = scan(text);
    expect(s.headers.length).toBe(2);
    expect(s.ends).toBe(2);
    expect(s.frames.map((f) => [f.sym, f.dso])).toEqual([
      ['a', '/x'],
      ['a', '/x'],
    ]);
    expect(s.bad).toEqual([]);
  });

  it('counts comment lines and blank lines', () => {
    const s = scan('# a\n# b\n\n  \n');
    expect([s.comments, s.blanks, s.headers.length]).toEqual([2, 2, 0]);
  });
});

describe('exact seconds', () => {
  it.each([
    ['10', 10, 0],
    ['0.5', 0, 500000000],
    ['2.25', 2, 250000000],
    ['-2.25', -3, 750000000],
    ['-3', -3, 0],
    ['.5', 0, 500000000],
    ['1e3', 1000, 0],
    ['1.5e-3', 0, 1500000],
    ['1000000', 1000000, 0],
  ])('%s', (s, sec, ns) => {
    expect(parseSeconds(s)).toEqual({ sec, ns });
  });
  it.each(['', 'x', '1..2', '--1', '1e', '.'])('rejects %j', (s) => {
    expect(parseSeconds(s)).toBeNull();
  });
  it('formats back', () => {
    expect(formatInstant({ sec: -3, ns: 750000000 }, 3)).toBe('-2.250');
    expect(formatInstant({ sec: 5086, ns: 200000000 })).toBe('5086.200000');
  });
});

describe('headersOnly', () => {
  const dirs = [join(FIXTURES, 'perf'), join(FIXTURES, 'hostile'), ...(HAVE_CONFORMANCE ? [join(CONFORMANCE, 'perf')] : [])];
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.(txt|bin)$/.test(f)).map((f) => join(d, f)));
  /** `bytes`: headersOnly, fed with pushBytes (in two chunks of whole lines, to cross a chunk). */
  const headersOf = (text: string, headersOnly: boolean, bytes = false) => {
    const got: unknown[] = [];
    const comments: number[] = [];
    let base = 0;
    const s = new PerfScriptScanner(
      {
        header: (h) => got.push([h.line, base + h.start, base + h.end, h.hasTime, h.sec, h.ns, h.hasPeriod]),
        comment: (_t, start) => comments.push(base + start),
      },
      { headersOnly },
    );
    if (bytes) {
      const b = Buffer.from(text, 'latin1');
      const cut = b.indexOf(10, b.length >> 1) + 1;
      s.pushBytes(b.subarray(0, cut || b.length));
      base = cut || b.length;
      if (cut > 0) s.pushBytes(b.subarray(cut));
    } else s.push(text);
    return { got, comments, headers: s.headers, timed: s.timedHeaders, lines: s.lineNo };
  };
  it.each(files.map((f) => [f.slice(f.lastIndexOf('/', f.lastIndexOf('/') - 1) + 1), f]))(
    '%s: the same header lines, times and comments as a full parse, from text and from bytes',
    (_name, file) => {
      const text = readFileSync(file).toString('latin1');
      const full = headersOf(text, false);
      expect(headersOf(text, true)).toEqual(full);
      expect(headersOf(text, true, true)).toEqual(full);
    },
  );
  it('reads seconds of more than 15 digits from bytes', () => {
    const secs: number[] = [];
    const s = new PerfScriptScanner({ header: (h) => secs.push(h.sec) }, { headersOnly: true });
    s.pushBytes(Buffer.from('java 8192 [003] 12345678901234567.5: 1 cpu-clock:\njava 8192 [003] 5076.1: 1 cpu-clock:\n', 'latin1'));
    expect(secs).toEqual([parseInt('12345678901234567', 10), 5076]);
  });
  it('takes bytes only in headersOnly mode', () => {
    expect(() => new PerfScriptScanner({ header: () => {} }).pushBytes(Buffer.from('x\n'))).toThrow(/headersOnly/);
  });
  it('leaves the header strings empty', () => {
    const s = new PerfScriptScanner({ header: (h) => expect(h).toMatchObject({ comm: '', pid: '', tid: null, cpu: -1, time: '', period: 1, event: '', sec: 5076, ns: 100000000 }) }, { headersOnly: true });
    s.push('java 8192/8193 [003] 5076.100000: 250000 cpu-clock:\n');
    expect(s.headers).toBe(1);
  });
});
