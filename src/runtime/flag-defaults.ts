// The typed options and defaults of the shared flag groups (see flag-groups.ts), without
// commander: cores (and stackcollapse's worker threads) import these, only CLIs the flags.

/** Frame naming, as stackcollapse-perf.pl's flags name frames. */
export interface FrameNaming {
  /** Root frame is `comm-pid`. Default false. */
  pid: boolean;
  /** Root frame is `comm-pid/tid` (implies `pid`). Default false. */
  tid: boolean;
  /** Append `_[k]` to kernel frames. Default false. */
  kernel: boolean;
  /** Append `_[j]` to JIT frames. Default false. */
  jit: boolean;
  /** Unknown symbols become `[dso <addr>]`. Default false. */
  addrs: boolean;
}

export const FRAME_NAMING_DEFAULTS: Readonly<FrameNaming> = { pid: false, tid: false, kernel: false, jit: false, addrs: false };

/** The event kept: this one, or (null, the default) the first event seen. */
export const EVENT_FILTER_DEFAULT: string | null = null;

/** What a sample counts: its period (perf's weight, as stackcollapse-perf.pl), or 1. */
export type Weight = 'period' | 'samples';
export const WEIGHTS: readonly Weight[] = ['period', 'samples'];
export const WEIGHT_DEFAULT: Weight = 'period';
