// The data heatmap-svg embeds for its script: the grid, the table of distinct stacks (as a
// tree) and per-cell stack counts, in a compact text form with no per-sample text.
//
// Numbers are written as self-delimiting base-32 digits, least significant first: '0'-'9'
// and 'a'-'v' for a digit with more to come, 'A'-'Z', 'w'-'z', '_' and '-' for the last one.
// So 0-31 take one character, up to 1023 two, and no separators are needed. None of these
// characters needs escaping in JSON, XML or CDATA. Examples:
//   0 -> 'A', 5 -> 'F', 31 -> '-', 32 -> '0B', 1000 -> '8z' (8 + 31 * 32)
import type { Heatmap } from './heatmap.js';
import { decodeUtf8Bytes, dropXmlInvalid } from '../svg.js';
import { axisSegments, TimeAxis } from './viewer/time-axis.js';

const MORE = '0123456789abcdefghijklmnopqrstuv';
const LAST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz_-';

export function encodeVarints(ns: ArrayLike<number>): string {
  const w = new VarintWriter();
  for (let i = 0; i < ns.length; i++) w.int(ns[i]);
  return w.text();
}

const MORE_CODES = Uint8Array.from(MORE, (c) => c.charCodeAt(0));
const LAST_CODES = Uint8Array.from(LAST, (c) => c.charCodeAt(0));

/**
 * Varint text as the ASCII bytes it was written in, in pieces: the long ones (a stack tree
 * of a million nodes) are never one string, nor one Buffer grown by doubling. Why: on a
 * 2 GB input those copies were the last ~20 MB of heatmap-svg's peak RSS.
 */
export class VarintText {
  constructor(
    readonly pieces: Buffer[],
    readonly length: number,
  ) {}

  text(): string {
    return Buffer.concat(this.pieces).toString('latin1');
  }
}

const PIECE_BYTES = 1 << 18;

/** Varints written as bytes into pieces of PIECE_BYTES: no string per number. */
class VarintWriter {
  private pieces: Buffer[] = [];
  private buf = Buffer.allocUnsafe(1 << 12);
  private len = 0;
  private total = 0;

  int(n: number): void {
    if (this.len + 12 > this.buf.length) this.next();
    const buf = this.buf;
    let len = this.len;
    while (n >= 32) {
      const d = n % 32;
      buf[len++] = MORE_CODES[d];
      n = (n - d) / 32;
    }
    buf[len++] = LAST_CODES[n];
    this.len = len;
  }

  /**
   * For i below n, in one loop: `i - a[i]` (a tree's parents: each at most i + 1) when `map`
   * is null, else `map[a[i]]` (non-negative).
   */
  each(a: Int32Array, n: number, map: Int32Array | null): void {
    for (let i = 0; i < n; ) {
      // Up to 7 bytes a number (under 2^35); the room is checked once per stretch.
      const room = Math.min(n, i + ((this.buf.length - this.len) >> 3));
      if (room === i) {
        this.next();
        continue;
      }
      const buf = this.buf;
      let len = this.len;
      for (; i < room; i++) {
        let v = map === null ? i - a[i] : map[a[i]];
        while (v >= 32) {
          const d = v & 31;
          buf[len++] = MORE_CODES[d];
          v = (v - d) / 32;
        }
        buf[len++] = LAST_CODES[v];
      }
      this.len = len;
    }
  }

  private next(): void {
    this.pieces.push(this.buf.subarray(0, this.len));
    this.total += this.len;
    // Small first, so that the many small outputs (a grid, a test) stay small.
    this.buf = Buffer.allocUnsafe(Math.min(PIECE_BYTES, this.buf.length * 4));
    this.len = 0;
  }

  done(): VarintText {
    if (this.len > 0) this.next();
    return new VarintText(this.pieces, this.total);
  }

  text(): string {
    return this.done().text();
  }
}

const EMPTY = new VarintText([], 0);

export interface EmbeddedData {
  /** Offset buckets per second. */
  rows: number;
  /** Absolute whole second of column 0. */
  origin: number;
  /** First column's second (relative to origin) and number of columns. */
  c0: number;
  ncols: number;
  /** The columns' seconds, as runs (viewer/time-axis.ts): long empty stretches are cut out. */
  segs: number[];
  /** Per column: k, then k pairs (row delta, count). */
  grid: string;
  maxCount: number;
  /** Stack names, in byte order; null without stacks. */
  names: string[] | null;
  /** Per node: node index minus parent index (a root's parent is -1). */
  parent: VarintText;
  frame: VarintText;
  /** Per non-empty cell, column-major: m, then m pairs (node delta, count). */
  cells: VarintText;
  /** Sizes, for the SVG's own statement of what it carries. */
  bytes: { grid: number; stacks: number };
  /** Distinct stacks that hold samples. */
  distinctStacks: number;
}

/**
 * Encodes a heat map's grid, and its stacks unless `stacks` is false. Name ids are
 * renumbered into byte order of the names, so the script can sort folded lines by id.
 */
