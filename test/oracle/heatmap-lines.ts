// heatmap-svg's HeatmapBuilder as it was before its stacks came from the core's stacks mode
// (commit 7b3f567): line records, its own frame-line memo and stack cache. The oracle of
// test/heatmap-core.test.ts, which holds the core-based builder to it. Not used by src/.
//
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
import { copyString, PerfScriptScanner, type BadLine, type FrameSpan, type Header } from '../../src/parse/perf-script.js';
import { rootFrameName, tidyFrameName, type FrameNameOptions } from '../../src/parse/frame-name.js';

/** FlameScope's idle pattern (app/perf/regexp.py). */
export const FLAMESCOPE_IDLE = /swapper.*(cpuidle|cpu_idle|cpu_bringup_and_idle|native_safe_halt|xen_hypercall_sched_op|xen_hypercall_vcpu_op)/;
// The idle names are the product's (FlameScope's and those of today's VMs): the oracle
// holds the reading, not the list.
import { IDLE_NAMES } from '../../src/heatmap/idle.js';

/** Rows FlameScope offers; `rows: 'auto'` picks the one nearest the sampling rate. */
export const ROW_CHOICES = [10, 25, 49, 50, 99, 100];

export interface HeatmapOptions {
  /** Offset buckets per second, or 'auto' (from the recorded or measured rate). Default 50. */
  rows?: number | 'auto';
  /** Keep only this event; null keeps the first event seen (as stackcollapse). Default null. */
  eventFilter?: string | null;
  /**
   * Idle samples are left out: 'flamescope' tests FlameScope's pattern on the sample's
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
  /** Distinct frame lines remembered before the memo starts over (tests lower it). Default 262,144. */
  memoLines?: number;
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

/** The distinct stacks, as a tree: node i is frame `frame[i]` under node `parent[i]` (-1: a root). */
export interface StackTree {
  names: string[];
  parent: Int32Array;
  frame: Int32Array;
  size: number;
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

const MEASURE_SAMPLES = 20000;
/** Memoised frame lines kept at most (about 100 bytes each); past it the memo starts afresh. */
const MAX_LINES = 1 << 18;

/**
 * (parent, frame) -> child node: open addressing over one typed array of node ids (4 bytes
 * a slot, no per-entry objects); a slot's key is read back from the tree's own arrays.
 */
class ChildTable {
  private mask = (1 << 16) - 1;
  private slots = new Int32Array(1 << 16).fill(-1);
  private size = 0;

  /** The tree's arrays, which may be replaced as they grow. */
  parent = new Int32Array(1024);
  frame = new Int32Array(1024);

  private static hash(parent: number, frame: number): number {
    let h = Math.imul(parent + 1, 0x9e3779b1) ^ Math.imul(frame, 0x85ebca77);
    h ^= h >>> 15;
    return h;
  }

  /** The child, or -1. */
  get(parent: number, frame: number): number {
    const slots = this.slots;
    const mask = this.mask;
    for (let i = ChildTable.hash(parent, frame) & mask; ; i = (i + 1) & mask) {
      const node = slots[i];
      if (node < 0) return -1;
      if (this.parent[node] === parent && this.frame[node] === frame) return node;
    }
  }

  /** Adds a node whose parent and frame are already in the tree's arrays (and not in the table). */
  add(node: number): void {
    if (2 * (this.size + 1) > this.mask + 1) {
      const old = this.slots;
      this.mask = old.length * 2 - 1;
      this.slots = new Int32Array(old.length * 2).fill(-1);
      for (let i = 0; i < old.length; i++) if (old[i] >= 0) this.place(old[i]);
    }
    this.place(node);
    this.size++;
  }

  private place(node: number): void {
    const mask = this.mask;
    let i = ChildTable.hash(this.parent[node], this.frame[node]) & mask;
    while (this.slots[i] >= 0) i = (i + 1) & mask;
    this.slots[i] = node;
  }
}

/** Columns of stack counts kept in their open (hash table) form at once. */
const OPEN_COLUMNS = 4;

/**
 * The stack counts of one column: (node, row) -> count. While samples arrive, an
 * open-addressing table (node + 1, row, count per slot; 0 = empty); once the column is
 * left, packed into (row, node, count) triples sorted by row and node, exactly the order
 * the SVG embeds them in. A packed column that gets samples again is reopened.
 */
export class ColumnStacks {
  private table: Int32Array | null = null;
  private mask = 0;
  private size = 0;
  private packed = new Int32Array(0);

