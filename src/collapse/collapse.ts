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
import { StackTrie } from './stack-trie.js';

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
  readonly stats: CollapseStats = { samples: 0, kept: 0, otherEvents: new Map(), event: null, timed: false };
  private readonly scanner: PerfScriptScanner;
  private readonly o: Required<Omit<CollapseOptions, 'inline'>> & Pick<CollapseOptions, 'inline'>;
  private readonly trie = new StackTrie();

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
  private lastSyms: Map<string, number | number[]> | null = null;

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

  /** Distinct stacks so far. */
  get distinct(): number {
    let n = 0;
    for (const _ of this.trie.entries()) n++;
    return n;
  }

  /** Whether some count went past 2^53, where sums of doubles stop being exact. */
  inexact = false;

  /** Folded lines, sorted byte-wise (the strings are latin1, so code units are bytes). */
  lines(): string[] {
    const entries = [...this.trie.entries()];
    this.inexact = entries.some(([, c]) => c > Number.MAX_SAFE_INTEGER);
    entries.sort((a, b) => compareCodeUnits(a[0], b[0]));
    return entries.map(([k, c]) => `${k} ${formatCount(c)}`);
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
    const pname = this.o.tid ? `${comm}-${pid}/${tid}` : this.o.pid ? `${comm}-${pid}` : comm;
    let root = this.roots.get(pname);
    if (root === undefined) {
      root = pname.split(';').map((p) => this.trie.intern(p));
      this.roots.set(pname, root);
    }
    this.root = root;
    this.java = pname.startsWith('java');
    this.weight = this.o.weight === 'samples' ? 1 : h.period;
    this.depth = 0;
  }

  private onFrame(f: FrameSpan, text: string): void {
    if (this.root === null) return;
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
    let syms = this.lastSyms;
    if (syms === null || this.lastDsoJava !== this.java || this.lastDso.length !== dsoLen || !text.startsWith(this.lastDso, f.dsoStart)) {
      const dso = copyString(text, f.dsoStart, f.dsoEnd);
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
    let sym = text.slice(f.symStart, se);
    let ids = syms.get(sym);
    if (ids === undefined) {
      // A slice would keep the whole chunk alive as long as the cache holds the key.
      sym = copyString(text, f.symStart, se);
      const name = this.tidyFrame(text.slice(f.addrStart, f.addrEnd), sym, this.lastDso);
      ids = name === '' ? [] : name.indexOf(';') < 0 ? this.trie.intern(name) : name.split(';').map((p) => this.trie.intern(p));
      // With --addrs an unknown symbol's name holds its address; --inline depends on it too.
      if (!(this.o.addrs && sym.indexOf('[unknown]') >= 0) && !this.o.inline) syms.set(sym, ids);
    }
    if (typeof ids === 'number') this.pushFrame(ids);
    // Pieces are root first; frames are collected leaf first.
    else for (let i = ids.length - 1; i >= 0; i--) this.pushFrame(ids[i]);
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
    if (src !== '') this.frames[this.depth - 1] = this.trie.intern(`${this.trie.names[this.frames[this.depth - 1]]}:${src}`);
  }

  private onEnd(): void {
    const root = this.root;
    if (root === null) return;
    const trie = this.trie;
    let node = 0;
    for (let i = 0; i < root.length; i++) node = trie.child(node, root[i]);
    const fr = this.frames;
    for (let i = this.depth - 1; i >= 0; i--) node = trie.child(node, fr[i]);
    trie.add(node, this.weight);
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

/** A substring that does not share (and so keep alive) the memory of `text`. */
function copyString(text: string, start: number, end: number): string {
  return Buffer.from(text.slice(start, end), 'latin1').toString('latin1');
}

/** Byte-wise order of latin1 strings, as Perl's `sort { $a cmp $b }`. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Counts print as integers; sums past 2^53 print exactly what the double holds. */
export function formatCount(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.round(n)).toString();
}
