// The process table of the heat-map page: the selection's processes (the stack tree's root
// frames: comm, or comm-PID with --pid, as stackcollapse's first field), with their
// samples and share of the selection, and, with a baseline pinned, their samples and share
// of the baseline: "kubelet 6.5 % here against under 1 % at baseline" in one place.
//
// Clicking a process picks it: the heat map is recoloured by that process's samples only
// (on its own scale) and the flame graph shows its stacks only. Clicking it again, or Esc,
// puts everything back.
import { removeChildren, svgEl, XHTML_NS } from '../../flamegraph/viewer/dom.js';
import { groupDigits } from '../../flamegraph/viewer/layout.js';
import { cellColour } from './cell-colour.js';
import { pctOf, type Self } from './compare.js';
import type { HeatmapData } from './data.js';

/** Processes listed at most; the rest are summed in one line. */
const MAX_ROWS = 12;

export interface ProcessRow {
  /** The root node (-1 for the "others" line). */
  node: number;
  name: string;
  samples: number;
  base: number;
}

/** Samples per root (process) node of these self counts. */
export function samplesByRoot(self: Self, root: Int32Array): Map<number, number> {
  const by = new Map<number, number>();
  for (const [node, n] of self) if (n > 0) by.set(root[node], (by.get(root[node]) ?? 0) + n);
  return by;
}

