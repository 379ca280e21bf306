// The leaf table of heatmap-svg's stacks mode (src/heatmap/leaf-table.ts): (root, stack) ->
// leaf node, with the first root of each stack in a dense array and the others in a hash
// table. Drawn sequences of lookups and inserts must agree with a Map, whatever the order of
// roots and stacks (shared stacks, stack ids met out of order, tables that grow).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LeafTable } from '../src/heatmap/leaf-table.js';
import { params } from './arbitraries.js';

describe('LeafTable', () => {
  it.each([
    ['one root', [[0, 0], [0, 5], [0, 0]]],
    ['a stack under two roots', [[0, 3], [1, 3], [0, 3], [1, 3], [2, 3]]],
    ['a stack first met under a later root', [[4, 1], [0, 1], [4, 1]]],
  ])('%s', (_name, steps) => {
    const t = new LeafTable();
    const m = new Map<string, number>();
    for (const [root, stack] of steps) {
      const want = m.get(`${root},${stack}`) ?? -1;
      expect(t.get(root, stack)).toBe(want);
      if (want < 0) {
        m.set(`${root},${stack}`, m.size);
        t.set(root, stack, m.size - 1);
      }
    }
  });

  it('agrees with a Map on drawn lookups', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(40), fc.nat(3000)), { maxLength: 3000 }), (steps) => {
        const t = new LeafTable();
        const m = new Map<number, number>();
        for (const [root, stack] of steps) {
          const want = m.get(root * 65536 + stack) ?? -1;
          if (t.get(root, stack) !== want) return false;
          if (want < 0) {
            m.set(root * 65536 + stack, m.size);
            t.set(root, stack, m.size - 1);
          }
        }
        for (const [k, v] of m) if (t.get(Math.floor(k / 65536), k % 65536) !== v) return false;
        return true;
      }),
      params,
    );
  });
});