  constructor(private readonly rows: number) {}

  /** One more sample of stack `node` in `row`. */
  add(node: number, row: number): void {
    if (this.table === null) this.unpack();
    const t = this.table!;
    const mask = this.mask;
    let h = Math.imul(node, 0x9e3779b1) ^ Math.imul(row + 1, 0x85ebca77);
    h ^= h >>> 15;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const p = 3 * i;
      const k = t[p];
      if (k === 0) {
        t[p] = node + 1;
        t[p + 1] = row;
        t[p + 2] = 1;
        if (2 * ++this.size > mask + 1) this.grow();
        return;
      }
      if (k === node + 1 && t[p + 1] === row) {
        t[p + 2]++;
        return;
      }
    }
  }

  private put(node: number, row: number, count: number): void {
    const t = this.table!;
    const mask = this.mask;
    let h = Math.imul(node, 0x9e3779b1) ^ Math.imul(row + 1, 0x85ebca77);
    h ^= h >>> 15;
    let i = h & mask;
    while (t[3 * i] !== 0) i = (i + 1) & mask;
    t[3 * i] = node + 1;
    t[3 * i + 1] = row;
    t[3 * i + 2] = count;
    this.size++;
  }

  private alloc(entries: number): void {
    let n = 16;
    while (n < 2 * entries + 2) n *= 2;
    this.table = new Int32Array(3 * n);
    this.mask = n - 1;
    this.size = 0;
  }

  private grow(): void {
    const old = this.table!;
    this.alloc(this.size * 2);
    for (let p = 0; p < old.length; p += 3) if (old[p] !== 0) this.put(old[p] - 1, old[p + 1], old[p + 2]);
  }

  private unpack(): void {
    const pk = this.packed;
    this.alloc(pk.length / 3);
    for (let p = 0; p < pk.length; p += 3) this.put(pk[p + 1], pk[p], pk[p + 2]);
    this.packed = new Int32Array(0);
  }

  /** Packs the open table (see the class comment). */
  pack(): void {
    const t = this.table;
    if (t === null) return;
    // Sort (row, node) as one exact double; counts are found again in the table.
    const keys = new Float64Array(this.size);
    let n = 0;
    for (let p = 0; p < t.length; p += 3) if (t[p] !== 0) keys[n++] = t[p + 1] * 2 ** 31 + (t[p] - 1);
    keys.sort();
    const pk = new Int32Array(3 * n);
    for (let i = 0; i < n; i++) {
      const row = Math.floor(keys[i] / 2 ** 31);
      const node = keys[i] - row * 2 ** 31;
      pk[3 * i] = row;
      pk[3 * i + 1] = node;
      pk[3 * i + 2] = this.count(node, row);
    }
    this.packed = pk;
    this.table = null;
    this.size = 0;
  }

  private count(node: number, row: number): number {
    const t = this.table!;
    const mask = this.mask;
    let h = Math.imul(node, 0x9e3779b1) ^ Math.imul(row + 1, 0x85ebca77);
    h ^= h >>> 15;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const k = t[3 * i];
      if (k === 0) return 0;
      if (k === node + 1 && t[3 * i + 1] === row) return t[3 * i + 2];
    }
  }

  /** (row, node, count) triples sorted by row, then node. */
  sorted(): Int32Array {
    this.pack();
    return this.packed;
  }

  /** [node * rows + row, count] pairs, in no particular order. */
  *[Symbol.iterator](): IterableIterator<[number, number]> {
    const pk = this.sorted();
    for (let p = 0; p < pk.length; p += 3) yield [pk[p + 1] * this.rows + pk[p], pk[p + 2]];
  }
}

/**
 * A sample's stack, as its root name id and the memo keys of its frame lines (leaf first),
 * -> the tree node of its leaf. One hash over a few dozen small integers and a sequential
 * compare, where walking the tree costs a probe of a large table per frame. Keys are only
 * valid until the frame-line memo is forgotten: `clear` then.
 */
class PathCache {
  private mask = (1 << 12) - 1;
  private slots = new Int32Array(1 << 12);
  private hash: Int32Array = new Int32Array(1 << 11);
  private off: Int32Array = new Int32Array(1 << 11);
  private node: Int32Array = new Int32Array(1 << 11);
  private count = 0;
  /** Per entry: root, length, then the keys. */
  private pool = new Int32Array(1 << 16);
  private used = 0;
  private static readonly MAX_POOL = 1 << 22;

