// The hot-function table of a comparison: each function's self samples and share in B (the
// selection) and in A (the baseline), and the difference of the shares in percentage
// points, B - A. With room (a wide window) the total (inclusive) shares too. Rows are the
// functions of B and of A, hottest in B first; names are cut to the width (full on hover).
import { svgEl } from '../../flamegraph/viewer/dom.js';
import { groupDigits, hotFunctions, printfFixed } from '../../flamegraph/viewer/layout.js';
import { totalOf, type Self } from './compare.js';

const HOT_ROWS = 40;

interface Row {
  id: number;
  selfB: number;
  totalB: number;
  selfA: number;
  totalA: number;
}

/** Draws the comparison's table into `hot` (emptied by the caller). */
export function drawCompareHot(hot: SVGGElement, names: string[], parent: Int32Array, frame: Int32Array, selfA: Self, selfB: Self, width: number): void {
  const doc = hot.ownerDocument;
  const byId = new Map<number, Row>();
  const row = (id: number) => {
    let r = byId.get(id);
    if (!r) byId.set(id, (r = { id, selfB: 0, totalB: 0, selfA: 0, totalA: 0 }));
    return r;
  };
  for (const h of hotFunctions(parent, frame, selfB)) Object.assign(row(h.id), { selfB: h.self, totalB: h.total });
  for (const h of hotFunctions(parent, frame, selfA)) Object.assign(row(h.id), { selfA: h.self, totalA: h.total });
  let rows = [...byId.values()].sort((x, y) => y.selfB - x.selfB || y.selfA - x.selfA || y.totalB - x.totalB || x.id - y.id);
  const tB = totalOf(selfB);
  const tA = totalOf(selfA);
  const pct = (n: number, t: number) => (t > 0 ? printfFixed((100 * n) / t, 2) : '-').padStart(6);
  const diff = (b: number, a: number) => {
    const d = (tB > 0 ? (100 * b) / tB : 0) - (tA > 0 ? (100 * a) / tA : 0);
    const s = printfFixed(d, 2);
    return (d > 0 && s !== '0.00' ? '+' + s : s === '-0.00' ? '0.00' : s).padStart(7);
  };
  const th = svgEl(doc, 'text', { x: 0, y: 0, class: 'th' }, hot);
  const wideHead = '  self      % total%  A self      % total%  diff(self)  function';
  th.textContent = wideHead;
  const charW = th.getComputedTextLength() / wideHead.length || 6.6;
  const wide = Math.floor(width / charW) - wideHead.length >= 20;
  th.textContent = wide ? wideHead : '  self      %  A self      %    diff  function';
  // Without the total columns, functions with no self samples in either range say nothing.
  if (!wide) rows = rows.filter((r) => r.selfA > 0 || r.selfB > 0);
  const n = Math.min(rows.length, HOT_ROWS);
  for (let i = 0; i < n; i++) {
    const h = rows[i];
    const name = names[h.id];
    const head = wide
      ? `${String(h.selfB).padStart(6)} ${pct(h.selfB, tB)} ${pct(h.totalB, tB)}  ${String(h.selfA).padStart(6)} ${pct(h.selfA, tA)} ${pct(h.totalA, tA)}     ${diff(h.selfB, h.selfA)}  `
      : `${String(h.selfB).padStart(6)} ${pct(h.selfB, tB)}  ${String(h.selfA).padStart(6)} ${pct(h.selfA, tA)} ${diff(h.selfB, h.selfA)}  `;
    const room = Math.max(2, Math.floor(width / charW) - head.length);
    let shown = name;
    if (name.length > room) {
      const cps = Array.from(name.slice(0, 2 * room + 2));
      if (cps.length > room || name.length > 2 * room + 2) shown = cps.slice(0, room - 1).join('') + '\u2026';
    }
    const t = svgEl(doc, 'text', { x: 0, y: 16 * (i + 1), class: 'hotrow', 'data-self-b': h.selfB, 'data-self-a': h.selfA }, hot, head + shown);
    svgEl(
      doc,
      'title',
      {},
      t,
      `${name}: B ${groupDigits(h.selfB)} self, ${groupDigits(h.totalB)} total; A ${groupDigits(h.selfA)} self, ${groupDigits(h.totalA)} total samples`,
    );
  }
}
