// The core of heatmap-svg: perf script text in, a subsecond-offset heat map out, as a grid
// of sample counts (column = whole second, row = offset bucket within the second) plus,
// optionally, a table of the distinct stacks and per-cell stack counts, from which the
// SVG draws the flame graph of any selected range.
//
// Reads what src/parse/perf-script.ts parses, e.g.
//   java  8192 [000]  5076.100000: cpu-clock:
//   \t    7fa4b39f24f8 STACK-1_at_time_0s_and_offset_100ms (/tmp/perf-4771.map)
//   swapper     0 [001]  5076.110000: cpu-clock:
//   \tffffffff8101c6b6 default_idle ([kernel.kallsyms])
//   \tffffffff8101d2df arch_cpu_idle ([kernel.kallsyms])
//
// Reference behaviour: Netflix flamescope's bucketing (app/perf/heatmap.py,
// app/controllers/heatmap.py; ../shared/reference §7) with exact decimal time, its idle
// pattern tested on the sample's text, the first-event filter of stackcollapse-perf.pl,
// and the origin of `range-perf --timezerosecs` (the first sample's whole second).
// ../shared/conformance/tools/heatmap-cells.py states the rules the cells follow.
//
// Memory: the grid and the stack table, never per-sample data. Samples are bucketed as
// they end; with `rows: 'auto'` the first few thousand are held back until the rate is
// known.
import { PerfScriptScanner, type BadLine, type FrameSpan, type Header } from '../parse/perf-script.js';
import { StackScanner, type SampleHeader } from '../parse/stack-scanner.js';
import { rootFrameName, tidyFrameName, tidyStrippedName, type FrameNameOptions } from '../parse/frame-name.js';
import { ColumnStacks, TreeBuilder } from './stack-tree.js';
import { LeafTable } from './leaf-table.js';
import { HeatGrid } from './grid.js';
import { formatCellsTsv, nearestRows, ROW_CHOICES, type Heatmap, type HeatmapOptions, type HeatmapStats, type RateInfo, type StackTree } from './heatmap-model.js';
import { FLAMESCOPE_IDLE, lineOf, rstrip, SCAN_IDLE, SCAN_SWAPPER, scanIdleLine } from './idle.js';
import { Q_IDLE, Q_SKIP_FIRST, Q_SWAPPER, SampleQueue } from './sample-queue.js';
import { StacksIdle } from './stacks-idle.js';
import { grownTo } from '../typed-arrays.js';

export { ColumnStacks, FLAMESCOPE_IDLE, formatCellsTsv, nearestRows, ROW_CHOICES, type Heatmap, type HeatmapOptions, type HeatmapStats, type RateInfo, type StackTree };


/** A root (process) name, as the stacks mode meets it: its index (for the leaf table) and name id. */
interface RootInfo {
  index: number;
  id: number;
  java: boolean;
  /** The root's own node (-1 until made), and its last new stack (-1: none) with the nodes along it, root first. */
  node: number;
  prevStack: number;
  prevPath: Int32Array;
}


/**
 * Builds a heat map from perf script text. Feed chunks of whole lines (latin1) with
 * `push`, call `endInput` after each input, then `result()`.
 *
 * Three ways of reading, by what the options need of each line:
 * - stacks (the usual case): the core's stacks mode (src/parse/stack-scanner.ts), as
 *   stackcollapse reads: the core interns each frame as a (symbol, dso) pair and each
 *   sample's frames as a stack; the naming rules run here once per pair, and the tree
 *   node of a stack once per (root name, stack);
 * - no stacks: the core's line records, headers only, frame lines unparsed (they only go
 *   to the idle test);
 * - stacks with --addrs (an unknown symbol's name holds its address, which pairs leave
 *   out) or an --idle-regex (tested on whole lines): line records with each frame parsed.
 */
