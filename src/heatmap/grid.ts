// The heat map's grid as samples are placed in it: per absolute second a column of counts
// (one per row, the offset within the second) and, with stacks, the column's per-cell stack
// counts (stack-tree.ts). With `rows: 'auto'` the first samples are held back while the
// sampling rate is measured (the median gap between samples of one CPU), unless the
// header states it (perf's -F); then rows are chosen (FlameScope's choices) and the held
// samples placed. HeatmapBuilder (heatmap.ts) places every kept sample here.
import { ColumnStacks, OPEN_COLUMNS } from './stack-tree.js';
import { nearestRows, type HeatmapStats, type RateInfo } from './heatmap-model.js';

/** Samples held back, at most, to measure the rate with `rows: 'auto'`. */
const MEASURE_SAMPLES = 20000;

export class HeatGrid {
  /** Rows of a column: 0 while they are being decided (rows 'auto'). */
  rows: number;
  readonly autoRows: boolean;
  rate: RateInfo | null = null;
  /** The rate the header states (perf record -F, or the event's sample_freq), 0 if none. */
  headerHz = 0;
  headerHzSource: RateInfo['source'] = 'default';
  readonly columns = new Map<number, Uint32Array>();
  readonly cellStacks = new Map<number, ColumnStacks>();
  maxCount = 0;
  /** Columns whose stack counts are in their (larger, faster) open form, least recent first. */
  private readonly openColumns: ColumnStacks[] = [];
  private lastSec = NaN;
  private lastCol: Uint32Array | null = null;
  private lastStacks: ColumnStacks | null = null;
  /** (node, row) entries of the column packed last: a new column's table starts that big, not at 16 slots. */
  private columnEntries = 0;
  // With rows 'auto': samples held back until the rate is known, and gaps per CPU.
  private pending: number[] = [];
  private lastByCpu = new Map<string, number>();
  private gaps: number[] = [];

  constructor(
    rows: number | 'auto',
    private readonly stacks: boolean,
    /** Its `samples` counts the samples placed. */
    private readonly stats: HeatmapStats,
  ) {
    this.autoRows = rows === 'auto';
    this.rows = rows === 'auto' ? 0 : rows;
  }

  /** Whether samples are being held back to measure the rate (their CPU key matters). */
  get measuring(): boolean {
    return this.autoRows && this.rows === 0;
  }

  /** A kept sample: its time, the CPU (or thread) that took it, its stack's leaf node (-1: none). */
  add(sec: number, ns: number, cpuKey: string, node: number): void {
    if (this.rows === 0) this.holdBack(sec, ns, cpuKey, node);
    else this.place(sec, ns, node);
  }

  /** Once every input is read: rows decided, every column packed. */
  finish(): void {
    if (this.measuring) this.decideRows();
    for (const st of this.openColumns) st.pack();
    this.openColumns.length = 0;
    this.lastSec = NaN;
  }

  private place(sec: number, ns: number, node: number): void {
    const rows = this.rows;
    const row = Math.floor((ns * rows) / 1e9);
    if (sec !== this.lastSec) {
      let col = this.columns.get(sec);
      if (col === undefined) {
        col = new Uint32Array(rows);
        this.columns.set(sec, col);
      }
      this.lastCol = col;
      this.lastSec = sec;
      if (this.stacks) {
        let st = this.cellStacks.get(sec);
        if (st === undefined) {
          st = new ColumnStacks(rows, this.columnEntries);
          this.cellStacks.set(sec, st);
        }
        this.lastStacks = st;
        // Keep the few columns in use open; pack the others (inputs are mostly in time order).
        const open = this.openColumns;
        const at = open.indexOf(st);
        if (at >= 0) open.splice(at, 1);
        open.push(st);
        if (open.length > OPEN_COLUMNS) {
          const left = open.shift()!;
          left.pack();
          this.columnEntries = left.entries;
        }
      }
    }
    const c = ++this.lastCol![row];
    if (c > this.maxCount) this.maxCount = c;
    this.stats.samples++;
    if (node >= 0) this.lastStacks!.add(node, row);
  }

  private holdBack(sec: number, ns: number, cpuKey: string, node: number): void {
    const t = sec * 1e9 + ns;
    const last = this.lastByCpu.get(cpuKey);
    if (last !== undefined && t > last) this.gaps.push(t - last);
    this.lastByCpu.set(cpuKey, t);
    this.pending.push(sec, ns, node);
    if (this.pending.length >= 3 * MEASURE_SAMPLES || (this.headerHz > 0 && this.pending.length >= 3)) this.decideRows();
  }

  private decideRows(): void {
    let hz = this.headerHz;
    let source = this.headerHzSource;
    if (hz === 0 && this.gaps.length > 0) {
      const g = this.gaps.sort((a, b) => a - b);
      const median = g[g.length >> 1];
      hz = 1e9 / median;
      source = 'measured';
    }
    if (hz === 0) {
      this.rows = 50;
      this.rate = { hz: 0, source: 'default' };
    } else {
      this.rows = nearestRows(hz);
      this.rate = { hz: Math.round(hz * 10) / 10, source };
    }
    const p = this.pending;
    this.pending = [];
    this.gaps = [];
    this.lastByCpu.clear();
    for (let i = 0; i < p.length; i += 3) this.place(p[i], p[i + 1], p[i + 2]);
  }
}
