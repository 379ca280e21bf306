// heatmap-svg's builder, whose stacks come from the core's stacks mode, against the builder
// it replaced (test/oracle/heatmap-lines.ts: line records, its own frame-line memo): the
// same cells, stack tree, cell stacks, counts and bad-line reports, on every perf input of
// fixtures/ and ../shared/conformance, in chunks, under each option that changes how
// lines are read; and on generated samples that put 'swapper' and idle names in every
// place FlameScope's idle test looks (comm, trailing header text, a frame on the header
// line, symbols, dsos, offsets). Longer: FC_RUNS=5000 npx vitest run test/heatmap-core.test.ts
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHeatmap } from '../src/heatmap/embed.js';
import { HeatmapBuilder, type HeatmapOptions } from '../src/heatmap/heatmap.js';
import { params } from './arbitraries.js';
import { CONFORMANCE, FIXTURES, HAVE_CONFORMANCE } from './helpers.js';
import { HeatmapBuilder as OracleBuilder } from './oracle/heatmap-lines.js';

if (!HAVE_CONFORMANCE) console.warn('NOTE: ../shared/conformance is missing: heatmap-core compares on fixtures/ only');

const OPTIONS: HeatmapOptions[] = [
  {},
  { rows: 'auto' },
  { idle: null, pid: true },
  { idle: /swapper|cpu/ },
  { addrs: true, tid: true },
  { kernel: true, jit: true, eventFilter: 'cycles' },
];

type Builder = { push(text: string, bytes?: Uint8Array): void; endInput(): unknown; result(): ReturnType<HeatmapBuilder['result']> };

/** Everything the SVG is made of, as one string, for `opts` and chunks of about `chunk` bytes (whole lines). */
function summary(make: (o: HeatmapOptions, bad: (b: { line: number; reason: string; text: string }) => void) => Builder, bytes: Buffer, opts: HeatmapOptions, chunk: number): string {
  const bad: string[] = [];
  const b = make(opts, (x) => bad.push(`${x.line}:${x.reason}:${x.text}`));
  const text = bytes.toString('latin1');
  for (let i = 0; i < text.length; ) {
    let j = text.indexOf('\n', i + chunk);
    j = j < 0 ? text.length : j + 1;
    b.push(text.slice(i, j), bytes.subarray(i, j));
    i = j;
  }
  b.endInput();
  const hm = b.result();
  const d = encodeHeatmap(hm, true);
  return JSON.stringify({
    stats: { ...hm.stats, otherEvents: [...hm.stats.otherEvents] },
    rows: hm.rows,
    rate: hm.rate,
    origin: hm.origin,
    names: d.names,
    parent: d.parent.text(),
    frame: d.frame.text(),
    cells: d.cells.text(),
    grid: d.grid,
    bad,
  });
}

const current = (o: HeatmapOptions, bad: (b: { line: number; reason: string; text: string }) => void) => new HeatmapBuilder(o, bad);
const oracle = (o: HeatmapOptions, bad: (b: { line: number; reason: string; text: string }) => void) => new OracleBuilder(o, bad) as unknown as Builder;

function inputs(): [string, Buffer][] {
  const dirs = [join(FIXTURES, 'perf'), join(FIXTURES, 'hostile'), ...(HAVE_CONFORMANCE ? [join(CONFORMANCE, 'perf')] : [])];
  const out: [string, Buffer][] = [];
  for (const d of dirs) {
    for (const f of readdirSync(d).sort()) {
      if (f.endsWith('.c') || !statSync(join(d, f)).isFile()) continue;
      let bytes = readFileSync(join(d, f));
      if (f.endsWith('.gz')) {
        try {
          bytes = gunzipSync(bytes);
        } catch {
          continue;
        }
      }
      out.push([`${d.split('/').pop()}/${f}`, bytes]);
    }
  }
  return out;
}

describe('heatmap builder on the core\'s stacks = the line-record builder', () => {
  it.each(inputs())('%s', (_name, bytes) => {
    for (const o of OPTIONS) {
      for (const chunk of [1 << 16, 777]) expect(summary(current, bytes, o, chunk)).toBe(summary(oracle, bytes, o, chunk));
    }
  });

  // A file's size told first (heatmap/cli.ts): the core's tables are made big at once, and nothing else changes.
  it('told a big input first (expectInput)', () => {
    const big = (o: HeatmapOptions, bad: (b: { line: number; reason: string; text: string }) => void) => {
      const b = new HeatmapBuilder(o, bad);
      b.expectInput(64 << 20);
      return b;
    };
    for (const [, bytes] of inputs().slice(0, 12)) expect(summary(big, bytes, {}, 777)).toBe(summary(current, bytes, {}, 777));
  });

  const piece = fc.constantFrom('swapper', 'cpuidle', 'cpu_idle', 'native_safe_halt', 'x', ' ', '+0x1f', '(', ')', '[unknown]', 'java', ';', 'a->b', 'swapper/0', '0xff');
  const word = fc.array(piece, { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
  const sample = fc.record({
    comm: word,
    pid: fc.integer({ min: 0, max: 3 }),
    cpu: fc.integer({ min: 0, max: 2 }),
    ms: fc.integer({ min: 0, max: 3000 }),
    event: fc.constantFrom('cycles', 'cpu-clock', 'sched:sched_switch'),
    trailing: fc.option(word),
    headerFrame: fc.option(fc.tuple(word, word)),
    frames: fc.array(fc.tuple(fc.constantFrom('ffff1', '7f00a', 'abc'), word, word), { maxLength: 5 }),
  });
  it('on generated samples with idle names anywhere', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 12 }), (ss) => {
        let text = '';
        for (const s of ss) {
          text += `${s.comm} ${s.pid} [00${s.cpu}] ${1000 + Math.floor(s.ms / 1000)}.${String(s.ms % 1000).padStart(3, '0')}000: 1 ${s.event}:`;
          if (s.trailing) text += ` ${s.trailing}`;
          if (s.headerFrame) text += ` ffff0 ${s.headerFrame[0]} (${s.headerFrame[1]})`;
          text += '\n';
          for (const [addr, sym, dso] of s.frames) text += `\t${addr} ${sym} (${dso})\n`;
          text += '\n';
        }
        const bytes = Buffer.from(text, 'latin1');
        for (const o of OPTIONS) for (const chunk of [1 << 16, 13]) expect(summary(current, bytes, o, chunk)).toBe(summary(oracle, bytes, o, chunk));
      }),
      params,
    );
  });
});