  clear(bits = 12): void {
    this.mask = (1 << bits) - 1;
    this.slots = new Int32Array(1 << bits);
    this.hash = new Int32Array(1 << Math.max(0, bits - 1));
    this.off = new Int32Array(1 << Math.max(0, bits - 1));
    this.node = new Int32Array(1 << Math.max(0, bits - 1));
    this.count = 0;
    this.pool = new Int32Array(1 << (bits + 4));
    this.used = 0;
  }

  private static hashOf(root: number, keys: number[]): number {
    let h = Math.imul(root + 1, 0x9e3779b1) ^ keys.length;
    for (let i = 0; i < keys.length; i++) h = Math.imul(h ^ keys[i], 0x01000193);
    h ^= h >>> 15;
    return h | 1;
  }

  /** The leaf node of this stack, or -1. */
  find(root: number, keys: number[]): number {
    const h = PathCache.hashOf(root, keys);
    const n = keys.length;
    const pool = this.pool;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const e = this.slots[i] - 1;
      if (e < 0) return -1;
      if (this.hash[e] !== h) continue;
      let o = this.off[e];
      if (pool[o] !== root || pool[o + 1] !== n) continue;
      o += 2;
      let j = 0;
      while (j < n && pool[o + j] === keys[j]) j++;
      if (j === n) return this.node[e];
    }
  }

  /** Remembers a stack that `find` has just missed. */
  add(root: number, keys: number[], node: number): void {
    const n = keys.length;
    if (this.used + n + 2 > this.pool.length) {
      if (this.used + n + 2 > PathCache.MAX_POOL) this.clear();
      else {
        const p = new Int32Array(Math.max(this.pool.length * 2, this.used + n + 2));
        p.set(this.pool.subarray(0, this.used));
        this.pool = p;
      }
    }
    if (n + 2 > this.pool.length) return;
    const e = this.count;
    if (e === this.hash.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.hash = grow(this.hash);
      this.off = grow(this.off);
      this.node = grow(this.node);
    }
    const h = PathCache.hashOf(root, keys);
    this.hash[e] = h;
    this.off[e] = this.used;
    this.node[e] = node;
    this.count++;
    const pool = this.pool;
    let o = this.used;
    pool[o++] = root;
    pool[o++] = n;
    for (let j = 0; j < n; j++) pool[o++] = keys[j];
    this.used = o;
    if (2 * this.count > this.mask + 1) {
      const size = (this.mask + 1) * 2;
      this.mask = size - 1;
      this.slots = new Int32Array(size);
      for (let k = 0; k < this.count; k++) this.place(k);
    } else this.place(e);
  }

  private place(e: number): void {
    let i = this.hash[e] & this.mask;
    while (this.slots[i] !== 0) i = (i + 1) & this.mask;
    this.slots[i] = e + 1;
  }
}

/**
 * Builds a heat map from perf script text. Feed chunks of whole lines (latin1) with
 * `push`, call `endInput` after each input, then `result()`.
 */
export class HeatmapBuilder {
  readonly stats: HeatmapStats = { read: 0, samples: 0, idle: 0, otherEvents: new Map(), untimed: 0, event: null, unsorted: false };
  private scanner!: PerfScriptScanner;
  private readonly stacks: boolean;
  private readonly idleMode: 'flamescope' | RegExp | null;
  private readonly names: FrameNameOptions;
  private readonly pidRoot: boolean;
  private readonly tidRoot: boolean;
  private rows: number;
  private autoRows: boolean;
  private rate: RateInfo | null = null;
  private headerHz = 0;
  private headerHzSource: RateInfo['source'] = 'default';

  private origin: number | null = null;
  private inputFirst: number | null = null;
  private maxSec = -Infinity;
  private maxNs = 0;
  private readonly columns = new Map<number, Uint32Array>();
  private readonly cellStacks = new Map<number, ColumnStacks>();
  /** Columns whose stack counts are in their (larger, faster) open form, least recent first. */
  private readonly openColumns: ColumnStacks[] = [];
  private lastSec = NaN;
  private lastCol: Uint32Array | null = null;
  private lastStacks: ColumnStacks | null = null;
  private maxCount = 0;