export class HeatmapBuilder {
  readonly stats: HeatmapStats = { read: 0, samples: 0, idle: 0, otherEvents: new Map(), untimed: 0, event: null, unsorted: false };
  private lines: PerfScriptScanner | null = null;
  private fast: StackScanner | null = null;
  private readonly stacks: boolean;
  private readonly idleMode: 'flamescope' | RegExp | null;
  private readonly names: FrameNameOptions;
  private readonly pidRoot: boolean;
  private readonly tidRoot: boolean;
  /** The grid of counts and per-cell stacks (grid.ts), and the tree of stacks (stack-tree.ts). */
  private readonly grid: HeatGrid;
  private readonly tree = new TreeBuilder();

  private origin: number | null = null;
  private inputFirst: number | null = null;
  /** This input's first and last sample times (any sample with a time), in seconds. */
  private spanFirst = Infinity;
  private spanLast = -Infinity;
  private maxSec = -Infinity;
  private maxNs = 0;

  // Stacks mode: per core id, what is worked out once.
  private eventNames: string[] = [];
  /** Per core root id: the root name's info (shared by the roots of one name). */
  private rootInfo: RootInfo[] = [];
  private readonly rootsByName = new Map<string, RootInfo>();
  /** The leaf node of each (root name, stack) met (leaf-table.ts). */
  private leaves = new LeafTable();
  /**
   * Per pair id, by Java-ness: its frame names, 0 until worked out, then 1 (none: the
   * frame is dropped), name id + 2 (one name), or -(k + 1): names `pairNames[k]`, root
   * first (a name with ';' is split). No object per pair (a million of them cost time in
   * every garbage collection).
   */
  private pairIds: Int32Array[] = [new Int32Array(1024), new Int32Array(1024)];
  private pairNames: number[][] = [];
  /** The idle test of the stacks mode (null without it, or once released). */
  private idle: StacksIdle | null = null;
  /** The chunk's ended samples, handled once its records are read (flushSamples). */
  private readonly queue = new SampleQueue<RootInfo>();
  private rootNow: RootInfo | null = null;
  private skipFirst = false;

  // The sample being read (line records).
  private active = false;
  private sec = 0;
  private ns = 0;
  private rootName = '';
  private java = false;
  private cpuKey = '';
  /** Frame name ids of the sample being read, leaf first, per frame (line records with stacks). */
  private readonly frames: number[][] = [];
  private swapperSeen = false;
  private isIdle = false;
  private idleText = '';

  constructor(
    opts: HeatmapOptions = {},
    private readonly onBad: (b: BadLine) => void = () => {},
  ) {
    this.stacks = opts.stacks ?? true;
    this.idleMode = opts.idle === undefined ? 'flamescope' : opts.idle;
    this.names = { kernel: opts.kernel ?? false, jit: opts.jit ?? false, addrs: opts.addrs ?? false, java: false };
    this.pidRoot = Boolean(opts.pid || opts.tid);
    this.tidRoot = Boolean(opts.tid);
    this.grid = new HeatGrid(opts.rows ?? 50, this.stacks, this.stats);
    if (opts.eventFilter != null) this.stats.event = opts.eventFilter;
    this.makeScanner();
  }

  private makeScanner(): void {
    const bad = (b: BadLine) => this.onBad(b);
    if (this.stacks && !this.names.addrs && !(this.idleMode instanceof RegExp)) {
      this.fast = new StackScanner({
        header: (h) => this.onSampleHeader(h),
        sample: (stack) => this.onSample(stack),
        bad,
        comment: (text) => this.onComment(text),
      });
      if (this.idleMode === 'flamescope') this.idle = new StacksIdle(this.fast);
      return;
    }
    const handlers = {
      header: (h: Header, text: string) => this.onHeader(h, text),
      end: () => this.onEnd(),
      bad,
      comment: (text: string, s: number, e: number) => this.onComment(text.slice(s, e)),
    };
    if (this.stacks) this.lines = new PerfScriptScanner({ ...handlers, frame: (f: FrameSpan, text: string) => this.onFrame(f, text) });
    else this.lines = new PerfScriptScanner({ ...handlers, other: (text: string, s: number, e: number) => this.onOther(text, s, e) });
  }

  /** Parses a chunk of whole lines; `bytes`, when given, are the bytes `text` was decoded from (latin1). */
  push(text: string, bytes?: Uint8Array): void {
    if (this.fast) {
      this.fast.push(bytes !== undefined && bytes.length === text.length ? bytes : Buffer.from(text, 'latin1'));
      this.flushSamples();
    } else this.lines!.push(text, bytes);
  }

