// The leaf node of each (root name, core stack) that heatmap-svg's stacks mode has met
// (src/heatmap/heatmap.ts): the core interns a sample's frames as a stack id without its
// root (comm), so one stack id may sit under several root names. For example, the samples
//   java 4771 ...  then frames a, b   -> root 0 (java), stack 7
//   bash 4780 ...  then frames a, b   -> root 1 (bash), stack 7
// give two leaves: (0, 7) and (1, 7).
//
// Most stacks sit under one root name only: each stack id keeps the leaf under the first
// root name that met it in a dense array, and the other (root, stack) pairs go to a small
// hash table. An array per root name indexed by stack id (as before) held ~2.4 M entries
// for 23 k leaves on a 16-CPU profile of 106 processes, ~10 MB of memory written for the
// first time (and more in its copies as the arrays grew), which costs ~15-20 µs a page on
// a virtual machine that gives freed pages back (docs/speed.md).
import { grownTo } from '../typed-arrays.js';

export class LeafTable {
  /** Per stack id: the leaf node + 1 under root `firstRoot[stack]` (0: not met yet). */
  private first = new Int32Array(1024);
  private firstRoot = new Int32Array(1024);
  /** Other (root, stack) pairs: open addressing, slots of (root + 1, stack, node); root + 1 = 0 is empty. */
  private others = new Int32Array(3 * 64);
  private mask = 63;
  private size = 0;

  /** The leaf node of `stack` under root `root` (a small index, 0 and up), or -1. */
  get(root: number, stack: number): number {
    if (stack >= this.first.length) return -1;
    const v = this.first[stack];
    if (v === 0) return -1;
    if (this.firstRoot[stack] === root) return v - 1;
    const t = this.others;
    for (let i = LeafTable.hash(root, stack) & this.mask; ; i = (i + 1) & this.mask) {
      const r = t[3 * i];
      if (r === 0) return -1;
      if (r === root + 1 && t[3 * i + 1] === stack) return t[3 * i + 2];
    }
  }

  /** Records leaf `node` of `stack` under `root` (not recorded before). */
  set(root: number, stack: number, node: number): void {
    if (stack >= this.first.length) {
      const size = Math.max(stack + 1, 2 * this.first.length);
      this.first = grownTo(this.first, size);
      this.firstRoot = grownTo(this.firstRoot, size);
    }
    if (this.first[stack] === 0) {
      this.first[stack] = node + 1;
      this.firstRoot[stack] = root;
      return;
    }
    this.put(root, stack, node);
    if (2 * ++this.size > this.mask + 1) {
      const old = this.others;
      this.mask = 2 * (this.mask + 1) - 1;
      this.others = new Int32Array(3 * (this.mask + 1));
      for (let p = 0; p < old.length; p += 3) if (old[p] !== 0) this.put(old[p] - 1, old[p + 1], old[p + 2]);
    }
  }

  private put(root: number, stack: number, node: number): void {
    const t = this.others;
    let i = LeafTable.hash(root, stack) & this.mask;
    while (t[3 * i] !== 0) i = (i + 1) & this.mask;
    t[3 * i] = root + 1;
    t[3 * i + 1] = stack;
    t[3 * i + 2] = node;
  }

  private static hash(root: number, stack: number): number {
    const h = Math.imul(root + 1, 0x9e3779b1) ^ Math.imul(stack, 0x85ebca77);
    return h ^ (h >>> 15);
  }
}
