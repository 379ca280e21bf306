// heatmap-svg's second input: trace2heatmap.pl's two columns (time and value), e.g. a
// latency trace, drawn as trace2heatmap.pl draws it (brendangregg/HeatMap c7f5b8f,
// ../shared/reference §5), with the same options and defaults:
//   # time(us) latency(us)          <- a first line holding letters is a header, skipped
//   1484293345482345 1024
//   1484293345482601 17
//   1484293345483102 255
// Column = int(((time - first time) / unitstime) / stepsec); row = int((value - minlat) /
// steplat), steplat defaulting to int((maxlat - minlat) / rows) and maxlat to the largest
// value. Unlike trace2heatmap.pl, the last column and the top row are drawn, and a sample at
// exactly maxlat is visible. Hover text is trace2heatmap.pl's, held in each cell's <title>
// so it also shows without the script.
//
// Without --maxlat the row height depends on the largest value, so the values are kept
// (16 bytes per line) until the end; with --maxlat the lines are bucketed as they come.
import { cssFontFamily, escapeXml, formatFixed, scriptCdata } from '../svg.js';
import { viewerBundle } from '../flamegraph/bundle.js';

export interface LatencyOptions {
  /** Units of the time column: divisor 1, 1e3, 1e6 or 1e9. Default 's'. */
  unitstime: 's' | 'ms' | 'us' | 'ns';
  /** Appended to value ranges. Default ''. */
  unitslabel: string;
  /** Default 50. */
  rows: number;
  /** Row height in value units; default int((maxlat - minlat) / rows). */
  steplat: number | null;
  /** Default 0. */
  minlat: number;
  /** Default: the largest value. */
  maxlat: number | null;
  /** Seconds per column. Default 1. */
  stepsec: number;
  /** Columns past this one are dropped. Default none. */
  maxcol: number | null;
  /** Default 'Latency Heat Map'. */
  title: string;
  /** Cell size in px. Default 8. */
  boxsize: number;
  /** Default 12. */
  fontsize: number;
  /** Default 'Verdana'. */
  fonttype: string;
  /** Grid lines every 10 columns. Default false. */
  grid: boolean;
  /** Hover shows running totals from the bottom. Default false. */
  accstats: boolean;
}

export const LATENCY_DEFAULTS: LatencyOptions = {
  unitstime: 's',
  unitslabel: '',
  rows: 50,
  steplat: null,
  minlat: 0,
  maxlat: null,
  stepsec: 1,
  maxcol: null,
  title: 'Latency Heat Map',
  boxsize: 8,
  fontsize: 12,
  fonttype: 'Verdana',
  grid: false,
  accstats: false,
};

const DIVISOR = { s: 1, ms: 1e3, us: 1e6, ns: 1e9 };

/** Whether text looks like two-column input: its first data line is two numbers. */
export function looksLikeColumns(text: string): boolean {
  const lines = text.split('\n', 50);
  let i = 0;
  while (i < lines.length && (lines[i].trim() === '' || lines[i].startsWith('#'))) i++;
  if (i < lines.length && /[a-zA-Z]/.test(lines[i]) && !/^\s*[\d.eE+-]+\s+[\d.eE+-]+\s*$/.test(lines[i])) i++;
  return i < lines.length && /^\s*-?\d[\d.]*(?:[eE][+-]?\d+)?\s+-?\d[\d.]*(?:[eE][+-]?\d+)?\s*$/.test(lines[i]);
}

export interface LatencyStats {
  lines: number;
  /** Lines with an empty or non-numeric column. */
  bad: number;
  /** Values outside [minlat, maxlat], or columns past maxcol. */
  dropped: number;
}

/** Reads two-column text chunk by chunk; `result()` gives the grid. */
export class LatencyBuilder {
  readonly stats: LatencyStats = { lines: 0, bad: 0, dropped: 0 };
  private start: number | null = null;
  private first = true;
  private carry = '';
  private times = new Float64Array(1024);
  private values = new Float64Array(1024);
  private n = 0;
  private maxValue = -Infinity;

  constructor(private readonly o: LatencyOptions) {}

  push(text: string): void {
    const all = this.carry + text;
    const last = all.lastIndexOf('\n');
    this.carry = all.slice(last + 1);
    this.lines(all.slice(0, last + 1));
  }

  endInput(): void {
    if (this.carry !== '') this.lines(this.carry + '\n');
    this.carry = '';
  }

  private lines(text: string): void {
    let pos = 0;
    while (pos < text.length) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = text.length;
      const line = text.slice(pos, nl);
      pos = nl + 1;
      if (this.first) {
        this.first = false;
        // trace2heatmap.pl drops a first line holding letters: a header.
        if (/[a-zA-Z]/.test(line)) continue;
      }
      if (line.trim() === '' || line.startsWith('#')) continue;
      this.stats.lines++;
      const f = line.trim().split(/\s+/);
      const t = Number(f[0]);
      const v = Number(f[1]);
      if (f.length < 2 || !Number.isFinite(t) || !Number.isFinite(v)) {
        this.stats.bad++;
        continue;
      }
      if (this.start === null) this.start = t;
      if (this.n === this.times.length) {
        const a = new Float64Array(this.n * 2);
        a.set(this.times);
        this.times = a;
        const b = new Float64Array(this.n * 2);
        b.set(this.values);
        this.values = b;
      }
      this.times[this.n] = t;
      this.values[this.n++] = v;
      if (v > this.maxValue) this.maxValue = v;
    }
  }

  result(): LatencyMap | null {
    const o = this.o;
    if (this.n === 0 || this.start === null) return null;
    const maxlat = o.maxlat ?? this.maxValue;
    const steplat = o.steplat ?? Math.trunc((maxlat - o.minlat) / o.rows);
    if (!(steplat > 0)) return { error: 'row resolution too high: give --steplat, or fewer --rows' } as LatencyMap;
    const cells = new Map<number, Map<number, number>>();
    let maxCol = 0;
    let maxRow = Math.trunc((maxlat - o.minlat) / steplat);
    const div = DIVISOR[o.unitstime];
    for (let i = 0; i < this.n; i++) {
      const v = this.values[i];
      if (v < o.minlat || v > maxlat) {
        this.stats.dropped++;
        continue;
      }
      const col = Math.trunc((this.times[i] - this.start) / div / o.stepsec);
      if ((o.maxcol !== null && col > o.maxcol) || col < 0) {
        this.stats.dropped++;
        continue;
      }
      const row = Math.trunc((v - o.minlat) / steplat);
      let c = cells.get(col);
      if (!c) cells.set(col, (c = new Map()));
      c.set(row, (c.get(row) ?? 0) + 1);
      if (col > maxCol) maxCol = col;
      if (row > maxRow) maxRow = row;
    }
    return { cells, maxCol, maxRow, steplat, minlat: o.minlat, maxlat, error: null };
  }
}

