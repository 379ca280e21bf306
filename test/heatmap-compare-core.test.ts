// The arithmetic of comparing two ranges (src/heatmap/viewer/compare.ts) and of the process
// table (process-table.ts), on small stack trees: one-line table cases.
import { describe, expect, it } from 'vitest';
import { deltasOf, elidedSelf, framesOf, normaliser, rootsOf, underRoot } from '../src/heatmap/viewer/compare.js';
import { processRows, samplesByRoot } from '../src/heatmap/viewer/process-table.js';

// Tree: 0 app, 1 app;main, 2 app;main;hot, 3 app;main;cold, 4 db, 5 db;query, 6 app;main;gc
const parent = Int32Array.from([-1, 0, 1, 1, -1, 4, 1]);
const names = ['app', 'cold', 'db', 'gc', 'hot', 'main', 'query'];
const frame = Int32Array.from([0, 5, 4, 1, 2, 6, 3]);
const m = (o: Record<number, number>) => new Map(Object.entries(o).map(([k, v]) => [Number(k), v]));

describe('normaliser: flamegraph-svg --normalize (difffolded.pl -n)', () => {
  it.each([
    [76, 100, 20, 26],
    [100, 100, 37, 37],
    [0, 100, 5, 5],
    [3, 2, 2, 1],
  ])('total A %i, total B %i: %i -> %i', (ta, tb, n, want) => expect(normaliser(ta, tb)(n)).toBe(want));
});

describe('deltasOf', () => {
  const A = m({ 2: 20, 3: 20, 6: 60, 5: 16 });
  const B = m({ 2: 40, 3: 10, 5: 16 });
  const d = deltasOf(A, B);
  it.each([
    [2, 40 - Math.trunc((20 * 66) / 116)],
    [3, 10 - Math.trunc((20 * 66) / 116)],
    [6, -Math.trunc((60 * 66) / 116)],
    [1, 0],
  ])('node %i: B - normalised A = %i', (node, want) => expect(d.delta(node)).toBe(want));
  it('the largest change counts stacks only A has', () => expect(d.maxDelta).toBe(Math.trunc((60 * 66) / 116)));
  it('is at least 1', () => expect(deltasOf(m({ 2: 1 }), m({ 2: 1 })).maxDelta).toBe(1));
});

describe('elided: what B has that A lacks', () => {
  it('keeps the stacks through frames A lacks, and names the frames A has', () => {
    const e = elidedSelf(parent, m({ 2: 5 }), m({ 2: 7, 3: 2, 5: 1 }));
    expect([...e.self]).toEqual([
      [3, 2],
      [5, 1],
    ]);
    expect([...e.inA].sort()).toEqual([0, 1, 2]);
  });
  it('a stack ending where A goes deeper is A’s frame', () => expect([...elidedSelf(parent, m({ 2: 1 }), m({ 1: 4 })).self]).toEqual([]));
  it('framesOf is every node on A’s stacks', () => expect([...framesOf(parent, m({ 5: 1, 6: 2 }))].sort()).toEqual([0, 1, 4, 5, 6]));
});

describe('processes', () => {
  const root = rootsOf(parent);
  it('rootsOf', () => expect([...root]).toEqual([0, 0, 0, 0, 4, 4, 0]));
  it('underRoot keeps one process', () => expect([...underRoot(m({ 2: 1, 5: 2 }), root, 4)]).toEqual([[5, 2]]));
  it('samplesByRoot sums per process', () => expect([...samplesByRoot(m({ 2: 1, 3: 2, 5: 4 }), root)]).toEqual([
    [0, 3],
    [4, 4],
  ]));
  it('rows: most in B first, then in A; processes only in A listed with 0', () => {
    const rows = processRows(names, frame, m({ 4: 5 }), m({ 0: 9, 4: 1 }));
    expect(rows.map((r) => [r.name, r.samples, r.base])).toEqual([
      ['db', 5, 1],
      ['app', 0, 9],
    ]);
  });
});