export function encodeHeatmap(hm: Heatmap, stacks: boolean): EmbeddedData {
  const rows = hm.rows;
  const origin = hm.origin ?? 0;
  const axis = heatmapAxis(hm);
  const c0 = axis.ncols === 0 ? 0 : axis.secOf(0);
  const ncols = axis.ncols;
  const gw = new VarintWriter();
  for (let c = 0; c < ncols; c++) {
    const col = hm.columns.get(origin + axis.secOf(c));
    let k = 0;
    if (col) for (let r = 0; r < rows; r++) if (col[r] !== 0) k++;
    gw.int(k);
    if (k === 0) continue;
    let prev = 0;
    for (let r = 0; r < rows; r++) {
      if (col![r] === 0) continue;
      gw.int(r - prev);
      gw.int(col![r]);
      prev = r;
    }
  }
  const gridText = gw.text();
  const out: EmbeddedData = {
    rows,
    origin,
    c0,
    ncols,
    segs: [...axis.segs],
    grid: gridText,
    maxCount: hm.maxCount,
    names: null,
    parent: EMPTY,
    frame: EMPTY,
    cells: EMPTY,
    bytes: { grid: gridText.length, stacks: 0 },
    distinctStacks: 0,
  };
  const tree = hm.tree;
  if (!stacks || !tree) return out;
  // The names the stacks use (the builder may have named frames of samples it then left
  // out), in byte order: they are latin1 strings, so code units are bytes.
  const { names, newId } = usedNames(tree);
  const pw = new VarintWriter();
  pw.each(tree.parent, tree.size, null);
  const fw = new VarintWriter();
  fw.each(tree.frame, tree.size, newId);
  const cw = new VarintWriter();
  out.distinctStacks = encodeCells(hm, axis, tree.size, cw);
  out.names = names;
  out.parent = pw.done();
  out.frame = fw.done();
  out.cells = cw.done();
  let nameBytes = 0;
  for (let i = 0; i < names.length; i++) nameBytes += names[i].length + 3;
  out.bytes.stacks = out.parent.length + out.frame.length + out.cells.length + nameBytes;
  return out;
}

// encodeHeatmap's loops are functions of their own: it runs once a run, and a loop in one
// big function was compiled (on-stack replacement) and thrown away again as the next loop
// met code without type feedback (--trace-deopt: four times on the recorded tsc profile).

/**
 * The names tree nodes use, in byte order (as flamegraph-svg shows them: UTF-8 decoded, bad
 * bytes as U+FFFD, without the code points XML cannot carry), and each name id's index
 * among them.
 */
function usedNames(tree: NonNullable<Heatmap['tree']>): { names: string[]; newId: Int32Array } {
  const all = tree.names;
  const order = usedIds(tree.frame, tree.size, all.length);
  // Names are distinct (TreeBuilder.nameId): never equal. They are latin1 strings, so code units are bytes.
  order.sort((a, b) => (all[a] < all[b] ? -1 : 1));
  const newId = new Int32Array(all.length);
  for (let i = 0; i < order.length; i++) newId[order[i]] = i;
  return { names: shownNames(all, order), newId };
}

/** The name ids that `frame[0..size)` holds, ascending. */
function usedIds(frame: Int32Array, size: number, names: number): number[] {
  const used = new Uint8Array(names);
  for (let i = 0; i < size; i++) used[frame[i]] = 1;
  const ids: number[] = [];
  for (let i = 0; i < names; i++) if (used[i] !== 0) ids.push(i);
  return ids;
}

/** Names `all[order[i]]` as the SVG shows them. */
function shownNames(all: readonly string[], order: readonly number[]): string[] {
  const names = new Array<string>(order.length);
  for (let i = 0; i < order.length; i++) names[i] = dropXmlInvalid(decodeUtf8Bytes(all[order[i]]));
  return names;
}

/**
 * Per non-empty cell of the columns drawn, column-major: m, then m pairs (node delta,
 * count). Returns how many distinct nodes (stacks) hold samples.
 */
function encodeCells(hm: Heatmap, axis: TimeAxis, size: number, cw: VarintWriter): number {
  const rows = hm.rows;
  const origin = hm.origin ?? 0;
  const sampled = new Uint8Array(size);
  let distinct = 0;
  for (let c = 0; c < axis.ncols; c++) {
    const sec = origin + axis.secOf(c);
    const col = hm.columns.get(sec);
    if (!col) continue;
    // (row, node, count), sorted by row and node.
    const st = hm.cellStacks.get(sec)!.sorted();
    let p = 0;
    for (let r = 0; r < rows; r++) {
      while (p < st.length && st[p] < r) p += 3;
      if (col[r] === 0) continue;
      let q = p;
      while (q < st.length && st[q] === r) q += 3;
      cw.int((q - p) / 3);
      let prev = 0;
      for (; p < q; p += 3) {
        const node = st[p + 1];
        if (sampled[node] === 0) {
          sampled[node] = 1;
          distinct++;
        }
        cw.int(node - prev);
        cw.int(st[p + 2]);
        prev = node;
      }
    }
  }
  return distinct;
}

/** The time axis of a heat map: its columns' seconds, long empty stretches cut out. */
export function heatmapAxis(hm: Heatmap): TimeAxis {
  const origin = hm.origin ?? 0;
  const secs = Float64Array.from(hm.columns.keys(), (s) => s - origin).sort();
  return new TimeAxis(axisSegments(secs));
}
