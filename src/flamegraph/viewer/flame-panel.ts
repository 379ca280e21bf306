// An interactive flame graph of a stack tree, drawn in the browser: the range flame graph
// of heatmap-svg's page (and, later, its comparisons). It lays the graph out with the
// module Node shares (layout.ts), draws it with DOM calls only (textContent, never
// innerHTML), and handles hover, zoom, search, order (alphabetical or hottest first) and
// layout (icicle or flame).
//
// Zoom lays the graph out again for the zoomed frame's stacks, so frames that the 10,000
// frame budget or the 0.1 px minimum width left out appear once they are wide enough.
// A zoom is kept as a stack-tree node, so it survives a change of order or layout.
import { removeChildren, svgEl } from './dom.js';
import { groupDigits, hotFunctions, layoutFlame, printfFixed, type FlameFrame, type FlameLayout } from './layout.js';
import { coveredSamples, matchedText } from './search.js';

export interface StackTreeData {
  /** Names in byte order (name id order). */
  names: string[];
  parent: Int32Array;
  frame: Int32Array;
}

export interface PanelElements {
  /** Where frames go. */
  frames: SVGGElement;
  /** The background rect (its height follows the graph). */
  background: SVGRectElement;
  /** The hover details line. */
  details: SVGTextElement;
  /** The hot-function table. */
  hot: SVGGElement;
  /** "Matched: N%". */
  matched: SVGTextElement;
  /** The note on frames left out by the budget. */
  note: SVGTextElement;
}

export type Order = 'alpha' | 'hot';

/** Frame elements keep their frame here. */
type FrameEl = SVGGElement & { _f?: FlameFrame };

const SEARCH_FILL = 'rgb(230,0,230)';
const HOT_ROWS = 40;

export class FlamePanel {
  order: Order = 'alpha';
  inverted = true;
  width = 1200;
  hotWidth = 600;
  /** The zoomed stack-tree node, or -1. */
  zoomNode = -1;
  layout: FlameLayout | null = null;
  private self: Map<number, number> | null = null;
  private re: RegExp | null = null;
  private current: FrameEl | null = null;
  /** Called when the zoom changes (for URL state). */
  onZoom: (node: number) => void = () => {};
  /** Runs a redraw: at once, or behind a busy indicator when the graph is big (set by the page). */
  busy: (work: () => void) => void = (work) => work();
  /** Recolours or retitles the laid-out frames before they are drawn (a comparison's colours); null: none. */
  decorate: ((layout: FlameLayout) => void) | null = null;
  /** Draws the hot-function table in place of the default one (a comparison's); null: the default. */
  hotTable: ((hot: SVGGElement, self: Map<number, number>) => void) | null = null;

  constructor(
    private readonly tree: StackTreeData,
    private readonly el: PanelElements,
  ) {
    el.frames.addEventListener('click', (evt) => {
      const g = this.frameOf(evt.target);
      if (g && g._f) this.zoom(g._f.depth === 0 ? -1 : g._f.node);
    });
    el.frames.addEventListener('mouseover', (evt) => {
      const g = this.frameOf(evt.target);
      if (g && g._f) {
        if (!g.lastElementChild || g.lastElementChild.localName !== 'title') svgEl(g.ownerDocument, 'title', {}, g, g._f.title);
        el.details.textContent = 'Function: ' + g._f.title;
      }
    });
    el.frames.addEventListener('mouseout', () => (el.details.textContent = ' '));
  }

  get drawn(): boolean {
    return this.layout !== null;
  }

  /** The frame elements, in layout order. */
  frameEls(): FrameEl[] {
    return Array.from(this.el.frames.children) as FrameEl[];
  }

  private frameOf(t: EventTarget | null): FrameEl | null {
    let g = t as Node | null;
    while (g && g !== this.el.frames && !(g as FrameEl)._f) g = g.parentNode;
    return g && (g as FrameEl)._f ? (g as FrameEl) : null;
  }

  /** Draws the graph of these self counts per stack node (null: clears). */
  show(self: Map<number, number> | null): void {
    this.self = self;
    this.draw();
    this.drawHot();
  }

  clear(): void {
    this.self = null;
    this.zoomNode = -1;
    this.layout = null;
    removeChildren(this.el.frames);
    removeChildren(this.el.hot);
    this.el.note.textContent = ' ';
    this.el.matched.textContent = ' ';
  }

  zoom(node: number): void {
    this.zoomNode = node;
    this.busy(() => {
      this.draw();
      this.onZoom(node);
    });
  }

