// The data a heatmap-svg file embeds for its viewer (written by src/heatmap/render.ts from
// src/heatmap/embed.ts), decoded in the browser: the grid of counts, and, on the first
// selection, the stack tree and per-cell stack counts.
import { decodeVarints } from './varints.js';
import { secondText, TimeAxis } from './time-axis.js';

/** Where render.ts put things (user units of the SVG as written). */
export interface StaticLayout {
  x0: number;
  y0: number;
  cw: number;
  rh: number;
  k: number;
  dcols: number;
  avail: number;
  detailY: number;
  maxDetail: number;
  flameY: number;
  btnY: number;
  selY: number;
  svgWidth: number;
}

/** A cell in absolute per-second columns (0-based from the first column) and rows. */
export interface Cell {
  c: number;
  r: number;
}

/** The JSON block of a heat map SVG. */
export interface Payload {
  rows: number;
  origin: number;
  c0: number;
  ncols: number;
  /** The columns' seconds after the origin, as runs (time-axis.ts). */
  segs: number[];
  grid: string;
  maxCount: number;
  names: string[] | null;
  parent: string;
  frame: string;
  cells: string;
  layout: StaticLayout;
  enhanced: boolean;
  /** The reproduce command's parts (see render.ts, ReproduceInfo). */
  reproduce: { files: string[]; timeraw: boolean; rangeFlags: string; collapseFlags: string; profile: boolean };
  noStacksNote: string;
  /** The range to open with (heatmap-svg --select), or null. */
  select: { a: Cell; b: Cell } | null;
}

export class HeatmapData {
  readonly rows: number;
  readonly ncols: number;
  readonly counts: Uint32Array;
  readonly cellIndex: Int32Array;
  readonly stacks: boolean;
  /** Column -> second after the origin (long empty stretches are cut out of the axis). */
  readonly axis: TimeAxis;
  parent: Int32Array | null = null;
  frame: Int32Array | null = null;
  private cellNums: number[] = [];
  private cellStart: Int32Array | null = null;

  constructor(readonly D: Payload) {
    this.rows = D.rows;
    this.ncols = D.ncols;
    this.axis = new TimeAxis(D.segs);
    const n = Math.max(1, D.ncols * D.rows);
    this.counts = new Uint32Array(n);
    this.cellIndex = new Int32Array(n).fill(-1);
    const g = decodeVarints(D.grid, []);
    let p = 0;
    let k = 0;
    for (let c = 0; c < D.ncols; c++) {
      const m = g[p++];
      let r = 0;
      for (let i = 0; i < m; i++) {
        r += g[p++];
        this.counts[c * D.rows + r] = g[p++];
        this.cellIndex[c * D.rows + r] = k++;
      }
    }
    this.stacks = D.names !== null;
  }

  count(c: number, r: number): number {
    return c >= 0 && c < this.ncols ? this.counts[c * this.rows + r] : 0;
  }

  /** Decodes the stack tree and the per-cell stacks (once). */
  decodeStacks(): void {
    if (this.cellStart || !this.stacks) return;
    const pd = decodeVarints(this.D.parent, []);
    this.parent = new Int32Array(pd.length);
    for (let i = 0; i < pd.length; i++) this.parent[i] = i - pd[i];
    this.frame = Int32Array.from(decodeVarints(this.D.frame, []));
    this.cellNums = decodeVarints(this.D.cells, []);
    const starts: number[] = [];
    for (let p = 0; p < this.cellNums.length; ) {
      starts.push(p);
      p += 1 + 2 * this.cellNums[p];
    }
    starts.push(this.cellNums.length);
    this.cellStart = Int32Array.from(starts);
  }

  /** Calls f for every cell from a to b in time order (a before b). */
  forCells(a: Cell, b: Cell, f: (c: number, r: number) => void): void {
    for (let c = a.c; c <= b.c; c++) {
      const r0 = c === a.c ? a.r : 0;
      const r1 = c === b.c ? b.r : this.rows - 1;
      for (let r = r0; r <= r1; r++) if (c >= 0 && c < this.ncols) f(c, r);
    }
  }

  /** Samples in the cells from a to b. */
  samples(a: Cell, b: Cell): number {
    let n = 0;
    this.forCells(a, b, (c, r) => (n += this.counts[c * this.rows + r]));
    return n;
  }

  /** Stack entries to read for the cells from a to b (the cost of drawing their graph). */
  stackEntries(a: Cell, b: Cell): number {
    this.decodeStacks();
    let n = 0;
    this.forCells(a, b, (c, r) => {
      const i = this.cellIndex[c * this.rows + r];
      if (i >= 0) n += this.cellNums[this.cellStart![i]];
    });
    return n;
  }

  /** Self samples per stack node over the cells from a to b. */
  selfOf(a: Cell, b: Cell): Map<number, number> {
    this.decodeStacks();
    const self = new Map<number, number>();
    this.forCells(a, b, (c, r) => {
      const i = this.cellIndex[c * this.rows + r];
      if (i < 0) return;
      let p = this.cellStart![i];
      const m = this.cellNums[p++];
      let node = 0;
      for (let j = 0; j < m; j++) {
        node += this.cellNums[p++];
        self.set(node, (self.get(node) ?? 0) + this.cellNums[p++]);
      }
    });
    return self;
  }
}

/** Cells in time order: (column, row), earlier rows first within a column. */
export function cellBefore(a: Cell, b: Cell): boolean {
  return a.c < b.c || (a.c === b.c && a.r <= b.r);
}

/** A time as whole seconds and nanoseconds (0 to 999,999,999): exact however far out. */
export interface Instant {
  sec: number;
  ns: number;
}

/** The first and the last nanosecond of the cells a to b, second `sec(c)` for column c. */
export function cellTimes(sec: (c: number) => number, a: Cell, b: Cell, rows: number): { start: Instant; end: Instant; after: Instant } {
  const start = { sec: sec(a.c), ns: Math.ceil((a.r * 1e9) / rows) };
  const endNs = Math.ceil(((b.r + 1) * 1e9) / rows);
  const after = endNs >= 1e9 ? { sec: sec(b.c) + 1, ns: 0 } : { sec: sec(b.c), ns: endNs };
  const end = endNs >= 1e9 ? { sec: sec(b.c), ns: 999999999 } : { sec: sec(b.c), ns: endNs - 1 };
  return { start, end, after };
}

/** An instant as range-perf reads it: '12', '12.5', '-0.25'; `addSeconds` shifts it. */
export function formatInstant(t: Instant, addSeconds = 0): string {
  const f = String(t.ns).padStart(9, '0').replace(/0+$/, '');
  const s = t.sec + addSeconds;
  // Negative with a fraction: -0.25 is second -1 plus 0.75.
  if (s < 0 && f) {
    const back = 1e9 - t.ns;
    return `-${secondText(-s - 1)}.${String(back).padStart(9, '0').replace(/0+$/, '')}`;
  }
  return secondText(s) + (f ? '.' + f : '');
}
