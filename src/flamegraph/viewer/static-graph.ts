// The viewer of a flamegraph-svg file. The SVG draws every frame as static markup (so it
// shows without script); this adds hover details, zoom, search and URL state. It is one
// closure per graph: several graphs can share an HTML page, each reached from its own root
// by class (never by id).
//
// What it reads:
//   data-viewer   on the frames group: JSON written by render.ts (numbers and option
//                 strings, never a frame name), with `data`: per frame, in document order
//                 (depth-first, parents first), "depth,gap,width" in samples, joined by ','
//                 (enough to place every frame exactly when zoomed)
//   <title>       each frame's name, read lazily (textContent, never innerHTML)
//
// Behaviour: hover shows details; click zooms (a link frame needs Ctrl-click); the root or
// "Reset Zoom" unzooms; Ctrl-F, F3 or "Search" opens the search box (a function-name regex;
// an invalid one is searched literally; Enter goes to the next match); "ic" or Ctrl-I
// toggles ignore-case; Esc closes the search, then unzooms. "Matched: N%" is the share of
// the zoomed frame's samples in matching frames, counting nested matches once. In a standalone
// document the URL keeps `x`, `y` (zoom: the frame's original rect position) and `s`
// (search, see search.ts); these are validated and never evaluated as code.
//
// Big graphs: no work at load beyond adding listeners; frame data is parsed on the first
// click or search; zoom writes only frames whose state changes.
import { SVG_NS } from './dom.js';
import { fitLabel } from './layout.js';
import { compileTerm, matchedText, termFromUrl, termToUrl } from './search.js';
import { matchCount, SearchBox } from './search-box.js';

/** What render.ts writes into `data-viewer`. */
export interface StaticConfig {
  width: number;
  xpad: number;
  fontSize: number;
  fontWidth: number;
  frameHeight: number;
  nameType: string;
  left: boolean;
  timeMax: number;
  data: string;
}

const HIDE = 1;
const PARENT = 2;

