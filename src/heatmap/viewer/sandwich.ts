// Callers and callees of one function over the selection (speedscope's "sandwich" view):
// clicking a function in the hot-function table, or Ctrl-clicking (Cmd-clicking) a frame,
// covers the page with two icicle graphs side by side, both with the function on top:
//   - callers: the stacks from the function up to their process root, reversed
//     (its callers below it, their callers below them), merged;
//   - callees: the stacks from the function down to their leaves, merged.
// A stack that holds the function more than once (recursion) is cut at its outermost
// occurrence, so each sample counts once in each graph and both total the function's
// samples. Clicking a frame of either graph shows that function's sandwich; Esc or Close
// returns to the page. Laid out with the flame graph's own layout (layout.ts), so the
// graphs equal flamegraph-svg of the selection's folded stacks cut at the function.
import { removeChildren, svgEl } from '../../flamegraph/viewer/dom.js';
import { groupDigits, layoutFlame, printfFixed, type FlameFrame } from '../../flamegraph/viewer/layout.js';

export interface SandwichSource {
  /** Names in byte order (name id order). */
  names: string[];
  /** The stack tree (decoded on first use). */
  tree(): { parent: Int32Array; frame: Int32Array };
  /** Self samples per stack node of the selection, or null without one. */
  selection(): Map<number, number> | null;
  /** The flame graph's order ('alpha' or 'hot'). */
  order(): string;
  /** Called when the view closes (the page lays itself out again). */
  closed(): void;
}

/** A merged graph of cut stacks: node i = name `frame[i]` under `parent[i]`, with self counts. */
interface CutTree {
  parent: number[];
  frame: number[];
  self: Map<number, number>;
}

type FrameEl = SVGGElement & { _f?: FlameFrame };

/** The callers (reversed) and callees of function `fn` in the stacks of `self`, cut at its outermost frame. */
export function sandwichTrees(parent: Int32Array, frame: Int32Array, self: Map<number, number>, fn: number): { callers: CutTree; callees: CutTree; samples: number } {
  const make = (): CutTree & { child: Map<string, number> } => ({ parent: [], frame: [], self: new Map(), child: new Map() });
  const callers = make();
  const callees = make();
  const add = (t: ReturnType<typeof make>, path: number[], n: number) => {
    let node = -1;
    for (const f of path) {
      const key = `${node},${f}`;
      let c = t.child.get(key);
      if (c === undefined) {
        c = t.parent.length;
        t.parent.push(node);
        t.frame.push(f);
        t.child.set(key, c);
      }
      node = c;
    }
    t.self.set(node, (t.self.get(node) ?? 0) + n);
  };
  let samples = 0;
  const path: number[] = [];
  for (const [node, n] of self) {
    if (n <= 0) continue;
    path.length = 0;
    for (let k = node; k >= 0; k = parent[k]) path.push(frame[k]);
    path.reverse();
    const at = path.indexOf(fn);
    if (at < 0) continue;
    samples += n;
    add(callers, path.slice(0, at + 1).reverse(), n);
    add(callees, path.slice(at), n);
  }
  return { callers, callees, samples };
}

