// The JavaScript embedded in every flame graph SVG (written for flamekit, not taken from
// flamegraph.pl). It is one closure: nothing global, so several graphs can share an HTML
// page. It finds its own <svg> from the running <script>, and reaches elements by class
// under that root, never by id.
//
// What it reads:
//   C          the configuration, written as JSON by render.ts (numbers and option strings,
//              never a frame name; `<`, `>` and `&` are \u escapes)
//   C.data     per frame, in document order (depth-first, parents first):
//              "depth,gap,width" in samples, joined by ',' — enough to place every frame
//              exactly when zoomed, without reading the rounded rect attributes
//   <title>    each frame's name, read lazily (textContent, never innerHTML)
//
// Behaviour: hover shows details; click zooms (a link frame needs Ctrl-click); the root or
// "Reset Zoom" unzooms; "Search", Ctrl-F or F3 prompts for a regular expression (an
// invalid one is searched literally); "ic" or Ctrl-I toggles ignore-case; Esc clears the
// search; "Matched: N%" is the share of the zoomed frame's samples in matching frames,
// counting nested matches once. In a standalone document the URL keeps `x`, `y` (zoom:
// the frame's original rect position) and `s` (search: plain text, or /regex/ with an
// optional i flag); these are validated and never evaluated as code.
//
// Big graphs: no work at load beyond adding three listeners; frame data is parsed on the
// first click or search; zoom writes only frames whose state changes.

