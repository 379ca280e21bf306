// The core of range-perf: keeps the samples of a time window of perf script text, as the
// input's own bytes.
//
// Reads what src/parse/perf-script.ts parses, e.g.
//   # cmdline : perf record -F 49 -a -g -- sleep 60
//   java  8192 [000]  5076.100000: cpu-clock:
//   \t    7fa4b39f24f8 STACK-1_at_time_0s_and_offset_100ms (/tmp/perf-4771.map)
//
//   swapper     0 [007]  5076.836353: cpu-clock:
// and reports which byte ranges of each chunk to print.
//
// Reference behaviour: range-perf.pl at FlameGraph 41fee1f (../shared/reference §1):
// - time zero is the first sample (default), its whole second (--timezerosecs) or perf's
//   own clock (--timeraw); both bounds are inclusive;
// - in the default (sorted) mode, the first sample at or after START turns printing on
//   for good, and the first sample after END stops reading: input is taken to be in time
//   order, as perf writes it;
// - comment lines are never printed.
// Times are exact: whole seconds and nanoseconds, never a double's rounding.
import { compareInstants, PerfScriptScanner, type Header, type Instant } from '../parse/perf-script.js';

export type TimeOrigin = 'first-sample' | 'first-second' | 'raw';

export interface RangeOptions {
  /** Lower bound, inclusive, in seconds from the origin. */
  begin: Instant;
  /** Upper bound, inclusive. */
  end: Instant;
  /** Where time zero is. Default 'first-sample' (range-perf.pl without flags). */
  origin?: TimeOrigin;
  /**
   * Input may be out of time order: test every sample and read to the end, instead of
   * range-perf.pl's "print from the first sample in range, stop at the first past it".
   * Default false.
   */
  unsorted?: boolean;
  /**
   * perf's time of the first sample, when it is known before the filter reads (it starts
   * past it: see seek.ts). Default: the first timed header the filter reads.
   */
  first?: Instant;
}

/** The window [begin, end] in perf's own time, given the first sample's time and the origin. */
export function absoluteWindow(begin: Instant, end: Instant, first: Instant, origin: TimeOrigin): { begin: Instant; end: Instant } {
  const o: Instant = { sec: origin === 'raw' ? 0 : first.sec, ns: origin === 'first-sample' ? first.ns : 0 };
  return { begin: addInstants(begin, o), end: addInstants(end, o) };
}

function addInstants(a: Instant, b: Instant): Instant {
  const ns = a.ns + b.ns;
  return ns >= 1e9 ? { sec: a.sec + b.sec + 1, ns: ns - 1e9 } : { sec: a.sec + b.sec, ns };
}

/** Receives [start, end) offsets of the current chunk to print. */
export type Emit = (start: number, end: number) => void;

export class RangeFilter {
  private readonly scanner: PerfScriptScanner;
  private readonly origin: TimeOrigin;
  private readonly unsorted: boolean;
  /** The window in perf's own time, once the first sample's time is known. */
  private window: { begin: Instant; end: Instant } | null = null;
  /** Printing is on (sorted mode: for good, once on). */
  private ok = false;
  /** Start of the run of lines being printed in the current chunk, or -1. */
  private run = -1;
  private emit: Emit = () => {};
  /** The first sample past END was seen: nothing more will be printed. */
  done = false;
  /** Lines that belong to no sample and are not comments or blank: a sign of bad input. */
  strayLines = 0;

  constructor(private readonly opts: RangeOptions) {
    this.origin = opts.origin ?? 'first-sample';
    this.unsorted = opts.unsorted ?? false;
    if (opts.first) this.window = absoluteWindow(opts.begin, opts.end, opts.first, this.origin);
    this.scanner = new PerfScriptScanner(
      {
        header: (h) => this.onHeader(h),
        comment: (_t, start, next) => this.onComment(start, next),
        // Only read while no header has been seen (headersOnly skips such lines after),
        // which is all that `strayLines` is for.
        other: () => {
          if (!this.scanner.inSample) this.strayLines++;
        },
      },
      // Only header and comment lines matter here: skip the rest unread.
      { headersOnly: true },
    );
  }

  /** Header lines seen, and those with a timestamp. */
  get headers(): number {
    return this.scanner.headers;
  }
  get timedHeaders(): number {
    return this.scanner.timedHeaders;
  }

  /** Whether the filter is printing (in sorted mode, for good until the first sample past END). */
  get printing(): boolean {
    return this.ok;
  }

  /**
   * Parses a chunk of whole lines and calls `emit` for the parts to print. The chunk is
   * the input's bytes, or their latin1 text (one char per byte): the filter reads no text,
   * so bytes spare decoding them.
   */
  push(chunk: Uint8Array | string, emit: Emit): void {
    if (this.done) return;
    this.emit = emit;
    this.run = this.ok ? 0 : -1;
    if (typeof chunk === 'string') this.scanner.push(chunk);
    else this.scanner.pushBytes(chunk);
    const len = chunk.length;
    if (this.run >= 0 && this.run < len && !this.done) emit(this.run, len);
    this.run = -1;
  }

  private onHeader(h: Header): void {
    // Perl's regex does not see a header without a timestamp as a sample: it is printed
    // or not with the lines around it.
    if (!h.hasTime) return;
    this.window ??= absoluteWindow(this.opts.begin, this.opts.end, h, this.origin);
    const { begin, end } = this.window;
    const afterEnd = compareInstants(h.sec, h.ns, end.sec, end.ns) > 0;
    const beforeBegin = compareInstants(h.sec, h.ns, begin.sec, begin.ns) < 0;
    if (this.unsorted) {
      const inRange = !afterEnd && !beforeBegin;
      if (inRange && !this.ok) this.run = h.start;
      else if (!inRange && this.ok) this.cut(h.start);
      this.ok = inRange;
      return;
    }
    if (afterEnd) {
      if (this.ok) this.cut(h.start);
      this.ok = false;
      this.done = true;
      this.scanner.halt();
      return;
    }
    if (!this.ok && !beforeBegin) {
      this.ok = true;
      this.run = h.start;
    }
  }

  private onComment(start: number, next: number): void {
    if (!this.ok) return;
    this.cut(start);
    this.run = next;
  }

  /** Prints the run up to `at`, and ends it. */
  private cut(at: number): void {
    if (this.run >= 0 && at > this.run) this.emit(this.run, at);
    this.run = -1;
  }
}
