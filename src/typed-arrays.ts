// Growing typed arrays: the one helper every table of ids, counts and flags uses (collapse's
// table of stacks, flamegraph-svg's frame tree, heatmap-svg's stack tree and queues).

type Grown = Int32Array | Float64Array | Uint8Array;

/** A copy of `a` in a new array of the same kind with `size` elements (zeros past `a`'s end). */
export function grownTo<T extends Grown>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
