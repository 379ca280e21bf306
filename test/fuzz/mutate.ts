// Mutations of fixture bytes for the fuzz harness (test/fuzz/fuzz.ts): deterministic, from
// a seeded generator (no Math.random), so that a finding can be made again from its seed
// and mutant number.

/** mulberry32: a small seeded generator, good enough to pick mutations. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

/**
 * Tokens that have broken parsers of perf script and folded text: line ends, NUL, bad
 * UTF-8, markup, separators, header pieces, and numbers at the edges (huge periods and
 * counts, 64-bit limits, exponents, many decimals).
 */
const TOKENS: string[] = [
  '\n',
  '\r\n',
  '\r',
  '\0',
  '\xff\xfe',
  '\xc3',
  '\xef\xbf\xbd',
  '# comment\n',
  '#',
  '    ',
  '\t',
  ' ',
  ';',
  ':',
  ';;',
  '[000]',
  ' cpu-clock:',
  ' cycles: ',
  ':u',
  '\n\n',
  '->',
  '_[k]',
  '[unknown]',
  '(/tmp/perf-1.map)',
  ' (inlined)',
  '<script>alert(1)</script>',
  ']]>',
  '&amp;',
  '&#0;',
  '"',
  "'",
  '\u2028',
  ' 1',
  ' 0',
  ' -1',
  ' 1.5',
  ' 1e308',
  ' 18446744073709551616',
  ' 9007199254740993',
  ' 99999999999999999999999999',
  ' 4294967296.000000001',
  ' 0.000000001:',
  ' 12345.123456789:',
  ' 1/2 ',
  ' 123/456 ',
  'swapper     0 [001]  100.000001: cpu-clock:\n',
  'java 4242/4243 [002] 100.5: 1000 cycles:\n\t    1234 main (/bin/x)\n\n',
  '\t    7fa4b39f24f8 f (/lib/x.so)\n',
];

/** Numbers that replace a number of the input: zero, one, limits, and past them. */
const NUMBERS = ['0', '1', '2', '10', '999999999', '4294967296', '9007199254740993', '18446744073709551615', '18446744073709551616', '99999999999999999999', '1.0', '0.5', '.5', '5.', '-3', '1e3', '00000000001'];

/** Big numbers: the stuff of issue 16 items 1 and 2, rarer, so that most mutants test the rest. */
const HUGE = ['9'.repeat(40), '9'.repeat(310), '1' + '0'.repeat(12), '4300000000', '10000000000'];

export interface Mutant {
  bytes: Buffer;
  /** What was done, for the report. */
  ops: string[];
}

/** One to four mutations of `seed`, `other` giving bytes to splice in. */
export function mutate(seed: Buffer, other: Buffer, rng: Rng): Mutant {
  let b = Buffer.from(seed);
  const ops: string[] = [];
  const n = 1 + rng.int(4);
  for (let k = 0; k < n; k++) {
    const op = rng.int(10);
    const at = rng.int(b.length + 1);
    switch (op) {
      case 0: {
        if (b.length === 0) break;
        const i = rng.int(b.length);
        b[i] = rng.int(256);
        ops.push(`byte@${i}`);
        break;
      }
      case 1:
      case 2: {
        const t = rng.pick(TOKENS);
        b = Buffer.concat([b.subarray(0, at), Buffer.from(t, 'latin1'), b.subarray(at)]);
        ops.push(`insert@${at}:${JSON.stringify(t.slice(0, 12))}`);
        break;
      }
      case 3: {
        const len = 1 + rng.int(64);
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + len))]);
        ops.push(`delete@${at}+${len}`);
        break;
      }
      case 4: {
        // A block of lines copied elsewhere.
        const lines = splitLines(b);
        if (lines.length === 0) break;
        const from = rng.int(lines.length);
        const len = 1 + rng.int(8);
        const block = lines.slice(from, from + len);
        const to = rng.int(lines.length + 1);
        lines.splice(to, 0, ...block);
        b = Buffer.concat(lines);
        ops.push(`dup-lines@${from}+${len}->${to}`);
        break;
      }
      case 5: {
        const lines = splitLines(b);
        if (lines.length < 2) break;
        const i = rng.int(lines.length);
        const j = rng.int(lines.length);
        [lines[i], lines[j]] = [lines[j], lines[i]];
        b = Buffer.concat(lines);
        ops.push(`swap-lines@${i},${j}`);
        break;
      }
      case 6: {
        if (rng.int(3) !== 0) break;
        b = b.subarray(0, at);
        ops.push(`truncate@${at}`);
        break;
      }
      case 7:
      case 8: {
        // A number of the input replaced.
        const text = b.toString('latin1');
        const re = /\d+(?:\.\d+)?/g;
        const found: [number, number][] = [];
        for (const m of text.matchAll(re)) found.push([m.index!, m[0].length]);
        if (found.length === 0) break;
        const [i, len] = rng.pick(found);
        const v = rng.int(12) === 0 ? rng.pick(HUGE) : rng.pick(NUMBERS);
        b = Buffer.concat([b.subarray(0, i), Buffer.from(v, 'latin1'), b.subarray(i + len)]);
        ops.push(`number@${i}:${v.length > 12 ? `${v.length} digits` : v}`);
        break;
      }
      case 9: {
        const len = Math.min(other.length, 1 + rng.int(512));
        const from = rng.int(Math.max(1, other.length - len + 1));
        b = Buffer.concat([b.subarray(0, at), other.subarray(from, from + len), b.subarray(at)]);
        ops.push(`splice@${at}+${len}`);
        break;
      }
    }
  }
  return { bytes: b, ops };
}

/** Lines with their line breaks (the last one may lack it). */
function splitLines(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let s = 0;
  for (;;) {
    const nl = b.indexOf(10, s);
    if (nl < 0) break;
    out.push(b.subarray(s, nl + 1));
    s = nl + 1;
  }
  if (s < b.length) out.push(b.subarray(s));
  return out;
}