export class Sandwich {
  private g: SVGGElement | null = null;
  private fn = -1;

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly src: SandwichSource,
  ) {
    // Before the page's own Esc (which would clear the selection).
    svg.ownerDocument.defaultView!.addEventListener(
      'keydown',
      (evt) => {
        if (this.isOpen && evt.key === 'Escape') {
          evt.preventDefault();
          evt.stopPropagation();
          this.close();
        }
      },
      true,
    );
  }

  get isOpen(): boolean {
    return this.g !== null;
  }

  /** Ctrl- or Cmd-clicks on the frames under `frames` open the clicked function's view. */
  watchFrames(container: Element): void {
    container.addEventListener(
      'click',
      (evt) => {
        const e = evt as MouseEvent;
        if (!(e.ctrlKey || e.metaKey)) return;
        let t = e.target as Node | null;
        while (t && t !== container && !(t as FrameEl)._f) t = t.parentNode;
        const f = t ? (t as FrameEl)._f : undefined;
        if (!f || f.id < 0) return;
        e.stopPropagation();
        e.preventDefault();
        this.open(f.id);
      },
      true,
    );
  }

  /** Clicks on a hot-function row (its tooltip names the function) open that function's view. */
  watchHotTable(hot: Element): void {
    hot.setAttribute('style', 'cursor: pointer');
    hot.addEventListener('click', (evt) => {
      let t = evt.target as Element | null;
      while (t && t !== hot && !t.classList.contains('hotrow')) t = t.parentElement;
      const title = t && t !== hot ? t.querySelector('title') : null;
      if (!title) return;
      // "<name>: N self, M total samples", or in a comparison "<name>: B N self, M total; A N self, M total samples"
      const m = /^([\s\S]*): (?:B )?[\d,]+ self, [\d,]+ total(?:; A [\d,]+ self, [\d,]+ total)? samples$/.exec(title.textContent ?? '');
      const id = m ? this.src.names.indexOf(m[1]) : -1;
      if (id >= 0) this.open(id);
    });
  }

  close(): void {
    if (!this.g) return;
    this.g.remove();
    this.g = null;
    this.fn = -1;
    this.src.closed();
  }

  /** Shows the callers and callees of function (name id) `fn` in the selection. */
  open(fn: number): void {
    const self = this.src.selection();
    if (!self) return;
    const doc = this.svg.ownerDocument;
    const win = doc.defaultView!;
    const { parent, frame } = this.src.tree();
    const t = sandwichTrees(parent, frame, self, fn);
    let total = 0;
    for (const n of self.values()) total += n;
    if (this.g) this.g.remove();
    this.fn = fn;
    const vb = this.svg.viewBox.baseVal;
    const w = vb && vb.width > 0 ? vb.width : win.innerWidth;
    const top = Math.max(0, Math.floor(win.scrollY));
    const g = svgEl(doc, 'g', { id: 'sandwich' }, this.svg) as SVGGElement;
    this.g = g;
    // The map under the view takes no hover or selection from it.
    for (const type of ['mousedown', 'mouseup', 'mousemove']) g.addEventListener(type, (evt) => evt.stopPropagation());
    const bg = svgEl(doc, 'rect', { x: 0, y: top, width: w, height: win.innerHeight, fill: 'rgb(255,255,255)', stroke: 'rgb(200,200,200)' }, g);
    const name = this.src.names[fn].replace(/_\[[kwij]\]$/, '');
    const head = svgEl(doc, 'text', { x: 10, y: top + 22, id: 'sandwich-title' }, g);
    head.textContent = `${name}: ${groupDigits(t.samples)} of ${groupDigits(total)} samples of the selection (${total > 0 ? printfFixed((100 * t.samples) / total, 2) : '0.00'}%)`;
    const close = svgEl(doc, 'text', { x: w - 10, y: top + 22, id: 'sandwich-close', class: 'btn', 'text-anchor': 'end' }, g, 'Close (Esc)');
    close.addEventListener('click', () => this.close());
    const details = svgEl(doc, 'text', { x: 10, y: top + 40, id: 'sandwich-details' }, g, ' ');
    const colW = Math.floor((w - 30) / 2);
    let bottom = top + 60;
    const graphs: [string, string, CutTree, number][] = [
      ['callers', `Callers of ${name} (who called it, below it)`, t.callers, 10],
      ['callees', `Callees of ${name} (what it called, below it)`, t.callees, 20 + colW],
    ];
    for (const [id, caption, tree, x] of graphs) {
      const box = svgEl(doc, 'g', { transform: `translate(${x},${top + 50})` }, g);
      svgEl(doc, 'text', { x: 10, y: 16, class: 'axis' }, box, caption);
      const frames = svgEl(doc, 'g', { id: `sandwich-${id}` }, box) as SVGGElement;
      const layout = layoutFlame(this.src.names, tree.parent, tree.frame, tree.self, colW, this.src.order(), 10000, { inverted: true });
      const frag = doc.createDocumentFragment();
      for (const f of layout.frames) {
        const fg = svgEl(doc, 'g', { class: 'f' }, frag) as FrameEl;
        svgEl(doc, 'rect', { x: f.x, y: f.y, width: f.width, height: '15.0', fill: f.fill, rx: 2, ry: 2 }, fg);
        if (f.label !== '') svgEl(doc, 'text', { x: printfFixed(Number(f.x) + 3, 2), y: f.y + 10.5, 'pointer-events': 'none' }, fg, f.label);
        fg._f = f;
      }
      frames.appendChild(frag);
      frames.addEventListener('mouseover', (evt) => {
        const f = this.frameOf(evt.target, frames);
        if (f) details.textContent = 'Function: ' + f.title;
      });
      frames.addEventListener('mouseout', () => (details.textContent = ' '));
      frames.addEventListener('click', (evt) => {
        const f = this.frameOf(evt.target, frames);
        if (f && f.id >= 0 && f.id !== this.fn) this.open(f.id);
      });
      bottom = Math.max(bottom, top + 50 + layout.height);
    }
    // Cover the page below as far as the graphs reach, growing the page if they reach past it.
    bg.setAttribute('height', String(Math.max(win.innerHeight, bottom - top + 20)));
    const need = bottom + 20;
    if (vb && need > vb.height) {
      this.svg.setAttribute('height', String(need));
      this.svg.setAttribute('viewBox', `0 0 ${vb.width} ${need}`);
    }
  }

  private frameOf(target: EventTarget | null, root: Element): FlameFrame | null {
    let t = target as Node | null;
    while (t && t !== root && !(t as FrameEl)._f) t = t.parentNode;
    return t && (t as FrameEl)._f ? (t as FrameEl)._f! : null;
  }
}
