// Comparing two ranges in the heat-map page, as FlameScope's Compare does (reference §7):
// "Pin as baseline" (key B) keeps the selection as A, drawn blue with a dashed outline on
// the map; the next selection is B, and the flame panel shows B against A (compare.ts: red
// grew in B, blue shrank, counts normalised as flamegraph-svg --diff --normalize), or, with
// "View: elided", only what B has that A lacks. "Flip A/B" swaps the two ranges. The
// hot-function table gains A's columns (compare-hot.ts), and the process table
// (process-table.ts) A's samples per process. The printed command becomes the two
// range-perf | stackcollapse pipelines and the flamegraph-svg --diff --normalize line.
//
// URL fragment: `base=C.R-C.R` (cells, as `sel`) and `cv=elided`.
import { fitText, removeChildren, withBusy } from '../../flamegraph/viewer/dom.js';
import type { FlamePanel } from '../../flamegraph/viewer/flame-panel.js';
import { groupDigits } from '../../flamegraph/viewer/layout.js';
import { decorateDiff, decorateElided, deltasOf, elidedSelf, rootsOf, underRoot, type Self } from './compare.js';
import { drawCompareHot } from './compare-hot.js';
import { cellBefore, cellTimes, formatInstant, type Cell, type HeatmapData, type Payload } from './data.js';
import { ProcessTable } from './process-table.js';

export interface Range {
  a: Cell;
  b: Cell;
}

/** What the page lends the comparison. */
export interface CompareHost {
  svg: SVGSVGElement;
  data: HeatmapData;
  D: Payload;
  panel: FlamePanel | null;
  /** The page's URL state (written by save). */
  state: Record<string, string>;
  save(): void;
  selection(): Range | null;
  /** The page's single-range command, `range-perf ... | stackcollapse ... | flamegraph-svg`. */
  command(a: Cell, b: Cell): string;
  /** Draws the baseline on the map (null: removes it). */
  highlightBase(r: Range | null): void;
  /** Draws the selection's graph again. */
  redraw(): void;
  clearSelection(): void;
  /** Applies the URL state again (after a flip). */
  reload(): void;
  /** The picked process changed, and the map was recoloured for it. */
  picked(): void;
}

const hasRoot = (self: Self, root: Int32Array, node: number) => [...self.keys()].some((k) => root[k] === node);

const cellsText = (r: Range) => `${r.a.c}.${r.a.r}-${r.b.c}.${r.b.r}`;

/** Cells "C.R-C.R" in time order and inside the grid, or null. */
export function parseCells(s: string | undefined, ncols: number, rows: number): Range | null {
  const m = /^(\d+)\.(\d+)-(\d+)\.(\d+)$/.exec(s || '');
  if (!m) return null;
  const a = { c: Number(m[1]), r: Number(m[2]) };
  const b = { c: Number(m[3]), r: Number(m[4]) };
  return a.c < ncols && b.c < ncols && a.r < rows && b.r < rows && cellBefore(a, b) ? { a, b } : null;
}

export class Comparison {
  base: Range | null = null;
  elided = false;
  readonly procs: ProcessTable | null;
  private root: Int32Array | null = null;
  private lines: [string, string] = ['', ''];
  private readonly $: <T extends Element = SVGElement>(id: string) => T;

  constructor(private readonly h: CompareHost) {
    const doc = h.svg.ownerDocument;
    this.$ = <T extends Element = SVGElement>(id: string) => doc.getElementById(id) as unknown as T;
    const L = h.D.layout;
    this.procs =
      h.panel && this.$('procs')
        ? new ProcessTable({
            data: h.data,
            names: h.D.names!,
            table: this.$('procs'),
            cells: this.$('cells'),
            procCells: this.$('cells-proc'),
            view: { x0: L.x0, y0: L.y0, cw: L.cw, rh: L.rh, k: L.k, n: L.dcols },
            enhanced: h.D.enhanced,
            roots: () => this.roots(),
            busy: (work) => withBusy(h.svg, this.$('busy'), work),
            recoloured: () => this.h.picked(),
            onPick: (node) => {
              // The URL names the process, so that a link opens with it picked.
              this.h.state.p = node >= 0 ? this.procName(node) : '';
              this.h.save();
              this.h.panel!.zoomNode = -1;
              this.h.redraw();
            },
          })
        : null;
    const on = (id: string, f: () => void) => this.$(id)?.addEventListener('click', f);
    on('pinbtn', () => this.pin());
    on('unpinbtn', () => this.unpin());
    on('flipbtn', () => this.flip());
    on('elidebtn', () => this.setElided(!this.elided));
    this.update();
  }

