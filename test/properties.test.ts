// Properties of range-perf and stackcollapse on generated perf script text (fast-check).
// The generator and the seed are in test/arbitraries.ts; run longer or elsewhere with
//   FC_RUNS=5000 FC_SEED=7 npx vitest run test/properties.test.ts
// (FC_SEED=random draws a new seed and prints it on failure).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main as collapseMain } from '../src/collapse/cli.js';
import { Collapser } from '../src/collapse/collapse.js';
import { main as rangeMain } from '../src/range/cli.js';
import { params, profileArb, render } from './arbitraries.js';
import { runMain } from './helpers.js';

function collapseText(text: string, args: { tid?: boolean } = {}): Map<string, number> {
  const c = new Collapser({ tid: args.tid, pid: args.tid });
  c.push(text);
  c.endInput();
  const m = new Map<string, number>();
  for (const line of c.lines()) {
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

describe('properties', () => {
  it('output does not depend on how the input is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(profileArb, fc.integer({ min: 1, max: 50 }), async (p, size) => {
        const input = Buffer.from(render(p).text, 'latin1');
        const a = await runMain(collapseMain, ['--tid'], input);
        const b = await runMain(collapseMain, ['--tid'], input, size);
        expect(b.stdout.equals(a.stdout)).toBe(true);
        expect(b.stderr).toBe(a.stderr);
        const r1 = await runMain(rangeMain, ['--timezerosecs', '0.2', '1.7'], input);
        const r2 = await runMain(rangeMain, ['--timezerosecs', '0.2', '1.7'], input, size);
        expect(r2.stdout.equals(r1.stdout)).toBe(true);
      }),
      params,
    );
  });

  it("stackcollapse's total is the sum of the kept samples' periods", () => {
    fc.assert(
      fc.property(profileArb, (p) => {
        const { text } = render(p);
        const first = p.samples[0].event;
        const want = p.samples.filter((s) => s.event === first).reduce((a, s) => a + s.period, 0);
        const got = [...collapseText(text).values()].reduce((a, b) => a + b, 0);
        expect(got).toBe(want);
      }),
      params,
    );
  });

  it('disjoint range-perf windows, collapsed, sum to the whole', async () => {
    await fc.assert(
      fc.asyncProperty(profileArb, fc.integer({ min: 0, max: 100 }), async (p, cutPct) => {
        const { text, times } = render(p);
        const input = Buffer.from(text, 'latin1');
        const t0 = times[0];
        const span = times[times.length - 1] - t0;
        // Cut at a sample time when possible, to test the inclusive bounds at the seam.
        const cut = span === 0n ? 0n : times[Math.floor(((times.length - 1) * cutPct) / 100)] - t0;
        const sec = (ns: bigint) => `${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
        // [0, cut - 1ns] and [cut, end]: nanosecond timestamps make these disjoint and complete.
        const parts = [];
        if (cut > 0n) parts.push(await runMain(rangeMain, ['0', sec(cut - 1n)], input));
        parts.push(await runMain(rangeMain, ['--unsorted', sec(cut), sec(span)], input));
        const sum = new Map<string, number>();
        for (const part of parts) {
          expect(part.code).toBe(0);
          for (const [k, v] of collapseText(part.stdout.toString('latin1'), { tid: true })) sum.set(k, (sum.get(k) ?? 0) + v);
        }
        // Each window keeps its own first event; compare per event-homogeneous input.
        const whole = collapseText(text, { tid: true });
        if (p.samples.every((s) => s.event === p.samples[0].event)) expect(sum).toEqual(whole);
      }),
      params,
    );
  });

  it('range-perf output is always a byte-exact subsequence of lines of its input', async () => {
    await fc.assert(
      fc.asyncProperty(profileArb, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), async (p, a, b) => {
        const input = Buffer.from(render(p).text, 'latin1');
        const r = await runMain(rangeMain, ['--timezerosecs', String(Math.min(a, b)), String(Math.max(a, b) + 0.5)], input);
        expect(r.code).toBe(0);
        const text = input.toString('latin1');
        // The output is one contiguous run of the input (it has no comment lines).
        expect(text.includes(r.stdout.toString('latin1'))).toBe(true);
      }),
      params,
    );
  });
});
