// Differential tests of the WebAssembly core (src/parse/core/, through the scanner in
// src/parse/perf-script.ts) against the TypeScript parser it replaced, kept as the oracle in
// test/oracle/perf-script-ts.ts. Every handler call, with its line number and the text it
// points at, must be the same: on every fixture and conformance input, on generated perf
// script, and on generated hostile text, in chunks of whole lines of several sizes, with
// each way of scanning (frames, memoised frames, source lines, headers only).
//
// The generators' seed is fixed (test/arbitraries.ts); run longer or with another seed with
//   FC_RUNS=5000 FC_SEED=7 npx vitest run test/parse-core.test.ts
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PerfScriptScanner, type PerfScriptHandlers, type ScanOptions } from '../src/parse/perf-script.js';
import { PerfScriptScanner as OracleScanner } from './oracle/perf-script-ts.js';
import { params, profileArb, render } from './arbitraries.js';
import { CONFORMANCE, FIXTURES, HAVE_CONFORMANCE } from './helpers.js';

type Mode = 'frames' | 'memo' | 'srcline' | 'headersOnly' | 'lines';
const MODES: Mode[] = ['frames', 'memo', 'srcline', 'headersOnly', 'lines'];

interface AnyScanner {
  lineNo: number;
  inSample: boolean;
  headers: number;
  timedHeaders: number;
  push(text: string): void;
  finish(): void;
  forgetFrames(): void;
}

/** Everything a scanner tells its handlers about `chunks`, as lines of text. */
function trace(make: (on: PerfScriptHandlers, o: ScanOptions) => AnyScanner, chunks: string[], mode: Mode, forgetEvery = 0): string[] {
  const log: string[] = [];
  const frames: string[] = [];
  let s: AnyScanner;
  // headersOnly promises header and comment calls, and `other` calls while no sample is
  // open (what range-perf counts as stray lines); which other calls come is not specified.
  const skim = mode === 'headersOnly';
  const at = () => (skim ? `${s.lineNo}` : `${s.lineNo}${s.inSample ? '+' : '-'}`);
  const frameText = (f: { line: number; addrStart: number; addrEnd: number; symStart: number; symEnd: number; dsoStart: number; dsoEnd: number; onHeader: boolean }, t: string) =>
    `frame ${f.line} [${t.slice(f.addrStart, f.addrEnd)}] [${t.slice(f.symStart, f.symEnd)}] [${t.slice(f.dsoStart, f.dsoEnd)}] ${f.onHeader}`;
  const on: PerfScriptHandlers = {
    header: (h, t) => {
      const { start, end, ...rest } = h;
      log.push(`${at()} header ${JSON.stringify(rest)} [${t.slice(start, end)}]`);
    },
    end: () => skim || log.push(`${at()} end`),
    other: (t, a, b) => (skim && s.inSample) || log.push(`${at()} other [${t.slice(a, b)}]`),
    comment: (t, a, b) => log.push(`${at()} comment [${t.slice(a, b)}]`),
    blank: (t, a, b) => skim || log.push(`${at()} blank [${t.slice(a, b)}]`),
    bad: (b) => log.push(`${at()} bad ${JSON.stringify(b)}`),
  };
  if (mode === 'frames' || mode === 'srcline') on.frame = (f, t) => log.push(`${at()} ${frameText(f, t)}`);
  if (mode === 'srcline') on.srcline = (t, a, b) => log.push(`${at()} srcline [${t.slice(a, b)}]`);
  if (mode === 'memo') {
    // Keys number the distinct lines; a seen line logs what its key stood for.
    on.frameKeyed = (f, t) => {
      const text = frameText(f, t);
      log.push(`${at()} ${text}`);
      if (f.onHeader) return -1;
      if (forgetEvery > 0 && frames.length > 0 && frames.length % forgetEvery === 0) {
        s.forgetFrames();
        frames.length = 0;
      }
      frames.push(text.replace(/^frame \d+ /, ''));
      // Some lines are never remembered (as collapse does for --inline).
      return text.length % 5 === 0 ? -1 : frames.length - 1;
    };
    on.frameSeen = (key) => log.push(`${at()} frame ${s.lineNo} ${frames[key]}`);
  }
  const opts: ScanOptions = { srcline: mode === 'srcline', headersOnly: mode === 'headersOnly' };
  s = make(on, opts);
  for (const c of chunks) s.push(c);
  log.push(`${at()} before finish ${s.headers} ${s.timedHeaders}`);
  s.finish();
  log.push(`${at()} finished ${s.headers} ${s.timedHeaders}`);
  return log;
}

