// The heat-map page of a heatmap-svg file: fits the page to the window, hover, range
// selection (drag, or two clicks with a preview), drill-down from an overview, the range
// flame graph (src/flamegraph/viewer/flame-panel.ts) with its hot functions, the search
// box, the reproduce command, and the state kept in the URL fragment
// (`drill`, `sel`, `base`, `cv`, `o`, `l`, `z`, `s`); comparing two ranges and the process
// table are compare-ui.ts's.
//
// Keys: Ctrl-F or F3 opens the search; B pins the selection as the baseline; Esc cancels a
// pending first click, else closes the search, else puts all processes back, else clears
// the selection, else unpins the baseline. A click outside the map cancels a pending first click.
import { shellQuote } from '../../shell-word.js';
import { fitText, removeChildren, svgEl, withBusy } from '../../flamegraph/viewer/dom.js';
import { FlamePanel, type Order } from '../../flamegraph/viewer/flame-panel.js';
import { groupDigits, printfFixed } from '../../flamegraph/viewer/layout.js';
import { compileTerm, termFromUrl, termToUrl } from '../../flamegraph/viewer/search.js';
import { matchCount, SearchBox } from '../../flamegraph/viewer/search-box.js';
import { cellColour } from './cell-colour.js';
import { Comparison } from './compare-ui.js';
import { cellBefore, cellTimes, formatInstant, HeatmapData, type Cell, type Payload } from './data.js';
import { secondText } from './time-axis.js';
import { HeatSearch, type HeatView } from './heat-search.js';
import { Sandwich } from './sandwich.js';

/** Stack entries above which a selection's graph is drawn behind a busy indicator (~200 ms). */
const BUSY_ENTRIES = 20000;

/** A view of the map: the main one (drawn by render.ts) or the drill-down (drawn here). */
type View = HeatView;

