// The core of stackcollapse: perf script text in, folded stacks out.
//
// Reads what src/parse/perf-script.ts parses, e.g.
//   java  3244/3250 [002] 6544038.708352:     250000 cpu-clock:
//   \t    7f1e214c24d9 SpinPause (/usr/lib/jvm/libjvm.so)
//   \t    7fa4b8c7d768 La;::x->Lb;::y (/tmp/perf-4771.map)
//   \tffffffff8104f45a native_write_msr_safe+0x4 ([kernel.kallsyms])
// and writes
//   java;native_write_msr_safe;La:::x;Lb:::y_[i];SpinPause 250000
//
// Reference behaviour: stackcollapse-perf.pl at FlameGraph 41fee1f (../shared/reference §2),
// whose output `../shared/conformance/collapse/` holds. Where the Perl tool loses data
// (no blank line after the last sample, CRLF, whitespace-only separators, leading spaces
// before the comm, a frame on the header line, symbols starting with '('), this core
// keeps it; README "Differences from FlameGraph" lists each case.
//
// The text stays latin1 throughout (one char per byte), so names in any encoding reach
// the output byte for byte, and sorting the strings sorts the bytes.
import { PerfScriptScanner, type BadLine, type FrameSpan, type Header } from '../parse/perf-script.js';
import { tidyFrameName } from '../parse/frame-name.js';

export type Weight = 'period' | 'samples';

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
}

/**
 * Collapses perf script text into a table of stack -> count. Feed chunks of whole lines
 * (latin1) with `push`, call `endInput` after each input, then read `lines()`.
 */
export class Collapser {
  readonly counts = new Map<string, number>();
  readonly stats: CollapseStats = { samples: 0, kept: 0, otherEvents: new Map(), event: null, timed: false };
  private readonly scanner: PerfScriptScanner;
  private readonly o: Required<Omit<CollapseOptions, 'inline'>> & Pick<CollapseOptions, 'inline'>;

  // The sample being read.
  private pname: string | null = null;
  private java = false;
  private weight = 0;
  private frames: string[] = [];
  /** Frame text -> tidied name(s), per Java-ness; names never depend on anything else. */
  private cache = new Map<string, string>();
  private cacheJava = new Map<string, string>();

  constructor(
    opts: CollapseOptions = {},
    private readonly onBad: (b: BadLine) => void = () => {},
  ) {
    this.o = {
      pid: opts.pid ?? false,
      tid: opts.tid ?? false,
      kernel: opts.kernel ?? false,
      jit: opts.jit ?? false,
      addrs: opts.addrs ?? false,
      eventFilter: opts.eventFilter ?? null,
      weight: opts.weight ?? 'period',
      srcline: opts.srcline ?? false,
      inline: opts.inline ?? null,
    };
    if (this.o.eventFilter !== null) this.stats.event = this.o.eventFilter;
    this.scanner = new PerfScriptScanner(
      {
        header: (h) => this.onHeader(h),
        frame: (f, text) => this.onFrame(f, text),
        srcline: (text, s, e) => this.onSrcline(text, s, e),
        end: () => this.onEnd(),
        bad: (b) => this.onBad(b),
      },
      { srcline: this.o.srcline },
    );
  }

  push(text: string): void {
    this.scanner.push(text);
  }

  /** Ends one input: its last sample ends even without a blank line, and lines count anew. */
  endInput(): void {
    this.scanner.finish();
    this.scanner.lineNo = 0;
    this.stats.timed = this.scanner.timedHeaders > 0;
  }

  /** Folded lines, sorted byte-wise (the strings are latin1, so code units are bytes). */
  lines(): string[] {
    const keys = [...this.counts.keys()].sort(compareCodeUnits);
    return keys.map((k) => `${k} ${formatCount(this.counts.get(k)!)}`);
  }

  private onHeader(h: Header): void {
    this.stats.samples++;
    const event = h.event;
    // Samples whose header names no event cannot be filtered, and count (as in Perl).
    if (event !== '') {
      if (this.stats.event === null) this.stats.event = event;
      if (event !== this.stats.event) {
        this.stats.otherEvents.set(event, (this.stats.otherEvents.get(event) ?? 0) + 1);
        this.pname = null;
        return;
      }
    }
    let comm = h.comm;
    if (comm.indexOf(' ') >= 0) comm = comm.replace(/ /g, '_');
    // As stackcollapse-perf.pl: with one number it is the tid and the pid is unknown; a
    // tid of 0 counts as no tid ('swapper 0/0' is 'swapper-?/0').
    let pid = h.pid;
    let tid = h.tid;
    if (tid === null || tid === '0') {
      tid = pid;
      pid = '?';
    }
    if (this.o.tid) this.pname = `${comm}-${pid}/${tid}`;
    else if (this.o.pid) this.pname = `${comm}-${pid}`;
    else this.pname = comm;
    this.java = this.pname.startsWith('java');
    this.weight = this.o.weight === 'samples' ? 1 : h.period;
    this.frames.length = 0;
  }

  private onFrame(f: FrameSpan, text: string): void {
    if (this.pname === null) return;
    const key = text.slice(f.symStart, f.dsoEnd);
    const cache = this.java ? this.cacheJava : this.cache;
    let name = cache.get(key);
    if (name === undefined) {
      const sym = text.slice(f.symStart, f.symEnd);
      const dso = text.slice(f.dsoStart, f.dsoEnd);
      const pc = text.slice(f.addrStart, f.addrEnd);
      name = this.tidyFrame(pc, sym, dso);
      // With --addrs an unknown symbol's name holds its address, so only the rest is cached.
      if (!(this.o.addrs && sym.indexOf('[unknown]') >= 0) && !this.o.inline) cache.set(key, name);
    }
    if (name !== '') this.frames.push(name);
  }

  private onSrcline(text: string, s: number, e: number): void {
    if (this.pname === null || this.frames.length === 0) return;
    // As stackcollapse-perf.pl --srcline: drop '[...]' and blanks, append ':line'.
    const src = text.slice(s, e).replace(/\[.*?\]/g, '').replace(/\s+/g, '');
    if (src !== '') this.frames[this.frames.length - 1] += `:${src}`;
  }

  private onEnd(): void {
    if (this.pname === null) return;
    let key = this.pname;
    const fr = this.frames;
    for (let i = fr.length - 1; i >= 0; i--) key += ';' + fr[i];
    this.counts.set(key, (this.counts.get(key) ?? 0) + this.weight);
    this.stats.kept++;
    this.pname = null;
    fr.length = 0;
  }

  /** One frame's name(s), root first, joined with ';'; '' when the frame is dropped. */
  private tidyFrame(pc: string, rawfunc: string, mod: string): string {
    if (this.o.inline && !/(perf-\d+\.map|kernel\.|\[[^\]]+\])/.test(mod)) {
      const expanded = this.o.inline(pc, rawfunc, mod);
      if (expanded !== null && expanded !== '' && expanded !== '??' && expanded !== '??:??:0') return expanded;
    }
    return tidyFrameName(pc, rawfunc, mod, { kernel: this.o.kernel, jit: this.o.jit, addrs: this.o.addrs, java: this.java });
  }
}

/** Byte-wise order of latin1 strings, as Perl's `sort { $a cmp $b }`. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Counts print as integers; sums past 2^53 print exactly what the double holds. */
export function formatCount(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.round(n)).toString();
}