  // Stack tree.
  private readonly nameIds = new Map<string, number>();
  private readonly nameList: string[] = [];
  private nodes = 0;
  /** Holds the tree's parent and frame arrays. */
  private children = new ChildTable();
  /** (root name, frame line keys) of samples seen -> their leaf node: most samples repeat a stack. */
  private readonly paths = new PathCache();
  private lastRootName = '';
  private lastRootId = -1;
  /**
   * Memoised frame lines (the scanner's `frameKeyed`/`frameSeen`): per key, the line's pc,
   * symbol and dso, its name ids for a non-Java (2k) and a Java (2k+1) sample, filled on
   * first use, and what the idle test needs of it (IDLE_* bits).
   */
  private linePc: string[] = [];
  private lineSym: string[] = [];
  private lineDso: string[] = [];
  private lineIds: (number[] | undefined)[] = [];
  private lineIdle: number[] = [];
  /** With an --idle-regex: the line itself, right-stripped, as FlameScope joins it. */
  private lineRaw: string[] = [];

  // The sample being read.
  private active = false;
  private sec = 0;
  private ns = 0;
  private rootName = '';
  private java = false;
  private cpuKey = '';
  private readonly memoLines: number;
  /** Frame line keys of the sample being read, leaf first (-1 - i: headerIds[i]). */
  private readonly frames: number[] = [];
  private readonly headerIds: number[][] = [];
  private swapperSeen = false;
  private isIdle = false;
  private idleText = '';

  // With rows 'auto': samples held back until the rate is known, and gaps per CPU.
  private pending: number[] = [];
  private lastByCpu = new Map<string, number>();
  private gaps: number[] = [];

  constructor(
    opts: HeatmapOptions = {},
    private readonly onBad: (b: BadLine) => void = () => {},
  ) {
    this.stacks = opts.stacks ?? true;
    this.memoLines = opts.memoLines ?? MAX_LINES;
    this.idleMode = opts.idle === undefined ? 'flamescope' : opts.idle;
    this.names = { kernel: opts.kernel ?? false, jit: opts.jit ?? false, addrs: opts.addrs ?? false, java: false };
    this.pidRoot = Boolean(opts.pid || opts.tid);
    this.tidRoot = Boolean(opts.tid);
    const rows = opts.rows ?? 50;
    this.autoRows = rows === 'auto';
    this.rows = rows === 'auto' ? 0 : rows;
    if (opts.eventFilter != null) this.stats.event = opts.eventFilter;
    this.makeScanner();
  }

  private makeScanner(): void {
    const handlers = {
      header: (h: Header, text: string) => this.onHeader(h, text),
      end: () => this.onEnd(),
      bad: (b: BadLine) => this.onBad(b),
      comment: (text: string, s: number, e: number) => this.onComment(text, s, e),
    };
    if (this.stacks) {
      this.scanner = new PerfScriptScanner({
        ...handlers,
        frameKeyed: (f: FrameSpan, text: string) => this.onFrameKeyed(f, text),
        frameSeen: (key: number) => this.onFrameSeen(key),
      });
    } else {
      this.scanner = new PerfScriptScanner({ ...handlers, other: (text: string, s: number, e: number) => this.onOther(text, s, e) });
    }
  }

  push(text: string): void {
    this.scanner.push(text);
  }

  /** Ends one input: its last sample ends even without a blank line. */
  endInput(): void {
    this.scanner.finish();
    this.scanner.lineNo = 0;
    this.inputFirst = null;
  }

  /**
   * Drops what only reading needs (the frame-line memo, the stack lookups), keeping what
   * `result()` returned: call once the input is read, before encoding, to lower the peak.
   */
  release(): void {
    this.forgetLines(0);
    const tree = { parent: this.children.parent, frame: this.children.frame };
    this.children = new ChildTable();
    this.children.parent = tree.parent;
    this.children.frame = tree.frame;
    this.nameIds.clear();
  }

  /** Forgets the memoised frame lines, and the stacks cached by them. */
  private forgetLines(cacheBits?: number): void {
    this.scanner.forgetFrames();
    this.paths.clear(cacheBits);
    this.linePc = [];
    this.lineSym = [];
    this.lineDso = [];
    this.lineIds = [];
    this.lineIdle = [];
    this.lineRaw = [];
  }

  /** Whether any sample header carried a timestamp. */
  get timed(): boolean {
    return this.scanner.timedHeaders > 0;
  }

