// The hostile-input corpus: inputs that production machines really produce (truncated
// files, every encoding, binary junk, huge lines and stacks) and inputs crafted to break
// markup. Small cases are committed in fixtures/hostile/ (the tests check they still match
// this file); large ones are written once per test run by test/global-setup.ts into a
// temporary directory, never into the source tree. Deterministic: no randomness, no dates.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';


const sample = (comm: string, t: string, frames: string[], { period = 1 as number | string, event = 'cycles', sep = '\n' } = {}): string =>
  `${comm} 100/101 [000] ${t}: ${period} ${event}:${sep}` + frames.map((f) => `\t    ${f}${sep}`).join('') + sep;
const frame = (addr: string, sym: string, dso = '/usr/bin/app'): string => `${addr} ${sym} (${dso})`;
const good = (t: string): string => sample('app', t, [frame('400100', 'leaf'), frame('400200', 'main')]);

/** Names that have broken SVG writers and viewers. */
export const HOSTILE_NAMES = [
  '</script><script>alert(1)</script>',
  '"><script>alert(2)</script>',
  "'); alert(3);//",
  ']]>',
  '-->',
  '&nbsp;',
  '<img src=x onerror=alert(4)>',
  'a&b<c>d"e\'f',
  'ctl\x01\x1b[31m\x7f',
];

/** A case's bytes, or a function that makes them (so that a case not written costs nothing). */
export type CaseBytes = Buffer | (() => Buffer);

/** Small cases: name -> bytes. */
export function smallCases(): Record<string, Buffer> {
  const c: Record<string, Buffer> = {};
  c['empty.txt'] = Buffer.alloc(0);
  c['only-comments.txt'] = Buffer.from('# ========\n# cmdline : perf record -g\n#\n');
  const junk = Buffer.alloc(4096);
  let x = 12345;
  for (let i = 0; i < junk.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    junk[i] = x >>> 24;
  }
  c['binary-garbage.bin'] = junk;
  c['nul-bytes.txt'] = Buffer.from(good('1.000000') + 'app\0 100/101 [000] 2.000000: 1 cycles:\n\t    400100 le\0af (/usr/bin/app)\n\n' + good('3.000000'), 'latin1');
  c['truncated-last-line.txt'] = Buffer.from(good('1.000000') + 'app 100/101 [000] 2.000000: 1 cycles:\n\t    400100 leaf (/usr/bi', 'latin1');
  c['crlf.txt'] = Buffer.from((good('1.000000') + good('2.000000')).replace(/\n/g, '\r\n'));
  c['mixed-line-endings.txt'] = Buffer.from(good('1.000000').replace(/\n/g, '\r\n') + good('2.000000') + good('3.000000').replace(/\n\t/g, '\r\n\t'));
  c['invalid-utf8.txt'] = Buffer.from(sample('app', '1.000000', [frame('400100', 'bad_\xff\xfe_\xc3\x28'), frame('400200', 'main')]), 'latin1');
  c['latin1-names.txt'] = Buffer.from(sample('caf\xe9', '1.000000', [frame('400100', 'na\xefve_r\xe9sum\xe9'), frame('400200', 'main', '/usr/lib/lib\xe9.so')]), 'latin1');
  c['markup-names.txt'] = Buffer.from(
    HOSTILE_NAMES.map((n, i) => sample('app', `${i + 1}.000000`, [frame('4001' + i, n.replace(/[()]/g, '')), frame('400200', 'main')])).join(''),
    'latin1',
  );
  c['time-backwards.txt'] = Buffer.from(good('5.000000') + good('3.000000') + good('3.000000') + good('4.000000') + good('9.000000'));
  c['time-missing.txt'] = Buffer.from(good('1.000000') + 'app 100/101 [000] 1 cycles:\n\t    400100 leaf (/usr/bin/app)\n\n' + good('2.000000'));
  c['time-9-decimals.txt'] = Buffer.from(good('1.000000001') + good('1.999999999') + good('2.000000000'));
  c['period-64bit.txt'] = Buffer.from(
    sample('app', '1.000000', [frame('400100', 'big')], { period: '18446744073709551615' }) +
      sample('app', '2.000000', [frame('400100', 'big')], { period: '9007199254740993' }),
  );
  const many: string[] = [];
  for (let i = 0; i < 400; i++) many.push(sample('app', `${1 + i / 100}`, [frame((0x400000 + i * 7).toString(16), `fn_${(i * 7919) % 1000}`), frame('400200', 'main')]));
  const gz = gzipSync(Buffer.from(many.join('')));
  c['truncated.txt.gz'] = gz.subarray(0, gz.length >> 1);
  // Folded input for flamegraph-svg.
  c['folded-bad-counts.folded'] = Buffer.from(
    ['a;b 9007199254740993', 'a;c -5', 'a;d 2.5', 'a;e NaN', 'a;f 1e3', 'a;g 12', 'a;h 0x10', ''].join('\n'),
  );
  c['folded-markup.folded'] = Buffer.from(HOSTILE_NAMES.map((n, i) => `root;${n.replace(/;/g, ':')} ${i + 1}`).join('\n') + '\n', 'latin1');
  c['folded-invalid-utf8.folded'] = Buffer.from('root;bad_\xff\xfe 3\nroot;caf\xe9 2\n', 'latin1');
  // Added for flamegraph-svg and heatmap-svg (test/hostile-svg.test.ts).
  // Counts past what a double holds (2^64 - 1, 400 digits), fractions with nothing after
  // the point, signs, infinities, and a count with nothing before it.
  c['folded-more-counts.folded'] = Buffer.from(
    ['a;i 18446744073709551615', `a;j ${'9'.repeat(400)}`, 'a;k 1.', 'a;l .5', 'a;m +3', 'a;n Infinity', 'a;o 1_000', ' 7', 'a;p 0', 'a;q 3', ''].join('\n'),
  );
  // Control characters, NUL, DEL, U+FFFE (EF BF BE) and a UTF-16 surrogate written as UTF-8
  // (ED A0 80), which XML cannot carry; markup that ends CDATA, scripts and comments; CRLF;
  // a last line without its newline.
  c['folded-controls.folded'] = Buffer.from(
    [
      'root;nul\0byte 1',
      'root;ctl\x01\x02\x1b[31m\x7f 2',
      'root;nonchar\xef\xbf\xbe;surrogate\xed\xa0\x80 3',
      'root;]]>;</script>;--> 4\r',
      'root;tab\there 5',
      'root;last 6',
    ].join('\n'),
    'latin1',
  );
  // A perf script profile with names XML cannot carry, for heatmap-svg's embedded names.
  c['xml-invalid-chars.txt'] = Buffer.from(
    sample('app', '1.000000', [frame('400100', 'nonchar\xef\xbf\xbe'), frame('400101', 'ctl\x01\x0b\x0c\x1b'), frame('400102', 'surrogate\xed\xa0\x80'), frame('400200', 'main')]),
    'latin1',
  );
  // Everything heatmap-svg leaves out, one of each: idle (FlameScope's pattern), another
  // event, no timestamp; and two samples it draws.
  c['idle-other-untimed.txt'] = Buffer.from(
    good('1.100000') +
      sample('swapper', '1.200000', [frame('ffffffff8101c6b6', 'default_idle', '[kernel.kallsyms]'), frame('ffffffff8101d2df', 'cpu_idle', '[kernel.kallsyms]')]) +
      sample('app', '1.300000', [frame('400100', 'leaf')], { event: 'instructions' }) +
      'app 100/101 [000] 1 cycles:\n\t    400100 leaf (/usr/bin/app)\n\n' +
      good('2.500000'),
  );
  return c;
}

