// fast-check arbitraries shared by the property tests (test/properties.test.ts for
// range-perf and stackcollapse, test/properties-svg.test.ts for the SVG tools): generated
// perf script text, and the run parameters. The seed is fixed so CI is repeatable; run
// longer or elsewhere with
//   FC_RUNS=5000 FC_SEED=7 npx vitest run test/properties.test.ts test/properties-svg.test.ts
// (FC_SEED=random draws a new seed and prints it on failure).
import fc from 'fast-check';

const RUNS = Number(process.env.FC_RUNS ?? 60);
const SEED = process.env.FC_SEED === 'random' ? undefined : Number(process.env.FC_SEED ?? 20261121);
export const params = { numRuns: RUNS, seed: SEED };

// Names drawn from bytes that have broken parsers: spaces, digits, brackets, ';', quotes,
// markup, and non-UTF-8 bytes. Newlines and tabs excluded (perf never prints them in names).
export const nameChar = fc.constantFrom(...'abcxyz_019 ;:()[]<>&"\'/.+-'.split(''), '\xe9', '\xff', '\x80');
const symbol = fc.string({ unit: nameChar, minLength: 1, maxLength: 12 }).map((s) => s.replace(/^[ (]+|\s+$/g, '') || 'f');
const comm = fc.string({ unit: fc.constantFrom(...'abc xyz019[]/:-_\xe9'.split('')), minLength: 1, maxLength: 10 }).map((s) => s.trim() || 'c');

export interface GenSample {
  comm: string;
  tid: number;
  cpu: number;
  dt: number; // nanoseconds after the previous sample
  period: number;
  event: string;
  frames: { sym: string; dso: string }[];
  sep: string; // separator after the sample
  /** Optional, never drawn by sampleArb: an idle sample (swapper in cpu_idle), or one printed without its timestamp. */
  idle?: boolean;
  untimed?: boolean;
}

export const sampleArb: fc.Arbitrary<GenSample> = fc.record({
  comm,
  tid: fc.integer({ min: 0, max: 99999 }),
  cpu: fc.integer({ min: 0, max: 63 }),
  dt: fc.integer({ min: 0, max: 400_000_000 }),
  period: fc.integer({ min: 1, max: 1_000_000 }),
  event: fc.constantFrom('cycles', 'cycles', 'cycles', 'instructions', 'cpu-clock:ppp'),
  frames: fc.array(fc.record({ sym: symbol, dso: fc.constantFrom('/usr/lib/libc.so.6', '[kernel.kallsyms]', '/tmp/perf-12.map', '[unknown]', '/opt/my app/bin') }), { maxLength: 6 }),
  sep: fc.constantFrom('\n', '\n', ' \t\n', ''),
});

export const profileArb = fc.record({ samples: fc.array(sampleArb, { minLength: 1, maxLength: 25 }), crlf: fc.boolean(), start: fc.integer({ min: 1, max: 9_000_000 }) });

export function render(p: { samples: GenSample[]; crlf: boolean; start: number }): { text: string; times: bigint[] } {
  let t = BigInt(p.start) * 1_000_000_000n;
  const times: bigint[] = [];
  let out = '';
  for (const s of p.samples) {
    t += BigInt(s.dt);
    times.push(t);
    const ts = `${t / 1_000_000_000n}.${String(t % 1_000_000_000n).padStart(9, '0')}`;
    out += `${s.idle ? 'swapper' : s.comm} ${s.tid} [${String(s.cpu).padStart(3, '0')}] ${s.untimed ? '' : `${ts}: `}${s.period} ${s.event}:\n`;
    for (const f of s.frames) out += `\t    ${(0x400000 + f.sym.length).toString(16)} ${f.sym} (${f.dso})\n`;
    if (s.idle) out += '\t    ffffffff8101d2df cpu_idle ([kernel.kallsyms])\n';
    out += s.sep;
  }
  return { text: p.crlf ? out.replace(/\n/g, '\r\n') : out, times };
}

