// Cutting samples into time windows for stackcollapse --per-window: which window a sample
// falls in, a stack table per open window, and the windows that close as time moves on.
// The Collapser feeds it each sample's time; per-window.ts writes the closed windows.
import { StackTable } from './stack-table.js';

/**
 * Per-window collapsing (stackcollapse --per-window). Windows are those of
 * `range-perf --timezerosecs`: time 0 is the whole second of the first timestamp, and
 * window k holds the samples whose time t (from there) has k*W <= t < (k+1)*W. They are
 * half-open, so that each sample is in exactly one window (range-perf's bounds are both
 * inclusive: window k equals `range-perf --timezerosecs kW (k+1)W-1ns`). A sample without
 * a timestamp belongs to the window of the sample before it, as range-perf prints it.
 */
export interface WindowOptions {
  /** Window length W in nanoseconds, a positive integer. */
  lengthNs: number;
  /**
   * Windows kept open behind the newest one, for samples a little out of time order.
   * Default 2. A sample for a window already closed reopens it (see ClosedWindow.reopened).
   */
  slack?: number;
}

/** A window that will get no more samples (unless reopened by a late one). */
export interface ClosedWindow {
  /** Window number k: it starts at k * W nanoseconds. */
  index: number;
  /** Its stacks (frame ids shared with the Collapser's table). */
  table: StackTable;
  /**
   * It was closed before and got a late sample: what was written for it must be merged
   * with this table.
   */
  reopened: boolean;
}

/** The open windows of one run, and those closed but not yet taken. */
export class WindowCutter {
  private readonly windowNs: number;
  private readonly slack: number;
  private windows = new Map<number, StackTable>();
  private originSec: number | null = null;
  private sampleWindow: number | null = null;
  private newest = -Infinity;
  private closedSet = new Set<number>();
  private closed: ClosedWindow[] = [];

  constructor(
    opts: WindowOptions,
    /** The main table: window tables share its frame names. */
    private readonly table: StackTable,
  ) {
    this.windowNs = opts.lengthNs;
    this.slack = opts.slack ?? 2;
  }

  /**
   * The table of the sample that `h` starts, or null: the sample belongs to no window (no
   * timestamp yet).
   */
  select(h: { hasTime: boolean; sec: number; ns: number }): StackTable | null {
    let k: number;
    if (h.hasTime) {
      if (this.originSec === null) this.originSec = h.sec;
      const t = (h.sec - this.originSec) * 1e9 + h.ns;
      const w = this.windowNs;
      k = Math.floor(t / w);
      // Exact floor division: t/w is a rounded double.
      if (k * w > t) k--;
      else if ((k + 1) * w <= t) k++;
      this.sampleWindow = k;
    } else if (this.sampleWindow !== null) {
      k = this.sampleWindow;
    } else {
      return null;
    }
    let table = this.windows.get(k);
    if (table === undefined) {
      table = new StackTable(this.table);
      this.windows.set(k, table);
    }
    if (k > this.newest) {
      // Windows never seen between the newest and this one are empty and get no file: the
      // work is bounded by the samples, not by the time between them (a corrupt timestamp
      // days ahead would otherwise mean millions of empty windows).
      this.newest = k;
      for (const [e, t] of this.windows) if (e < k - this.slack) this.close(e, t);
    }
    return table;
  }

  private close(index: number, table: StackTable): void {
    this.windows.delete(index);
    this.closed.push({ index, table, reopened: this.closedSet.has(index) });
    this.closedSet.add(index);
  }

  /** The windows closed since the last call, in order of closing. */
  take(): ClosedWindow[] {
    const out = this.closed;
    this.closed = [];
    return out;
  }

  /** At the end of all input: closes every open window and returns them all. */
  finish(): ClosedWindow[] {
    for (const k of [...this.windows.keys()].sort((a, b) => a - b)) this.close(k, this.windows.get(k)!);
    return this.take();
  }
}
