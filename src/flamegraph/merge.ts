// Merges folded stacks into a tree of frames, line by line, without keeping any line.
//
// Reads stacks such as
//   java;start_thread;java_start;GCTaskThread::run;StealTask::do_it;SpinPause   (count 7)
//   java;start_thread;java_start;GCTaskThread::run;StealTask::do_it              (count 2)
//   ;leading-empty-frame;x                                                       (count 1)
// one at a time, as strings in the byte-per-char (latin1) form readLineChunks gives.
//
// flamegraph.pl sorts whole lines and merges frames of adjacent lines only (sub flow).
// Here every stack goes into a tree: a frame is one node per distinct path, so identical
// paths always merge, in any input order. In flame-chart mode (`--flamechart`) the input
// order is the time axis: a frame merges only with the frame open at the same depth on the
// previous line, exactly like flamegraph.pl's flow() on unsorted lines.
//
// Speed: a big profile has millions of distinct frame paths but only a few thousand
// distinct function names. So nodes live in typed arrays (no object per node for the
// garbage collector to trace), names are interned once, and a node's children are found
// through one open-addressing table keyed by (parent, name id). A line usually shares a
// long prefix with the previous one (stackcollapse output is sorted); that prefix is found
// by comparing characters, and only the frames after it are looked up.
import { grownTo } from '../typed-arrays.js';

/** "No node" in the link arrays: the root is nobody's child or sibling, so its id 0 is free for that. */
const NONE = 0;
/** Children are found by walking the list up to this many; beyond, through the hash table. */
const FEW_KIDS = 8;

/**
 * Whether text has `name` at `pos`. A slice and `===` compare natively; in V8 that beats
 * both a charCodeAt loop and startsWith with a position, by 3x or more on frame names.
 */
function matchesAt(text: string, pos: number, name: string): boolean {
  return text.slice(pos, pos + name.length) === name;
}

/**
 * Copies a name out of its chunk: a slice would pin the whole chunk for the life of the
 * tree. Slicing a concatenation flattens it into a new string first, so the result refers
 * to that copy only (V8; checked with a heap measure: 50 names cut from 1 MiB chunks keep
 * 5 MB alive this way, 54 MB as plain slices). Not Buffer.from(s).toString(): TurboFan
 * inlined node's Buffer code into the merge's hot functions, and compiling them cost more
 * than a small run's whole merge.
 */
function detach(s: string): string {
  return (' ' + s).slice(1);
}

export class FrameTree {
  /** Number of nodes; node 0 is the root (name ''). */
  size = 1;
  nameId: Int32Array;
  parent: Int32Array;
  firstKid: Int32Array;
  lastKid: Int32Array;
  nextSib: Int32Array;
  kidCount: Int32Array;
  /** Width count of the stacks that end at the node. */
  self: Float64Array;
  /** "before" count of differential stacks that end at the node (allocated on first use). */
  before: Float64Array | null = null;
  /** Inclusive count: set by finish(). */
  total: Float64Array;
  /** Flame-chart mode: when the frame opened (time axis). */
  start: Float64Array | null;
  /** Interned frame names, by id (raw: latin1 bytes). */
  readonly names: string[] = [''];

  constructor(readonly flamechart: boolean, capacity = 1 << 12) {
    this.nameId = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.firstKid = new Int32Array(capacity);
    this.lastKid = new Int32Array(capacity);
    this.nextSib = new Int32Array(capacity);
    this.kidCount = new Int32Array(capacity);
    this.self = new Float64Array(capacity);
    this.total = new Float64Array(capacity);
    this.start = flamechart ? new Float64Array(capacity) : null;
  }

  /** Children of a node, in insertion order. */
  kidsOf(node: number): number[] {
    const out: number[] = [];
    for (let k = this.firstKid[node]; k !== NONE; k = this.nextSib[k]) out.push(k);
    return out;
  }

  name(node: number): string {
    return this.names[this.nameId[node]];
  }

  ensureCapacity(): void {
    if (this.size < this.nameId.length) return;
    const n = this.nameId.length * 2;
    this.nameId = grownTo(this.nameId, n);
    this.parent = grownTo(this.parent, n);
    this.firstKid = grownTo(this.firstKid, n);
    this.lastKid = grownTo(this.lastKid, n);
    this.nextSib = grownTo(this.nextSib, n);
    this.kidCount = grownTo(this.kidCount, n);
    this.self = grownTo(this.self, n);
    this.total = grownTo(this.total, n);
    if (this.before) this.before = grownTo(this.before, n);
    if (this.start) this.start = grownTo(this.start, n);
  }