export function startHeatmapPage(svg: SVGSVGElement, D: Payload): void {
  const doc = svg.ownerDocument;
  const $ = <T extends Element = SVGElement>(id: string) => doc.getElementById(id) as unknown as T;
  const data = new HeatmapData(D);
  const rows = data.rows;
  const ncols = data.ncols;
  /** A column's second after the origin. */
  const sec = (c: number) => data.axis.secOf(c);
  const secText = (c: number) => secondText(data.axis.secOf(c));
  const L = D.layout;
  const mapG = $<SVGGElement>('map');

  // --- views: the main one (server-drawn) and the drill-down (drawn here) -----------------
  const main: View = { g: $('cells'), x0: L.x0, y0: L.y0, cw: L.cw, rh: L.rh, c0: 0, n: L.dcols, k: L.k, kind: 'main' };
  let detail: View | null = null;
  let width = 0;
  let scaleX = 1;
  function viewCount(v: View, dc: number, r: number): number {
    let sum = 0;
    for (let s = 0; s < v.k; s++) sum += data.count(v.c0 + dc * v.k + s, r);
    return sum;
  }
  /** The cell under the pointer, in the view's own (unscaled) coordinates. */
  function cellAt(v: View, evt: MouseEvent): Cell | null {
    const m = (v.kind === 'main' ? mapG : v.g).getScreenCTM();
    if (!m) return null;
    const p = new DOMPoint(evt.clientX, evt.clientY).matrixTransform(m.inverse());
    const dc = Math.floor((p.x - v.x0) / v.cw);
    const r = rows - 1 - Math.floor((p.y - v.y0) / v.rh);
    if (dc < 0 || dc >= v.n || r < 0 || r >= rows) return null;
    return { c: dc, r };
  }
  const colour = (n: number, max: number) => cellColour(n, max, D.enhanced);
  // The map recoloured by the search (heat-search.ts).
  // With a process picked (the comparison's process table), its samples only.
  let pickedProcess = () => -1;
  const heat = new HeatSearch(svg, data, D, () => (detail ? [main, detail] : [main]), $('busy'), () => pickedProcess());
  function drawDetail(s0: number, s1: number): void {
    const g = $<SVGGElement>('detail');
    removeChildren(g);
    const n = Math.min(s1 - s0 + 1, L.maxDetail);
    const avail = Math.max(300, width - L.x0 - 30);
    const cw = Math.max(1, Math.min(12, avail / n));
    detail = { g, x0: L.x0, y0: L.detailY, cw, rh: L.rh, c0: s0, n, k: 1, kind: 'detail' };
    let max = 1;
    for (let c = 0; c < n; c++) for (let r = 0; r < rows; r++) max = Math.max(max, viewCount(detail, c, r));
    svgEl(doc, 'rect', { x: L.x0, y: L.detailY, width: n * cw, height: rows * L.rh, fill: 'rgb(255,255,255)', stroke: 'rgb(200,200,200)' }, g);
    for (let c = 0; c < n; c++) {
      for (let r = 0; r < rows; r++) {
        const v = viewCount(detail, c, r);
        if (v > 0) svgEl(doc, 'rect', { x: L.x0 + c * cw, y: L.detailY + (rows - 1 - r) * L.rh, width: cw, height: L.rh, fill: colour(v, max) }, g);
      }
    }
    svgEl(doc, 'text', { x: L.x0, y: L.detailY - 6 }, g, `seconds ${secText(s0)} to ${secText(s0 + n - 1)} (drag or click two cells to draw their flame graph)`);
    for (let c = 0; c < n; c += Math.max(1, Math.ceil(60 / cw))) svgEl(doc, 'text', { x: L.x0 + c * cw, y: L.detailY + rows * L.rh + 14, class: 'axis' }, g, `${secText(s0 + c)}s`);
    $('detail-frame').setAttribute('display', 'inline');
    heat.draw();
  }

  // --- hover ---------------------------------------------------------------------------------
  const details = $('details');
  function describe(v: View, c: number, r: number): string {
    const lo = printfFixed((1000 * r) / rows, 1).replace(/\.0$/, '');
    const hi = printfFixed((1000 * (r + 1)) / rows, 1).replace(/\.0$/, '');
    let colTotal = 0;
    for (let i = 0; i < rows; i++) colTotal += viewCount(v, c, i);
    const n = viewCount(v, c, r);
    const s = v.c0 + c * v.k;
    const last = Math.min(s + v.k, ncols) - 1;
    const secs = v.k > 1 ? `seconds ${secText(s)}-${secText(last)}` : `second ${secText(s)}`;
    const pct = colTotal > 0 ? printfFixed((100 * n) / colTotal, 1) : '0.0';
    return `${secs}, offset ${lo}-${hi} ms, count ${n}, ${pct}% of the column`;
  }

  // --- selection -----------------------------------------------------------------------------
  let pending: { v: View; a: Cell } | null = null;
  let dragFrom: { v: View; a: Cell } | null = null;
  let dragged = false;
  let selection: { a: Cell; b: Cell } | null = null;
  function highlight(v: View, a: Cell, b: Cell, id: string): void {
    const g = $<SVGGElement>(id);
    removeChildren(g);
    if (!cellBefore(a, b)) [a, b] = [b, a];
    const top = v.y0;
    const y = (r: number) => v.y0 + (rows - 1 - r) * v.rh;
    const attrs = (x: number, yy: number, w: number, h: number) => ({ x, y: yy, width: w, height: h, class: 'hl' });
    if (a.c === b.c) {
      svgEl(doc, 'rect', attrs(v.x0 + a.c * v.cw, y(b.r), v.cw, (b.r - a.r + 1) * v.rh), g);
      return;
    }
    svgEl(doc, 'rect', attrs(v.x0 + a.c * v.cw, top, v.cw, y(a.r) + v.rh - top), g);
    if (b.c > a.c + 1) svgEl(doc, 'rect', attrs(v.x0 + (a.c + 1) * v.cw, top, (b.c - a.c - 1) * v.cw, rows * v.rh), g);
    svgEl(doc, 'rect', attrs(v.x0 + b.c * v.cw, y(b.r), v.cw, top + rows * v.rh - y(b.r)), g);
  }
  const clearHighlight = (id: string) => removeChildren($(id));
  function cancelPending(): void {
    pending = null;
    clearHighlight('preview');
    if (detail) clearHighlight('hl-detail-preview');
  }
  function commit(v: View, a: Cell, b: Cell): void {
    if (!cellBefore(a, b)) [a, b] = [b, a];
    pending = null;
    highlight(v, a, b, v.kind === 'main' ? 'hl-main' : 'hl-detail');
    if (v.k > 1) {
      // Overview: drill down into the seconds of the selected columns.
      drawDetail(v.c0 + a.c * v.k, v.c0 + b.c * v.k + v.k - 1);
      clearHighlight('hl-detail');
      state.drill = `${v.c0 + a.c * v.k}-${v.c0 + b.c * v.k + v.k - 1}`;
      state.sel = '';
      saveState();
      fit();
      return;
    }
    selectRange({ c: v.c0 + a.c, r: a.r }, { c: v.c0 + b.c, r: b.r }, true);
  }
  /** The reproduce command of the cells from a to b: the real files, in time order. */
  function command(a: Cell, b: Cell): string {
    const { start, end } = cellTimes(sec, a, b, rows);
    const R = D.reproduce;
    const files = R.files.length > 0 ? R.files.map(shellQuote).join(' ') : 'FILE';
    // range-perf reads perf text only; for a profile, heatmap-svg draws the range itself.
    if (R.profile) return `heatmap-svg --select ${formatInstant(start)},${formatInstant(end)} ${files} > range.svg`;
    // Several files: perf's own times select the same samples in any subset of them.
    const times = R.timeraw ? `--timeraw ${formatInstant(start, D.origin)} ${formatInstant(end, D.origin)}` : `--timezerosecs ${formatInstant(start)} ${formatInstant(end)}`;
    return `range-perf ${times}${R.rangeFlags} ${files} | stackcollapse${R.collapseFlags} | flamegraph-svg`;
  }
  function selectRange(a: Cell, b: Cell, scroll: boolean): void {
    selection = { a, b };
    if (!restoring) {
      state.z = '';
      P().zoomNode = -1;
    }
    state.sel = `${a.c}.${a.r}-${b.c}.${b.r}`;
    saveState();
    const { start, after } = cellTimes(sec, a, b, rows);
    $('selection').textContent = `selected ${formatInstant(start)} s up to ${formatInstant(after)} s after ${D.origin} s: ${groupDigits(data.samples(a, b))} samples`;
    commandText = cmp.command(a, b);
    const draw = () => {
      drawFlame();
      if (scroll) scrollToFlame();
    };
    if (data.stacks && data.stackEntries(a, b) > BUSY_ENTRIES) withBusy(svg, $('busy'), draw);
    else draw();
  }
  let commandText = '';
  function clearSelection(): void {
    cancelPending();
    sandwich?.close();
    selection = null;
    clearHighlight('hl-main');
    clearHighlight('hl-detail');
    $('selection').textContent = ' ';
    commandText = '';
    state.sel = '';
    state.z = '';
    saveState();
    P().clear();
    cmp.cleared();
    $('flame-frame').setAttribute('display', 'none');
    fit();
  }
  function viewOf(evt: MouseEvent): View | null {
    if (detail && cellAt(detail, evt)) return detail;
    if (cellAt(main, evt)) return main;
    return null;
  }
  svg.addEventListener('mousemove', (evt) => {
    const v = viewOf(evt);
    if (!v) return;
    const cell = cellAt(v, evt)!;
    details.textContent = describe(v, cell.c, cell.r) + heat.describe(v, cell.c, cell.r);
    const from = dragFrom && dragFrom.v === v ? dragFrom : pending && pending.v === v ? pending : null;
    if (from) {
      if (dragFrom && (cell.c !== dragFrom.a.c || cell.r !== dragFrom.a.r)) dragged = true;
      highlight(v, from.a, cell, v.kind === 'main' ? 'preview' : 'hl-detail-preview');
    }
  });
  svg.addEventListener('mousedown', (evt) => {
    const v = viewOf(evt);
    if (!v || evt.button !== 0) return;
    evt.preventDefault();
    dragFrom = { v, a: cellAt(v, evt)! };
    dragged = false;
  });
  svg.addEventListener('mouseup', (evt) => {
    const from = dragFrom;
    dragFrom = null;
    if (!from) {
      // A click outside the map cancels a pending first click.
      if (pending && evt.button === 0 && !viewOf(evt)) cancelPending();
      return;
    }
    const v = viewOf(evt);
    const cell = v === from.v ? cellAt(from.v, evt) : null;
    if (!cell) {
      cancelPending();
      return;
    }
    if (dragged) {
      cancelPending();
      commit(from.v, from.a, cell);
    } else if (pending && pending.v === from.v) {
      const a = pending.a;
      cancelPending();
      commit(from.v, a, cell);
    } else {
      // First click: the start of a range; the preview follows the pointer.
      pending = { v: from.v, a: cell };
      highlight(from.v, cell, cell, from.v.kind === 'main' ? 'preview' : 'hl-detail-preview');
    }
  });

  // --- flame graph ---------------------------------------------------------------------------
  const panel = data.stacks
    ? new FlamePanel(
        { names: D.names!, get parent() { data.decodeStacks(); return data.parent!; }, get frame() { data.decodeStacks(); return data.frame!; } },
        {
          frames: $('flame'),
          background: $('flame-bg'),
          details: $('flame-details'),
          hot: $('hot'),
          matched: $('matched'),
          note: $('flame-note'),
        },
      )
    : null;
  const panelOrNull = panel;
  // A stand-in without stacks keeps the code below simple.
  const noPanel = { zoomNode: -1, clear() {}, drawn: false } as unknown as FlamePanel;
  function P(): FlamePanel {
    return panelOrNull ?? noPanel;
  }
  if (panel) {
    // Redraws of a big selection (zoom, order, layout) show that they are busy too.
    panel.busy = (work) => (selection && data.stackEntries(selection.a, selection.b) > BUSY_ENTRIES ? withBusy(svg, $('busy'), work) : work());
    panel.onZoom = (node) => {
      state.z = node >= 0 ? String(node) : '';
      saveState();
      $('unzoom').setAttribute('class', node >= 0 ? 'btn' : 'btn hide');
      fit();
    };
  }
  // Comparing with a pinned baseline, and the process table (compare-ui.ts); `state` is read when used.
  const cmp = new Comparison({ svg, data, D, panel, get state() { return state; }, save: () => saveState(), selection: () => selection, command, clearSelection, reload: () => restore(),
    highlightBase: (r) => (r ? highlight(main, { c: Math.floor(r.a.c / main.k), r: r.a.r }, { c: Math.floor(r.b.c / main.k), r: r.b.r }, 'hl-base') : clearHighlight('hl-base')),
    redraw: () => (selection && panel ? drawFlame() : undefined),
    picked: () => heat.repick() });
  pickedProcess = () => (cmp.procs ? cmp.procs.picked : -1);
  // Callers and callees of a function (sandwich.ts): a hot-table click, or Ctrl-click on a frame.
  const sandwich = panel
    ? new Sandwich(svg, {
        names: D.names!,
        tree: () => (data.decodeStacks(), { parent: data.parent!, frame: data.frame! }),
        selection: () => (selection ? data.selfOf(selection.a, selection.b) : null),
        order: () => panel.order,
        closed: () => fit(),
      })
    : null;
  sandwich?.watchFrames($('flame-frame'));
  sandwich?.watchHotTable($('hot'));
  function drawFlame(): void {
    if (!panel) {
      $('flame-note').textContent = D.noStacksNote;
      fit();
      return;
    }
    if (!selection) return;
    $('flame-frame').setAttribute('display', 'inline');
    panel.zoomNode = state.z && /^\d+$/.test(state.z) ? Number(state.z) : -1;
    fit(false);
    panel.show(cmp.selfFor(selection));
    if (panel.zoomNode < 0) state.z = '';
    $('unzoom').setAttribute('class', panel.zoomNode >= 0 ? 'btn' : 'btn hide');
    updateButtons();
    searchAgain();
    fit();
  }
  function updateButtons(): void {
    if (!panel) return;
    $('orderbtn').textContent = panel.order === 'hot' ? 'Order: hottest first' : 'Order: alphabetical';
    $('layoutbtn').textContent = panel.inverted ? 'Layout: icicle' : 'Layout: flame';
  }
  function scrollToFlame(): void {
    // Bring the graph's top rows into view (the icicle's root and a few levels), scrolling
    // no further than puts the selection line at the top.
    const sel = $('selection').getBoundingClientRect();
    const top = $('flame-frame').getBoundingClientRect().top;
    const want = top + Math.min(200, panel ? panel.height() : 0) - window.innerHeight;
    if (want > 0) window.scrollBy({ top: Math.min(want, sel.top - 24), behavior: 'instant' as ScrollBehavior });
  }

  // --- search --------------------------------------------------------------------------------
  let term = '';
  let re: RegExp | null = null;
  const box = new SearchBox(svg, () => ({ x: searchX() + 70, y: L.btnY - 17 }), {
    input: (t) => setTerm(t === '' ? null : compileTerm(t, false, false), t),
    next: () => panel?.nextMatch(),
    close: () => setTerm(null, ''),
  });
  function searchX(): number {
    return Number($('searchbtn').getAttribute('x'));
  }
  function setTerm(r: RegExp | null, typed: string): void {
    re = r;
    term = r ? termToUrl(r, typed) : '';
    state.s = term;
    saveState();
    searchAgain();
  }
  function searchAgain(): void {
    $('searchbtn').textContent = re ? 'Reset Search' : 'Search';
    heat.search(re);
    const n = panel && panel.drawn ? panel.search(re) : 0;
    box.setCount(re ? matchCount(n) : '');
    if (!re) $('matched').textContent = ' ';
  }
  function openSearch(): void {
    const u = termFromUrl(term);
    box.open(u ? u.typed : '');
  }
  function closeSearch(): void {
    box.close();
    setTerm(null, '');
  }

  // --- keys and buttons ----------------------------------------------------------------------
  doc.addEventListener('keydown', (evt) => {
    const mod = evt.ctrlKey || evt.metaKey;
    if (evt.key === 'F3' || (mod && (evt.key === 'f' || evt.key === 'F'))) {
      evt.preventDefault();
      openSearch();
    } else if (evt.key === 'Escape') {
      if (pending) cancelPending();
      else if (box.isOpen || re) closeSearch();
      else if (!cmp.escape()) clearSelection();
    } else if ((evt.key === 'b' || evt.key === 'B') && !mod && !evt.altKey && !box.isOpen) {
      cmp.pin();
    }
  });
  $('wholebtn').addEventListener('click', () => {
    cancelPending();
    clearHighlight('hl-detail');
    highlight(main, { c: 0, r: 0 }, { c: main.n - 1, r: rows - 1 }, 'hl-main');
    selectRange({ c: 0, r: 0 }, { c: ncols - 1, r: rows - 1 }, true);
  });
  $('clearbtn').addEventListener('click', () => clearSelection());
  // The printed command is cut to the window's width; this copies all of it, every line.
  const copyBtn = $<SVGTextElement>('copybtn');
  let copyLabelTimer = 0;
  copyBtn.addEventListener('click', () => {
    const lines = [commandText, ...cmp.extraLines()].filter((l) => l !== '');
    if (lines.length === 0) return;
    const said = (label: string) => {
      copyBtn.firstChild!.textContent = label;
      window.clearTimeout(copyLabelTimer);
      copyLabelTimer = window.setTimeout(() => (copyBtn.firstChild!.textContent = 'Copy command'), 2000);
    };
    // Without the clipboard (an old browser, a page the browser does not trust), a prompt
    // shows the command selected, one line: the lines joined by &&.
    const ask = () => {
      window.prompt('Copy the command:', lines.join(' && '));
    };
    if (navigator.clipboard?.writeText) {
      navigator.clipboard.writeText(lines.join('\n') + '\n').then(() => said('Copied'), ask);
    } else {
      ask();
    }
  });
  $('orderbtn').addEventListener('click', () => {
    if (!panel) return;
    panel.order = panel.order === 'hot' ? 'alpha' : 'hot';
    state.o = panel.order === 'hot' ? 'hot' : '';
    saveState();
    updateButtons();
    // The zoom is a stack node: it survives the new order.
    if (selection) redraw();
  });
  $('layoutbtn').addEventListener('click', () => {
    if (!panel) return;
    panel.inverted = !panel.inverted;
    state.l = panel.inverted ? '' : 'flame';
    saveState();
    updateButtons();
    if (selection) redraw();
  });
  $('unzoom').addEventListener('click', () => panel?.zoom(-1));
  $('searchbtn').addEventListener('click', () => {
    if (re) closeSearch();
    else openSearch();
  });
  function redraw(): void {
    if (!panel || !panel.drawn) return;
    panel.busy(() => {
      panel.draw();
      searchAgain();
      fit();
    });
  }

  // --- fitting the window --------------------------------------------------------------------
  /** Lays the page out for the window's width: no horizontal scrolling from 1280 px up. */
  function fit(redrawFlame = true): void {
    svg.setAttribute('width', '100%');
    const w = Math.max(640, Math.floor(svg.getBoundingClientRect().width));
    const widthChanged = w !== width;
    width = w;
    // The map shrinks (never grows) to the width; its labels keep their size.
    const mapW = L.dcols * L.cw;
    scaleX = Math.min(1, (w - L.x0 - 30) / mapW);
    mapG.setAttribute('transform', scaleX < 1 ? `translate(${L.x0 * (1 - scaleX)},0) scale(${scaleX},1)` : '');
    let lastX = -Infinity;
    for (const t of Array.from($('xaxis').children) as SVGTextElement[]) {
      const x0 = t.getAttribute('data-x');
      if (x0 === null) {
        // The axis caption sits at the map's right end.
        t.setAttribute('x', String(L.x0 + mapW * scaleX));
        continue;
      }
      const x = L.x0 + (Number(x0) - L.x0) * scaleX;
      t.setAttribute('x', x.toFixed(1));
      const show = x - lastX >= 40;
      t.setAttribute('display', show ? 'inline' : 'none');
      if (show) lastX = x;
    }
    if (widthChanged) {
      for (const id of ['title']) $(id).setAttribute('x', String(Math.floor(w / 2)));
      for (const t of Array.from(svg.querySelectorAll<SVGTextElement>('text.sub'))) {
        t.setAttribute('x', String(Math.floor(w / 2)));
        // The full text, kept from before the first cut.
        if (!t.hasAttribute('data-full')) t.setAttribute('data-full', t.textContent ?? '');
        fitText(t, t.getAttribute('data-full')!, w - 20);
      }
    }
    $('copybtn').setAttribute('x', String(w - 10));
    $('copybtn').setAttribute('class', commandText !== '' ? 'btn' : 'btn hide');
    const cmd = $<SVGTextElement>('command');
    if (cmd.getAttribute('data-full') !== commandText || widthChanged) {
      cmd.setAttribute('data-full', commandText);
      removeChildren(cmd);
      fitText(cmd, commandText || ' ', w - L.x0 - 10);
    }
    // The flame graph and, beside it, the hot functions.
    const hotW = Math.max(380, Math.min(640, Math.round(w * 0.3)));
    const flameW = w - hotW - 10;
    $('flame-bg').setAttribute('width', String(flameW));
    const procH = cmp.procs ? cmp.procs.height() : 0;
    $('procs').setAttribute('transform', `translate(${flameW + 10},36)`);
    $('hot').setAttribute('transform', `translate(${flameW + 10},${36 + procH})`);
    cmp.fit(w);
    if (panel) {
      const changed = panel.width !== flameW;
      panel.width = flameW;
      panel.hotWidth = hotW - 10;
      if (changed && redrawFlame && panel.drawn) {
        panel.draw();
        panel.drawHot();
        searchAgain();
      }
    }
    let h = L.btnY + 40;
    if (detail) h = Math.max(h, L.detailY + rows * L.rh + 30);
    if (panel && panel.drawn) h = Math.max(h, L.flameY + panel.height() + procH + 20);
    svg.setAttribute('height', String(h));
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    $('bkg').setAttribute('width', String(w));
  }
  let fitQueued = false;
  window.addEventListener('resize', () => {
    if (fitQueued) return;
    fitQueued = true;
    requestAnimationFrame(() => {
      fitQueued = false;
      fit();
    });
  });

  // --- URL fragment state --------------------------------------------------------------------
  const state: Record<string, string> = { sel: '', drill: '', base: '', cv: '', p: '', s: '', z: '', o: '', l: '' };
  let restoring = false;
  function saveState(): void {
    if (restoring) return;
    const parts: string[] = [];
    for (const k of ['drill', 'sel', 'base', 'cv', 'p', 'o', 'l', 'z', 's']) if (state[k]) parts.push(`${k}=${encodeURIComponent(state[k])}`);
    const hash = parts.length ? '#' + parts.join('&') : '';
    try {
      window.history.replaceState(null, '', hash || window.location.pathname + window.location.search);
    } catch {
      window.location.hash = hash;
    }
  }
  function restore(): void {
    const h = String(window.location.hash || '').replace(/^#/, '');
    const st: Record<string, string> = {};
    for (const kv of h.split('&')) {
      const i = kv.indexOf('=');
      if (i <= 0) continue;
      // A malformed escape (a hand-edited or crafted link) drops that parameter only.
      try {
        st[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1));
      } catch {
        /* ignored */
      }
    }
    restoring = true;
    try {
      const P0 = P();
      if (panel) {
        panel.order = (st.o === 'hot' ? 'hot' : 'alpha') as Order;
        panel.inverted = st.l !== 'flame';
      }
      state.o = st.o === 'hot' ? 'hot' : '';
      state.l = st.l === 'flame' ? 'flame' : '';
      updateButtons();
      const u = termFromUrl(st.s);
      if (u) {
        re = u.re;
        term = st.s;
        state.s = term;
      }
      const dm = /^(-?\d+)-(-?\d+)$/.exec(st.drill || '');
      if (dm && main.k > 1) {
        drawDetail(Number(dm[1]), Number(dm[2]));
        state.drill = st.drill;
      }
      cmp.restore(st, !h);
      let m = /^(\d+)\.(\d+)-(\d+)\.(\d+)$/.exec(st.sel || '');
      let a: Cell | null = null;
      let b: Cell | null = null;
      if (m) {
        a = { c: Number(m[1]), r: Number(m[2]) };
        b = { c: Number(m[3]), r: Number(m[4]) };
        state.z = /^\d+$/.test(st.z || '') ? st.z : '';
      } else if (D.select && !h) {
        // heatmap-svg --select: the range to open with, when the URL names none.
        a = D.select.a;
        b = D.select.b;
        m = [] as unknown as RegExpExecArray;
      }
      if (a && b && a.c < ncols && b.c < ncols && a.r < rows && b.r < rows && cellBefore(a, b)) {
        // An overview shows the selection in the drill-down view of its seconds.
        if (main.k > 1 && (!detail || a.c < detail.c0 || b.c >= detail.c0 + detail.n)) {
          drawDetail(a.c, Math.min(b.c, a.c + L.maxDetail - 1));
          state.drill = `${a.c}-${Math.min(b.c, a.c + L.maxDetail - 1)}`;
        }
        const v = detail && main.k > 1 ? detail : main;
        highlight(v, { c: a.c - v.c0, r: a.r }, { c: b.c - v.c0, r: b.r }, v.kind === 'main' ? 'hl-main' : 'hl-detail');
        P0.zoomNode = state.z ? Number(state.z) : -1;
        selectRange(a, b, !h);
      } else {
        cmp.dropPick();
      }
    } finally {
      restoring = false;
    }
    saveState();
  }
  fit();
  restore();
  // A search from the URL recolours the map even without a selection.
  searchAgain();
  svg.setAttribute('data-ready', '1');
}
