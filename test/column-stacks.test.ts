// A column's stack counts (src/heatmap/stack-tree.ts, ColumnStacks): open-addressing
// tables, packed when the column is left and reopened when it gets samples again; a packed
// column's table is emptied and kept for the next one. Checked against a Map of counts, with
// columns of very different sizes made in turn (the kept table reused, grown, passed over)
// and columns reopened after others were packed.
import { describe, expect, it } from 'vitest';
import { ColumnStacks } from '../src/heatmap/stack-tree.js';

/** A small deterministic generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** The (row, node, count) triples of a model, sorted by row, then node. */
function expected(model: Map<string, number>): number[] {
  return [...model]
    .map(([k, c]) => [...k.split(',').map(Number), c])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .flat();
}

describe('ColumnStacks', () => {
  it('counts every (node, row) of columns made, packed and reopened in turn', () => {
    const rows = 50;
    const rand = rng(7);
    const columns: { c: ColumnStacks; model: Map<string, number> }[] = [];
    // Sizes from a handful of entries to tens of thousands: a kept table fits some, not others.
    const sizes = [5, 3000, 40, 20000, 1, 700, 9000, 16, 5000, 2];
    sizes.forEach((distinct, i) => {
      const c = new ColumnStacks(rows, i % 2 === 0 ? 0 : distinct);
      const model = new Map<string, number>();
      for (let k = 0; k < distinct * 3; k++) {
        const node = Math.floor(rand() * distinct * 2);
        const row = Math.floor(rand() * rows);
        c.add(node, row);
        model.set(`${row},${node}`, (model.get(`${row},${node}`) ?? 0) + 1);
      }
      c.pack();
      columns.push({ c, model });
      // Now and then an earlier column gets samples again (reopened, then packed again).
      if (i % 3 === 2) {
        const old = columns[Math.floor(rand() * columns.length)];
        for (let k = 0; k < 100; k++) {
          const node = Math.floor(rand() * 50);
          const row = Math.floor(rand() * rows);
          old.c.add(node, row);
          old.model.set(`${row},${node}`, (old.model.get(`${row},${node}`) ?? 0) + 1);
        }
        old.c.pack();
      }
    });
    for (const { c, model } of columns) {
      expect([...c.sorted()]).toEqual(expected(model));
      expect(c.entries).toBe(model.size);
    }
  });
});