  /**
   * Whether `pushBytes` can take raw bytes (the stacks mode): then no text need be made of
   * the input. Otherwise feed whole lines with `push`.
   */
  get takesBytes(): boolean {
    return this.fast !== null;
  }

  /**
   * Feeds any piece of an input as bytes (only when `takesBytes`): a line cut at the end
   * waits for the rest, or for `endInput`. The bytes are copied into the core at once (the
   * caller may reuse its buffer).
   */
  pushBytes(bytes: Uint8Array): void {
    this.fast!.push(bytes);
    this.flushSamples();
  }

  /** Says that an input of at least `bytes` bytes follows (a file's size; see StackScanner.expectInput). */
  expectInput(bytes: number): void {
    this.fast?.expectInput(bytes);
  }

  /** Bytes of a last line not yet ended, held back by pushBytes (for a bound on line length). */
  get pending(): number {
    return this.fast === null ? 0 : this.fast.pending;
  }

  /**
   * Ends one input: its last sample ends even without a blank line. Returns the input's
   * first and last sample times in seconds (±Infinity when it had none).
   */
  endInput(): { first: number; last: number } {
    if (this.fast) {
      this.fast.finish();
      this.flushSamples();
      this.fast.lineNo = 0;
    } else {
      this.lines!.finish();
      this.lines!.lineNo = 0;
    }
    this.inputFirst = null;
    const span = { first: this.spanFirst, last: this.spanLast };
    this.spanFirst = Infinity;
    this.spanLast = -Infinity;
    return span;
  }

  /**
   * Drops what only reading needs (the stack lookups), keeping what `result()` returned:
   * call once the input is read, before encoding, to lower the peak.
   */
  release(): void {
    this.tree.release();
    this.fast = null;
    this.lines = null;
    this.rootInfo = [];
    this.rootsByName.clear();
    this.leaves = new LeafTable();
    this.pairIds = [new Int32Array(0), new Int32Array(0)];
    this.pairNames = [];
    this.idle = null;
  }

  /** Whether any sample header carried a timestamp. */
  get timed(): boolean {
    return (this.fast ?? this.lines)!.timedHeaders > 0;
  }

  result(): Heatmap {
    const g = this.grid;
    g.finish();
    let minSec: number | null = null;
    let maxSec: number | null = null;
    for (const s of g.columns.keys()) {
      if (minSec === null || s < minSec) minSec = s;
      if (maxSec === null || s > maxSec) maxSec = s;
    }
    return {
      rows: g.rows,
      rate: g.rate,
      origin: this.origin,
      minSec,
      maxSec,
      columns: g.columns,
      cellStacks: g.cellStacks,
      tree: this.stacks ? this.tree.result() : null,
      stats: this.stats,
      maxCount: g.maxCount,
    };
  }

  // --- samples that are not perf script text ---------------------------------------

  /**
   * The leaf node of a stack named in full, for samples that are not perf script text
   * (src/heatmap/profile-samples.ts): the root (process or thread) name, then the frames
   * root first, all byte strings as perf's names are. -1 without stacks.
   */
  stackNode(root: string, frames: readonly string[]): number {
    if (!this.stacks) return -1;
    let node = this.tree.child(-1, this.tree.nameId(root));
    for (let i = 0; i < frames.length; i++) node = this.tree.child(node, this.tree.nameId(frames[i]));
    return node;
  }

  /**
   * One timed sample that is not perf script text: its second and nanoseconds, the CPU (or
   * thread) that took it (`rows: 'auto'` measures the rate per key), its stack's leaf node
   * from `stackNode`, and whether it is idle (left out unless the idle filter is off).
   * Such samples have no event: the event filter does not apply.
   */
  addTimedSample(sec: number, ns: number, cpuKey: string, node: number, idle: boolean): void {
    this.stats.read++;
    this.timeSeen(sec, ns);
    if (idle && this.idleMode !== null) {
      this.stats.idle++;
      return;
    }
    this.grid.add(sec, ns, cpuKey, node);
  }