export const VIEWER_SCRIPT = String.raw`
'use strict';
var doc = document, SVGNS = 'http://www.w3.org/2000/svg';
var me = doc.currentScript;
if (!me) { var ss = doc.getElementsByTagName('script'); me = ss[ss.length - 1]; }
var svg = me && me.ownerSVGElement;
if (!svg) return;
function q(c) { return svg.querySelector('.fg-' + c); }
var framesEl = q('frames'), details = q('details'), unzoomBtn = q('unzoom'),
    searchBtn = q('search'), icBtn = q('ic'), matchedEl = q('matched');
if (!framesEl) return;
var standalone = doc.documentElement === svg;
var active = standalone;
var fullW = C.width - 2 * C.xpad, charW = C.fontSize * C.fontWidth;

// Inlined in an HTML page next to other graphs: make this graph's ids unique there.
if (!standalone) {
  var idEls = [], top = svg.children;
  for (var a = 0; a < top.length; a++) {
    if (top[a].id) idEls.push(top[a]);
    if (top[a].localName === 'defs') for (var b = 0; b < top[a].children.length; b++) if (top[a].children[b].id) idEls.push(top[a].children[b]);
  }
  for (a = 0; a < idEls.length; a++) {
    var el = idEls[a], id = el.id;
    try {
      if (doc.querySelectorAll('#' + CSS.escape(id)).length < 2) continue;
      var n2 = 2;
      while (doc.getElementById(id + '-' + n2)) n2++;
      el.id = id + '-' + n2;
      var refs = svg.querySelectorAll('[fill="url(#' + id + ')"]');
      for (var r = 0; r < refs.length; r++) refs[r].setAttribute('fill', 'url(#' + el.id + ')');
    } catch (e) { /* an odd id: leave it */ }
  }
  doc.addEventListener('pointerdown', function (e) { active = svg.contains(e.target); }, true);
}

var els = null, n = 0, dep, st, wd, state, names, matched;
var saved = null, touched = [];
var zoomed = 0, term = null, icase = false, lastLiteral = false;

function load() {
  if (els) return n > 0;
  els = framesEl.children;
  n = els.length;
  var raw = String(C.data).split(',');
  if (raw.length !== 3 * n || n === 0) { n = 0; return false; }
  dep = new Int32Array(n); st = new Float64Array(n); wd = new Float64Array(n);
  state = new Uint8Array(n); matched = new Uint8Array(n); names = new Array(n);
  saved = new Array(n);
  var next = [0];
  for (var i = 0; i < n; i++) {
    var d = +raw[3 * i], s = (next[d] || 0) + +raw[3 * i + 1], w = +raw[3 * i + 2];
    dep[i] = d; st[i] = s; wd[i] = w;
    next[d] = s + w; next[d + 1] = s;
  }
  return true;
}

function frameOf(t) {
  while (t && t !== svg) {
    if (t.parentNode === framesEl) return t;
    t = t.parentNode;
  }
  return null;
}
function titleOf(g) {
  var t = g.firstElementChild;
  return t && t.localName === 'title' ? t.textContent : '';
}
// The name is the title without its " (N samples, P%)" suffix.
function nameOf(i) {
  var s = names[i];
  if (s === undefined) {
    s = titleOf(els[i]);
    var p = s.lastIndexOf(' (');
    if (p >= 0 && s.charAt(s.length - 1) === ')') s = s.slice(0, p);
    names[i] = s;
  }
  return s;
}
function subtreeEnd(i) {
  var d = dep[i], j = i + 1;
  while (j < n && dep[j] > d) j++;
  return j;
}
function rectOf(i) {
  var r = els[i].children[1];
  return r && r.localName === 'rect' ? r : els[i].querySelector('rect');
}
function textOf(i) { var t = els[i].lastElementChild; return t && t.localName === 'text' ? t : null; }

function fit(name, chars) {
  if (chars < 3) return '';
  var cs = /[\uD800-\uDFFF]/.test(name) ? Array.from(name) : name;
  if (cs.length <= chars) return name;
  var k = chars - 2;
  if (C.left) return '..' + (typeof cs === 'string' ? cs.slice(cs.length - k) : cs.slice(cs.length - k).join(''));
  return (typeof cs === 'string' ? cs.slice(0, k) : cs.slice(0, k).join('')) + '..';
}

function setState(i, v) {
  var old = state[i];
  if (old === v) return;
  var c = els[i].classList;
  if (old === 1) c.remove('fg-hide'); else if (old === 2) c.remove('fg-parent');
  if (v === 1) c.add('fg-hide'); else if (v === 2) c.add('fg-parent');
  state[i] = v;
}

function place(i, x, w) {
  var rect = rectOf(i), text = textOf(i);
  if (!saved[i]) {
    saved[i] = [rect.getAttribute('x'), rect.getAttribute('width'), text ? text.getAttribute('x') : null, text ? text.textContent : null];
    touched.push(i);
  }
  rect.setAttribute('x', x.toFixed(1));
  rect.setAttribute('width', w.toFixed(1));
  var chars = Math.floor(w / charW);
  var label = chars >= 3 ? fit(nameOf(i), chars) : '';
  if (!text) {
    if (label === '') return;
    text = doc.createElementNS(SVGNS, 'text');
    text.setAttribute('y', String(3 + parseFloat(rect.getAttribute('y')) + (C.frameHeight - 1) / 2));
    els[i].appendChild(text);
  }
  text.setAttribute('x', (x + 3).toFixed(2));
  if (text.textContent !== label) text.textContent = label;
}

function restore() {
  for (var k = 0; k < touched.length; k++) {
    var i = touched[k], sv = saved[i], rect = rectOf(i), text = textOf(i);
    rect.setAttribute('x', sv[0]);
    rect.setAttribute('width', sv[1]);
    if (text) {
      if (sv[2] === null) text.parentNode.removeChild(text);
      else { text.setAttribute('x', sv[2]); text.textContent = sv[3]; }
    }
    saved[i] = null;
  }
  touched = [];
}

function setUrl(k, v) {
  if (!standalone) return;
  try {
    var u = new URL(location.href);
    if (v === null) u.searchParams.delete(k); else u.searchParams.set(k, v);
    history.replaceState(history.state, '', u.href);
  } catch (e) { /* file: URLs or sandboxed viewers may refuse; the view still works */ }
}

function zoom(i) {
  if (!load()) return;
  if (i <= 0) { unzoom(); return; }
  restore();
  var end = subtreeEnd(i), s0 = st[i], ratio = fullW / wd[i];
  var anc = new Uint8Array(n), d = dep[i];
  for (var k = i - 1; k >= 0 && d > 0; k--) if (dep[k] < d) { anc[k] = 1; d = dep[k]; }
  for (var j = 0; j < n; j++) {
    if (j >= i && j < end) { setState(j, 0); place(j, C.xpad + (st[j] - s0) * ratio, wd[j] * ratio); }
    else if (anc[j]) { setState(j, 2); place(j, C.xpad, fullW); }
    else setState(j, 1);
  }
  zoomed = i;
  unzoomBtn.classList.remove('fg-hide');
  var sv = saved[i];
  setUrl('x', sv[0]);
  setUrl('y', rectOf(i).getAttribute('y'));
  if (term !== null) showMatched();
}

function unzoom() {
  if (!load()) return;
  restore();
  for (var j = 0; j < n; j++) setState(j, 0);
  zoomed = 0;
  unzoomBtn.classList.add('fg-hide');
  setUrl('x', null);
  setUrl('y', null);
  if (term !== null) showMatched();
}

function escapeRe(t) { return t.replace(/[.*+?^$(){}|[\]\\\/]/g, '\\$&'); }
function compile(t, literal) {
  var f = icase ? 'i' : '';
  if (!literal) { try { return new RegExp(t, f); } catch (e) { /* not a regex: search it literally */ } }
  return new RegExp(escapeRe(t), f);
}

function search(t, literal) {
  if (!load()) return;
  var re = compile(t, literal);
  for (var j = 0; j < n; j++) {
    var m = re.test(nameOf(j)) ? 1 : 0;
    if (m !== matched[j]) { matched[j] = m; els[j].classList.toggle('fg-m', m === 1); }
  }
  term = t;
  searchBtn.textContent = 'Reset Search';
  searchBtn.classList.add('fg-show');
  showMatched();
  var plain = re.source === t && !/[.*+?^$(){}|[\]\\]/.test(t) && t.charAt(0) !== '/';
  setUrl('s', plain && !icase ? t : '/' + re.source + '/' + (icase ? 'i' : ''));
  lastLiteral = literal;
}

function showMatched() {
  var z = zoomed, total = wd[z], sum = 0;
  var hit = matched[z] === 1, d = dep[z];
  for (var k = z - 1; k >= 0 && d > 0 && !hit; k--) if (dep[k] < d) { d = dep[k]; if (matched[k]) hit = true; }
  if (hit) sum = total;
  else {
    var end = subtreeEnd(z);
    for (var j = z + 1; j < end;) {
      if (matched[j]) { sum += wd[j]; j = subtreeEnd(j); } else j++;
    }
  }
  var pct = total > 0 ? 100 * sum / total : 0;
  matchedEl.textContent = 'Matched: ' + (pct === 100 ? '100' : pct.toFixed(1)) + '%';
  matchedEl.classList.remove('fg-hide');
}

function resetSearch() {
  if (term === null) return;
  if (els) for (var j = 0; j < n; j++) if (matched[j]) { matched[j] = 0; els[j].classList.remove('fg-m'); }
  term = null;
  searchBtn.textContent = 'Search';
  searchBtn.classList.remove('fg-show');
  matchedEl.textContent = ' ';
  matchedEl.classList.add('fg-hide');
  setUrl('s', null);
}

function promptSearch() {
  if (term !== null) { resetSearch(); return; }
  var t = window.prompt('Enter a search term (regexp allowed, eg: ^ext4_)' + (icase ? ', ignoring case' : '') +
    '\nPress Ctrl-i to toggle case sensitivity', '');
  if (t !== null && t !== '') search(t, false);
}

function toggleIgnoreCase() {
  icase = !icase;
  icBtn.classList.toggle('fg-show', icase);
  if (term !== null) search(term, lastLiteral);
}

framesEl.addEventListener('mouseover', function (e) {
  var g = frameOf(e.target);
  if (g) details.textContent = C.nameType + ' ' + titleOf(g);
});
framesEl.addEventListener('mouseout', function () { details.textContent = ' '; });
svg.addEventListener('click', function (e) {
  var t = e.target, g = frameOf(t);
  if (g) {
    if (g.localName === 'a' && !(e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    if (!load()) return;
    zoom(Array.prototype.indexOf.call(els, g));
    return;
  }
  if (unzoomBtn.contains(t)) unzoom();
  else if (searchBtn.contains(t)) promptSearch();
  else if (icBtn.contains(t)) toggleIgnoreCase();
});
window.addEventListener('keydown', function (e) {
  if (!active) return;
  var k = e.key, mod = e.ctrlKey || e.metaKey;
  if (e.keyCode === 114 || (mod && (k === 'f' || k === 'F'))) { e.preventDefault(); promptSearch(); }
  else if (mod && (k === 'i' || k === 'I')) { e.preventDefault(); toggleIgnoreCase(); }
  else if (k === 'Escape' && term !== null) resetSearch();
});

// Restore zoom and search from the URL: x and y must be plain numbers; s is searched as
// literal text unless written /regex/ or /regex/i.
if (standalone) {
  try {
    var p = new URLSearchParams(location.search), NUM = /^-?\d+(\.\d+)?$/;
    var ux = p.get('x'), uy = p.get('y'), us = p.get('s');
    if (ux !== null && uy !== null && NUM.test(ux) && NUM.test(uy) && load()) {
      var wpt = fullW / C.timeMax, x = +ux, y = +uy;
      for (var i = 1; i < n; i++) {
        if (Math.abs(C.xpad + st[i] * wpt - x) < 0.06 && Math.abs(parseFloat(rectOf(i).getAttribute('y')) - y) < 0.01) { zoom(i); break; }
      }
    }
    if (us !== null && us !== '' && us.length <= 1000) {
      var m = /^\/(.*)\/(i?)$/.exec(us);
      if (m) { icase = m[2] === 'i'; icBtn.classList.toggle('fg-show', icase); search(m[1], false); }
      else search(us, true);
    }
  } catch (e) { /* a malformed URL leaves the graph as it is */ }
}
`;
