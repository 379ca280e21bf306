// The script of a heatmap-svg file: hover, range selection, drill-down from the overview,
// and the range flame graph with zoom, search, hot functions and URL-fragment state.
// It runs in the browser, embedded by Function.prototype.toString, so it is one
// self-contained function that uses only the functions of flame-layout.ts (defined
// before it in the same script) and the DOM.
//
// Everything it writes into the document goes through createElementNS and textContent:
// no innerHTML, so no name can become markup.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const decodeVarints: (s: string, out: number[]) => number[];
declare const layoutFlame: (...a: any[]) => any;
declare const hotFunctions: (...a: any[]) => any[];
declare const printfFixed: (x: number, d: number) => string;
declare const groupDigits: (n: number) => string;
declare const cellColour: (n: number, max: number, enhanced: boolean) => string;

export function heatmapApp(D: any): void {
  const NS = 'http://www.w3.org/2000/svg';
  const $ = (id: string) => document.getElementById(id);
  const rows: number = D.rows;
  const ncols: number = D.ncols;
  const L = D.layout;
  // --- decode -----------------------------------------------------------------------
  const counts = new Uint32Array(Math.max(1, ncols * rows));
  const cellIndex = new Int32Array(Math.max(1, ncols * rows)).fill(-1);
  {
    const g = decodeVarints(D.grid, []);
    let p = 0;
    let n = 0;
    for (let c = 0; c < ncols; c++) {
      const k = g[p++];
      let r = 0;
      for (let i = 0; i < k; i++) {
        r += g[p++];
        counts[c * rows + r] = g[p++];
        cellIndex[c * rows + r] = n++;
      }
    }
  }
  const stacks = D.names !== null;
  let parent: Int32Array | null = null;
  let frame: Int32Array | null = null;
  let cellNums: number[] = [];
  let cellStart: Int32Array | null = null;
  function decodeStacks(): void {
    if (cellStart || !stacks) return;
    const pd = decodeVarints(D.parent, []);
    parent = new Int32Array(pd.length);
    for (let i = 0; i < pd.length; i++) parent[i] = i - pd[i];
    frame = Int32Array.from(decodeVarints(D.frame, []));
    cellNums = decodeVarints(D.cells, []);
    const starts: number[] = [];
    for (let p = 0; p < cellNums.length; ) {
      starts.push(p);
      p += 1 + 2 * cellNums[p];
    }
    starts.push(cellNums.length);
    cellStart = Int32Array.from(starts);
  }
  function fmtSec(ns: number): string {
    // ns: nanoseconds since the origin, exact; printed with up to 9 decimals, trimmed.
    const neg = ns < 0;
    const a = Math.abs(ns);
    const s = Math.floor(a / 1e9);
    const f = String(a - s * 1e9).padStart(9, '0').replace(/0+$/, '');
    return (neg ? '-' : '') + s + (f ? '.' + f : '');
  }
  // --- views: the main one (server-drawn) and the drill-down (drawn here) --------------
  interface View { g: any; x0: number; y0: number; cw: number; rh: number; c0: number; n: number; k: number; kind: string }
  const main: View = { g: $('cells'), x0: L.x0, y0: L.y0, cw: L.cw, rh: L.rh, c0: 0, n: L.dcols, k: L.k, kind: 'main' };
  let detail: View | null = null;
  function viewCount(v: View, dc: number, r: number): number {
    let sum = 0;
    for (let s = 0; s < v.k; s++) {
      const c = v.c0 + dc * v.k + s;
      if (c >= 0 && c < ncols) sum += counts[c * rows + r];
    }
    return sum;
  }
  function cellAt(v: View, evt: any): { c: number; r: number } | null {
    const pt = svgPoint(evt);
    const dc = Math.floor((pt.x - v.x0) / v.cw);
    const r = rows - 1 - Math.floor((pt.y - v.y0) / v.rh);
    if (dc < 0 || dc >= v.n || r < 0 || r >= rows) return null;
    return { c: dc, r };
  }
  const svg = document.documentElement;
  function svgPoint(evt: any): { x: number; y: number } {
    const p = svg.createSVGPoint();
    p.x = evt.clientX;
    p.y = evt.clientY;
    const m = svg.getScreenCTM();
    return m ? p.matrixTransform(m.inverse()) : p;
  }
  function el(name: string, attrs: any, parentEl?: any, text?: string): any {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    if (parentEl) parentEl.appendChild(e);
    return e;
  }
  const colour = (n: number, max: number): string => cellColour(n, max, D.enhanced);
  function drawDetail(s0: number, s1: number): void {
    const g = $('detail');
    while (g.firstChild) g.removeChild(g.firstChild);
    const n = Math.min(s1 - s0 + 1, L.maxDetail);
    const cw = Math.max(1, Math.min(12, L.avail / n));
    detail = { g, x0: L.x0, y0: L.detailY, cw, rh: L.rh, c0: s0, n, k: 1, kind: 'detail' };
    let max = 1;
    for (let c = 0; c < n; c++) for (let r = 0; r < rows; r++) max = Math.max(max, viewCount(detail, c, r));
    el('rect', { x: L.x0, y: L.detailY, width: n * cw, height: rows * L.rh, fill: 'rgb(255,255,255)', stroke: 'rgb(200,200,200)' }, g);
    for (let c = 0; c < n; c++) {
      for (let r = 0; r < rows; r++) {
        const v = viewCount(detail, c, r);
        if (v > 0) el('rect', { x: L.x0 + c * cw, y: L.detailY + (rows - 1 - r) * L.rh, width: cw, height: L.rh, fill: colour(v, max) }, g);
      }
    }
    el('text', { x: L.x0, y: L.detailY - 6 }, g, `seconds ${s0 + D.c0} to ${s0 + D.c0 + n - 1} (drag or click two cells to draw their flame graph)`);
    for (let c = 0; c < n; c += Math.max(1, Math.ceil(60 / cw))) el('text', { x: L.x0 + c * cw, y: L.detailY + rows * L.rh + 14, class: 'axis' }, g, `${s0 + D.c0 + c}s`);
    $('detail-frame').setAttribute('display', 'inline');
  }
  // --- hover --------------------------------------------------------------------------
  const details = $('details');
  function describe(v: View, c: number, r: number): string {
    const lo = printfFixed((1000 * r) / rows, 1).replace(/\.0$/, '');
    const hi = printfFixed((1000 * (r + 1)) / rows, 1).replace(/\.0$/, '');
    let colTotal = 0;
    for (let i = 0; i < rows; i++) colTotal += viewCount(v, c, i);
    const n = viewCount(v, c, r);
    const s = v.c0 + c * v.k + D.c0;
    const sec = v.k > 1 ? `seconds ${s}-${s + v.k - 1}` : `second ${s}`;
    const pct = colTotal > 0 ? printfFixed((100 * n) / colTotal, 1) : '0.0';
    return `${sec}, offset ${lo}-${hi} ms, count ${n}, ${pct}% of the column`;
  }
  // --- selection ----------------------------------------------------------------------
  // A cell in time order: (column, row), earlier rows first within a column.
  type Cell = { c: number; r: number };
  let pending: { v: View; a: Cell } | null = null;
  let dragFrom: { v: View; a: Cell } | null = null;
  let dragged = false;
  let selection: { a: Cell; b: Cell } | null = null; // in absolute per-second columns (0-based index)
  const before = (a: Cell, b: Cell) => a.c < b.c || (a.c === b.c && a.r <= b.r);
  function highlight(v: View, a: Cell, b: Cell, id: string): void {
    const g = $(id);
    while (g.firstChild) g.removeChild(g.firstChild);
    if (!before(a, b)) [a, b] = [b, a];
    const top = v.y0;
    const y = (r: number) => v.y0 + (rows - 1 - r) * v.rh;
    const attrs = (x: number, yy: number, w: number, h: number) => ({ x, y: yy, width: w, height: h, class: 'hl' });
    if (a.c === b.c) {
      el('rect', attrs(v.x0 + a.c * v.cw, y(b.r), v.cw, (b.r - a.r + 1) * v.rh), g);
      return;
    }
    el('rect', attrs(v.x0 + a.c * v.cw, top, v.cw, y(a.r) + v.rh - top), g);
    if (b.c > a.c + 1) el('rect', attrs(v.x0 + (a.c + 1) * v.cw, top, (b.c - a.c - 1) * v.cw, rows * v.rh), g);
    el('rect', attrs(v.x0 + b.c * v.cw, y(b.r), v.cw, top + rows * v.rh - y(b.r)), g);
  }
  function clearHighlight(id: string): void {
    const g = $(id);
    while (g.firstChild) g.removeChild(g.firstChild);
  }
  function commit(v: View, a: Cell, b: Cell): void {
    if (!before(a, b)) [a, b] = [b, a];
    pending = null;
    highlight(v, a, b, v.kind === 'main' ? 'hl-main' : 'hl-detail');
    if (v.k > 1) {
      // Overview: drill down into the seconds of the selected columns.
      drawDetail(v.c0 + a.c * v.k, v.c0 + b.c * v.k + v.k - 1);
      clearHighlight('hl-detail');
      state.drill = `${v.c0 + a.c * v.k}-${v.c0 + b.c * v.k + v.k - 1}`;
      state.sel = '';
      saveState();
      return;
    }
    selectRange({ c: v.c0 + a.c, r: a.r }, { c: v.c0 + b.c, r: b.r });
  }
  function selectRange(a: Cell, b: Cell): void {
    selection = { a, b };
    if (!restoring) state.z = '';
    state.sel = `${a.c}.${a.r}-${b.c}.${b.r}`;
    saveState();
    // Exact bounds: the first nanosecond of cell a and the last of cell b.
    const startNs = (D.c0 + a.c) * 1e9 + Math.ceil((a.r * 1e9) / rows);
    const endNs = (D.c0 + b.c) * 1e9 + Math.ceil(((b.r + 1) * 1e9) / rows) - 1;
    let n = 0;
    forCells(a, b, (c, r) => (n += counts[c * rows + r]));
    $('selection').textContent = `selected ${fmtSec(startNs)} s up to ${fmtSec(endNs + 1)} s after ${D.origin} s: ${groupDigits(n)} samples`;
    $('command').textContent = `range-perf${D.rangeFlags} ${fmtSec(startNs)} ${fmtSec(endNs)} FILE | stackcollapse${D.collapseFlags} | flamegraph-svg`;
    drawFlame();
  }
  function forCells(a: Cell, b: Cell, f: (c: number, r: number) => void): void {
    for (let c = a.c; c <= b.c; c++) {
      const r0 = c === a.c ? a.r : 0;
      const r1 = c === b.c ? b.r : rows - 1;
      for (let r = r0; r <= r1; r++) if (c >= 0 && c < ncols) f(c, r);
    }
  }
  function clearSelection(): void {
    pending = null;
    selection = null;
    clearHighlight('hl-main');
    clearHighlight('hl-detail');
    clearHighlight('preview');
    $('selection').textContent = ' ';
    $('command').textContent = ' ';
    state.sel = '';
    state.z = '';
    saveState();
    clearFlame();
  }
  function viewOf(evt: any): View | null {
    if (detail && cellAt(detail, evt)) return detail;
    if (cellAt(main, evt)) return main;
    return null;
  }
  svg.addEventListener('mousemove', (evt: any) => {
    const v = viewOf(evt);
    if (!v) return;
    const cell = cellAt(v, evt)!;
    details.textContent = describe(v, cell.c, cell.r);
    const from = dragFrom && dragFrom.v === v ? dragFrom : pending && pending.v === v ? pending : null;
    if (from) {
      if (dragFrom && (cell.c !== dragFrom.a.c || cell.r !== dragFrom.a.r)) dragged = true;
      highlight(v, from.a, cell, 'preview');
    }
  });
  svg.addEventListener('mousedown', (evt: any) => {
    const v = viewOf(evt);
    if (!v || evt.button !== 0) return;
    evt.preventDefault();
    dragFrom = { v, a: cellAt(v, evt)! };
    dragged = false;
  });
  svg.addEventListener('mouseup', (evt: any) => {
    const from = dragFrom;
    dragFrom = null;
    if (!from) return;
    const v = viewOf(evt);
    const cell = v === from.v ? cellAt(from.v, evt) : null;
    if (!cell) return;
    if (dragged) {
      clearHighlight('preview');
      commit(from.v, from.a, cell);
    } else if (pending && pending.v === from.v) {
      clearHighlight('preview');
      commit(from.v, pending.a, cell);
    } else {
      // First click: the start of a range; the preview follows the pointer.
      pending = { v: from.v, a: cell };
      highlight(from.v, cell, cell, 'preview');
    }
  });
  document.addEventListener('keydown', (evt: any) => {
    if (evt.key === 'Escape') clearSelection();
  });
  // --- flame graph --------------------------------------------------------------------
  const fg = $('flame');
  let layout: any = null;
  let order = 'alpha';
  let zoomed: any = null;
  let term = '';
  function selectedSelf(): Map<number, number> {
    decodeStacks();
    const self = new Map<number, number>();
    if (!selection) return self;
    forCells(selection.a, selection.b, (c, r) => {
      const i = cellIndex[c * rows + r];
      if (i < 0) return;
      let p = cellStart![i];
      const m = cellNums[p++];
      let node = 0;
      for (let j = 0; j < m; j++) {
        node += cellNums[p++];
        self.set(node, (self.get(node) ?? 0) + cellNums[p++]);
      }
    });
    return self;
  }
  function clearFlame(): void {
    while (fg.firstChild) fg.removeChild(fg.firstChild);
    const hot = $('hot');
    while (hot.firstChild) hot.removeChild(hot.firstChild);
    $('flame-frame').setAttribute('display', 'none');
    layout = null;
  }
  function drawFlame(): void {
    if (!stacks) {
      $('flame-note').textContent = D.noStacksNote;
      return;
    }
    const self = selectedSelf();
    while (fg.firstChild) fg.removeChild(fg.firstChild);
    layout = layoutFlame(D.names, parent!, frame!, self, L.flameWidth, order);
    $('flame-frame').setAttribute('display', 'inline');
    $('flame-bg').setAttribute('height', layout.height);
    const h = Math.max(L.flameY + layout.height + 10, L.flameY + L.hotHeight);
    svg.setAttribute('height', h);
    svg.setAttribute('viewBox', `0 0 ${L.svgWidth} ${h}`);
    // One fragment, and no <title> until a frame is hovered: tens of thousands of frames
    // draw in a fraction of the time.
    const frag = document.createDocumentFragment();
    for (const f of layout.frames) {
      const g = el('g', { class: 'f' }, frag);
      el('rect', { x: f.x, y: f.y, width: f.width, height: '15.0', fill: f.fill, rx: 2, ry: 2 }, g);
      // Most frames are too narrow for a label: they get a <text> only when zoom widens them.
      if (f.label !== '') el('text', { x: printfFixed(Number(f.x) + 3, 2), y: f.y + 10.5 }, g, f.label);
      g._f = f;
    }
    fg.appendChild(frag);
    // As flamegraph-svg says on stderr when its frame budget cuts.
    $('flame-note').textContent =
      layout.framesBeforeBudget > layout.frames.length
        ? `drew the ${groupDigits(layout.frames.length)} widest of ${groupDigits(layout.framesBeforeBudget)} frames`
        : '';
    $('orderbtn').textContent = order === 'hot' ? 'Order: hottest first' : 'Order: alphabetical';
    zoomed = null;
    if (state.z) {
      const [zd, zs] = state.z.split(',').map(Number);
      for (const g of fg.childNodes) if (g._f.depth === zd && g._f.start === zs) zoom(g);
    }
    if (term) search(term);
    drawHot(self);
  }
  function zoom(target: any): void {
    const z = target._f;
    zoomed = z.depth === 0 ? null : z;
    state.z = zoomed ? `${z.depth},${z.start}` : '';
    saveState();
    const ratio = (L.flameWidth - 20) / (z.end - z.start);
    for (const g of fg.childNodes) {
      const f = g._f;
      const rect = g.firstChild;
      let text = rect.nextSibling && rect.nextSibling.nodeName === 'text' ? rect.nextSibling : null;
      g.removeAttribute('class');
      g.setAttribute('class', 'f');
      let x: number;
      let w: number;
      if (f.depth >= z.depth && f.start >= z.start && f.end <= z.end) {
        x = 10 + (f.start - z.start) * ratio;
        w = (f.end - f.start) * ratio;
      } else if (f.depth < z.depth && f.start <= z.start && f.end >= z.end) {
        x = 10;
        w = L.flameWidth - 20;
        g.setAttribute('class', 'f parent');
      } else {
        g.setAttribute('class', 'f hide');
        continue;
      }
      rect.setAttribute('x', printfFixed(x, 1));
      rect.setAttribute('width', printfFixed(w, 1));
      const name = f.id < 0 ? '' : f.title.replace(/ \([^(]*\)$/, '');
      const chars = Math.trunc(w / (12 * 0.59));
      const cps = Array.from(name);
      const label = chars < 3 ? '' : cps.length > chars ? cps.slice(0, chars - 2).join('') + '..' : name;
      if (!text && label === '') continue;
      if (!text) {
        text = el('text', { y: f.y + 10.5 });
        g.insertBefore(text, rect.nextSibling);
      }
      text.setAttribute('x', printfFixed(x + 3, 2));
      text.textContent = label;
    }
    $('unzoom').setAttribute('class', zoomed ? 'btn' : 'btn hide');
  }
  // A search term is kept as the URL keeps it: `/regex/`, or literal text. So a crafted
  // link's `s=` is searched literally unless it is written as `/.../`, and a term typed at
  // the prompt that is no valid regex is searched literally too.
  function termRegExp(t: string): RegExp | null {
    if (!t) return null;
    const lit = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    const m = /^\/([\s\S]*)\/$/.exec(t);
    if (!m) return lit(t);
    try {
      return new RegExp(m[1]);
    } catch {
      return lit(m[1]);
    }
  }
  function search(t: string): void {
    term = t;
    state.s = t;
    saveState();
    const re = termRegExp(t);
    const hits: any[] = [];
    for (const g of fg.childNodes) {
      const rect = g.firstChild;
      const f = g._f;
      const shown = !zoomed || (f.start >= zoomed.start && f.end <= zoomed.end);
      if (re && f.id >= 0 && re.test(f.title)) {
        rect.setAttribute('fill', 'rgb(230,0,230)');
        // Matches outside the zoomed frame are coloured but not counted.
        if (shown) hits.push(f);
      } else rect.setAttribute('fill', f.fill);
    }
    // Matched share: the widest non-overlapping matches, as flamegraph.pl counts them.
    hits.sort((a, b) => a.start - b.start || b.end - a.end);
    let sum = 0;
    let lastEnd = -1;
    for (const f of hits) {
      if (f.start >= lastEnd) {
        sum += f.end - f.start;
        lastEnd = f.end;
      }
    }
    const total = zoomed ? zoomed.end - zoomed.start : layout ? layout.total : 0;
    $('matched').textContent = re && total > 0 ? `Matched: ${sum === total ? '100' : printfFixed((100 * sum) / total, 1)}%` : ' ';
    $('searchbtn').textContent = re ? 'Reset Search' : 'Search';
  }
  function drawHot(self: Map<number, number>): void {
    const hot = $('hot');
    while (hot.firstChild) hot.removeChild(hot.firstChild);
    const list = hotFunctions(parent!, frame!, self);
    const total = layout ? layout.total : 0;
    el('text', { x: 0, y: 0, class: 'th' }, hot, 'self       %   total       %  function');
    const max = Math.min(list.length, L.hotRows);
    for (let i = 0; i < max; i++) {
      const h = list[i];
      const pct = (n: number) => printfFixed((100 * n) / total, 2).padStart(6);
      const line = `${String(h.self).padStart(6)} ${pct(h.self)} ${String(h.total).padStart(7)} ${pct(h.total)}  ${D.names[h.id]}`;
      el('text', { x: 0, y: 16 * (i + 1), class: 'hotrow' }, hot, line);
    }
  }
  fg.addEventListener('click', (evt: any) => {
    let g = evt.target;
    while (g && g !== fg && !g._f) g = g.parentNode;
    if (g && g._f) {
      zoom(g);
      if (term) search(term);
    }
  });
  fg.addEventListener('mouseover', (evt: any) => {
    let g = evt.target;
    while (g && g !== fg && !g._f) g = g.parentNode;
    if (g && g._f) {
      if (g.lastChild.nodeName !== 'title') el('title', {}, g, g._f.title);
      $('flame-details').textContent = 'Function: ' + g._f.title;
    }
  });
  fg.addEventListener('mouseout', () => ($('flame-details').textContent = ' '));
  // --- buttons ------------------------------------------------------------------------
  $('wholebtn').addEventListener('click', () => {
    pending = null;
    clearHighlight('preview');
    clearHighlight('hl-detail');
    highlight(main, { c: 0, r: 0 }, { c: main.n - 1, r: rows - 1 }, 'hl-main');
    selectRange({ c: 0, r: 0 }, { c: ncols - 1, r: rows - 1 });
  });
  $('clearbtn').addEventListener('click', () => clearSelection());
  $('orderbtn').addEventListener('click', () => {
    order = order === 'hot' ? 'alpha' : 'hot';
    state.o = order === 'hot' ? 'hot' : '';
    saveState();
    if (selection) drawFlame();
  });
  $('unzoom').addEventListener('click', () => {
    if (layout) zoom(fg.lastChild);
    if (term) search(term);
  });
  $('searchbtn').addEventListener('click', () => {
    if (term) search('');
    else {
      const t = window.prompt('Enter a search term (regexp allowed, eg: ^ext4_)', '');
      if (t) {
        let valid = true;
        try {
          new RegExp(t);
        } catch {
          valid = false;
        }
        search(valid ? `/${t}/` : t);
      }
    }
  });
  // --- URL fragment state -------------------------------------------------------------
  const state: any = { sel: '', drill: '', s: '', z: '', o: '' };
  let restoring = false;
  function saveState(): void {
    if (restoring) return;
    const parts: string[] = [];
    for (const k of ['drill', 'sel', 'o', 'z', 's']) if (state[k]) parts.push(`${k}=${encodeURIComponent(state[k])}`);
    const hash = parts.length ? '#' + parts.join('&') : '';
    try {
      window.history.replaceState(null, '', hash || window.location.pathname + window.location.search);
    } catch {
      window.location.hash = hash;
    }
  }
  function restore(): void {
    const h = String(window.location.hash || '').replace(/^#/, '');
    if (!h) return;
    const st: any = {};
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
      if (st.o === 'hot') order = 'hot';
      state.o = order === 'hot' ? 'hot' : '';
      if (typeof st.s === 'string' && st.s.length < 1000) term = st.s;
      state.s = term;
      const dm = /^(-?\d+)-(-?\d+)$/.exec(st.drill || '');
      if (dm && main.k > 1) {
        drawDetail(Number(dm[1]), Number(dm[2]));
        state.drill = st.drill;
      }
      const m = /^(\d+)\.(\d+)-(\d+)\.(\d+)$/.exec(st.sel || '');
      if (m) {
        const a = { c: Number(m[1]), r: Number(m[2]) };
        const b = { c: Number(m[3]), r: Number(m[4]) };
        if (a.c < ncols && b.c < ncols && a.r < rows && b.r < rows && before(a, b)) {
          state.z = st.z || '';
          const v = detail && main.k > 1 ? detail : main;
          highlight(v, { c: a.c - v.c0, r: a.r }, { c: b.c - v.c0, r: b.r }, v.kind === 'main' ? 'hl-main' : 'hl-detail');
          selectRange(a, b);
        }
      }
    } finally {
      restoring = false;
    }
  }
  restore();
  svg.setAttribute('data-ready', '1');
}