export function startStaticGraph(svg: SVGSVGElement): void {
  const doc = svg.ownerDocument;
  const q = (c: string) => svg.querySelector<SVGElement>('.fg-' + c);
  const framesEl = q('frames');
  const details = q('details');
  const unzoomBtn = q('unzoom');
  const searchBtn = q('search');
  const icBtn = q('ic');
  const matchedEl = q('matched');
  if (!framesEl || !details || !unzoomBtn || !searchBtn || !icBtn || !matchedEl) return;
  let C: StaticConfig;
  try {
    C = JSON.parse(framesEl.getAttribute('data-viewer') ?? '') as StaticConfig;
  } catch {
    return;
  }
  const standalone = (doc.documentElement as Element) === svg;
  let active = standalone;
  const fullW = C.width - 2 * C.xpad;
  const charW = C.fontSize * C.fontWidth;

  // Inlined in an HTML page next to other graphs: make this graph's ids unique there.
  if (!standalone) {
    uniqueIds(doc, svg);
    doc.addEventListener('pointerdown', (e) => (active = svg.contains(e.target as Node)), true);
  }

  let els: HTMLCollection | null = null;
  let n = 0;
  let dep = new Int32Array(0);
  let st = new Float64Array(0);
  let wd = new Float64Array(0);
  let state = new Uint8Array(0);
  let matched = new Uint8Array(0);
  let names: (string | undefined)[] = [];
  let saved: ([string | null, string | null, string | null, string | null] | null)[] = [];
  let touched: number[] = [];
  let zoomed = 0;
  let term: string | null = null;
  let icase = false;
  let lastLiteral = false;
  let current = -1;

  function load(): boolean {
    if (els) return n > 0;
    els = framesEl!.children;
    n = els.length;
    const raw = String(C.data).split(',');
    if (raw.length !== 3 * n || n === 0) {
      n = 0;
      return false;
    }
    dep = new Int32Array(n);
    st = new Float64Array(n);
    wd = new Float64Array(n);
    state = new Uint8Array(n);
    matched = new Uint8Array(n);
    names = new Array(n);
    saved = new Array(n).fill(null);
    const next: number[] = [0];
    for (let i = 0; i < n; i++) {
      const d = +raw[3 * i];
      const s = (next[d] || 0) + +raw[3 * i + 1];
      const w = +raw[3 * i + 2];
      dep[i] = d;
      st[i] = s;
      wd[i] = w;
      next[d] = s + w;
      next[d + 1] = s;
    }
    return true;
  }

  function frameOf(t: EventTarget | null): Element | null {
    let e = t as Node | null;
    while (e && e !== svg) {
      if (e.parentNode === framesEl) return e as Element;
      e = e.parentNode;
    }
    return null;
  }
  function titleOf(g: Element): string {
    const t = g.firstElementChild;
    return t && t.localName === 'title' ? (t.textContent ?? '') : '';
  }
  /** The name is the title without its " (N samples, P%)" suffix. */
  function nameOf(i: number): string {
    let s = names[i];
    if (s === undefined) {
      s = titleOf(els![i]);
      const p = s.lastIndexOf(' (');
      if (p >= 0 && s.charAt(s.length - 1) === ')') s = s.slice(0, p);
      names[i] = s;
    }
    return s;
  }
  function subtreeEnd(i: number): number {
    const d = dep[i];
    let j = i + 1;
    while (j < n && dep[j] > d) j++;
    return j;
  }
  function rectOf(i: number): SVGRectElement {
    const r = els![i].children[1];
    return (r && r.localName === 'rect' ? r : els![i].querySelector('rect')) as SVGRectElement;
  }
  function textOf(i: number): SVGTextElement | null {
    const t = els![i].lastElementChild;
    return t && t.localName === 'text' ? (t as SVGTextElement) : null;
  }

  function setState(i: number, v: number): void {
    const old = state[i];
    if (old === v) return;
    const c = els![i].classList;
    if (old === HIDE) c.remove('fg-hide');
    else if (old === PARENT) c.remove('fg-parent');
    if (v === HIDE) c.add('fg-hide');
    else if (v === PARENT) c.add('fg-parent');
    state[i] = v;
  }

  function place(i: number, x: number, w: number): void {
    const rect = rectOf(i);
    let text = textOf(i);
    if (!saved[i]) {
      saved[i] = [rect.getAttribute('x'), rect.getAttribute('width'), text ? text.getAttribute('x') : null, text ? text.textContent : null];
      touched.push(i);
    }
    rect.setAttribute('x', x.toFixed(1));
    rect.setAttribute('width', w.toFixed(1));
    const label = fitLabel(nameOf(i), Math.floor(w / charW), C.left);
    if (!text) {
      if (label === '') return;
      text = doc.createElementNS(SVG_NS, 'text');
      text.setAttribute('y', String(3 + parseFloat(rect.getAttribute('y') ?? '0') + (C.frameHeight - 1) / 2));
      els![i].appendChild(text);
    }
    text.setAttribute('x', (x + 3).toFixed(2));
    if (text.textContent !== label) text.textContent = label;
  }

  function restore(): void {
    for (const i of touched) {
      const sv = saved[i]!;
      const rect = rectOf(i);
      const text = textOf(i);
      rect.setAttribute('x', sv[0] ?? '0');
      rect.setAttribute('width', sv[1] ?? '0');
      if (text) {
        if (sv[2] === null) text.remove();
        else {
          text.setAttribute('x', sv[2]);
          text.textContent = sv[3];
        }
      }
      saved[i] = null;
    }
    touched = [];
  }

  function setUrl(k: string, v: string | null): void {
    if (!standalone) return;
    try {
      const u = new URL(location.href);
      if (v === null) u.searchParams.delete(k);
      else u.searchParams.set(k, v);
      history.replaceState(history.state, '', u.href);
    } catch {
      /* file: URLs or sandboxed viewers may refuse; the view still works */
    }
  }

  function zoom(i: number): void {
    if (!load()) return;
    if (i <= 0) {
      unzoom();
      return;
    }
    restore();
    const end = subtreeEnd(i);
    const s0 = st[i];
    const ratio = fullW / wd[i];
    const anc = new Uint8Array(n);
    let d = dep[i];
    for (let k = i - 1; k >= 0 && d > 0; k--) {
      if (dep[k] < d) {
        anc[k] = 1;
        d = dep[k];
      }
    }
    for (let j = 0; j < n; j++) {
      if (j >= i && j < end) {
        setState(j, 0);
        place(j, C.xpad + (st[j] - s0) * ratio, wd[j] * ratio);
      } else if (anc[j]) {
        setState(j, PARENT);
        place(j, C.xpad, fullW);
      } else setState(j, HIDE);
    }
    zoomed = i;
    unzoomBtn!.classList.remove('fg-hide');
    setUrl('x', saved[i]![0]);
    setUrl('y', rectOf(i).getAttribute('y'));
    if (term !== null) showMatched();
  }

  function unzoom(): void {
    if (!load()) return;
    restore();
    for (let j = 0; j < n; j++) setState(j, 0);
    zoomed = 0;
    unzoomBtn!.classList.add('fg-hide');
    setUrl('x', null);
    setUrl('y', null);
    if (term !== null) showMatched();
  }

  function search(t: string, literal: boolean): void {
    if (!load()) return;
    const re = compileTerm(t, literal, icase);
    let count = 0;
    for (let j = 0; j < n; j++) {
      const m = re.test(nameOf(j)) ? 1 : 0;
      count += m;
      if (m !== matched[j]) {
        matched[j] = m;
        els![j].classList.toggle('fg-m', m === 1);
      }
    }
    setCurrent(-1);
    term = t;
    searchBtn!.textContent = 'Reset Search';
    searchBtn!.classList.add('fg-show');
    box.setCount(matchCount(count));
    showMatched();
    setUrl('s', termToUrl(re, t));
    lastLiteral = literal;
  }

  function showMatched(): void {
    const z = zoomed;
    const total = wd[z];
    let sum = 0;
    let hit = matched[z] === 1;
    let d = dep[z];
    for (let k = z - 1; k >= 0 && d > 0 && !hit; k--) {
      if (dep[k] < d) {
        d = dep[k];
        if (matched[k]) hit = true;
      }
    }
    if (hit) sum = total;
    else {
      const end = subtreeEnd(z);
      for (let j = z + 1; j < end; ) {
        if (matched[j]) {
          sum += wd[j];
          j = subtreeEnd(j);
        } else j++;
      }
    }
    matchedEl!.textContent = matchedText(sum, total);
    matchedEl!.classList.remove('fg-hide');
  }

  function resetSearch(): void {
    box.close();
    if (term === null) return;
    if (els) {
      for (let j = 0; j < n; j++) {
        if (matched[j]) {
          matched[j] = 0;
          els[j].classList.remove('fg-m');
        }
      }
    }
    setCurrent(-1);
    term = null;
    searchBtn!.textContent = 'Search';
    searchBtn!.classList.remove('fg-show');
    matchedEl!.textContent = ' ';
    matchedEl!.classList.add('fg-hide');
    setUrl('s', null);
  }

  /** Enter in the box: outline the next visible match and show its details. */
  function nextMatch(): void {
    if (term === null || !load()) return;
    for (let k = 1; k <= n; k++) {
      const j = (current + k) % n;
      if (matched[j] && state[j] !== HIDE) {
        setCurrent(j);
        details!.textContent = C.nameType + ' ' + titleOf(els![j]);
        return;
      }
    }
  }
  function setCurrent(j: number): void {
    if (current >= 0 && els && current < n) els[current].classList.remove('fg-cur');
    current = j;
    if (j >= 0) els![j].classList.add('fg-cur');
  }

  // The box goes top right, or at the top of what is in view when the graph is scrolled.
  const boxPlace = () => {
    const r = svg.getBoundingClientRect();
    const scale = r.height > 0 ? (svg.viewBox.baseVal?.height || r.height) / r.height : 1;
    const visibleTop = r.top < 0 ? -r.top * scale + 4 : 0;
    return { x: C.width - C.xpad - 330, y: Math.max(C.fontSize * 2 + 4, visibleTop) };
  };
  const box = new SearchBox(svg, boxPlace, {
    input: (t) => (t === '' ? clearTerm() : search(t, false)),
    next: nextMatch,
    close: resetSearch,
  });
  function clearTerm(): void {
    const open = box.isOpen;
    resetSearch();
    if (open) box.open('');
  }

  function openSearch(): void {
    box.open(term ?? '');
  }

  function toggleIgnoreCase(): void {
    icase = !icase;
    icBtn!.classList.toggle('fg-show', icase);
    if (term !== null) search(term, lastLiteral);
  }

  framesEl.addEventListener('mouseover', (e) => {
    const g = frameOf(e.target);
    if (g) details.textContent = C.nameType + ' ' + titleOf(g);
  });
  framesEl.addEventListener('mouseout', () => (details.textContent = ' '));
  svg.addEventListener('click', (e) => {
    const t = e.target as Node;
    const g = frameOf(t);
    if (g) {
      if (g.localName === 'a' && !(e.ctrlKey || e.metaKey)) return;
      e.preventDefault();
      if (!load()) return;
      zoom(Array.prototype.indexOf.call(els, g));
      return;
    }
    if (unzoomBtn.contains(t)) unzoom();
    else if (searchBtn.contains(t)) {
      if (term !== null) resetSearch();
      else openSearch();
    } else if (icBtn.contains(t)) toggleIgnoreCase();
  });
  window.addEventListener('keydown', (e) => {
    if (!active) return;
    const k = e.key;
    const mod = e.ctrlKey || e.metaKey;
    if (k === 'F3' || (mod && (k === 'f' || k === 'F'))) {
      e.preventDefault();
      openSearch();
    } else if (mod && (k === 'i' || k === 'I')) {
      e.preventDefault();
      toggleIgnoreCase();
    } else if (k === 'Escape') {
      // The search first, then the zoom.
      if (term !== null || box.isOpen) resetSearch();
      else if (zoomed > 0) unzoom();
    }
  });

  // Restore zoom and search from the URL: x and y must be plain numbers; s is searched as
  // literal text unless written /regex/ or /regex/i.
  if (standalone) {
    try {
      const p = new URLSearchParams(location.search);
      const NUM = /^-?\d+(\.\d+)?$/;
      const ux = p.get('x');
      const uy = p.get('y');
      if (ux !== null && uy !== null && NUM.test(ux) && NUM.test(uy) && load()) {
        const wpt = fullW / C.timeMax;
        const x = +ux;
        const y = +uy;
        for (let i = 1; i < n; i++) {
          if (Math.abs(C.xpad + st[i] * wpt - x) < 0.06 && Math.abs(parseFloat(rectOf(i).getAttribute('y') ?? '') - y) < 0.01) {
            zoom(i);
            break;
          }
        }
      }
      const u = termFromUrl(p.get('s'));
      if (u) {
        const m = /^\/([\s\S]*)\/(i?)$/.exec(p.get('s')!);
        icase = u.icase;
        icBtn.classList.toggle('fg-show', icase);
        search(u.typed, !m);
      }
    } catch {
      /* a malformed URL leaves the graph as it is */
    }
  }
}

/** Renames ids this graph shares with others on the page (and the fills that use them). */
function uniqueIds(doc: Document, svg: SVGSVGElement): void {
  const idEls: Element[] = [];
  for (const top of Array.from(svg.children)) {
    if (top.id) idEls.push(top);
    if (top.localName === 'defs') for (const c of Array.from(top.children)) if (c.id) idEls.push(c);
  }
  for (const el of idEls) {
    const id = el.id;
    try {
      if (doc.querySelectorAll('#' + CSS.escape(id)).length < 2) continue;
      let n2 = 2;
      while (doc.getElementById(id + '-' + n2)) n2++;
      el.id = id + '-' + n2;
      for (const r of Array.from(svg.querySelectorAll('[fill="url(#' + id + ')"]'))) r.setAttribute('fill', 'url(#' + el.id + ')');
    } catch {
      /* an odd id: leave it */
    }
  }
}