  result(): Heatmap {
    if (this.autoRows && this.rows === 0) this.decideRows();
    for (const st of this.openColumns) st.pack();
    this.openColumns.length = 0;
    this.lastSec = NaN;
    let minSec: number | null = null;
    let maxSec: number | null = null;
    for (const s of this.columns.keys()) {
      if (minSec === null || s < minSec) minSec = s;
      if (maxSec === null || s > maxSec) maxSec = s;
    }
    return {
      rows: this.rows,
      rate: this.rate,
      origin: this.origin,
      minSec,
      maxSec,
      columns: this.columns,
      cellStacks: this.cellStacks,
      tree: this.stacks ? { names: this.nameList, parent: this.children.parent, frame: this.children.frame, size: this.nodes } : null,
      stats: this.stats,
      maxCount: this.maxCount,
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
    let node = this.child(-1, this.nameId(root));
    for (let i = 0; i < frames.length; i++) node = this.child(node, this.nameId(frames[i]));
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
    if (sec < this.maxSec || (sec === this.maxSec && ns < this.maxNs)) this.stats.unsorted = true;
    else {
      this.maxSec = sec;
      this.maxNs = ns;
    }
    if (this.inputFirst === null) {
      this.inputFirst = sec;
      if (this.origin === null || sec < this.origin) this.origin = sec;
    }
    if (idle && this.idleMode !== null) {
      this.stats.idle++;
      return;
    }
    this.sec = sec;
    this.ns = ns;
    this.cpuKey = cpuKey;
    if (this.rows === 0) this.holdBack(node);
    else this.place(sec, ns, node);
  }

  /** The idle filter: 'flamescope', an --idle-regex, or null (idle samples kept). */
  get idleFilter(): 'flamescope' | RegExp | null {
    return this.idleMode;
  }

  // --- scanning ---------------------------------------------------------------------

  private onComment(text: string, s: number, e: number): void {
    if (!this.autoRows || this.headerHzSource === 'cmdline') return;
    const line = text.slice(s, e);
    if (line.startsWith('# cmdline')) {
      const m = /\s(?:-F\s*|--freq[= ])(\d+)/.exec(line);
      if (m) {
        this.headerHz = Number(m[1]);
        this.headerHzSource = 'cmdline';
      }
    } else if (line.startsWith('# event') && this.headerHz === 0) {
      const m = /sample_freq \}? ?= (\d+)/.exec(line);
      if (m && /[ ,]freq = 1\b/.test(line)) {
        this.headerHz = Number(m[1]);
        this.headerHzSource = 'header';
      }
    }
  }