  /** Pins the selection as the baseline A; the next selection is B. */
  pin(): void {
    const sel = this.h.selection();
    if (!sel) return;
    this.base = { a: sel.a, b: sel.b };
    this.h.state.base = cellsText(this.base);
    this.h.highlightBase(this.base);
    this.h.clearSelection();
    this.update();
  }

  unpin(): void {
    if (!this.base) return;
    this.base = null;
    this.h.state.base = '';
    this.h.highlightBase(null);
    this.update();
    this.afterChange();
  }

  /** Swaps A and B (the two ranges change places, in the URL too). */
  flip(): void {
    const sel = this.h.selection();
    if (!sel || !this.base) return;
    this.h.state.base = cellsText(sel);
    this.h.state.sel = cellsText(this.base);
    this.h.state.z = '';
    this.h.save();
    this.h.reload();
  }

  setElided(on: boolean): void {
    this.elided = on;
    this.h.state.cv = on ? 'elided' : '';
    this.update();
    this.afterChange();
  }

  private afterChange(): void {
    this.h.save();
    if (this.h.selection()) this.h.redraw();
    else this.update();
  }

  /** Esc: puts all processes back, or unpins the baseline when nothing is selected; whether it did. */
  escape(): boolean {
    if (this.procs && this.procs.picked >= 0) {
      this.procs.pick(-1);
      return true;
    }
    if (!this.h.selection() && this.base) {
      this.unpin();
      return true;
    }
    return false;
  }

  /** The selection was cleared: its process table goes too. */
  cleared(): void {
    if (this.procs && this.procs.picked >= 0) {
      this.procs.picked = -1;
      this.h.state.p = '';
      this.procs.recolour();
    }
    this.procs?.draw(null, null, null);
    this.update();
  }

  /** Reads `base` and `cv` from the URL state (or heatmap-svg --baseline when the URL is empty). */
  restore(st: Record<string, string>, fresh: boolean): void {
    const D = this.h.D;
    this.base = parseCells(st.base, D.ncols, D.rows);
    const given = (D as Payload & { baseline?: Range | null }).baseline;
    if (!this.base && fresh && given) this.base = given;
    this.h.state.base = this.base ? cellsText(this.base) : '';
    this.elided = st.cv === 'elided';
    this.h.state.cv = this.elided ? 'elided' : '';
    // The process named by `p` is picked when the selection's graph is drawn (selfFor).
    this.wantPick = st.p ?? '';
    this.h.state.p = '';
    this.h.highlightBase(this.base);
    this.update();
  }

  /** A process (root node) by its name: comm, or comm-PID with --pid. */
  private procName(node: number): string {
    return this.h.D.names![this.h.data.frame![node]];
  }

  /** The process named by the URL, to pick once its selection is drawn ('' when none). */
  private wantPick = '';
  /** The URL named a process but no selection to pick it in. */
  dropPick(): void {
    this.wantPick = '';
  }

  private roots(): Int32Array {
    if (!this.root) {
      this.h.data.decodeStacks();
      this.root = rootsOf(this.h.data.parent!);
    }
    return this.root;
  }