export interface LatencyMap {
  cells: Map<number, Map<number, number>>;
  maxCol: number;
  maxRow: number;
  steplat: number;
  minlat: number;
  maxlat: number;
  error: string | null;
}

/** The SVG, laid out as trace2heatmap.pl lays it out, last column and top row included. */
export function renderLatencySvg(m: LatencyMap, o: LatencyOptions): string {
  const fs = o.fontsize;
  const box = o.boxsize;
  const xpad = 10;
  const ypad1 = fs * 3;
  const ypad2 = fs * 4.5 + (o.grid ? fs * 1.2 : 0);
  const width = Math.max(500, (m.maxCol + 1) * box + 2 * xpad);
  const height = (m.maxRow + 1) * box + ypad1 + ypad2;
  let largest = 0;
  for (const c of m.cells.values()) for (const n of c.values()) if (n > largest) largest = n;
  const out: string[] = [];
  out.push(
    `<?xml version="1.0" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n`,
    `<svg version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">\n`,
    `<style type="text/css"><![CDATA[\ntext { font-family: ${cssFontFamily(o.fonttype)}; font-size: ${fs}px; fill: rgb(0,0,0); }\n#cells rect:hover { stroke: black; stroke-width: 0.5; }\n]]></style>\n`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="rgb(255,255,255)" id="bkg"/>\n`,
    `<text x="${Math.trunc(width / 2)}" y="${fs * 2}" text-anchor="middle" style="font-size:${fs + 5}px">${escapeXml(o.title)}</text>\n`,
    `<text x="${Math.trunc(width / 2)}" y="${height - fs - 1}" text-anchor="middle">Time</text>\n`,
    `<text id="details" x="${xpad}" y="${height - 2.5 * fs}"> </text>\n<g id="cells">\n`,
  );
  const cols = [...m.cells.keys()].sort((a, b) => a - b);
  for (const s of cols) {
    const c = m.cells.get(s)!;
    let total = 0;
    for (const n of c.values()) total += n;
    const rows = [...c.keys()].sort((a, b) => a - b);
    let acc = 0;
    for (const l of rows) {
      const n = c.get(l)!;
      acc += n;
      const ratio = n / largest;
      const fill = `rgb(255,${formatFixed(240 - 240 * ratio, 0)},${formatFixed(220 - 220 * ratio, 0)})`;
      const tr = o.stepsec > 1 ? `${s * o.stepsec}-${(s + 1) * o.stepsec}` : `${s * o.stepsec}`;
      const lr = `${m.minlat + l * m.steplat}-${m.minlat + (l + 1) * m.steplat}${o.unitslabel}`;
      let info = `time ${tr}s, range ${lr}, count: ${n}, colpct: ${Math.floor((n / total) * 100)}%`;
      if (o.accstats) info += `, acc: ${acc}, acc pct: ${Math.floor((acc / total) * 100)}%`;
      out.push(`<rect x="${xpad + s * box}" y="${height - ypad2 - (l + 1) * box}" width="${box}" height="${box}" fill="${fill}"><title>${escapeXml(info)}</title></rect>\n`);
    }
  }
  out.push(`</g>\n`);
  if (o.grid) {
    const top = height - ypad2 - (m.maxRow + 1) * box;
    const bottom = height - ypad2;
    out.push(`<g id="grid" stroke="rgb(200,200,200)">\n`);
    for (let s = 0; s <= m.maxCol + 1; s += 10) {
      const x = xpad + s * box;
      out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}"/>\n<text x="${x}" y="${bottom + fs}" stroke="none" text-anchor="middle">${s * o.stepsec}s</text>\n`);
    }
    out.push(`<line x1="${xpad}" y1="${top}" x2="${xpad + (m.maxCol + 1) * box}" y2="${top}"/>\n<line x1="${xpad}" y1="${bottom}" x2="${xpad + (m.maxCol + 1) * box}" y2="${bottom}"/>\n`);
    out.push(`<text x="${xpad + (m.maxCol + 1) * box + 2}" y="${top + fs}" stroke="none">${escapeXml(String(m.maxlat) + o.unitslabel)}</text>\n`);
    out.push(`<text x="${xpad + (m.maxCol + 1) * box + 2}" y="${bottom}" stroke="none">${escapeXml(String(m.minlat) + o.unitslabel)}</text>\n</g>\n`);
  }
  // Hover details as trace2heatmap.pl shows them, from the cell's own title: the viewer
  // bundle (src/heatmap/viewer/latency-main.ts), as built.
  out.push(`<script type="text/ecmascript">${scriptCdata(viewerBundle('latency'))}</script>\n</svg>\n`);
  return out.join('');
}