  private onHeader(h: Header, text: string): void {
    this.stats.read++;
    this.active = false;
    if (!h.hasTime) {
      this.stats.untimed++;
      return;
    }
    if (h.sec < this.maxSec || (h.sec === this.maxSec && h.ns < this.maxNs)) this.stats.unsorted = true;
    else {
      this.maxSec = h.sec;
      this.maxNs = h.ns;
    }
    if (this.inputFirst === null) {
      this.inputFirst = h.sec;
      if (this.origin === null || h.sec < this.origin) this.origin = h.sec;
    }
    const event = h.event;
    // Samples whose header names no event cannot be filtered, and count (as stackcollapse).
    if (event !== '') {
      if (this.stats.event === null) this.stats.event = event;
      if (event !== this.stats.event) {
        this.stats.otherEvents.set(event, (this.stats.otherEvents.get(event) ?? 0) + 1);
        return;
      }
    }
    this.active = true;
    this.sec = h.sec;
    this.ns = h.ns;
    if (this.autoRows && this.rows === 0) this.cpuKey = h.cpu >= 0 ? `c${h.cpu}` : `t${h.tid ?? h.pid}`;
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
      this.headerIds.length = 0;
    }
  }

  /** A frame line seen for the first time (or printed on the header line). */
  private onFrameKeyed(f: FrameSpan, text: string): number {
    if (f.onHeader) {
      // Part of the header line, which the idle test has read already.
      if (this.active) {
        this.headerIds.push(this.tidy(text.slice(f.addrStart, f.addrEnd), text.slice(f.symStart, f.symEnd), text.slice(f.dsoStart, f.dsoEnd), this.java));
        this.frames.push(-this.headerIds.length);
      }
      return -1;
    }
    if (this.linePc.length >= this.memoLines) {
      // The sample in progress refers to lines about to be forgotten: name them now.
      if (this.active) {
        for (let i = 0; i < this.frames.length; i++) {
          const k = this.frames[i];
          if (k >= 0) {
            this.headerIds.push(this.lineNameIds(k));
            this.frames[i] = -this.headerIds.length;
          }
        }
      }
      this.forgetLines();
    }
    const key = this.linePc.length;
    this.linePc.push(copyString(text, f.addrStart, f.addrEnd));
    this.lineSym.push(copyString(text, f.symStart, f.symEnd));
    this.lineDso.push(copyString(text, f.dsoStart, f.dsoEnd));
    this.lineIds.push(undefined, undefined);
    this.lineIdle.push(idleBits(text.slice(f.addrStart, f.dsoEnd + 1)));
    if (this.idleMode instanceof RegExp) {
      const raw = lineOf(text, f.addrStart);
      this.lineRaw.push(copyString(raw, 0, raw.length));
    }
    this.onFrameSeen(key);
    return key;
  }

  /** A frame line of the current sample, by its memo key. */
  private onFrameSeen(key: number): void {
    if (!this.active) return;
    if (this.idleMode === 'flamescope') {
      if (!this.isIdle) {
        const bits = this.lineIdle[key];
        if (this.swapperSeen) {
          if (bits & IDLE_ANY) this.isIdle = true;
        } else if (bits & IDLE_SWAPPER) {
          this.swapperSeen = true;
          if (bits & IDLE_AFTER_SWAPPER) this.isIdle = true;
        }
      }
    } else if (this.idleMode !== null) {
      this.idleText += this.lineRaw[key];
    }
    this.frames.push(key);
  }

  /** The name ids of a memoised frame line, for a Java sample or not. */
  private lineNameIds(key: number): number[] {
    const slot = 2 * key + (this.java ? 1 : 0);
    let ids = this.lineIds[slot];
    if (ids === undefined) {
      ids = this.tidy(this.linePc[key], this.lineSym[key], this.lineDso[key], this.java);
      // With --addrs an unknown symbol's name holds its address: still one name per line.
      this.lineIds[slot] = ids;
    }
    return ids;
  }

  private tidy(pc: string, sym: string, dso: string, java: boolean): number[] {
    this.names.java = java;
    const name = tidyFrameName(pc, sym, dso, this.names);
    return name === '' ? [] : name.split(';').map((n) => this.nameId(n));
  }

  private onOther(text: string, s: number, e: number): void {
    if (!this.active || this.idleMode === null || this.isIdle) return;
    if (this.idleMode === 'flamescope') this.scanIdle(text, s, e);
    else this.idleText += rstrip(text, s, e);
  }

  /**
   * FlameScope's `swapper.*(cpuidle|…)` on the sample's lines joined, one line at a time:
   * once 'swapper' was seen, an idle name anywhere after it makes the sample idle.
   */
  private scanIdle(text: string, s: number, e: number): void {
    // A slice bounds each search to the line (a search of the chunk for 'swapper' ran on
    // through the frames of every sample: 5% of the run).
    let line = text.slice(s, e);
    if (!this.swapperSeen) {
      const p = line.indexOf('swapper');
      if (p < 0) return;
      this.swapperSeen = true;
      line = line.slice(p + 7);
    }
    for (let i = 0; i < IDLE_NAMES.length; i++) {
      if (line.indexOf(IDLE_NAMES[i]) >= 0) {
        this.isIdle = true;
        return;
      }
    }
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
      const root = this.rootName === this.lastRootName ? this.lastRootId : this.nameId(this.rootName);
      this.lastRootName = this.rootName;
      this.lastRootId = root;
      node = this.paths.find(root, this.frames);
      if (node < 0) {
        node = this.child(-1, root);
        const fr = this.frames;
        let cacheable = true;
        for (let i = fr.length - 1; i >= 0; i--) {
          const k = fr[i];
          if (k < 0) cacheable = false;
          const ids = k >= 0 ? this.lineNameIds(k) : this.headerIds[-1 - k];
          for (let j = 0; j < ids.length; j++) node = this.child(node, ids[j]);
        }
        if (cacheable) this.paths.add(root, fr, node);
      }
    }
    if (this.rows === 0) {
      this.holdBack(node);
      return;
    }
    this.place(this.sec, this.ns, node);
  }

  // --- grid -------------------------------------------------------------------------

  private place(sec: number, ns: number, node: number): void {
    const rows = this.rows;
    const row = Math.floor((ns * rows) / 1e9);
    if (sec !== this.lastSec) {
      let col = this.columns.get(sec);
      if (col === undefined) {
        col = new Uint32Array(rows);
        this.columns.set(sec, col);
      }
      this.lastCol = col;
      this.lastSec = sec;
      if (this.stacks) {
        let st = this.cellStacks.get(sec);
        if (st === undefined) {
          st = new ColumnStacks(rows);
          this.cellStacks.set(sec, st);
        }
        this.lastStacks = st;
        // Keep the few columns in use open; pack the others (inputs are mostly in time order).
        const open = this.openColumns;
        const at = open.indexOf(st);
        if (at >= 0) open.splice(at, 1);
        open.push(st);
        if (open.length > OPEN_COLUMNS) open.shift()!.pack();
      }
    }
    const c = ++this.lastCol![row];
    if (c > this.maxCount) this.maxCount = c;
    this.stats.samples++;
    if (node >= 0) this.lastStacks!.add(node, row);
  }

  private holdBack(node: number): void {
    const t = this.sec * 1e9 + this.ns;
    const last = this.lastByCpu.get(this.cpuKey);
    if (last !== undefined && t > last) this.gaps.push(t - last);
    this.lastByCpu.set(this.cpuKey, t);
    this.pending.push(this.sec, this.ns, node);
    if (this.pending.length >= 3 * MEASURE_SAMPLES || (this.headerHz > 0 && this.pending.length >= 3)) this.decideRows();
  }

  private decideRows(): void {
    let hz = this.headerHz;
    let source = this.headerHzSource;
    if (hz === 0 && this.gaps.length > 0) {
      const g = this.gaps.sort((a, b) => a - b);
      const median = g[g.length >> 1];
      hz = 1e9 / median;
      source = 'measured';
    }
    if (hz === 0) {
      this.rows = 50;
      this.rate = { hz: 0, source: 'default' };
    } else {
      this.rows = nearestRows(hz);
      this.rate = { hz: Math.round(hz * 10) / 10, source };
    }
    const p = this.pending;
    this.pending = [];
    this.gaps = [];
    this.lastByCpu.clear();
    for (let i = 0; i < p.length; i += 3) this.place(p[i], p[i + 1], p[i + 2]);
  }

  // --- stack tree -------------------------------------------------------------------

  private nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.nameList.length;
      name = copyString(name, 0, name.length);
      this.nameList.push(name);
      this.nameIds.set(name, id);
    }
    return id;
  }

  private child(parent: number, frame: number): number {
    const t = this.children;
    let id = t.get(parent, frame);
    if (id < 0) {
      id = this.nodes++;
      if (id === t.parent.length) {
        const p = new Int32Array(id * 2);
        p.set(t.parent);
        t.parent = p;
        const f = new Int32Array(id * 2);
        f.set(t.frame);
        t.frame = f;
      }
      t.parent[id] = parent;
      t.frame[id] = frame;
      t.add(id);
    }
    return id;
  }
}

