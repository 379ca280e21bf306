// The core of stackcollapse: perf script text in, folded stacks out.
//
// Reads perf script through the WebAssembly core: its stacks mode (src/parse/stack-scanner.ts),
// or its line records (src/parse/perf-script.ts) for --srcline, --inline and --addrs, e.g.
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
import { copyString, PerfScriptScanner, type BadLine, type FrameSpan, type Header } from '../parse/perf-script.js';
import { rootFrameName, tidyFrameName, tidyStrippedName } from '../parse/frame-name.js';
import { StackScanner, type SampleHeader } from '../parse/stack-scanner.js';
import { cutLines } from '../runtime/lines.js';
import { EVENT_FILTER_DEFAULT, FRAME_NAMING_DEFAULTS, WEIGHT_DEFAULT } from '../runtime/flag-defaults.js';
import { formatFoldedLines, writeFoldedChunks } from './folded-writer.js';
import type { CollapseOptions, CollapseStats } from './options.js';
import { STACK_HASH_MUL, StackTable } from './stack-table.js';
import { WindowCutter, type ClosedWindow } from './windows.js';

export { formatCount } from './folded-writer.js';
export type { CollapseOptions, CollapseStats, Weight } from './options.js';
export type { ClosedWindow, WindowOptions } from './windows.js';

/** Memoised frame lines kept at most (about 100 bytes each). */
const MAX_LINES = 1 << 18;

/**
 * The first SMALL_SCAN_BYTES of input go to the core in pieces of at most SMALL_PIECE
 * bytes. Why: the core's input and record areas grow to the largest piece it is given, and
 * each page of memory first touched costs a page fault (10-25 µs each on the 2-core VM
 * measured): a 3 MB run given 1 MiB pieces faulted in 8.5 MB of core memory, in 60 KiB
 * pieces 2.3 MB. Small pieces also let the core's optimised code (V8 compiles it in the
 * background once the baseline code has run a while) serve the next call, where one call
 * on a whole MiB ran in the baseline code to its end. 60 KiB, so that a line carried over
 * from the piece before (4 KiB fit) keeps the input area at 64 KiB. Past that, pieces are
 * as read.
 */
const SMALL_PIECE = 60 << 10;
const SMALL_SCAN_BYTES = 8 << 20;

const NO_ROOT: number[] = [];

/** A root frame in the stacks mode: its frame ids, whether it is Java, and its stacks' places in the main table (+1, by core stack id). */
interface RootInfo {
  ids: number[];
  java: boolean;
  places: Int32Array;
}

/**
 * Collapses perf script text into a table of stack -> count. Feed chunks of whole lines
 * (latin1) with `push`, call `endInput` after each input, then read `lines()`.
 */
export class Collapser {
  readonly stats: CollapseStats = { samples: 0, kept: 0, otherEvents: new Map(), event: null, timed: false, hugePeriods: 0 };
  /**
   * How the input is read: by the core's stacks mode (whole samples, interned by the core)
   * unless an option needs each frame line (--srcline, --inline, --addrs), then line by line.
   */
  private readonly scanner: PerfScriptScanner | StackScanner;
  private readonly fast: StackScanner | null = null;
  private readonly o: Required<Omit<CollapseOptions, 'inline'>> & Pick<CollapseOptions, 'inline'>;
  private readonly table = new StackTable(undefined, 1 << 16); // 256 KiB: see firstIds

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

  /** Per-window mode: the windows being cut (null otherwise), and the table of the current sample. */
  private readonly windows: WindowCutter | null;
  private current: StackTable;

