// Writes the heat map SVG: the cells as rectangles (readable without the script), axes,
// legend, counts of what was left out, the embedded data (a JSON block, never run) and the
// viewer script: the esbuild bundle of src/heatmap/viewer/ as built, with nothing from the
// input in it. The viewer fits the page to the window, selects ranges and draws their
// flame graphs.
//
// Reference look: trace2heatmap.pl (white-to-red `rgb(255, 240-240r, 220-220r)`), with
// FlameScope's five-stop "enhanced" scale as an option; unlike trace2heatmap.pl the last
// column and the top row are drawn. Row 0 (the first 1/rows of each second) is at the bottom.
import { cssFontFamily, escapeXml, jsonForScript, scriptCdata } from '../svg.js';
import { viewerBundle } from '../flamegraph/bundle.js';
import type { Heatmap } from './heatmap.js';
import { VarintText, type EmbeddedData } from './embed.js';
import { cellColour } from './viewer/cell-colour.js';
import { secondText, TimeAxis } from './viewer/time-axis.js';
import { encodePng } from './png.js';

export { cellColour };

/** An instant as range-perf --timezerosecs counts it: whole seconds after the origin, and nanoseconds. */
export interface Instant {
  sec: number;
  ns: number;
}

export interface RenderOptions {
  /** Title text. Default 'Heat Map'. */
  title: string;
  /** Extra subtitle line; default none. */
  subtitle: string;
  /** Width of the flame graph (and minimum width of the heat map). Default 1200. */
  width: number;
  /** FlameScope's five-stop scale. Default false. */
  enhanced: boolean;
  /** Main view columns beyond which seconds are grouped into an overview. Default 720. */
  maxColumns: number;
  /** What the samples left out were, for the subtitle. */
  notes: string[];
  /** Flags of the range-perf part of the printed command after the times (' --unsorted' or ''). */
  rangeFlags: string;
  /** The input files, in time order, for the printed command (none: stdin). Default []. */
  files: string[];
  /** The printed command gives perf's own times (--timeraw): for several files. Default false. */
  timeraw: boolean;
  /** The inputs are profiles, not perf text: the printed command is heatmap-svg --select. Default false. */
  profile?: boolean;
  /** The range to open with selected (--select), or null. Default null. */
  select: { start: Instant; end: Instant } | null;
  /** The baseline to open with pinned (--baseline), compared with the selection; null: none. Default null. */
  baseline?: { start: Instant; end: Instant } | null;
  /** Extra details (sizes of the embedded data), shown on hover of "about". Default []. */
  details: string[];
  /** Flags to show in the stackcollapse part of the printed command. */
  collapseFlags: string;
  /** Whether the embedded data carries stacks, and if not, why. */
  noStacksNote: string;
  fontType: string;
  /**
   * How the main view draws its cells: 'rect' (one rectangle each), 'png' (one image, a
   * pixel per cell) or 'auto' (rectangles up to RECT_LIMIT non-empty cells). Default 'auto'.
   */
  cells: 'auto' | 'rect' | 'png';
}

/**
 * Non-empty cells drawn as rectangles at most with cells 'auto': Chromium takes about a
 * second per 25,000 rectangles to open the file (README, "heatmap-svg" under "Speed"); an image costs
 * next to nothing whatever its size.
 */
export const RECT_LIMIT = 10000;

const X0 = 70;
const Y0 = 86;
const MAX_DETAIL = 1200;

/** Seconds per overview column: the smallest "nice" step that fits `max` columns. */
export function overviewStep(ncols: number, max: number): number {
  if (ncols <= max) return 1;
  for (const k of [2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400]) if (ncols / k <= max) return k;
  return Math.ceil(ncols / max);
}