/** The rows: every process of B (and of A), most samples in B first, then in A, then by name. */
export function processRows(names: string[], frame: Int32Array, b: Map<number, number>, a: Map<number, number> | null): ProcessRow[] {
  const nodes = new Set<number>([...b.keys(), ...(a ? a.keys() : [])]);
  const rows = [...nodes].map((node) => ({ node, name: names[frame[node]], samples: b.get(node) ?? 0, base: a ? (a.get(node) ?? 0) : 0 }));
  rows.sort((x, y) => y.samples - x.samples || y.base - x.base || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return rows;
}

export interface ProcessTableHost {
  data: HeatmapData;
  names: string[];
  /** The groups: the table, the map's cells (hidden while a process is picked) and their stand-in. */
  table: SVGGElement;
  cells: SVGGElement;
  procCells: SVGGElement;
  /** The main view's geometry (columns of k seconds). */
  view: { x0: number; y0: number; cw: number; rh: number; k: number; n: number };
  enhanced: boolean;
  /** Runs work behind the page's busy indicator. */
  busy(work: () => void): void;
  /** The root (process) node of every stack-tree node. */
  roots(): Int32Array;
  /** A process was picked (root node) or put back (-1). */
  onPick(node: number): void;
  /** The map was recoloured for the picked process (or all): the search's overlay follows. */
  recoloured(): void;
}

export class ProcessTable {
  /** The picked process's root node, or -1. */
  picked = -1;
  private rowsDrawn = 0;

  constructor(private readonly h: ProcessTableHost) {
    h.table.addEventListener('click', (evt) => {
      let t = evt.target as Element | null;
      while (t && t !== h.table && !t.hasAttribute('data-node')) t = t.parentNode as Element | null;
      if (!t || t === h.table) return;
      const node = Number(t.getAttribute('data-node'));
      if (node >= 0) this.pick(this.picked === node ? -1 : node);
    });
  }

  /** Draws the table of B's (and A's) samples per process; null clears it. */
  draw(root: Int32Array | null, selfB: Self | null, selfA: Self | null): void {
    const g = this.h.table;
    const doc = g.ownerDocument;
    removeChildren(g);
    this.rowsDrawn = 0;
    if (!root || !selfB) return;
    const D = this.h.data;
    const b = samplesByRoot(selfB, root);
    const a = selfA ? samplesByRoot(selfA, root) : null;
    let tB = 0;
    for (const n of b.values()) tB += n;
    let tA = 0;
    if (a) for (const n of a.values()) tA += n;
    const rows = processRows(this.h.names, D.frame!, b, a);
    const head = a ? 'samples      %  A samples      %   process' : 'samples      %   process';
    svgEl(doc, 'text', { x: 0, y: 0, class: 'th' }, g, head);
    const shown = rows.length > MAX_ROWS ? rows.slice(0, MAX_ROWS - 1) : rows;
    if (rows.length > MAX_ROWS) {
      const rest = rows.slice(MAX_ROWS - 1);
      shown.push({ node: -1, name: `(${rows.length - shown.length} more processes)`, samples: rest.reduce((s, r) => s + r.samples, 0), base: rest.reduce((s, r) => s + r.base, 0) });
    }
    shown.forEach((r, i) => {
      const cols = `${String(r.samples).padStart(7)} ${pctOf(r.samples, tB).padStart(6)}` + (a ? `  ${String(r.base).padStart(9)} ${pctOf(r.base, tA).padStart(6)}` : '');
      const mark = r.node >= 0 && r.node === this.picked ? '\u25b8 ' : '  ';
      const attrs: Record<string, string | number> = { x: 0, y: 16 * (i + 1), class: r.node === this.picked && r.node >= 0 ? 'procrow on' : 'procrow', 'data-node': r.node, 'data-samples': r.samples };
      if (a) attrs['data-base'] = r.base;
      const t = svgEl(doc, 'text', attrs, g, `${cols} ${mark}${r.name}`);
      t.setAttribute('data-proc', r.name);
      svgEl(
        doc,
        'title',
        {},
        t,
        r.node < 0
          ? 'processes beyond the first ones, summed'
          : `${r.name}: ${groupDigits(r.samples)} samples of the selection` + (a ? `, ${groupDigits(r.base)} of the baseline` : '') + (r.node === this.picked ? ' (click again or Esc: all processes)' : ' (click: this process only, on the heat map and in the graph)'),
      );
    });
    this.rowsDrawn = shown.length;
  }

  /** The table's height (0 when empty), with a gap below. */
  height(): number {
    return this.rowsDrawn > 0 ? 16 * (this.rowsDrawn + 1) + 14 : 0;
  }

  /** Picks a process (its root node) or, with -1, puts all back. */
  pick(node: number): void {
    this.picked = node;
    const work = () => {
      this.recolour();
      this.h.onPick(node);
    };
    // The first pick counts every cell's processes: on a big map, behind "working…".
    if (node >= 0 && !this.grids && this.h.data.cellIndex.reduce((n, i) => n + (i >= 0 ? 1 : 0), 0) > ProcessTable.BUSY_CELLS) this.h.busy(work);
    else work();
  }

  /** Per process (root node): its samples per cell of the main view, and their largest (made once, for all). */
  private grids: Map<number, { grid: Float64Array; max: number }> | null = null;
  private gridsOf(): Map<number, { grid: Float64Array; max: number }> {
    if (this.grids) return this.grids;
    const { view: v, data } = this.h;
    const root = this.h.roots();
    const grids = new Map<number, { grid: Float64Array; max: number }>();
    for (let c = 0; c < data.ncols; c++) {
      for (let r = 0; r < data.rows; r++) {
        if (data.cellIndex[c * data.rows + r] < 0) continue;
        const i = Math.floor(c / v.k) * data.rows + r;
        for (const [k, m] of data.selfOf({ c, r }, { c, r })) {
          let g = grids.get(root[k]);
          if (!g) grids.set(root[k], (g = { grid: new Float64Array(v.n * data.rows), max: 0 }));
          g.grid[i] += m;
          if (g.grid[i] > g.max) g.max = g.grid[i];
        }
      }
    }
    return (this.grids = grids);
  }

  /** Cells of a process drawn as rectangles at most; above, one image. */
  static readonly RECT_CELLS = 3000;

  /** Non-empty cells above which the first recolouring shows that it is busy. */
  static readonly BUSY_CELLS = 5000;

  /** Recolours the main view by the picked process's samples (or shows all cells again). */
  recolour(): void {
    this.paint();
    this.h.recoloured();
  }

  private paint(): void {
    const { cells, procCells, view: v, data } = this.h;
    removeChildren(procCells);
    if (this.picked < 0) {
      cells.removeAttribute('display');
      return;
    }
    cells.setAttribute('display', 'none');
    const g = this.gridsOf().get(this.picked);
    const grid = g ? g.grid : new Float64Array(0);
    const max = g ? g.max : 0;
    const doc = procCells.ownerDocument;
    let filled = 0;
    for (let i = 0; i < grid.length; i++) if (grid[i] > 0) filled++;
    if (filled > ProcessTable.RECT_CELLS) {
      // Many cells: one image, a pixel per cell (as heatmap-svg draws a big map), which
      // the browser draws in a blink where thousands of rectangles take seconds.
      const cnv = doc.createElementNS(XHTML_NS, 'canvas') as HTMLCanvasElement;
      cnv.width = v.n;
      cnv.height = data.rows;
      const ctx = cnv.getContext('2d');
      if (ctx) {
        const img = ctx.createImageData(v.n, data.rows);
        img.data.fill(255);
        for (let dc = 0; dc < v.n; dc++) {
          for (let r = 0; r < data.rows; r++) {
            const n = grid[dc * data.rows + r] ?? 0;
            if (n <= 0) continue;
            const rgb = /^rgb\((\d+),(\d+),(\d+)\)$/.exec(cellColour(n, max, this.h.enhanced))!;
            const p = ((data.rows - 1 - r) * v.n + dc) * 4;
            img.data[p] = Number(rgb[1]);
            img.data[p + 1] = Number(rgb[2]);
            img.data[p + 2] = Number(rgb[3]);
          }
        }
        ctx.putImageData(img, 0, 0);
        svgEl(
          doc,
          'image',
          { x: v.x0, y: v.y0, width: v.n * v.cw, height: data.rows * v.rh, preserveAspectRatio: 'none', style: 'image-rendering: pixelated', href: cnv.toDataURL('image/png') },
          procCells,
        );
        return;
      }
    }
    const frag = doc.createDocumentFragment();
    for (let dc = 0; dc < v.n; dc++) {
      for (let r = 0; r < data.rows; r++) {
        const n = grid[dc * data.rows + r] ?? 0;
        if (n > 0) svgEl(doc, 'rect', { x: v.x0 + dc * v.cw, y: v.y0 + (data.rows - 1 - r) * v.rh, width: v.cw, height: v.rh, fill: cellColour(n, max, this.h.enhanced), 'data-count': n }, frag);
      }
    }
    procCells.appendChild(frag);
  }
}