/** `text` cut into chunks of whole lines of about `size` characters (the last line may lack its break). */
function lineChunks(text: string, size: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', Math.min(text.length - 1, start + size - 1));
    if (nl < 0) nl = text.length - 1;
    out.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  return out;
}

/** Lets vitest's worker answer its messages between long synchronous stretches (a busy machine times them out). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

async function expectSame(text: string, sizes = [1, 7, 4096, 1 << 30], forgetEvery = 0): Promise<void> {
  for (const mode of MODES) {
    for (const size of sizes) {
      await breathe();
      const chunks = lineChunks(text, size);
      const want = trace((on, o) => new OracleScanner(on, o), chunks, mode, forgetEvery);
      const got = trace((on, o) => new PerfScriptScanner(on, o), chunks, mode, forgetEvery);
      if (got.length !== want.length || got.some((l, i) => l !== want[i])) {
        const i = got.findIndex((l, k) => l !== want[k]);
        expect({ mode, size, at: i, got: got.slice(Math.max(0, i - 2), i + 3) }).toEqual({ mode, size, at: i, got: want.slice(Math.max(0, i - 2), i + 3) });
      }
    }
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

function readLatin1(path: string): string {
  const b = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(b, { finishFlush: constants.Z_SYNC_FLUSH }) : b).toString('latin1');
}

describe('the core reads perf script as the TypeScript oracle did', () => {
  for (const path of inputsUnder(FIXTURES).filter((p) => !p.includes('/large/'))) {
    it(`fixture ${path.slice(FIXTURES.length + 1)}`, async () => {
      const text = readLatin1(path);
      // The 14 MB demo profile: its first 2 MB, in the chunks the CLIs use.
      if (text.length > 4 << 20) await expectSame(text.slice(0, text.lastIndexOf('\n', 2 << 20) + 1), [64 << 10]);
      else await expectSame(text, [7, 4096, 1 << 30]);
    });
  }
  // One test per input: a long synchronous test starves vitest's worker of its messages.
  for (const path of HAVE_CONFORMANCE ? inputsUnder(CONFORMANCE) : []) {
    it(`conformance input ${path.slice(CONFORMANCE.length + 1)}`, () => expectSame(readLatin1(path), [4096, 1 << 30]));
  }

  it('generated perf script, in chunks of 1, 7 and 4096 bytes', async () => {
    await fc.assert(
      fc.asyncProperty(profileArb, (p) => expectSame(render(p).text)),
      params,
    );
  });

  // Lines made of the pieces that decide the grammar: numbers, '/', brackets, ':', '.',
  // parentheses, blanks, CR, '#', perf's task records, offsets, and bytes that are not UTF-8.
  const piece = fc.constantFrom(
    'a', 'java', ' ', '  ', '\t', '0', '12', '3/4', '/', '[', ']', '[001]', ':', ': ', '.', '1.5', '5.000001:', '99999999999999999.1:',
    '1234567890123456789', '[12345678901]', '(', ')', ' (', '(/lib/x.so)', '([kernel.kallsyms])', '(deleted))', '#', '\r', 'cycles:', 'cpu-clock:ppp:',
    'PERF_RECORD_FORK', 'f+0x1a', '[unknown]', '7f00', 'ffffffff8101', '\xe9', '\xff\x80', ';', '-1', ':-1',
  );
  const line = fc.array(piece, { maxLength: 12 }).map((a) => a.join(''));
  const hostile = fc.array(line, { minLength: 1, maxLength: 40 }).map((a) => a.join('\n'));

  it('generated hostile text', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, (text) => expectSame(text, [1, 7, 1 << 30])),
      { ...params, numRuns: params.numRuns * 3 },
    );
  });

  it('memoised frames, forgotten part way through a chunk', async () => {
    const text = readLatin1(join(FIXTURES, 'perf', readdirSync(join(FIXTURES, 'perf')).find((n) => n.endsWith('.txt'))!));
    for (const every of [1, 3, 17]) await expectSame(text, [4096, 1 << 30], every);
  });
});