  /** Lays the graph out and draws it (at the current zoom, order, layout and width). */
  draw(): void {
    const doc = this.el.frames.ownerDocument;
    removeChildren(this.el.frames);
    this.current = null;
    if (!this.self) return;
    const t = this.tree;
    let layout = layoutFlame(t.names, t.parent, t.frame, this.self, this.width, this.order, 10000, { inverted: this.inverted, zoomNode: this.zoomNode });
    if (this.zoomNode >= 0 && layout.total === 0) {
      // A zoom that this selection does not reach (a stale link): the whole graph.
      this.zoomNode = -1;
      layout = layoutFlame(t.names, t.parent, t.frame, this.self, this.width, this.order, 10000, { inverted: this.inverted });
    }
    if (this.decorate) this.decorate(layout);
    this.layout = layout;
    this.el.background.setAttribute('height', String(layout.height));
    // One fragment, and no <title> until a frame is hovered: tens of thousands of frames
    // draw in a fraction of the time.
    const frag = doc.createDocumentFragment();
    for (const f of layout.frames) {
      const g = svgEl(doc, 'g', { class: f.parent ? 'f parent' : 'f' }, frag) as FrameEl;
      svgEl(doc, 'rect', { x: f.x, y: f.y, width: f.width, height: '15.0', fill: f.fill, rx: 2, ry: 2 }, g);
      if (f.label !== '') svgEl(doc, 'text', { x: printfFixed(Number(f.x) + 3, 2), y: f.y + 10.5 }, g, f.label);
      g._f = f;
    }
    this.el.frames.appendChild(frag);
    // As flamegraph-svg says on stderr when its frame budget cuts.
    this.el.note.textContent =
      layout.framesBeforeBudget > layout.frames.length
        ? `drew the ${groupDigits(layout.frames.length)} widest of ${groupDigits(layout.framesBeforeBudget)} frames (zoom in for the rest)`
        : ' ';
    this.applySearch();
  }

  /** Searches function names (null clears); returns the number of matching frames. */
  search(re: RegExp | null): number {
    this.re = re;
    return this.applySearch();
  }

  private applySearch(): number {
    const re = this.re;
    const hits: FlameFrame[] = [];
    let count = 0;
    for (const g of this.frameEls()) {
      const f = g._f!;
      const rect = g.firstElementChild!;
      if (re && f.id >= 0 && re.test(f.name)) {
        rect.setAttribute('fill', SEARCH_FILL);
        count++;
        // Ancestors of the zoomed frame are coloured but not counted.
        if (!f.parent) hits.push(f);
      } else rect.setAttribute('fill', f.fill);
    }
    const total = this.layout ? this.layout.total : 0;
    this.el.matched.textContent = re && total > 0 ? matchedText(coveredSamples(hits), total) : ' ';
    if (this.current && !this.current.isConnected) this.current = null;
    return count;
  }

  /** Outlines the next match after the current one; returns its title, or null. */
  nextMatch(): string | null {
    if (!this.re) return null;
    const els = this.frameEls();
    const start = this.current ? els.indexOf(this.current) : -1;
    for (let k = 1; k <= els.length; k++) {
      const g = els[(start + k) % els.length];
      if (g._f!.id >= 0 && this.re.test(g._f!.name)) {
        if (this.current) this.current.classList.remove('cur');
        this.current = g;
        g.classList.add('cur');
        this.el.details.textContent = 'Function: ' + g._f!.title;
        return g._f!.title;
      }
    }
    return null;
  }

  /** The hot-function table: by self samples, each name cut to the table's width (full name on hover). */
  drawHot(): void {
    const hot = this.el.hot;
    const doc = hot.ownerDocument;
    removeChildren(hot);
    if (!this.self) return;
    if (this.hotTable) {
      this.hotTable(hot, this.self);
      return;
    }
    const t = this.tree;
    const list = hotFunctions(t.parent, t.frame, this.self);
    let total = 0;
    for (const n of this.self.values()) total += n;
    svgEl(doc, 'text', { x: 0, y: 0, class: 'th' }, hot, '  self      %   total      %  function');
    const rows = Math.min(list.length, HOT_ROWS);
    const pct = (n: number) => printfFixed((100 * n) / total, 2).padStart(6);
    let charW = 0;
    for (let i = 0; i < rows; i++) {
      const h = list[i];
      const name = t.names[h.id];
      const head = `${String(h.self).padStart(6)} ${pct(h.self)} ${String(h.total).padStart(7)} ${pct(h.total)}  `;
      const row = svgEl(doc, 'text', { x: 0, y: 16 * (i + 1), class: 'hotrow' }, hot);
      if (charW === 0) {
        row.textContent = head;
        charW = row.getComputedTextLength() / head.length || 6.6;
      }
      // Monospace: cut by characters, with an ellipsis; the full name shows on hover.
      const room = Math.max(2, Math.floor(this.hotWidth / charW) - head.length);
      // Code points, but only of the part that can show (a name may be megabytes long).
      let shown = name;
      if (name.length > room) {
        const cps = Array.from(name.slice(0, 2 * room + 2));
        if (cps.length > room || name.length > 2 * room + 2) shown = cps.slice(0, room - 1).join('') + '\u2026';
      }
      row.textContent = head + shown;
      svgEl(doc, 'title', {}, row, `${name}: ${groupDigits(h.self)} self, ${groupDigits(h.total)} total samples`);
    }
  }

  /** Height the panel needs below its top (graph and table). */
  height(): number {
    const g = this.layout ? this.layout.height : 0;
    const hotRows = this.self ? Math.min(HOT_ROWS, this.el.hot.childElementCount) : 0;
    return Math.max(g, 36 + 16 * (hotRows + 1));
  }
}
