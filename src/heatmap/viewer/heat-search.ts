// The heat map recoloured by the page's search: the search box's function-name regex (the
// same term that marks the flame graph's frames) selects the samples whose stack has a
// matching frame, process root included, and the map shows, per cell, only those samples,
// on a white-to-magenta scale of its own. With a process picked in the process table, only
// that process's samples count (its matching samples, and nothing of the others). Hover
// adds the cell's matching count and share;
// a toggle beside the legend switches back to all samples; clearing the search restores
// the map. So a process or function that runs in bursts shows *when* it ran.
//
// Computed from the embedded per-cell stack counts: a node matches when its name or an
// ancestor's does (one pass over the tree, names tested once each), then each cell sums
// its matching stacks. Large pages do it behind the "working…" indicator.
import { removeChildren, svgEl, withBusy, XHTML_NS } from '../../flamegraph/viewer/dom.js';
import { groupDigits, printfFixed } from '../../flamegraph/viewer/layout.js';
import { searchCellColour } from './cell-colour.js';
import type { HeatmapData, Payload } from './data.js';
import { decodeVarints } from './varints.js';

/** A view of the map, as the page keeps it (main or drill-down). */
export interface HeatView {
  g: SVGGElement;
  x0: number;
  y0: number;
  cw: number;
  rh: number;
  /** First absolute column shown, and columns shown (each k seconds wide). */
  c0: number;
  n: number;
  k: number;
  kind: 'main' | 'detail';
}

/** Characters of embedded cell stacks above which a search runs behind the busy indicator. */
const BUSY_CHARS = 400000;
/**
 * Coloured cells above which a view's overlay is one image (drawn on a canvas), not a rect
 * per cell: 25,000 rects took seconds to add to a page that already holds the map's own.
 */
const RECT_LIMIT = 4000;

/** Per-cell (node, count) pairs, decoded once. */
interface CellPairs {
  node: Int32Array;
  count: Int32Array;
  /** Cell k's pairs are start[k] to start[k + 1]. */
  start: Int32Array;
}