/** 1234567 -> '1,234,567'. */
function groupThousands(n: number): string {
  return BigInt(Math.round(n)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A gap's length in a few characters: 5400 -> '1.5 h', 4.3e9 -> '136 y'. */
export function shortSeconds(s: number): string {
  const units: [number, string][] = [[365.25 * 86400, 'y'], [86400, 'd'], [3600, 'h'], [60, 'min']];
  for (const [n, u] of units) if (s >= n) return `${s / n >= 10 ? Math.round(s / n) : (s / n).toFixed(1).replace(/\.0$/, '')} ${u}`;
  return `${s} s`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, '');
}

/**
 * The SVG as a sequence of pieces, so that a caller can write them as they come: the
 * embedded data (several MB for long profiles) is never one string with its escaped copy.
 */
export function* renderHeatmapSvgParts(hm: Heatmap, data: EmbeddedData, o: RenderOptions): Generator<string | Buffer> {
  const rows = data.rows;
  const ncols = data.ncols;
  const k = overviewStep(ncols, o.maxColumns);
  const dcols = Math.max(1, Math.ceil(ncols / k));
  const avail = Math.max(600, o.width - X0 - 30);
  const cw = Math.max(2, Math.min(12, Math.floor((avail / dcols) * 100) / 100));
  const rh = Math.max(2, Math.min(12, Math.round(400 / rows)));
  const hh = rows * rh;
  const heatWidth = X0 + dcols * cw + 30;
  const svgWidth = Math.ceil(Math.max(heatWidth, o.width));
  let y = Y0 + hh;
  const axisY = y + 16;
  const legendY = y + 34;
  const detailsY = y + 70;
  const selY = y + 90;
  const cmdY = y + 108;
  // Two more command lines when comparing (the selection's pipeline, then the --diff line).
  const btnY = y + 132 + 30;
  // The compare row: pin, flip, view, and what the baseline is.
  const cmpY = btnY + 20;
  y = cmpY + 22;
  const detailY = k > 1 ? y + 24 : 0;
  if (k > 1) y = detailY + hh + 30;
  const flameY = y;
  const height = data.names !== null ? flameY + 40 : btnY + 10;

  // Overview sums.
  const grid = new Float64Array(dcols * rows);
  let max = 0;
  const origin = data.origin;
  const axis = new TimeAxis(data.segs);
  for (let c = 0; c < ncols; c++) {
    const col = hm.columns.get(origin + axis.secOf(c));
    if (!col) continue;
    const dc = Math.floor(c / k);
    for (let r = 0; r < rows; r++) {
      const v = (grid[dc * rows + r] += col[r]);
      if (v > max) max = v;
    }
  }
  const out: string[] = [];
  out.push(
    `<?xml version="1.0" standalone="no"?>\n`,
    `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n`,
    `<svg version="1.1" width="${svgWidth}" height="${height}" viewBox="0 0 ${svgWidth} ${height}" xmlns="http://www.w3.org/2000/svg">\n`,
    `<!-- heatmap-svg (flamekit): subsecond-offset heat map; select cells for their flame graph -->\n`,
    `<style type="text/css"><![CDATA[\n`,
    `text { font-family: ${cssFontFamily(o.fontType)}; font-size: 12px; fill: rgb(0,0,0); }\n`,
    `#title { font-size: 17px; text-anchor: middle; }\n#subtitle, .sub { fill: rgb(80,80,80); text-anchor: middle; }\n`,
    `.axis { font-size: 10px; fill: rgb(60,60,60); }\n${axis.breaks > 0 ? '.brk { fill: rgb(160,0,0); }\n' : ''}.hl { fill: rgb(147,110,181); opacity: 0.4; pointer-events: none; }\n`,
    `#hl-base .hl { fill: rgb(0,90,220); fill-opacity: 0.22; opacity: 1; stroke: rgb(0,60,160); stroke-width: 2; stroke-dasharray: 5 3; vector-effect: non-scaling-stroke; }\n`,
    `.procrow { cursor: pointer; }\n.procrow:hover, .procrow.on { fill: rgb(0,0,160); }\n.procrow.on { font-weight: bold; }\n#compare-note { fill: rgb(0,60,160); }\n`,
    `.btn { cursor: pointer; fill: rgb(0,0,160); text-decoration: underline; }\n.hide { display: none; }\n`,
    `.f:hover rect { stroke: black; stroke-width: 0.5; cursor: pointer; }\n.parent { opacity: 0.5; }\n.f.cur rect { stroke: black; stroke-width: 1.5; }\n`,
    `#about { cursor: help; fill: rgb(0,0,160); }\n#busy { fill: rgb(160,0,0); }\n`,
    `#hot text, #procs text, #command, #command-b, #command-diff { font-family: monospace; font-size: 11px; white-space: pre; }\n#flame text { pointer-events: none; }\n`,
    `]]></style>\n`,
    `<rect x="0" y="0" width="${svgWidth}" height="100%" fill="rgb(255,255,255)" id="bkg"/>\n`,
    `<text id="title" x="${Math.floor(svgWidth / 2)}" y="24">${escapeXml(o.title)}</text>\n`,
  );
  const lines = [o.subtitle, ...o.notes].filter((s) => s !== '').slice(0, 3);
  lines.forEach((s, i) => out.push(`<text class="sub" x="${Math.floor(svgWidth / 2)}" y="${44 + 16 * i}"${i === 0 ? ' id="subtitle"' : ''}>${escapeXml(s)}</text>\n`));
  // Y axis: offsets in ms, 0 at the bottom.
  out.push(`<g id="yaxis">\n`);
  for (let ms = 0; ms <= 1000; ms += 100) {
    const yy = Y0 + hh - (ms / 1000) * hh;
    out.push(`<text class="axis" x="${X0 - 4}" y="${fmt(yy + 3)}" text-anchor="end">${ms}${ms === 1000 ? ' ms' : ''}</text>\n`);
  }
  out.push(`<text class="axis" transform="translate(14,${Y0 + hh / 2}) rotate(-90)" text-anchor="middle">offset within the second</text>\n</g>\n`);
  // X axis: seconds since the origin.
  out.push(`<g id="xaxis">\n`);
  const every = Math.max(1, Math.ceil(50 / cw));
  // Ticks every few columns, and one at each break (viewer/time-axis.ts) in red, where the
  // seconds jump; a regular tick too close before a break gives way to it.
  const breaks = axis.breakColumns().map((c) => Math.floor(c / k));
  const ticks: { dc: number; brk: boolean }[] = [];
  for (let dc = 0, b = 0; dc < dcols; dc += every) {
    while (b < breaks.length && breaks[b] < dc) ticks.push({ dc: breaks[b++], brk: true });
    if (b < breaks.length && breaks[b] < dc + every) ticks.push({ dc: breaks[b++], brk: true });
    else ticks.push({ dc, brk: false });
    if (dc + every >= dcols) while (b < breaks.length) ticks.push({ dc: breaks[b++], brk: true });
  }
  for (const t of ticks) {
    const x = fmt(X0 + t.dc * cw);
    out.push(`<text class="axis${t.brk ? ' brk' : ''}" x="${x}" data-x="${x}" y="${axisY}">${secondText(axis.secOf(t.dc * k))}s</text>\n`);
  }
  out.push(
    `<text class="axis" x="${fmt(X0 + dcols * cw)}" y="${axisY + 12}" text-anchor="end">${k > 1 ? `time (s after ${origin} s; one column = ${k} s)` : `time (s after ${origin} s)`}</text>\n</g>\n`,
  );
  // Cells.
  // The map: one group that the viewer scales to the window's width.
  out.push(`<g id="map">\n<rect id="map-frame" x="${X0}" y="${Y0}" width="${fmt(dcols * cw)}" height="${hh}" fill="rgb(255,255,255)" stroke="rgb(200,200,200)" vector-effect="non-scaling-stroke"/>\n<g id="cells">\n`);
  let filled = 0;
  for (let i = 0; i < grid.length; i++) if (grid[i] > 0) filled++;
  const raster = o.cells === 'png' || (o.cells === 'auto' && filled > RECT_LIMIT);
  if (raster) {
    const rgb = new Uint8Array(dcols * rows * 3).fill(255);
    for (let dc = 0; dc < dcols; dc++) {
      for (let r = 0; r < rows; r++) {
        const v = grid[dc * rows + r];
        if (v === 0) continue;
        const m = /^rgb\((\d+),(\d+),(\d+)\)$/.exec(cellColour(v, max, o.enhanced))!;
        const p = ((rows - 1 - r) * dcols + dc) * 3;
        rgb[p] = Number(m[1]);
        rgb[p + 1] = Number(m[2]);
        rgb[p + 2] = Number(m[3]);
      }
    }
    const png = encodePng(dcols, rows, rgb).toString('base64');
    out.push(
      `<image id="cells-image" x="${X0}" y="${Y0}" width="${fmt(dcols * cw)}" height="${hh}" preserveAspectRatio="none" image-rendering="optimizeSpeed" style="image-rendering: pixelated" href="data:image/png;base64,${png}"/>\n`,
    );
  } else {
    for (let dc = 0; dc < dcols; dc++) {
      for (let r = 0; r < rows; r++) {
        const v = grid[dc * rows + r];
        if (v === 0) continue;
        out.push(`<rect x="${fmt(X0 + dc * cw)}" y="${Y0 + (rows - 1 - r) * rh}" width="${fmt(cw)}" height="${rh}" fill="${cellColour(v, max, o.enhanced)}"/>\n`);
      }
    }
  }
  out.push(`</g>\n<g id="cells-proc"></g>\n`);
  // Breaks: a long run of empty seconds cut out of the axis, as a dashed line before the
  // column after it.
  for (const c of axis.breakColumns()) {
    const x = fmt(X0 + (c / k) * cw);
    const gap = axis.gapBefore(c);
    out.push(
      `<g class="break"><title>${groupThousands(gap)} s (${shortSeconds(gap)}) without samples cut out of the axis: from ${secondText(axis.secOf(c - 1) + 1)} s to ${secondText(axis.secOf(c) - 1)} s</title>` +
        `<line x1="${x}" y1="${Y0}" x2="${x}" y2="${Y0 + hh}" stroke="rgb(160,0,0)" stroke-width="2" stroke-dasharray="4,3" vector-effect="non-scaling-stroke"/></g>\n`,
    );
  }
  out.push(`<g id="hl-base"></g>\n<g id="hl-main"></g>\n<g id="preview"></g>\n</g>\n`);
  // Legend: one swatch per count up to 10 distinct values, else 10 bins.
  out.push(`<g id="legend">\n<text x="${X0}" y="${legendY + 10}">Count</text>\n`);
  const steps = max <= 10 ? Array.from({ length: max }, (_, i) => i + 1) : Array.from({ length: 10 }, (_, i) => Math.round(((i + 1) * max) / 10));
  steps.unshift(0);
  steps.forEach((v, i) => {
    const x = X0 + 50 + i * 44;
    // The cells' own colour function: 0 is an empty cell's white.
    out.push(`<rect x="${x}" y="${legendY}" width="40" height="12" fill="${cellColour(v, max || 1, o.enhanced)}" stroke="rgb(200,200,200)"/>\n`);
    out.push(`<text class="axis" x="${x + 20}" y="${legendY + 24}" text-anchor="middle">${v}</text>\n`);
  });
  out.push(`</g>\n`);
  out.push(`<text id="details" x="${X0}" y="${detailsY}"> </text>\n`);
  {
    out.push(`<text id="selection" x="${X0}" y="${selY}"> </text>\n<text id="command" x="${X0}" y="${cmdY}"> </text>\n`);
    // The whole command (every line of it) to the clipboard: the lines above are cut to the width.
    out.push(`<text id="copybtn" class="btn hide" x="${fmt(svgWidth - 10)}" y="${selY}" text-anchor="end">Copy command<title>Copies the whole command, every line, to the clipboard</title></text>\n`);
    out.push(`<text id="command-b" x="${X0}" y="${cmdY + 15}"> </text>\n<text id="command-diff" x="${X0}" y="${cmdY + 30}"> </text>\n`);
    const cmpBtns = [
      ['pinbtn', 'Pin as baseline A (key B)', 0],
      ['unpinbtn', 'Unpin', 190],
      ['flipbtn', 'Flip A/B', 250],
      ['elidebtn', 'View: differential', 330],
    ] as const;
    for (const [id, label, dx] of cmpBtns) out.push(`<text id="${id}" class="btn hide" x="${X0 + dx}" y="${cmpY}">${label}</text>\n`);
    out.push(`<text id="compare-note" x="${X0 + 480}" y="${cmpY}"> </text>\n`);
    const btns = [
      ['wholebtn', 'Whole profile'],
      ['clearbtn', 'Clear'],
      ['orderbtn', 'Order: alphabetical'],
      ['layoutbtn', 'Layout: icicle'],
      ['searchbtn', 'Search'],
    ];
    btns.forEach(([id, label], i) => out.push(`<text id="${id}" class="btn" x="${X0 + i * 130}" y="${btnY}">${label}</text>\n`));
    // Right of Search: room for the search box (made by the viewer), then zoom and matches.
    out.push(`<text id="unzoom" class="btn hide" x="${X0 + 4 * 130 + 420}" y="${btnY}">Reset Zoom</text>\n<text id="matched" x="${X0 + 4 * 130 + 520}" y="${btnY}"> </text>\n`);
    out.push(`<text id="flame-note" x="${X0}" y="${cmpY + 18}"> </text>\n`);
    out.push(`<text id="busy" x="${X0 + 4 * 130 + 420}" y="${cmpY + 18}" display="none">working\u2026</text>\n`);
    if (o.details.length > 0) {
      out.push(`<text id="about" class="axis" x="${X0 + 50 + steps.length * 44 + 16}" y="${legendY + 10}">about this file<title>${escapeXml(o.details.join('\n'))}</title></text>\n`);
    }
  }
  // The drill-down view of an overview (empty and hidden when columns are single seconds).
  out.push(`<g id="detail-frame" display="none"><g id="detail"></g><g id="hl-detail"></g><g id="hl-detail-preview"></g></g>\n`);
  out.push(
    `<g id="flame-frame" display="none" transform="translate(0,${flameY})">\n`,
    `<rect id="flame-bg" x="0" y="0" width="${o.width}" height="100" fill="rgb(248,248,240)"/>\n`,
    `<text id="flame-details" x="10" y="24"> </text>\n<g id="flame"></g>\n`,
    `<g id="procs" transform="translate(${o.width + 20},36)"></g>\n<g id="hot" transform="translate(${o.width + 20},36)"></g>\n</g>\n`,
  );
  {
    const layout = {
      x0: X0,
      y0: Y0,
      cw,
      rh,
      k,
      dcols,
      avail,
      detailY,
      maxDetail: MAX_DETAIL,
      flameY,
      btnY,
      selY,
      svgWidth,
    };
    const payload = {
      ...data,
      layout,
      enhanced: o.enhanced,
      reproduce: { files: o.files, timeraw: o.timeraw, rangeFlags: o.rangeFlags, collapseFlags: o.collapseFlags, profile: o.profile ?? false },
      noStacksNote: o.noStacksNote,
      select: o.select ? selectedCells(o.select.start, o.select.end, data) : null,
      baseline: o.baseline ? selectedCells(o.baseline.start, o.baseline.end, data) : null,
    };
    out.push(`<script type="application/json" id="heatmap-data"><![CDATA[\n`);
    yield out.join('');
    out.length = 0;
    yield* jsonForScriptParts(payload);
    out.push(`\n]]></script>\n`);
    out.push(`<script type="text/ecmascript">${scriptCdata(viewerBundle('heatmap'))}</script>\n`);
  }
  out.push(`</svg>\n`);
  yield out.join('');
}

/**
 * The cells of --select START,END: the cell holding START to the cell holding END, clamped
 * to the columns drawn; null when the range holds no column.
 */
export function selectedCells(start: Instant, end: Instant, data: EmbeddedData): { a: { c: number; r: number }; b: { c: number; r: number } } | null {
  const axis = new TimeAxis(data.segs);
  const row = (t: Instant) => Math.min(data.rows - 1, Math.floor((t.ns * data.rows) / 1e9));
  // A second cut out of the axis (a break) starts at the column after it, or ends before it.
  const cell = (t: Instant, side: 'start' | 'end') => {
    const c = axis.colOf(t.sec, side);
    const inside = c >= 0 && c < axis.ncols && axis.secOf(c) === t.sec;
    return { c, r: inside ? row(t) : side === 'start' ? 0 : data.rows - 1 };
  };
  let a = cell(start, 'start');
  let b = cell(end, 'end');
  if (b.c < a.c) return null;
  if (b.c < 0 || a.c >= data.ncols) return null;
  if (a.c < 0) a = { c: 0, r: 0 };
  if (b.c >= data.ncols) b = { c: data.ncols - 1, r: data.rows - 1 };
  return { a, b };
}

/** Long strings are written in pieces of this many code units. */
const PIECE = 1 << 16;

/**
 * `jsonForScript(value)` for a plain object, in pieces: its long string values are cut
 * (never inside a surrogate pair), the rest is stringified whole. Escaping works a code
 * unit at a time, so the pieces join to exactly the same text.
 */
function* jsonForScriptParts(value: Record<string, unknown>): Generator<string | Buffer> {
  let sep = '{';
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    yield `${sep}${jsonForScript(key)}:`;
    sep = ',';
    if (v instanceof VarintText) {
      // Varint digits need no escaping in JSON, XML or CDATA: the bytes go out as they are.
      yield '"';
      yield* v.pieces;
      yield '"';
    } else if (typeof v === 'string' && v.length > PIECE) {
      yield '"';
      for (let i = 0; i < v.length; ) {
        let j = Math.min(v.length, i + PIECE);
        const c = v.charCodeAt(j - 1);
        if (j < v.length && c >= 0xd800 && c <= 0xdbff) j++;
        const piece = jsonForScript(v.slice(i, j));
        yield piece.slice(1, -1);
        i = j;
      }
      yield '"';
    } else yield jsonForScript(v);
  }
  yield sep === '{' ? '{}' : '}';
}