  /** Appends a new child; returns its id. */
  addKid(parent: number, nameId: number): number {
    this.ensureCapacity();
    const c = this.size++;
    this.nameId[c] = nameId;
    this.parent[c] = parent;
    if (this.lastKid[parent] === NONE) this.firstKid[parent] = c;
    else this.nextSib[this.lastKid[parent]] = c;
    this.lastKid[parent] = c;
    this.kidCount[parent]++;
    return c;
  }
}

export class StackMerger {
  readonly tree: FrameTree;
  /** Sum of the width counts. */
  time = 0;
  /** Whether any stack had a "before" count (differential input). */
  differential = false;
  /** Number of stacks added. */
  stacks = 0;

  private nameIndex = new Map<string, number>();
  /** Last name id seen for a cheap key of (length, first and last chars): skips hashing most names. */
  private nameCache = new Int32Array(1 << 14).fill(-1);
  // Child lookup: (parent, name id) -> child, open addressing with linear probing.
  private hParent = new Int32Array(1 << 12).fill(-1);
  private hName = new Int32Array(1 << 12);
  private hKid = new Int32Array(1 << 12);
  private hUsed = 0;

  /** The previous stack: its text, its nodes (root first), where each frame ends, its depth. */
  private prev = '';
  private path: number[] = [0];
  private ends: number[] = [0];
  private depth = 0;

  /**
   * `sizeHint`: bytes of input, when known. Typed arrays are sized from it (one node per
   * 256 bytes of input) so that big inputs rarely have to grow. The floor is small (4,096
   * nodes, 160 KB): node zero-fills a new typed array with memset, so every page of it is
   * touched (a page fault each) whether or not a node is ever written there, and a stdin of
   * unknown size used to get 65,536 nodes (2.6 MB) for graphs of a few thousand frames;
   * growing by doubling costs a copy of what is there. One node per 48 bytes (before
   * session 7) gave a one-second window's 1 MB of folded stacks 22,000 nodes (~900 KB
   * zeroed) for a tree of 2,400: real stacks are deep, and most of each line repeats.
   */
  constructor(readonly flamechart = false, sizeHint = 0) {
    const capacity = Math.min(1 << 24, Math.max(1 << 12, Math.ceil(sizeHint / 256)));
    this.tree = new FrameTree(flamechart, capacity);
  }

  private internAt(s: string, from: number, to: number): number {
    const len = to - from;
    const h = len === 0 ? 0 : ((len * 7919) ^ (s.charCodeAt(from) * 31) ^ (s.charCodeAt(to - 1) * 131) ^ (s.charCodeAt(from + (len >> 1)) << 7)) & 0x3fff;
    const cached = this.nameCache[h];
    const names = this.tree.names;
    if (cached >= 0) {
      const cand = names[cached];
      if (cand.length === len && matchesAt(s, from, cand)) return cached;
    }
    const name = s.slice(from, to);
    let id = this.nameIndex.get(name);
    if (id === undefined) {
      id = names.length;
      const kept = detach(name);
      names.push(kept);
      this.nameIndex.set(kept, id);
    }
    this.nameCache[h] = id;
    return id;
  }

  private findOrAddKid(parent: number, nameId: number): number {
    const tree = this.tree;
    if (this.flamechart) {
      const c = tree.addKid(parent, nameId);
      tree.start![c] = this.time;
      return c;
    }
    const count = tree.kidCount[parent];
    if (count <= FEW_KIDS) {
      // Few children (most nodes): walk them. Only parents with many go into the table.
      const nameIds = tree.nameId;
      const next = tree.nextSib;
      for (let k = tree.firstKid[parent]; k !== NONE; k = next[k]) if (nameIds[k] === nameId) return k;
      const c = tree.addKid(parent, nameId);
      if (count + 1 > FEW_KIDS) for (let k = tree.firstKid[parent]; k !== NONE; k = tree.nextSib[k]) this.hashInsert(parent, tree.nameId[k], k);
      return c;
    }
    const mask = this.hParent.length - 1;
    let i = ((Math.imul(parent, 0x9e3779b1) ^ Math.imul(nameId, 0x85ebca6b)) >>> 0) & mask;
    for (;;) {
      const p = this.hParent[i];
      if (p === -1) break;
      if (p === parent && this.hName[i] === nameId) return this.hKid[i];
      i = (i + 1) & mask;
    }
    const c = tree.addKid(parent, nameId);
    this.hashInsert(parent, nameId, c);
    return c;
  }