  /** The idle filter: 'flamescope', an --idle-regex, or null (idle samples kept). */
  get idleFilter(): 'flamescope' | RegExp | null {
    return this.idleMode;
  }

  // --- reading: what every sample header does ----------------------------------------

  /** A timed sample: order, origin and this input's span. */
  private timeSeen(sec: number, ns: number): void {
    if (sec < this.maxSec || (sec === this.maxSec && ns < this.maxNs)) this.stats.unsorted = true;
    else {
      this.maxSec = sec;
      this.maxNs = ns;
    }
    if (this.inputFirst === null) {
      this.inputFirst = sec;
      if (this.origin === null || sec < this.origin) this.origin = sec;
    }
    const t = sec + ns / 1e9;
    if (t < this.spanFirst) this.spanFirst = t;
    if (t > this.spanLast) this.spanLast = t;
  }

  /** Whether a sample of this event is kept (the first event seen, or --event-filter); others are counted. */
  private keepEvent(event: string): boolean {
    // Samples whose header names no event cannot be filtered, and count (as stackcollapse).
    if (event === '') return true;
    if (this.stats.event === null) this.stats.event = event;
    if (event === this.stats.event) return true;
    this.stats.otherEvents.set(event, (this.stats.otherEvents.get(event) ?? 0) + 1);
    return false;
  }