export class HeatSearch {
  private key = '';
  private want: RegExp | null = null;
  /** Matching samples per cell (c * rows + r), or null when no search is on. */
  private matched: Uint32Array | null = null;
  private total = 0;
  private showAll = false;
  private pairs: CellPairs | null = null;
  /** The picked process (root node) `matched` was computed for, -1 for all. */
  private computedFor = -1;
  private queued = false;
  private readonly doc: Document;

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly data: HeatmapData,
    private readonly D: Payload,
    /** The views to recolour. */
    private readonly views: () => HeatView[],
    private readonly busy: Element | null,
    /** The process picked in the process table (its root node), or -1. */
    private readonly picked: () => number,
  ) {
    this.doc = svg.ownerDocument;
  }

  /** Whether the map shows matching samples (a search is on and the toggle is not on "all"). */
  get recoloured(): boolean {
    return this.matched !== null && !this.showAll;
  }

  /** Searches (null clears); a term already shown is not searched again. */
  search(re: RegExp | null): void {
    const key = re ? `/${re.source}/${re.flags}` : '';
    if (key === this.key) return;
    this.key = key;
    this.want = re;
    if (!re || !this.data.stacks) {
      this.matched = null;
      this.draw();
      return;
    }
    if (this.D.cells.length <= BUSY_CHARS) {
      this.compute(re);
      this.draw();
      return;
    }
    // Typing runs one search at a time, of the latest term.
    if (this.queued) return;
    this.queued = true;
    withBusy(this.svg, this.busy, () => {
      this.queued = false;
      if (!this.want) return;
      this.compute(this.want);
      this.draw();
    });
  }

  /** A process was picked or put back: a search on is computed again, for it. */
  repick(): void {
    if (this.want === null || this.matched === null || this.picked() === this.computedFor) return;
    this.compute(this.want);
    this.draw();
  }

  /** Redraws the overlays (after the page drew a view). */
  draw(): void {
    for (const v of this.views()) this.drawView(v);
    this.drawLegend();
  }

  /** Hover text to add for a cell of a view: its matching samples and their share. */
  describe(v: HeatView, c: number, r: number): string {
    const m = this.matched;
    if (!m) return '';
    let n = 0;
    let all = 0;
    for (let s = 0; s < v.k; s++) {
      const col = v.c0 + c * v.k + s;
      if (col < 0 || col >= this.data.ncols) continue;
      n += m[col * this.data.rows + r];
      all += this.data.count(col, r);
    }
    return `; ${groupDigits(n)} matching (${all > 0 ? printfFixed((100 * n) / all, 1) : '0.0'}% of the cell)`;
  }

  private decode(): CellPairs {
    if (this.pairs) return this.pairs;
    const nums = decodeVarints(this.D.cells, []);
    let cells = 0;
    let pairs = 0;
    for (let p = 0; p < nums.length; p += 1 + 2 * nums[p]) {
      cells++;
      pairs += nums[p];
    }
    const node = new Int32Array(pairs);
    const count = new Int32Array(pairs);
    const start = new Int32Array(cells + 1);
    let k = 0;
    let q = 0;
    for (let p = 0; p < nums.length; ) {
      start[k++] = q;
      const m = nums[p++];
      let nd = 0;
      for (let j = 0; j < m; j++) {
        nd += nums[p++];
        node[q] = nd;
        count[q++] = nums[p++];
      }
    }
    start[k] = q;
    this.pairs = { node, count, start };
    return this.pairs;
  }

  private compute(re: RegExp): void {
    const data = this.data;
    data.decodeStacks();
    const P = this.decode();
    const names = this.D.names!;
    const parent = data.parent!;
    const frame = data.frame!;
    // As the flame graph's search: the name as shown, without its _[k]-style annotation.
    const nameHit = new Uint8Array(names.length);
    for (let i = 0; i < names.length; i++) nameHit[i] = re.test(names[i].replace(/_\[[kwij]\]$/, '')) ? 1 : 0;
    // Parents come before their children. With a process picked, only nodes under its root.
    const pick = (this.computedFor = this.picked());
    const hit = new Uint8Array(parent.length);
    const root = pick >= 0 ? new Int32Array(parent.length) : null;
    for (let i = 0; i < parent.length; i++) {
      hit[i] = nameHit[frame[i]] | (parent[i] >= 0 ? hit[parent[i]] : 0);
      if (root) {
        root[i] = parent[i] >= 0 ? root[parent[i]] : i;
        if (root[i] !== pick) hit[i] = 0;
      }
    }
    const m = new Uint32Array(data.counts.length);
    let total = 0;
    const idx = data.cellIndex;
    for (let cell = 0; cell < idx.length; cell++) {
      const k = idx[cell];
      if (k < 0) continue;
      let s = 0;
      for (let p = P.start[k]; p < P.start[k + 1]; p++) if (hit[P.node[p]]) s += P.count[p];
      m[cell] = s;
      total += s;
    }
    this.matched = m;
    this.total = total;
  }

  private viewMatched(v: HeatView, dc: number, r: number): number {
    let n = 0;
    for (let s = 0; s < v.k; s++) {
      const col = v.c0 + dc * v.k + s;
      if (col >= 0 && col < this.data.ncols) n += this.matched![col * this.data.rows + r];
    }
    return n;
  }

  /** The overlay group of a view, made on first use over the view's cells. */
  private overlay(v: HeatView): SVGGElement {
    const id = `heat-search-${v.kind}`;
    let g = this.doc.getElementById(id) as unknown as SVGGElement | null;
    if (!g) {
      g = svgEl(this.doc, 'g', { id, 'pointer-events': 'none' }) as SVGGElement;
      // Above the cells, below the selection's highlight.
      const before = v.kind === 'main' ? this.doc.getElementById('hl-base') ?? this.doc.getElementById('hl-main') : this.doc.getElementById('hl-detail');
      if (before && before.parentNode) before.parentNode.insertBefore(g, before);
      else v.g.appendChild(g);
    }
    return g;
  }

  private drawView(v: HeatView): void {
    const g = this.overlay(v);
    removeChildren(g);
    if (!this.recoloured) return;
    const rows = this.data.rows;
    let max = 1;
    for (let c = 0; c < v.n; c++) for (let r = 0; r < rows; r++) max = Math.max(max, this.viewMatched(v, c, r));
    const counts = new Uint32Array(v.n * rows);
    let coloured = 0;
    for (let c = 0; c < v.n; c++) {
      for (let r = 0; r < rows; r++) {
        const n = (counts[c * rows + r] = this.viewMatched(v, c, r));
        if (n > 0) coloured++;
        if (n > max) max = n;
      }
    }
    const box = { x: v.x0, y: v.y0, width: v.n * v.cw, height: rows * v.rh };
    if (coloured > RECT_LIMIT && this.drawImage(g, box, v.n, rows, counts, max)) return;
    svgEl(this.doc, 'rect', { ...box, fill: 'rgb(255,255,255)' }, g);
    const frag = this.doc.createDocumentFragment();
    for (let c = 0; c < v.n; c++) {
      for (let r = 0; r < rows; r++) {
        const n = counts[c * rows + r];
        if (n > 0) svgEl(this.doc, 'rect', { x: v.x0 + c * v.cw, y: v.y0 + (rows - 1 - r) * v.rh, width: v.cw, height: v.rh, fill: searchCellColour(n, max) }, frag);
      }
    }
    g.appendChild(frag);
  }

  /** The overlay as one image of a pixel per cell; false when no canvas can be made. */
  private drawImage(g: SVGGElement, box: { x: number; y: number; width: number; height: number }, cols: number, rows: number, counts: Uint32Array, max: number): boolean {
    const canvas = this.doc.createElementNS(XHTML_NS, 'canvas') as HTMLCanvasElement;
    canvas.width = cols;
    canvas.height = rows;
    const ctx = canvas.getContext ? canvas.getContext('2d') : null;
    if (!ctx) return false;
    const img = ctx.createImageData(cols, rows);
    const px = img.data;
    const rgb = new Map<number, number[]>();
    for (let c = 0; c < cols; c++) {
      for (let r = 0; r < rows; r++) {
        const n = counts[c * rows + r];
        let col = rgb.get(n);
        if (!col) rgb.set(n, (col = /^rgb\((\d+),(\d+),(\d+)\)$/.exec(searchCellColour(n, max))!.slice(1).map(Number)));
        const p = 4 * ((rows - 1 - r) * cols + c);
        px[p] = col[0];
        px[p + 1] = col[1];
        px[p + 2] = col[2];
        px[p + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    svgEl(this.doc, 'image', { ...box, preserveAspectRatio: 'none', style: 'image-rendering: pixelated', href: canvas.toDataURL('image/png') }, g);
    return true;
  }

  /** The legend of the matching scale (in place of the map's own), the share matched, and the toggle. */
  private drawLegend(): void {
    const legend = this.doc.getElementById('legend') as unknown as SVGGElement | null;
    if (!legend) return;
    let g = this.doc.getElementById('heat-search-legend') as unknown as SVGGElement | null;
    if (!g) {
      g = svgEl(this.doc, 'g', { id: 'heat-search-legend' }) as SVGGElement;
      legend.parentNode!.insertBefore(g, legend.nextSibling);
    }
    removeChildren(g);
    const on = this.matched !== null;
    legend.setAttribute('display', this.recoloured ? 'none' : 'inline');
    if (!on) return;
    const swatch = legend.querySelector('rect');
    const y = swatch ? Number(swatch.getAttribute('y')) : 0;
    const x0 = this.D.layout.x0;
    // Positions from attributes only: reading a box would lay out the whole page each time.
    let right = x0 + 50 + 44 * legend.querySelectorAll('rect').length;
    if (this.recoloured) {
      // Per matching count of the main view: 0, then up to 10 steps.
      let max = 0;
      for (const v of this.views()) if (v.kind === 'main') for (let c = 0; c < v.n; c++) for (let r = 0; r < this.data.rows; r++) max = Math.max(max, this.viewMatched(v, c, r));
      const steps = max <= 10 ? Array.from({ length: max }, (_, i) => i + 1) : Array.from({ length: 10 }, (_, i) => Math.round(((i + 1) * max) / 10));
      steps.unshift(0);
      svgEl(this.doc, 'text', { x: x0, y: y + 10 }, g, 'Match');
      steps.forEach((n, i) => {
        const x = x0 + 50 + i * 44;
        svgEl(this.doc, 'rect', { x, y, width: 40, height: 12, fill: searchCellColour(n, max || 1), stroke: 'rgb(200,200,200)' }, g!);
        svgEl(this.doc, 'text', { x: x + 20, y: y + 24, class: 'axis', 'text-anchor': 'middle' }, g!, String(n));
      });
      right = Math.max(right, x0 + 50 + steps.length * 44);
    }
    // "about this file" (10 px text, about 75 px wide).
    const about = this.doc.getElementById('about');
    if (about) right = Math.max(right, Number(about.getAttribute('x')) + 80);
    const all = this.data.samples({ c: 0, r: 0 }, { c: this.data.ncols - 1, r: this.data.rows - 1 });
    const share = all > 0 ? printfFixed((100 * this.total) / all, 1) : '0.0';
    const btn = svgEl(this.doc, 'text', { x: right + 16, y: y + 10, id: 'heat-search-toggle', class: 'btn' }, g, this.showAll ? 'Map: all samples' : 'Map: matching samples');
    const pick = this.computedFor;
    const who = pick >= 0 ? `, ${this.D.names![this.data.frame![pick]]} only` : '';
    svgEl(this.doc, 'text', { x: right + 176, y: y + 10, id: 'heat-search-share' }, g, `search${who}: ${groupDigits(this.total)} of ${groupDigits(all)} samples match (${share}%)`);
    btn.addEventListener('click', () => {
      this.showAll = !this.showAll;
      this.draw();
    });
  }
}