/** The FlameScope row choice nearest a rate in Hz (ties go to the larger). */
export function nearestRows(hz: number): number {
  let best = ROW_CHOICES[0];
  for (const r of ROW_CHOICES) if (Math.abs(r - hz) <= Math.abs(best - hz)) best = r;
  return best;
}

const IDLE_SWAPPER = 1;
const IDLE_AFTER_SWAPPER = 2;
const IDLE_ANY = 4;

/** What FlameScope's idle test needs of one line: 'swapper' in it, an idle name after it, any idle name. */
function idleBits(line: string): number {
  let bits = 0;
  const has = (from: number) => IDLE_NAMES.some((n) => line.indexOf(n, from) >= 0);
  if (has(0)) bits |= IDLE_ANY;
  const p = line.indexOf('swapper');
  if (p >= 0) {
    bits |= IDLE_SWAPPER;
    if (has(p + 7)) bits |= IDLE_AFTER_SWAPPER;
  }
  return bits;
}

function rstrip(text: string, s: number, e: number): string {
  while (e > s) {
    const c = text.charCodeAt(e - 1);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    e--;
  }
  return text.slice(s, e);
}

/** The whole line around position p, right-stripped. */
function lineOf(text: string, p: number): string {
  const s = text.lastIndexOf('\n', p) + 1;
  let e = text.indexOf('\n', p);
  if (e < 0) e = text.length;
  return rstrip(text, s, e);
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
    for (let r = 0; r < col.length; r++) if (col[r] > 0) out += `${s - origin}\t${r}\t${col[r]}\n`;
  }
  return out;
}