  private onComment(line: string): void {
    // Samples before the comment go into the grid first (the comment may set the rate).
    if (this.queue.n > 0) this.flushSamples();
    if (!this.grid.autoRows || this.grid.headerHzSource === 'cmdline') return;
    if (line.startsWith('# cmdline')) {
      const m = /\s(?:-F\s*|--freq[= ])(\d+)/.exec(line);
      if (m) {
        this.grid.headerHz = Number(m[1]);
        this.grid.headerHzSource = 'cmdline';
      }
    } else if (line.startsWith('# event') && this.grid.headerHz === 0) {
      const m = /sample_freq \}? ?= (\d+)/.exec(line);
      if (m && /[ ,]freq = 1\b/.test(line)) {
        this.grid.headerHz = Number(m[1]);
        this.grid.headerHzSource = 'header';
      }
    }
  }

  // --- reading: the core's stacks mode ----------------------------------------------

  private onSampleHeader(h: SampleHeader): void {
    this.stats.read++;
    this.rootNow = null;
    if (!h.hasTime) {
      this.stats.untimed++;
      return;
    }
    this.timeSeen(h.sec, h.ns);
    let event = this.eventNames[h.event];
    if (event === undefined) event = this.eventNames[h.event] = this.fast!.event(h.event);
    if (!this.keepEvent(event)) return;
    let info = this.rootInfo[h.root];
    if (info === undefined) {
      const { comm, pid, tid } = this.fast!.root(h.root);
      const name = rootFrameName(comm, pid, tid, { pid: this.pidRoot, tid: this.tidRoot });
      let named = this.rootsByName.get(name);
      if (named === undefined) {
        named = { index: this.rootsByName.size, id: this.tree.nameId(name), java: name.startsWith('java'), node: -1, prevStack: -1, prevPath: new Int32Array(0) };
        this.rootsByName.set(name, named);
      }
      info = this.rootInfo[h.root] = named;
    }
    this.rootNow = info;
    this.sec = h.sec;
    this.ns = h.ns;
    if (this.grid.measuring) {
      if (h.cpu >= 0) this.cpuKey = `c${h.cpu}`;
      else {
        const { pid, tid } = this.fast!.root(h.root);
        this.cpuKey = `t${tid ?? pid}`;
      }
    }
    this.isIdle = false;
    this.swapperSeen = false;
    this.skipFirst = h.frameOnHeader;
    // The header line first (the frame printed on it, if any, included: skipFirst).
    if (this.idle !== null) {
      const answer = this.idle.header(h);
      this.swapperSeen = (answer & SCAN_SWAPPER) !== 0;
      this.isIdle = (answer & SCAN_IDLE) !== 0;
    }
  }

  /** A sample's end (its header was kept): queued (see SampleQueue). */
  private onSample(stack: number): void {
    const info = this.rootNow;
    if (info === null) return;
    this.rootNow = null;
    const flags = (this.isIdle ? Q_IDLE : 0) | (this.swapperSeen ? Q_SWAPPER : 0) | (this.skipFirst ? Q_SKIP_FIRST : 0);
    this.queue.add(stack, this.sec, this.ns, flags, info, this.cpuKey);
  }

  /** Handles the queued samples, in order (stack ids are read while the chunk's records are valid). */
  private flushSamples(): void {
    const q = this.queue;
    const n = q.n;
    q.n = 0;
    for (let i = 0; i < n; i++) {
      const f = q.flags[i];
      this.sampleEnd(q.root[i], q.stack[i], q.sec[i], q.ns[i], q.cpu[i], (f & Q_IDLE) !== 0, (f & Q_SWAPPER) !== 0, (f & Q_SKIP_FIRST) !== 0);
    }
  }

  private sampleEnd(info: RootInfo, stack: number, sec: number, ns: number, cpuKey: string, isIdle: boolean, seen: boolean, skip: boolean): void {
    if (this.idleMode !== null && (isIdle || (this.idle !== null && this.idle.stack(stack, seen, skip)))) {
      this.stats.idle++;
      return;
    }
    // The leaf node of this stack under this root: worked out once.
    let node = this.leaves.get(info.index, stack);
    if (node < 0) {
      node = this.stackLeaf(info, stack);
      this.leaves.set(info.index, stack, node);
    }
    this.grid.add(sec, ns, cpuKey, node);
  }

  /**
   * The tree node of stack `stack` (pair ids, leaf first) under root `info`. The root's
   * previous new stack usually shares its first (root-side) frames: their nodes are taken
   * from it by comparing pair ids, without a probe of the tree's table per frame.
   */
  private stackLeaf(info: RootInfo, stack: number): number {
    // The stacks' pair ids are read in the core's memory, without a view made per stack.
    const fast = this.fast!;
    const mem = fast.memory;
    const at = fast.stackAt(stack);
    const n = fast.stackLength(stack);
    const pat = info.prevStack < 0 ? 0 : fast.stackAt(info.prevStack);
    const m = info.prevStack < 0 ? 0 : fast.stackLength(info.prevStack);
    let k = 0;
    while (k < n && k < m && mem[at + n - 1 - k] === mem[pat + m - 1 - k]) k++;
    const path = info.prevPath.length >= n ? info.prevPath : (info.prevPath = grownTo(info.prevPath, Math.max(n, 2 * info.prevPath.length)));
    let node = k > 0 ? path[k - 1] : info.node >= 0 ? info.node : (info.node = this.tree.child(-1, info.id));
    const java = info.java ? 1 : 0;
    const tree = this.tree;
    // Once a node is new, the ones after it are too: no lookup (newChild).
    let fresh = false;
    for (let i = n - 1 - k; i >= 0; i--) {
      const pair = mem[at + i];
      let v = pair < this.pairIds[java].length ? this.pairIds[java][pair] : 0;
      if (v === 0) v = this.learnPair(pair, java);
      if (v >= 2) {
        if (fresh) node = tree.newChild(node, v - 2);
        else {
          const before = tree.count;
          node = tree.child(node, v - 2);
          fresh = tree.count > before;
        }
      } else if (v < 0) {
        const ids = this.pairNames[-v - 1];
        for (let j = 0; j < ids.length; j++) {
          if (fresh) node = tree.newChild(node, ids[j]);
          else {
            const before = tree.count;
            node = tree.child(node, ids[j]);
            fresh = tree.count > before;
          }
        }
      }
      path[n - 1 - i] = node;
    }
    info.prevStack = stack;
    return node;
  }

  /**
   * Reads pair `pair` from the core and works out its frame names for Java-ness `java`
   * (see pairIds; returned). The text is the idle test's when it has just read it
   * (StacksIdle.takePair), else read again; it is not kept: strings kept per pair cost
   * more in garbage collections than reading them again.
   */
  private learnPair(pair: number, java: number): number {
    const { sym, dso } = (this.idle !== null ? this.idle.takePair(pair) : null) ?? this.fast!.pair(pair);
    this.names.java = java === 1;
    const name = tidyStrippedName(sym, dso, this.names);
    let v: number;
    if (name === '') v = 1;
    else if (name.indexOf(';') < 0) v = this.tree.nameId(name, true) + 2;
    else {
      this.pairNames.push(name.split(';').map((x) => this.tree.nameId(x, true)));
      v = -this.pairNames.length;
    }
    let ids = this.pairIds[java];
    if (pair >= ids.length) {
      ids = this.pairIds[java] = grownTo(ids, Math.max(pair + 1, 2 * ids.length));
    }
    ids[pair] = v;
    return v;
  }

  // --- reading: line records --------------------------------------------------------

  private onHeader(h: Header, text: string): void {
    this.stats.read++;
    this.active = false;
    if (!h.hasTime) {
      this.stats.untimed++;
      return;
    }
    this.timeSeen(h.sec, h.ns);
    if (!this.keepEvent(h.event)) return;
    this.active = true;
    this.sec = h.sec;
    this.ns = h.ns;
    if (this.grid.measuring) this.cpuKey = h.cpu >= 0 ? `c${h.cpu}` : `t${h.tid ?? h.pid}`;
    this.swapperSeen = false;
    this.isIdle = false;
    if (this.idleMode !== null) {
      if (this.idleMode === 'flamescope') this.scanIdle(text, h.start, h.end);
      else this.idleText = rstrip(text, h.start, h.end);
    }
    if (this.stacks) {
      this.rootName = rootFrameName(h.comm, h.pid, h.tid, { pid: this.pidRoot, tid: this.tidRoot });
      this.java = this.rootName.startsWith('java');
      this.frames.length = 0;
    }
  }

  /** A frame line of the current sample (or the frame printed on its header line). */
  private onFrame(f: FrameSpan, text: string): void {
    if (!this.active) return;
    this.frames.push(this.tidy(text.slice(f.addrStart, f.addrEnd), text.slice(f.symStart, f.symEnd), text.slice(f.dsoStart, f.dsoEnd), this.java));
    // A frame on the header line is part of the line the idle test has read already.
    if (f.onHeader || this.idleMode === null) return;
    if (this.idleMode === 'flamescope') {
      if (!this.isIdle) this.scanIdle(text, f.addrStart, f.dsoEnd + 1);
    } else this.idleText += lineOf(text, f.addrStart);
  }

  private tidy(pc: string, sym: string, dso: string, java: boolean): number[] {
    this.names.java = java;
    const name = tidyFrameName(pc, sym, dso, this.names);
    return name === '' ? [] : name.split(';').map((n) => this.tree.nameId(n));
  }

  private onOther(text: string, s: number, e: number): void {
    if (!this.active || this.idleMode === null || this.isIdle) return;
    if (this.idleMode === 'flamescope') this.scanIdle(text, s, e);
    else this.idleText += rstrip(text, s, e);
  }

  /** FlameScope's idle test on one more line of the sample (idle.ts, scanIdleLine). */
  private scanIdle(text: string, s: number, e: number): void {
    const answer = scanIdleLine(text, s, e, this.swapperSeen);
    if (answer & SCAN_SWAPPER) this.swapperSeen = true;
    if (answer & SCAN_IDLE) this.isIdle = true;
  }

  private onEnd(): void {
    if (!this.active) return;
    this.active = false;
    if (this.idleMode instanceof RegExp) this.isIdle = this.idleMode.test(this.idleText);
    if (this.isIdle) {
      this.stats.idle++;
      return;
    }
    let node = -1;
    if (this.stacks) {
      node = this.tree.child(-1, this.tree.nameId(this.rootName));
      const fr = this.frames;
      for (let i = fr.length - 1; i >= 0; i--) {
        const ids = fr[i];
        for (let j = 0; j < ids.length; j++) node = this.tree.child(node, ids[j]);
      }
    }
    this.grid.add(this.sec, this.ns, this.cpuKey, node);
  }
}
