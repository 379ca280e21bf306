// The arithmetic of comparing two ranges of a heat map (baseline A, selection B), on the
// self counts per stack-tree node that HeatmapData.selfOf gives:
//
//   differential  the flame graph of B (widths from B), each frame coloured and titled by
//                 its self delta B - A', where A' = trunc(A * total(B) / total(A)): exactly
//                 `flamegraph-svg --diff --normalize a.folded b.folded` (src/flamegraph/
//                 flamegraph.ts and merge.ts normalise, colors.ts deltaColor colours, render.ts
//                 titles "name (N samples, P%; +D%)"); stacks only in A have no width in B.
//   elided        the stacks of B through frames that A lacks (a frame is a path from the
//                 process root; A "has" it when any of A's stacks passes through it), with the
//                 frames A has drawn grey as context: FlameScope's "View Elided Frames"
//                 (reference §7), but counted in B's samples, unscaled.
//
// A tree node is one path (one frame of the graph), so a frame's delta is its node's.
import { deltaColor } from '../../flamegraph/colors.js';
import { printfFixed, type FlameLayout } from '../../flamegraph/viewer/layout.js';

/** Fill of the frames of an elided view that A has too (context, not what changed). */
export const CONTEXT_FILL = 'rgb(215,215,215)';

export type Self = Map<number, number>;

export function totalOf(self: Self): number {
  let n = 0;
  for (const v of self.values()) n += v;
  return n;
}

/**
 * flamegraph-svg --normalize: A's count scaled to B's total, truncating, when both totals
 * are known and differ (difffolded.pl -n).
 */
export function normaliser(totalA: number, totalB: number): (n: number) => number {
  if (totalA <= 0 || totalA === totalB) return (n) => n;
  return (n) => Math.trunc((n * totalB) / totalA);
}

/** The self deltas of a comparison: B - normalised A per node, and their largest size (at least 1). */
export interface Deltas {
  delta(node: number): number;
  maxDelta: number;
  totalA: number;
  totalB: number;
}

export function deltasOf(selfA: Self, selfB: Self): Deltas {
  const totalA = totalOf(selfA);
  const totalB = totalOf(selfB);
  const norm = normaliser(totalA, totalB);
  const delta = (node: number) => (selfB.get(node) ?? 0) - norm(selfA.get(node) ?? 0);
  let maxDelta = 0;
  for (const node of selfA.keys()) maxDelta = Math.max(maxDelta, Math.abs(delta(node)));
  for (const node of selfB.keys()) maxDelta = Math.max(maxDelta, Math.abs(delta(node)));
  return { delta, maxDelta: Math.max(1, maxDelta), totalA, totalB };
}

/**
 * Colours and titles laid-out frames of B as flamegraph-svg --diff does: red grew, blue
 * shrank, white unchanged; titles gain "; +D%" (D: the delta as a share of B's total).
 */
export function decorateDiff(layout: FlameLayout, d: Deltas): void {
  for (const f of layout.frames) {
    if (f.id < 0) {
      f.fill = deltaColor(0, d.maxDelta, false);
      continue;
    }
    if (f.name === '--' || f.name === '-') continue;
    const dl = d.delta(f.node);
    f.fill = deltaColor(dl, d.maxDelta, false);
    let dp = printfFixed((100 * dl) / (d.totalB || 1), 2);
    if (dl > 0) dp = '+' + dp;
    f.title = f.title.replace(/\)$/, `; ${dp}%)`);
  }
}

/** Nodes that A's stacks pass through (A "has" these frames). */
export function framesOf(parent: Int32Array, self: Self): Set<number> {
  const has = new Set<number>();
  for (const [node, n] of self) {
    if (n <= 0) continue;
    for (let k = node; k >= 0 && !has.has(k); k = parent[k]) has.add(k);
  }
  return has;
}

/** B's self counts of the stacks that pass through a frame A lacks, and the frames A has. */
export function elidedSelf(parent: Int32Array, selfA: Self, selfB: Self): { self: Self; inA: Set<number> } {
  const inA = framesOf(parent, selfA);
  const self: Self = new Map();
  for (const [node, n] of selfB) if (n > 0 && !inA.has(node)) self.set(node, n);
  return { self, inA };
}

/** Greys the frames of an elided view that A has too, and says so in their titles. */
export function decorateElided(layout: FlameLayout, inA: Set<number>): void {
  for (const f of layout.frames) {
    if (f.id < 0 || inA.has(f.node)) {
      f.fill = CONTEXT_FILL;
      if (f.id >= 0) f.title = f.title.replace(/\)$/, '; in A too)');
    }
  }
}

/** The self counts of the stacks under one root (process) node; all when root < 0. */
export function underRoot(self: Self, root: Int32Array, node: number): Self {
  if (node < 0) return self;
  const out: Self = new Map();
  for (const [k, n] of self) if (root[k] === node) out.set(k, n);
  return out;
}

/** The root (process) node of every node: parents come before their children. */
export function rootsOf(parent: Int32Array): Int32Array {
  const root = new Int32Array(parent.length);
  for (let i = 0; i < parent.length; i++) root[i] = parent[i] < 0 ? i : root[parent[i]];
  return root;
}

/** A percentage with two decimals, "-" for an empty total. */
export function pctOf(n: number, total: number): string {
  return total > 0 ? printfFixed((100 * n) / total, 2) : '-';
}
