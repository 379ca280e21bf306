// What a heat map is: its options, its counts, the finished grid with its stack tree, and
// its `--format tsv` form, e.g.
//   #origin	5076
//   #samples	3
//   #idle	1
//   #other	0
//   0	5	2
//   40	31	1
// (second after the origin, row, count). HeatmapBuilder (heatmap.ts) makes one.
import type { ColumnStacks, StackTree } from './stack-tree.js';
export type { StackTree };

/** Rows FlameScope offers; `rows: 'auto'` picks the one nearest the sampling rate. */
export const ROW_CHOICES = [10, 25, 49, 50, 99, 100];

export interface HeatmapOptions {
  /** Offset buckets per second, or 'auto' (from the recorded or measured rate). Default 50. */
  rows?: number | 'auto';
  /** Keep only this event; null keeps the first event seen (as stackcollapse). Default null. */
  eventFilter?: string | null;
  /**
   * Idle samples are left out: 'flamescope' tests the default idle pattern (FlameScope's
   * `swapper.*(…)` with the names of idle.ts, FlameScope's among them) on the sample's
   * text, a RegExp tests that instead, null keeps every sample. Default 'flamescope'.
   */
  idle?: 'flamescope' | RegExp | null;
  /** Keep the stack table and per-cell stack counts. Default true. */
  stacks?: boolean;
  /** Root frame naming and frame annotations, as stackcollapse's flags. Default all off. */
  pid?: boolean;
  tid?: boolean;
  kernel?: boolean;
  jit?: boolean;
  addrs?: boolean;
}

export interface HeatmapStats {
  /** Sample headers read. */
  read: number;
  /** Samples counted in the grid. */
  samples: number;
  /** Samples left out as idle. */
  idle: number;
  /** Samples of other events, by event name. */
  otherEvents: Map<string, number>;
  /** Samples without a timestamp (they cannot be placed). */
  untimed: number;
  /** The event kept (null before the first sample; '' when headers name none). */
  event: string | null;
  /**
   * Whether some sample is earlier than one before it (inputs taken in the order given):
   * then range-perf must read to the end (--unsorted) to find every sample of a range.
   */
  unsorted: boolean;
}

/** How rows were chosen with `rows: 'auto'`. */
export interface RateInfo {
  /** Samples per second per CPU (or thread), as recorded or measured. */
  hz: number;
  source: 'cmdline' | 'header' | 'measured' | 'default';
}

/** A finished heat map. Columns are absolute whole seconds; `origin` is column 0. */
export interface Heatmap {
  rows: number;
  rate: RateInfo | null;
  /** The first sample's whole second (the earliest over several inputs), or null if none. */
  origin: number | null;
  /** Lowest and highest absolute second holding a counted sample (null when none). */
  minSec: number | null;
  maxSec: number | null;
  /** Absolute second -> counts per row (row 0 = the first 1/rows of the second). */
  columns: Map<number, Uint32Array>;
  /** Absolute second -> its cells' stack counts; empty without stacks. */
  cellStacks: Map<number, ColumnStacks>;
  tree: StackTree | null;
  stats: HeatmapStats;
  /** The largest cell count. */
  maxCount: number;
}

/** The FlameScope row choice nearest a rate in Hz (ties go to the larger). */
export function nearestRows(hz: number): number {
  let best = ROW_CHOICES[0];
  for (const r of ROW_CHOICES) if (Math.abs(r - hz) <= Math.abs(best - hz)) best = r;
  return best;
}

/** The cells as `--format tsv` prints them (the format of ../shared/conformance/heatmap). */
export function formatCellsTsv(hm: Heatmap): string {
  const st = hm.stats;
  let other = 0;
  for (const n of st.otherEvents.values()) other += n;
  let out = `#origin\t${hm.origin ?? ''}\n#samples\t${st.samples}\n#idle\t${st.idle}\n#other\t${other}\n`;
  const secs = [...hm.columns.keys()].sort((a, b) => a - b);
  const origin = hm.origin ?? 0;
  for (const s of secs) {
    const col = hm.columns.get(s)!;
    // Digits, never 1e+26: a corrupt timestamp's second is still a whole number.
    const sec = Number.isSafeInteger(s - origin) ? String(s - origin) : BigInt(s - origin).toString();
    for (let r = 0; r < col.length; r++) if (col[r] > 0) out += `${sec}\t${r}\t${col[r]}\n`;
  }
  return out;
}