  private hashInsert(parent: number, nameId: number, kid: number): void {
    if ((this.hUsed + 1) * 2 > this.hParent.length) this.rehash();
    const mask = this.hParent.length - 1;
    let i = ((Math.imul(parent, 0x9e3779b1) ^ Math.imul(nameId, 0x85ebca6b)) >>> 0) & mask;
    while (this.hParent[i] !== -1) i = (i + 1) & mask;
    this.hParent[i] = parent;
    this.hName[i] = nameId;
    this.hKid[i] = kid;
    this.hUsed++;
  }

  private rehash(): void {
    const op = this.hParent;
    const on = this.hName;
    const ok = this.hKid;
    const n = op.length * 2;
    const mask = n - 1;
    this.hParent = new Int32Array(n).fill(-1);
    this.hName = new Int32Array(n);
    this.hKid = new Int32Array(n);
    for (let j = 0; j < op.length; j++) {
      const p = op[j];
      if (p === -1) continue;
      let i = ((Math.imul(p, 0x9e3779b1) ^ Math.imul(on[j], 0x85ebca6b)) >>> 0) & mask;
      while (this.hParent[i] !== -1) i = (i + 1) & mask;
      this.hParent[i] = p;
      this.hName[i] = on[j];
      this.hKid[i] = ok[j];
    }
  }

  /**
   * Adds one stack, text[from, to) (frames joined by ';'; trailing ';'s are ignored, as
   * Perl's split drops trailing empty fields), with its width count and, for differential
   * input, its "before" count. Working on indices into the chunk avoids a string per line.
   */
  add(text: string, from: number, to: number, count: number, before = NaN): void {
    let end = to;
    while (end > from && text.charCodeAt(end - 1) === 59) end--;
    const tree = this.tree;
    const path = this.path;

    // Frames shared with the previous stack (its nodes are on `path`, its frame ends on
    // `ends`): the longest run of whole frames whose text is equal, found by binary search
    // with native string compares, since deep stacks share long prefixes.
    let k = 0;
    let pos = from;
    let done = end === from;
    const stack = done ? '' : text.slice(from, end);
    if (!done && this.depth > 0) {
      const prev = this.prev;
      const ends = this.ends;
      const len = end - from;
      let lo = 0;
      let hi = this.depth;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        const e = ends[mid];
        if (e <= len && (e === len || stack.charCodeAt(e) === 59) && stack.slice(0, e) === prev.slice(0, e)) lo = mid;
        else hi = mid - 1;
      }
      k = lo;
      if (k > 0) {
        if (ends[k] === len) done = true;
        else pos = from + ends[k] + 1;
      }
    }
    let node = path[k];
    let d = k;
    if (!done) {
      for (;;) {
        let e = text.indexOf(';', pos);
        if (e < 0 || e > end) e = end;
        node = this.findOrAddKid(node, this.internAt(text, pos, e));
        d++;
        path[d] = node;
        this.ends[d] = e - from;
        if (e >= end) break;
        pos = e + 1;
      }
    }
    this.depth = d;
    if (stack !== '') this.prev = stack;

    tree.self[node] += count;
    if (before === before) {
      if (tree.before === null) tree.before = new Float64Array(tree.nameId.length);
      tree.before[node] += before;
      this.differential = true;
    }
    this.time += count;
    this.stacks++;
  }

  /**
   * Computes every node's inclusive total and returns the largest self delta
   * |self - before| for differential colouring. `normalize`, if given, maps each node's
   * "before" count first (difffolded.pl -n). Children always have larger ids than their
   * parent, so one backward pass adds each node into its parent.
   */
  finish(normalize?: (before: number) => number): { maxDelta: number } {
    const t = this.tree;
    const size = t.size;
    t.total.set(t.self.subarray(0, size));
    for (let j = size - 1; j > 0; j--) t.total[t.parent[j]] += t.total[j];
    let maxDelta = 0;
    const b = t.before;
    if (b !== null) {
      for (let j = 0; j < size; j++) {
        if (normalize) b[j] = normalize(b[j]);
        const dl = Math.abs(t.self[j] - b[j]);
        if (dl > maxDelta) maxDelta = dl;
      }
    }
    return { maxDelta };
  }
}
