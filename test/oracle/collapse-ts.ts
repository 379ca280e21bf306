// The stackcollapse core as it was before the WebAssembly core (commit 7026ec5), on the
// TypeScript parser it used: the oracle of test/collapse-core.test.ts. Not used by src/.
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
import { copyString, PerfScriptScanner, type BadLine, type FrameSpan, type Header } from './perf-script-ts.js';
import { rootFrameName, tidyFrameName } from '../../src/parse/frame-name.js';
import { StackTable } from '../../src/collapse/stack-table.js';
import type { PieceResult } from '../../src/collapse/parallel.js';

export type Weight = 'period' | 'samples';

/** Memoised frame lines kept at most (about 100 bytes each). */
const MAX_LINES = 1 << 18;

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
  readonly stats: CollapseStats = { samples: 0, kept: 0, otherEvents: new Map(), event: null, timed: false };
  private readonly scanner: PerfScriptScanner;
  private readonly o: Required<Omit<CollapseOptions, 'inline'>> & Pick<CollapseOptions, 'inline'>;
  private readonly table = new StackTable();

  // The sample being read: its root's frame ids, its frames' ids (leaf first), its weight.
  private root: number[] | null = null;
  private java = false;
  private weight = 0;
  private frames = new Int32Array(1024);
  private depth = 0;
  /** Root frame text -> its ids. */
  private roots = new Map<string, number[]>();
  /**
   * Tidied frame names by dso, then by symbol without its +0x offset (a name depends on
   * nothing else but Java-ness), so the cache grows with the program's symbols, never with
   * the input. A value is one frame id, or several for inlined pieces.
   */
  private byDso = [new Map<string, Map<string, number | number[]>>(), new Map<string, Map<string, number | number[]>>()];
  private lastDso = '';
  private lastDsoJava = false;
  private lastSym = '';
  private lastPc = '';
  private lastSyms: Map<string, number | number[]> | null = null;
  /**
   * Memoised frame lines (see PerfScriptScanner `frameKeyed`): for key k, the line's dso
   * and symbol (offset stripped), and its frame ids for a non-Java (2k) and a Java (2k+1)
   * sample, filled on first use. Bounded: past MAX_LINES the memo starts afresh.
   */
  private lineDso: string[] = [];
  private lineSym: string[] = [];
  private linePc: string[] = [];
  private lineIds: (number | number[] | undefined)[] = [];

  // Per-window mode: the open windows by number, the table of the current sample, the
  // newest window seen, the windows closed so far, and those closed but not yet taken.
  private readonly windowNs: number;
  private readonly slack: number;
  private windows = new Map<number, StackTable>();
  private current: StackTable;
  private originSec: number | null = null;
  private sampleWindow: number | null = null;
  private newest = -Infinity;
  private closedUpTo = -Infinity;
  private closedSet = new Set<number>();
  private closed: ClosedWindow[] = [];

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
      window: opts.window ?? null,
    };
    if (this.o.eventFilter !== null) this.stats.event = this.o.eventFilter;
    this.windowNs = opts.window?.lengthNs ?? 0;
    this.slack = opts.window?.slack ?? 2;
    this.current = this.table;
    this.scanner = new PerfScriptScanner(
      {
        header: (h) => this.onHeader(h),
        frame: (f, text) => this.onFrame(f, text),
        frameKeyed: (f, text) => this.onFrameKeyed(f, text),
        frameSeen: (key) => this.onFrameSeen(key),
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
    this.stats.timed ||= this.scanner.timedHeaders > 0;
  }

  /** Lines read of the current input. */
  get linesRead(): number {
    return this.scanner.lineNo;
  }

  /**
   * Adds what a piece of the input, collapsed on another thread, found (see parallel.ts):
   * its stacks by frame name, and its counts of samples.
   */
  merge(r: PieceResult): void {
    const ids = r.names.map((name) => this.table.intern(name));
    const seq: number[] = [];
    for (let s = 0, at = 0; s < r.lengths.length; s++) {
      const len = r.lengths[s];
      seq.length = len;
      for (let i = 0; i < len; i++) seq[i] = ids[r.ids[at + i]];
      at += len;
      this.table.addSequence(seq, r.counts[s]);
    }
    const st = this.stats;
    st.samples += r.samples;
    st.kept += r.kept;
    for (const [event, n] of r.otherEvents) st.otherEvents.set(event, (st.otherEvents.get(event) ?? 0) + n);
    st.timed ||= r.timed;
  }

  /**
   * Per-window mode: picks the table of the sample that `h` starts. false: the sample
   * belongs to no window (no timestamp yet).
   */
  private selectWindow(h: Header): boolean {
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
      return false;
    }
    let table = this.windows.get(k);
    if (table === undefined) {
      table = new StackTable(this.table);
      this.windows.set(k, table);
    }
    this.current = table;
    if (k > this.newest) {
      // Windows never seen between the newest and this one are empty and get no file (as
      // the product since issue 16: work bounded by the samples, not the time span).
      this.newest = k;
      for (const [e, t] of this.windows) if (e < k - this.slack) this.close(e, t);
    }
    return true;
  }

  private close(index: number, table: StackTable): void {
    this.windows.delete(index);
    this.closed.push({ index, table, reopened: this.closedSet.has(index) });
    this.closedSet.add(index);
  }

  /** Per-window mode: the windows closed since the last call, in order of closing. */
  takeClosedWindows(): ClosedWindow[] {
    const out = this.closed;
    this.closed = [];
    return out;
  }

  /** Per-window mode, at the end of all input: closes every open window and returns them all. */
  finishWindows(): ClosedWindow[] {
    for (const k of [...this.windows.keys()].sort((a, b) => a - b)) this.close(k, this.windows.get(k)!);
    return this.takeClosedWindows();
  }

  /** Distinct stacks so far. */
  get distinct(): number {
    return this.table.size;
  }

  /** The table of stacks, for merging (see mergeFrom). */
  get stacks(): StackTable {
    return this.table;
  }

  /** Whether some count went past 2^53, where sums of doubles stop being exact. */
  inexact = false;

  /** Folded lines, sorted byte-wise (the strings are latin1, so code units are bytes). */
  lines(): string[] {
    return [...this.foldedLines()];
  }

  /** The folded lines one at a time, sorted, so that the whole output is never one array. */
  *foldedLines(t: StackTable = this.table): Generator<string> {
    const order = t.sorted();
    if (order.some((s) => t.count(s) > Number.MAX_SAFE_INTEGER)) this.inexact = true;
    for (const s of order) yield `${t.text(s)} ${formatCount(t.count(s))}`;
  }

  private onHeader(h: Header): void {
    this.stats.samples++;
    const event = h.event;
    // Samples whose header names no event cannot be filtered, and count (as in Perl).
    if (event !== '') {
      if (this.stats.event === null) this.stats.event = event;
      if (event !== this.stats.event) {
        this.stats.otherEvents.set(event, (this.stats.otherEvents.get(event) ?? 0) + 1);
        this.root = null;
        return;
      }
    }
    if (this.windowNs > 0 && !this.selectWindow(h)) {
      this.root = null;
      return;
    }
    const pname = rootFrameName(h.comm, h.pid, h.tid, this.o);
    let root = this.roots.get(pname);
    if (root === undefined) {
      // A copy: the comm is a slice of the chunk, which the table would keep alive.
      const key = copyString(pname, 0, pname.length);
      root = key.split(';').map((p) => this.table.intern(p));
      this.roots.set(key, root);
    }
    this.root = root;
    this.java = pname.startsWith('java');
    this.weight = this.o.weight === 'samples' ? 1 : h.period;
    this.depth = 0;
  }

  private onFrame(f: FrameSpan, text: string): void {
    if (this.root === null) return;
    this.pushIds(this.frameIds(f, text));
  }

  /** A frame line not seen before: its ids now, and a key to find them again by. */
  private onFrameKeyed(f: FrameSpan, text: string): number {
    const ids = this.frameIds(f, text);
    if (this.root !== null) this.pushIds(ids);
    // --inline asks addr2line about each frame: keep that path as it is.
    if (this.o.inline || f.onHeader) return -1;
    if (this.lineDso.length >= MAX_LINES) {
      this.scanner.forgetFrames();
      this.lineDso = [];
      this.lineSym = [];
      this.linePc = [];
      this.lineIds = [];
    }
    const key = this.lineDso.length;
    this.lineDso.push(this.lastDso);
    this.lineSym.push(copyString(this.lastSym, 0, this.lastSym.length));
    this.linePc.push(copyString(this.lastPc, 0, this.lastPc.length));
    this.lineIds.push(this.java ? undefined : ids, this.java ? ids : undefined);
    return key;
  }

  /** A frame line seen before: the same text gives the same names (per Java-ness). */
  private onFrameSeen(key: number): void {
    if (this.root === null) return;
    const slot = 2 * key + (this.java ? 1 : 0);
    let ids = this.lineIds[slot];
    if (ids === undefined) {
      ids = this.symbolIds(this.lineDso[key], this.lineSym[key], this.linePc[key]);
      this.lineIds[slot] = ids;
    }
    this.pushIds(ids);
  }

  private pushIds(ids: number | number[]): void {
    if (typeof ids === 'number') this.pushFrame(ids);
    // Pieces are root first; frames are collected leaf first.
    else for (let i = ids.length - 1; i >= 0; i--) this.pushFrame(ids[i]);
  }

  /** The frame ids of a frame line (several for inlined pieces, none for a dropped frame). */
  private frameIds(f: FrameSpan, text: string): number | number[] {
    // The symbol without a trailing +0x<lowercase hex> offset (Perl strips only that).
    let se = f.symEnd;
    let k = se;
    while (k > f.symStart) {
      const c = text.charCodeAt(k - 1);
      if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) k--;
      else break;
    }
    if (k < se && k - 3 >= f.symStart && text.charCodeAt(k - 1) === 120 && text.charCodeAt(k - 2) === 48 && text.charCodeAt(k - 3) === 43) se = k - 3;
    const dsoLen = f.dsoEnd - f.dsoStart;
    const dso = this.lastDso.length === dsoLen && text.startsWith(this.lastDso, f.dsoStart) ? this.lastDso : copyString(text, f.dsoStart, f.dsoEnd);
    // Slices, copied only where they are kept (a slice keeps its whole chunk alive).
    const sym = text.slice(f.symStart, se);
    const pc = text.slice(f.addrStart, f.addrEnd);
    this.lastSym = sym;
    this.lastPc = pc;
    return this.symbolIds(dso, sym, pc);
  }

  /**
   * The frame ids of symbol `sym` (offset stripped) in `dso`, through the cache by dso,
   * then symbol. `pc` is only read for what the cache cannot hold (--addrs on an unknown
   * symbol, --inline).
   */
  private symbolIds(dso: string, sym: string, pc: string): number | number[] {
    let syms = this.lastSyms;
    if (syms === null || this.lastDsoJava !== this.java || this.lastDso !== dso) {
      const table = this.byDso[this.java ? 1 : 0];
      syms = table.get(dso) ?? null;
      if (syms === null) {
        syms = new Map();
        table.set(dso, syms);
      }
      this.lastDso = dso;
      this.lastDsoJava = this.java;
      this.lastSyms = syms;
    }
    let ids = syms.get(sym);
    if (ids === undefined) {
      // Copies: names made from a slice would keep its whole chunk alive in the table.
      sym = copyString(sym, 0, sym.length);
      pc = copyString(pc, 0, pc.length);
      const name = this.tidyFrame(pc, sym, dso);
      ids = name === '' ? [] : name.indexOf(';') < 0 ? this.table.intern(name) : name.split(';').map((p) => this.table.intern(p));
      // With --addrs an unknown symbol's name holds its address; --inline depends on it too.
      if (!(this.o.addrs && sym.indexOf('[unknown]') >= 0) && !this.o.inline) syms.set(sym, ids);
    }
    return ids;
  }

  private pushFrame(id: number): void {
    if (this.depth === this.frames.length) {
      const bigger = new Int32Array(this.frames.length * 2);
      bigger.set(this.frames);
      this.frames = bigger;
    }
    this.frames[this.depth++] = id;
  }

  private onSrcline(text: string, s: number, e: number): void {
    if (this.root === null || this.depth === 0) return;
    // As stackcollapse-perf.pl --srcline: drop '[...]' and blanks, append ':line'.
    const src = text.slice(s, e).replace(/\[.*?\]/g, '').replace(/\s+/g, '');
    if (src !== '') this.frames[this.depth - 1] = this.table.intern(`${this.table.names[this.frames[this.depth - 1]]}:${src}`);
  }

  private onEnd(): void {
    const root = this.root;
    if (root === null) return;
    this.current.add(root, this.frames, this.depth, this.weight);
    this.stats.kept++;
    this.root = null;
    this.depth = 0;
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
