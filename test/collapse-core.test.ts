// Differential tests of stackcollapse's core (src/collapse/collapse.ts on the WebAssembly
// core's stacks mode) against the collapse it replaced, kept as the oracle in
// test/oracle/collapse-ts.ts on the TypeScript parser: the same folded lines, counts,
// statistics and bad-line reports, for every option that changes what is read, on
// fixtures, conformance inputs, generated perf script and generated hostile text, fed in
// pieces of 1, 7 and 4096 bytes (lines cut anywhere) and whole.
//
// The generators' seed is fixed (test/arbitraries.ts); run longer or with another seed with
//   FC_RUNS=5000 FC_SEED=7 npx vitest run test/collapse-core.test.ts
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Collapser, type CollapseOptions } from '../src/collapse/collapse.js';
import { Collapser as OracleCollapser } from './oracle/collapse-ts.js';
import { params, profileArb, render } from './arbitraries.js';
import { CONFORMANCE, FIXTURES, HAVE_CONFORMANCE } from './helpers.js';

const OPTION_SETS: CollapseOptions[] = [
  {},
  { pid: true },
  { tid: true, kernel: true, jit: true },
  { weight: 'samples' },
  { eventFilter: 'instructions' },
  { addrs: true },
  { window: { lengthNs: 250_000_000 } },
];

interface Outcome {
  lines: string[];
  stats: string;
  bad: string[];
  windows: string[];
}

function withOracle(bytes: Buffer, o: CollapseOptions): Outcome {
  const bad: string[] = [];
  const c = new OracleCollapser(o, (b) => bad.push(JSON.stringify(b)));
  // Whole lines, as the CLI fed it.
  const text = bytes.toString('latin1');
  for (let from = 0; from < text.length; ) {
    let nl = text.indexOf('\n', from + 4096);
    nl = nl < 0 ? text.length : nl + 1;
    c.push(text.slice(from, nl));
    from = nl;
  }
  c.endInput();
  return outcome(c, bad);
}

function withCore(bytes: Buffer, o: CollapseOptions, size: number): Outcome {
  const bad: string[] = [];
  const c = new Collapser(o, (b) => bad.push(JSON.stringify(b)));
  for (let i = 0; i < bytes.length; i += size) c.pushBytes(bytes.subarray(i, i + size));
  c.endInput();
  return outcome(c, bad);
}

function outcome(c: Collapser | OracleCollapser, bad: string[]): Outcome {
  const windows: string[] = [];
  if ('finishWindows' in c && c.stats && (c as Collapser).takeClosedWindows) {
    for (const w of (c as Collapser).finishWindows()) windows.push(`${w.index} ${w.reopened} ${[...c.foldedLines(w.table)].join('|')}`);
  }
  // hugePeriods is new with the core (issue 16): the oracle has none.
  const { otherEvents, hugePeriods: _, ...rest } = c.stats as typeof c.stats & { hugePeriods?: number };
  return { lines: c.lines(), stats: JSON.stringify({ ...rest, other: [...otherEvents] }), bad, windows };
}

/** Lets vitest's worker answer its messages between long synchronous stretches (a busy machine times them out). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

async function expectSame(bytes: Buffer, sizes = [1, 7, 4096, 1 << 30]): Promise<void> {
  for (const o of OPTION_SETS) {
    await breathe();
    const want = withOracle(bytes, o);
    for (const size of sizes) expect({ o, size, ...withCore(bytes, o, size) }).toEqual({ o, size, ...want });
  }
}

function inputsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...inputsUnder(p));
    else if (/\.(txt|perf|bin)(\.gz)?$/.test(name) && statSync(p).size < 8 << 20) out.push(p);
  }
  return out;
}

function read(path: string): Buffer {
  const b = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(b, { finishFlush: constants.Z_SYNC_FLUSH }) : b;
}

describe('stackcollapse on the core collapses as the TypeScript implementation did', () => {
  for (const path of inputsUnder(FIXTURES).filter((p) => !p.includes('/large/'))) {
    it(`fixture ${path.slice(FIXTURES.length + 1)}`, async () => {
      const bytes = read(path);
      // The 14 MB demo profile: its first 2 MB (cut at a sample), in pieces the size the CLI reads.
      if (bytes.length > 1 << 20) await expectSame(bytes.subarray(0, bytes.lastIndexOf('\n\n', 2 << 20) + 2), [1 << 20]);
      else await expectSame(bytes, [7, 4096, 1 << 30]);
    });
  }
  // One test per input: a long synchronous test starves vitest's worker of its messages.
  for (const path of HAVE_CONFORMANCE ? inputsUnder(CONFORMANCE) : []) {
    it(`conformance input ${path.slice(CONFORMANCE.length + 1)}`, () => expectSame(read(path), [4096, 1 << 30]));
  }

  it('generated perf script, in pieces of 1, 7 and 4096 bytes', async () => {
    await fc.assert(
      fc.asyncProperty(profileArb, (p) => expectSame(Buffer.from(render(p).text, 'latin1'))),
      params,
    );
  });

  const piece = fc.constantFrom(
    'a', 'java', ' ', '\t', '0', '12', '3/4', '[001]', ':', ': ', '1.5', '5.000001:', '99999999999999999.1:', '1234567890123456789',
    '(', ')', ' (', '(/lib/x.so)', '([kernel.kallsyms])', '#', '\r', 'cycles:', 'instructions:', 'PERF_RECORD_FORK', 'f+0x1a', '+0x', '[unknown]',
    '7f00', '\xe9', '\xff\x80', ';', '->', '\x00',
  );
  const line = fc.array(piece, { maxLength: 10 }).map((a) => a.join(''));
  const hostile = fc.array(line, { minLength: 1, maxLength: 30 }).map((a) => a.join('\n'));

  it('generated hostile text', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, (text) => expectSame(Buffer.from(text, 'latin1'), [1, 7, 1 << 30])),
      params,
    );
  });
});