  /**
   * The self counts the panel draws for the selection, with the panel set up for them: the
   * range's own graph, or B against A, for the picked process only if one is.
   */
  selfFor(sel: Range): Self {
    const data = this.h.data;
    const panel = this.h.panel!;
    const root = this.roots();
    let pick = this.procs ? this.procs.picked : -1;
    const rawB = data.selfOf(sel.a, sel.b);
    const rawA = this.base ? data.selfOf(this.base.a, this.base.b) : null;
    if (this.procs && this.wantPick !== '') {
      // A link's process: picked if the selection (or the baseline) has it.
      const want = this.wantPick;
      this.wantPick = '';
      for (const raw of rawA ? [rawB, rawA] : [rawB]) {
        for (const k of raw.keys()) {
          if (pick < 0 && this.procName(root[k]) === want) pick = root[k];
        }
      }
      if (pick >= 0) {
        this.procs.picked = pick;
        this.procs.recolour();
        this.h.state.p = want;
      }
    }
    if (this.procs && pick >= 0 && !hasRoot(rawB, root, pick) && !(rawA && hasRoot(rawA, root, pick))) {
      // The picked process has no samples here: all processes again.
      this.procs.picked = -1;
      this.h.state.p = '';
      this.procs.recolour();
      pick = -1;
    }
    this.procs?.draw(root, rawB, rawA);
    const selfB = underRoot(rawB, root, pick);
    this.update();
    if (!rawA) {
      panel.decorate = null;
      panel.hotTable = null;
      return selfB;
    }
    const selfA = underRoot(rawA, root, pick);
    const names = this.h.D.names!;
    // B's own counts, in the elided view too.
    panel.hotTable = (hot) => drawCompareHot(hot, names, data.parent!, data.frame!, selfA, selfB, panel.hotWidth);
    if (this.elided) {
      const e = elidedSelf(data.parent!, selfA, selfB);
      panel.decorate = (layout) => decorateElided(layout, e.inA);
      return e.self;
    }
    const d = deltasOf(selfA, selfB);
    panel.decorate = (layout) => decorateDiff(layout, d);
    return selfB;
  }

  /**
   * The printed command of the selection: one pipeline, or with a baseline the first of the
   * comparison's three lines (the other two are drawn under it).
   */
  command(a: Cell, b: Cell): string {
    if (!this.base) {
      this.lines = ['', ''];
      return this.h.command(a, b);
    }
    const pipe = (r: Range) => this.h.command(r.a, r.b).replace(/ \| flamegraph-svg$/, '');
    this.lines = [`${pipe({ a, b })} > b.folded`, `flamegraph-svg --diff --normalize a.folded b.folded > diff.svg`];
    return `${pipe(this.base)} > a.folded`;
  }

  /** The comparison's extra command lines under the first (none without a baseline). */
  extraLines(): string[] {
    return this.base && this.h.selection() ? this.lines.filter((l) => l !== '') : [];
  }

  private note = ' ';
  private width = 0;
  private fitNote(): void {
    const t = this.$<SVGTextElement>('compare-note');
    if (!t) return;
    removeChildren(t);
    fitText(t, this.note, this.width - Number(t.getAttribute('x')) - 10);
  }

  /** Fits the extra command lines and the note to the width. */
  fit(width: number): void {
    this.width = width;
    this.fitNote();
    const L = this.h.D.layout;
    const sel = this.h.selection();
    ['command-b', 'command-diff'].forEach((id, i) => {
      const t = this.$<SVGTextElement>(id);
      if (!t) return;
      removeChildren(t);
      fitText(t, sel && this.base ? this.lines[i] : ' ', width - L.x0 - 10);
    });
  }

  /** The compare row: which buttons apply, and what A is. */
  update(): void {
    const sel = this.h.selection();
    const show = (id: string, on: boolean) => this.$(id)?.setAttribute('class', on ? 'btn' : 'btn hide');
    show('pinbtn', sel !== null && this.h.D.names !== null);
    show('unpinbtn', this.base !== null);
    show('flipbtn', this.base !== null && sel !== null);
    show('elidebtn', this.base !== null);
    const eb = this.$('elidebtn');
    if (eb) eb.textContent = this.elided ? 'View: elided (B only)' : 'View: differential';
    const note = this.$('compare-note');
    if (!note) return;
    const D = this.h.D;
    if (!this.base) {
      this.note = sel && D.names ? 'pin the selection as the baseline, then select a range to compare with it' : ' ';
      this.fitNote();
      return;
    }
    const data = this.h.data;
    const { start, after } = cellTimes((c) => data.axis.secOf(c), this.base.a, this.base.b, D.rows);
    const what = `A (blue, dashed): ${formatInstant(start)} s up to ${formatInstant(after)} s, ${groupDigits(this.h.data.samples(this.base.a, this.base.b))} samples`;
    this.note = !sel ? `${what}; now select B` : this.elided ? `${what}; B: the selection; grey: frames A has too` : `${what}; B: the selection; red grew, blue shrank`;
    this.fitNote();
  }
}