/**
 * `n` pieces of ASCII text, made by `piece(i)`, written one after another into one Buffer.
 * The same bytes as Buffer.from(pieces.join('')), made in a fifth of the time: joining a
 * million strings makes a million objects of garbage and one huge string to flatten (the
 * global setup of every test run waits for this).
 */
function asciiPieces(n: number, piece: (i: number) => string): Buffer {
  let buf = Buffer.allocUnsafe(1 << 20);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const s = piece(i);
    if (pos + s.length > buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + s.length));
      buf.copy(grown, 0, 0, pos);
      buf = grown;
    }
    pos += buf.write(s, pos, 'latin1');
  }
  return buf.subarray(0, pos);
}

/** Large cases, generated (not committed): name -> bytes, or a function that makes them. */
export function largeCases(): Record<string, CaseBytes> {
  const c: Record<string, CaseBytes> = {};
  c['long-line-10mb.txt'] = Buffer.from(good('1.000000') + 'app 100/101 [000] 2.000000: 1 cycles:\n\t    400100 ' + 'x'.repeat(10 << 20) + ' (/usr/bin/app)\n\n' + good('3.000000'));
  const deep: string[] = [];
  for (let i = 0; i < 10000; i++) deep.push(frame((0x400000 + i).toString(16), `f${i}`));
  c['deep-10000.txt'] = Buffer.from(sample('app', '1.000000', deep) + good('2.000000'));
  c['distinct-1m.folded'] = asciiPieces(1_000_000, (i) => `root;mid${i % 1000};leaf${i} ${1 + (i % 7)}\n`);
  // Folded forms of the two big perf cases, for flamegraph-svg.
  c['deep-10000.folded'] = Buffer.from('app;' + Array.from({ length: 10000 }, (_, i) => `f${i}`).join(';') + ' 1\napp;main;leaf 1\n');
  c['long-line-10mb.folded'] = Buffer.from('app;main;leaf 2\napp;' + 'x'.repeat(10 << 20) + ' 1\n');
  // A million distinct stacks in perf script text, for heatmap-svg: one sample each, 10 ms
  // apart, each with a leaf of its own.
  c['distinct-1m.txt'] = () =>
    asciiPieces(1_000_000, (i) => `app 100/101 [000] ${(1000 + i / 100).toFixed(6)}: 1 cycles:\n\t    ${(0x400000 + i).toString(16)} leaf${i} (/a)\n\t    400200 mid${i % 1000} (/a)\n\n`);
  return c;
}

/** Writes the cases missing from `dir`; returns `dir`. */
export function writeCases(dir: string, cases: Record<string, CaseBytes>): string {
  mkdirSync(dir, { recursive: true });
  // A case may be a function that makes its bytes, so that files already written cost nothing.
  for (const [name, bytes] of Object.entries(cases)) {
    const file = join(dir, name);
    if (!existsSync(file)) writeFileSync(file, typeof bytes === 'function' ? bytes() : bytes);
  }
  return dir;
}