  constructor(
    opts: CollapseOptions = {},
    private readonly onBad: (b: BadLine) => void = () => {},
  ) {
    // Defaults from the shared tables (runtime/flag-defaults.ts), which the help text reads.
    const d = FRAME_NAMING_DEFAULTS;
    this.o = {
      pid: opts.pid ?? d.pid,
      tid: opts.tid ?? d.tid,
      kernel: opts.kernel ?? d.kernel,
      jit: opts.jit ?? d.jit,
      addrs: opts.addrs ?? d.addrs,
      eventFilter: opts.eventFilter ?? EVENT_FILTER_DEFAULT,
      weight: opts.weight ?? WEIGHT_DEFAULT,
      srcline: opts.srcline ?? false,
      inline: opts.inline ?? null,
      window: opts.window ?? null,
    };
    this.naming = [false, true].map((java) => ({ kernel: this.o.kernel, jit: this.o.jit, addrs: false, java }));
    if (this.o.eventFilter !== null) this.stats.event = this.o.eventFilter;
    this.windows = opts.window ? new WindowCutter(opts.window, this.table) : null;
    this.current = this.table;
    if (!this.o.srcline && !this.o.inline && !this.o.addrs) {
      this.fast = new StackScanner(
        {
          header: (h) => this.onSampleHeader(h),
          sample: (s) => this.onSample(s),
          bad: (b) => this.onBad(b),
        },
        this.windows !== null ? 'time' : 'weight',
      );
      this.scanner = this.fast;
      return;
    }
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

  /** Feeds a chunk of whole lines, as latin1 text (its last line may lack its break at the end of an input). */
  push(text: string): void {
    if (this.fast !== null) this.fast.push(Buffer.from(text, 'latin1'));
    else (this.scanner as PerfScriptScanner).push(text);
  }

  /**
   * Feeds any piece of an input as bytes: a line cut at the end waits for the rest, or for
   * `endInput`. The bytes are not kept (the caller may reuse its buffer).
   */
  pushBytes(bytes: Uint8Array): void {
    if (this.fast !== null) {
      for (let at = 0; at < bytes.length; ) {
        const end = this.scanned < SMALL_SCAN_BYTES ? Math.min(bytes.length, at + SMALL_PIECE) : bytes.length;
        this.fast.push(at === 0 && end === bytes.length ? bytes : bytes.subarray(at, end));
        this.scanned += end - at;
        at = end;
      }
      return;
    }
    // Line by line: whole lines as latin1 text, in chunks of about 64 KiB (see LINE_CHUNK
    // for why strings stay small).
    let b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (this.carry.length > 0) b = Buffer.concat([this.carry, b]);
    const scanner = this.scanner as PerfScriptScanner;
    const rest = cutLines(b, 0, b.length, (s, e) => scanner.push(b.toString('latin1', s, e)));
    this.carry = Buffer.from(b.subarray(rest));
  }
  private carry = Buffer.alloc(0);
  /** Bytes given to the core so far (see SMALL_PIECE). */
  private scanned = 0;

  /** Bytes of a last line not yet ended, held back by pushBytes. */
  get pending(): number {
    return this.fast !== null ? this.fast.pending : this.carry.length;
  }

  /**
   * Ends one input: its last line is read even without a line break, its last sample ends
   * even without a blank line, and lines count anew. Returns the number of lines it had.
   */
  endInput(): number {
    if (this.carry.length > 0) {
      (this.scanner as PerfScriptScanner).push(this.carry.toString('latin1'));
      this.carry = Buffer.alloc(0);
    }
    this.scanner.finish();
    const lines = this.scanner.lineNo;
    this.scanner.lineNo = 0;
    this.stats.timed ||= this.scanner.timedHeaders > 0;
    return lines;
  }

  /** Lines read of the current input. */
  get linesRead(): number {
    return this.scanner.lineNo;
  }

  // --- the core's stacks mode -----------------------------------------------------------

  /** By core root id (comm, pid, tid): its root frame; and the root frames by name. */
  private rootInfo: RootInfo[] = [];
  private rootByName = new Map<string, RootInfo>();
  private eventNames: string[] = [];
  /**
   * By Java-ness, then pair id: the pair's frame id + 1; 0 when not named yet; -1 - k
   * for `pairMany[k]`, a pair of several frame ids (inlined pieces, root first) or none (a
   * dropped frame). Int32Arrays, so the loop over a new stack's pairs reads plain ints.
   */
  private pairFrame = [new Int32Array(1024), new Int32Array(1024)];
  private pairMany: number[][] = [];
  /** The naming rules of a pair in a non-Java (0) and a Java (1) sample: made once, not per pair. */
  private readonly naming: { kernel: boolean; jit: boolean; addrs: boolean; java: boolean }[];
  /** Per-window mode: by Java-ness, then stack id, the stack's frame ids (leaf first). */
  private stackIds: Int32Array[][] = [[], []];
  private rootNow: RootInfo | null = null;

  private onSampleHeader(h: SampleHeader): void {
    this.stats.samples++;
    this.rootNow = null;
    let event = this.eventNames[h.event];
    if (event === undefined) event = this.eventNames[h.event] = this.fast!.event(h.event);
    if (event !== '') {
      if (this.stats.event === null) this.stats.event = event;
      if (event !== this.stats.event) {
        this.stats.otherEvents.set(event, (this.stats.otherEvents.get(event) ?? 0) + 1);
        return;
      }
    }
    if (this.o.weight === 'period' && !Number.isFinite(h.period)) {
      this.stats.hugePeriods++;
      return;
    }
    if (this.windows !== null && !this.selectWindow(h)) return;
    let info = this.rootInfo[h.root];
    if (info === undefined) {
      const { comm, pid, tid } = this.fast!.root(h.root);
      const pname = rootFrameName(comm, pid, tid, this.o);
      // One entry per root frame, not per core root (comm, pid and tid): by default every
      // thread of a program has the same root, and so the same places.
      let named = this.rootByName.get(pname);
      if (named === undefined) {
        let ids = this.roots.get(pname);
        if (ids === undefined) {
          ids = this.internPieces(pname);
          this.roots.set(pname, ids);
        }
        named = { ids, java: pname.startsWith('java'), places: new Int32Array(0) };
        this.rootByName.set(pname, named);
      }
      info = this.rootInfo[h.root] = named;
    }
    this.rootNow = info;
    this.weight = this.o.weight === 'samples' ? 1 : h.period;
  }

  private onSample(stack: number): void {
    const info = this.rootNow;
    if (info === null) return;
    this.rootNow = null;
    this.stats.kept++;
    const java = info.java ? 1 : 0;
    if (this.windows !== null) {
      // Per sample, a window's table hashes the stack's frame ids: keep them per core stack.
      let ids = this.stackIds[java][stack];
      if (ids === undefined) {
        // Written where the main table (which holds no stack in this mode) would keep it.
        const n = this.writeCoreStack(stack, java, NO_ROOT);
        ids = this.stackIds[java][stack] = this.table.written(n).reverse();
      }
      this.current.add(info.ids, ids, ids.length, this.weight);
      return;
    }
    // The main table: where this root's stack went last time, found without hashing it.
    if (stack >= info.places.length) {
      const bigger = new Int32Array(Math.max(stack + 1, info.places.length * 2, 16));
      bigger.set(info.places);
      info.places = bigger;
    }
    const at = info.places[stack];
    if (at > 0) this.table.addTo(at - 1, this.weight);
    else info.places[stack] = this.addCoreStack(stack, java, info.ids) + 1;
  }

  /** Adds core stack `stack` of a Java (1) or other (0) sample under root frames `root` to the main table. */
  private addCoreStack(stack: number, java: number, root: number[]): number {
    return this.table.addWritten(this.writeCoreStack(stack, java, root), this.hash, this.weight);
  }

  /**
   * Writes the frame ids of `root` then of core stack `stack`, root first, straight into
   * the main table's ids from its end (StackTable.room), mixing their hash into `hash` on
   * the way: one pass over the pairs (not three: ids, hash, copy). Returns how many.
   */
  private writeCoreStack(stack: number, java: number, root: number[]): number {
    // Read in place: naming a pair reads the core's tables but runs no scan, so they stay
    // where they are.
    const fast = this.fast!;
    const mem = fast.memory;
    const from = fast.stackAt(stack);
    let i = from + fast.stackLength(stack);
    const t = this.table;
    const start = t.end;
    let ids = t.room(start, root.length + i - from);
    let n = start;
    let h = 0;
    for (let k = 0; k < root.length; k++) {
      const id = root[k];
      ids[n++] = id;
      h = Math.imul(h ^ id, STACK_HASH_MUL);
    }
    let names = this.pairFrame[java];
    // The core's stacks are leaf first.
    while (i > from) {
      const pair = mem[--i];
      if (pair >= names.length) names = this.growPairs(java, pair);
      let v = names[pair];
      if (v === 0) v = names[pair] = this.namePair(pair, java);
      if (v > 0) {
        ids[n++] = v - 1;
        h = Math.imul(h ^ (v - 1), STACK_HASH_MUL);
      } else {
        // Pieces are root first (none for a dropped frame).
        const pieces = this.pairMany[-1 - v];
        ids = t.room(n, pieces.length + i - from);
        for (let k = 0; k < pieces.length; k++) {
          const id = pieces[k];
          ids[n++] = id;
          h = Math.imul(h ^ id, STACK_HASH_MUL);
        }
      }
    }
    this.hash = h;
    return n - start;
  }
  private hash = 0;

  /** Pair `pair`'s entry for pairFrame (see there), named by the rules now. */
  private namePair(pair: number, java: number): number {
    const fast = this.fast!;
    fast.readPair(pair, this.scanned >= SMALL_SCAN_BYTES);
    // The core stripped the symbol's +0x offset already: strip no second one.
    const name = tidyStrippedName(fast.pairSym, fast.pairDso, this.naming[java]);
    if (name !== '' && name.indexOf(';') < 0) return this.table.intern(name) + 1;
    this.pairMany.push(name === '' ? [] : this.internPieces(name));
    return -this.pairMany.length;
  }

  /**
   * The frame ids of the pieces of `name` (split on ';'), root first. Not a closure where a
   * name is made: a closure reading `this` costs a context at every call of its function
   * (on the first 3 MB, 53 KB of garbage from 1,366 headers).
   */
  private internPieces(name: string): number[] {
    const pieces = name.split(';');
    const ids: number[] = new Array(pieces.length);
    for (let i = 0; i < pieces.length; i++) ids[i] = this.table.intern(pieces[i]);
    return ids;
  }

  private growPairs(java: number, pair: number): Int32Array<ArrayBuffer> {
    const old = this.pairFrame[java];
    let size = old.length * 2;
    while (size <= pair) size *= 2;
    const bigger = new Int32Array(size);
    bigger.set(old);
    return (this.pairFrame[java] = bigger);
  }

  /** Per-window mode: the table of the sample `h` starts; false when it belongs to no window. */
  private selectWindow(h: { hasTime: boolean; sec: number; ns: number }): boolean {
    const t = this.windows!.select(h);
    if (t === null) return false;
    this.current = t;
    return true;
  }

  /** Per-window mode: the windows closed since the last call, in order of closing. */
  takeClosedWindows(): ClosedWindow[] {
    return this.windows?.take() ?? [];
  }

  /** Per-window mode, at the end of all input: closes every open window and returns them all. */
  finishWindows(): ClosedWindow[] {
    return this.windows?.finish() ?? [];
  }

  /** Distinct stacks so far. */
  get distinct(): number {
    return this.table.size;
  }

  /** The table of stacks, for merging (see mergePiece in parallel.ts). */
  get stacks(): StackTable {
    return this.table;
  }

  /** Whether some count went past 2^53, where sums of doubles stop being exact. */
  inexact = false;
  /** Whether some count went past the largest double (~1.8e308): it prints as that. */
  capped = false;

  /** Folded lines, sorted byte-wise (the strings are latin1, so code units are bytes). */
  lines(): string[] {
    return [...this.foldedLines()];
  }

  /**
   * The folded lines, sorted, as latin1 bytes in Buffers of about `size` bytes (each a new
   * Buffer): no string is made per line, each frame name is encoded once.
   */
  *foldedChunks(size: number, t: StackTable = this.table, reuse = false): Generator<Buffer> {
    yield* writeFoldedChunks(t, size, this, reuse);
  }

  /** The folded lines one at a time, sorted, so that the whole output is never one array. */
  *foldedLines(t: StackTable = this.table): Generator<string> {
    yield* formatFoldedLines(t, this);
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
    if (this.o.weight === 'period' && !Number.isFinite(h.period)) {
      this.stats.hugePeriods++;
      this.root = null;
      return;
    }
    if (this.windows !== null && !this.selectWindow(h)) {
      this.root = null;
      return;
    }
    const pname = rootFrameName(h.comm, h.pid, h.tid, this.o);
    let root = this.roots.get(pname);
    if (root === undefined) {
      // A copy: the comm is a slice of the chunk, which the table would keep alive.
      const key = copyString(pname, 0, pname.length);
      root = this.internPieces(key);
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
      (this.scanner as PerfScriptScanner).forgetFrames();
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
      ids = name === '' ? [] : name.indexOf(';') < 0 ? this.table.intern(name) : this.internPieces(name);
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
