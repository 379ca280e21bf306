// What stackcollapse's core (collapse.ts) is asked to do, and what it counts.
import type { Weight } from '../runtime/flag-defaults.js';
import type { WindowOptions } from './windows.js';

export type { Weight };

export interface CollapseOptions {
  /** Root frame is `comm-pid`. Default false. */
  pid?: boolean;
  /** Root frame is `comm-pid/tid` (wins over `pid`). Default false. */
  tid?: boolean;
  /** Append `_[k]` to kernel frames. Default false. */
  kernel?: boolean;
  /** Append `_[j]` to JIT frames. Default false. */
  jit?: boolean;
  /** Unknown symbols become `[dso <addr>]`. Default false. */
  addrs?: boolean;
  /** Keep only this event; null keeps the first event seen. Default null. */
  eventFilter?: string | null;
  /** Count each sample's period (perf's weight, as stackcollapse-perf.pl) or 1 per sample. Default 'period'. */
  weight?: Weight;
  /** The line after each frame is its source line (perf script -F+srcline). Default false. */
  srcline?: boolean;
  /**
   * Collapse per time window rather than over the whole input: see WindowOptions. Default
   * null (one table).
   */
  window?: WindowOptions | null;
  /**
   * Expands a frame into its inlined functions, root first, joined with ';', or returns
   * null to keep the frame as it is. Used for --inline; default none.
   */
  inline?: ((pc: string, sym: string, dso: string) => string | null) | null;
}

export interface CollapseStats {
  /** Samples read, whatever happened to them. */
  samples: number;
  /** Samples counted in the output. */
  kept: number;
  /** Samples of another event than the one kept, by event name. */
  otherEvents: Map<string, number>;
  /** The event kept ('' when headers carry no event name). */
  event: string | null;
  /** Whether any header carried a timestamp. */
  timed: boolean;
  /**
   * Samples left out because their period does not fit a double (over ~1.8e308, some 309
   * digits): no weight can stand for them.
   */
  hugePeriods: number;
}
