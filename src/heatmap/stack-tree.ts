// The stack data of a heat map: the tree of distinct stacks (a node is a frame under its
// parent; open addressing over typed arrays, no object per node) and, per column, the stack
// counts of its cells, kept open while samples arrive and packed in the order the SVG
// embeds them (src/heatmap/embed.ts). For example, the samples
//   java;main;run  in second 5076, row 5
//   java;main      in second 5076, row 5
// are nodes 0 java, 1 main (parent 0), 2 run (parent 1), and column 5076 holds
// (row 5, node 1, 1) and (row 5, node 2, 1).

import { copyString } from '../parse/perf-script.js';
import { grownTo } from '../typed-arrays.js';

/** The distinct stacks, as a tree: node i is frame `frame[i]` under node `parent[i]` (-1: a root). */
export interface StackTree {
  names: string[];
  parent: Int32Array;
  frame: Int32Array;
  size: number;
}

/**
 * (parent, frame) -> child node: open addressing over one Int32Array of node + 1 (0 =
 * empty), the key read from the tree's arrays. Four bytes a slot and no fill: a fresh
 * typed array is zero, and its pages cost a fault only once written (docs/speed.md: page
 * faults and cache misses of a 12-byte-slot table cost more than the reads of the key).
 */
export class ChildTable {
  private mask = (1 << 12) - 1;
  private slots = new Int32Array(1 << 12);
  private size = 0;

  /** The tree's arrays, which may be replaced as they grow. */
  parent = new Int32Array(1024);
  frame = new Int32Array(1024);

  private static hash(parent: number, frame: number): number {
    let h = Math.imul(parent + 1, 0x9e3779b1) ^ Math.imul(frame, 0x85ebca77);
    h ^= h >>> 15;
    return h;
  }

  /** The slot of (parent, frame): where its node is, or the empty slot where it would go. */
  slotOf(parent: number, frame: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const par = this.parent;
    const fr = this.frame;
    for (let i = ChildTable.hash(parent, frame) & mask; ; i = (i + 1) & mask) {
      const v = slots[i];
      if (v === 0 || (fr[v - 1] === frame && par[v - 1] === parent)) return i;
    }
  }

  /** The node in slot `i` (from slotOf), or -1. */
  nodeAt(i: number): number {
    return this.slots[i] - 1;
  }

  /** The child, or -1. */
  get(parent: number, frame: number): number {
    return this.nodeAt(this.slotOf(parent, frame));
  }

  /** Puts `node` (its parent and frame already in the tree's arrays) into the empty slot `i` that slotOf gave. */
  addAt(i: number, node: number): void {
    this.slots[i] = node + 1;
    if (2 * ++this.size > this.mask + 1) {
      const old = this.slots;
      this.mask = (this.mask + 1) * 2 - 1;
      const slots = (this.slots = new Int32Array(this.mask + 1));
      const mask = this.mask;
      const par = this.parent;
      const fr = this.frame;
      for (let q = 0; q < old.length; q++) {
        const v = old[q];
        if (v === 0) continue;
        let k = ChildTable.hash(par[v - 1], fr[v - 1]) & mask;
        while (slots[k] !== 0) k = (k + 1) & mask;
        slots[k] = v;
      }
    }
  }

  /** Adds a node whose parent and frame are already in the tree's arrays (and not in the table). */
  add(node: number): void {
    this.addAt(this.slotOf(this.parent[node], this.frame[node]), node);
  }
}

/**
 * The most entries a column's table is made for before it holds any: a column after a huge
 * one (a million stacks in one second) must not start with a huge table it then packs.
 */
const EXPECTED_MAX = 4096;

/** An emptied open-addressing table of a column that was packed, for the next column (ColumnStacks.alloc). */
let spareTable: Int32Array | null = null;

/** Columns of stack counts kept in their open (hash table) form at once. */
export const OPEN_COLUMNS = 4;

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

  /**
   * `expected`: the (node, row) entries it will likely hold, as the column before it did: its
   * table starts that big (at most EXPECTED_MAX) instead of at 16 slots and doubling.
   */
  constructor(
    private readonly rows: number,
    private readonly expected = 0,
  ) {}

  /** (node, row) entries once packed. */
  get entries(): number {
    return this.packed.length / 3;
  }

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
    // The last column's table, emptied, when it is this size or up to 4 times it: a fresh
    // one a column (300 on a 5-minute profile) is fresh pages each time, a fault apiece.
    const spare = spareTable;
    if (spare !== null && spare.length >= 3 * n && spare.length <= 12 * n) {
      spareTable = null;
      this.table = spare;
      this.mask = spare.length / 3 - 1;
    } else {
      this.table = new Int32Array(3 * n);
      this.mask = n - 1;
    }
    this.size = 0;
  }

  /** Keeps `t` for the next table made, emptied. */
  private static release(t: Int32Array): void {
    if (spareTable !== null && spareTable.length >= t.length) return;
    t.fill(0);
    spareTable = t;
  }

  private grow(): void {
    const old = this.table!;
    this.alloc(this.size * 2);
    for (let p = 0; p < old.length; p += 3) if (old[p] !== 0) this.put(old[p] - 1, old[p + 1], old[p + 2]);
    ColumnStacks.release(old);
  }

  private unpack(): void {
    const pk = this.packed;
    this.alloc(Math.max(pk.length / 3, Math.min(this.expected, EXPECTED_MAX)));
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
    ColumnStacks.release(t);
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


/** Children a node keeps in its list before they move to the child table. */
const FANOUT = 8;


/** The tree of distinct stacks as samples name them: frame names by id, nodes by (parent, name). */
export class TreeBuilder {
  /**
   * Name -> id: open addressing over typed arrays (slot: id + 1, 0 = empty; each id's
   * hash beside it), the names themselves in nameList. A Map of a million names cost
   * 2 s of a run and its garbage collections (test/hostile-svg.test.ts's million stacks).
   */
  private nameSlots = new Int32Array(1 << 12);
  private nameHash = new Int32Array(1 << 11);
  private readonly nameList: string[] = [];
  private nodes = 0;
  /** Holds the tree's parent and frame arrays; the children of roots and of nodes with more than FANOUT children. */
  private children = new ChildTable();
  /**
   * The children of other nodes, as lists: first child + 1 and next sibling + 1 (0: none),
   * and the number of children (FANOUT + 1 once they moved to the table). Most nodes have
   * one child, made right after them: a list costs no hash and reads memory in the order
   * the nodes were made, where a hash table reads it at random (cache and TLB misses were
   * most of the tree's time: docs/speed.md).
   */
  private first = new Int32Array(1024);
  private next = new Int32Array(1024);
  private kids = new Uint8Array(1024);

  /**
   * The id of a frame name (a byte string), given on first sight. A new name is copied
   * (it may be a slice of a whole chunk of text) unless `owned`: the caller made it from
   * strings of its own, as the stacks mode does from a pair's symbol and dso.
   */
  nameId(name: string, owned = false): number {
    let h = name.length;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    h ^= h >>> 15;
    const slots = this.nameSlots;
    const mask = slots.length - 1;
    const list = this.nameList;
    let i = h & mask;
    for (let v = slots[i]; v !== 0; i = (i + 1) & mask, v = slots[i]) {
      if (this.nameHash[v - 1] === h && list[v - 1] === name) return v - 1;
    }
    const id = list.length;
    list.push(owned ? name : copyString(name, 0, name.length));
    if (id === this.nameHash.length) {
      const b = new Int32Array(id * 2);
      b.set(this.nameHash);
      this.nameHash = b;
    }
    this.nameHash[id] = h;
    slots[i] = id + 1;
    if (2 * (id + 1) > mask) {
      const big = new Int32Array(slots.length * 2);
      const m = big.length - 1;
      for (let q = 0; q <= id; q++) {
        let k = this.nameHash[q] & m;
        while (big[k] !== 0) k = (k + 1) & m;
        big[k] = q + 1;
      }
      this.nameSlots = big;
    }
    return id;
  }

  /** The node of frame name `frame` under `parent` (-1: a root), made on first sight. */
  child(parent: number, frame: number): number {
    if (parent >= 0 && this.kids[parent] <= FANOUT) {
      const fr = this.children.frame;
      const next = this.next;
      for (let c = this.first[parent] - 1; c >= 0; c = next[c] - 1) if (fr[c] === frame) return c;
      const id = this.made(parent, frame);
      this.link(parent, id);
      return id;
    }
    const t = this.children;
    const slot = t.slotOf(parent, frame);
    let id = t.nodeAt(slot);
    if (id < 0) {
      id = this.made(parent, frame);
      t.addAt(slot, id);
    }
    return id;
  }

  /**
   * The node of frame name `frame` under `parent`, which has no such child: `parent` was
   * made by the last call and has no child yet. A stack's nodes after its first new one
   * are all new, so they need no lookup.
   */
  newChild(parent: number, frame: number): number {
    const id = this.made(parent, frame);
    if (parent >= 0 && this.kids[parent] <= FANOUT) this.link(parent, id);
    else this.children.add(id);
    return id;
  }

  /** Puts new node `id` at the head of `parent`'s list; past FANOUT children, the list moves to the table. */
  private link(parent: number, id: number): void {
    this.next[id] = this.first[parent];
    this.first[parent] = id + 1;
    if (++this.kids[parent] > FANOUT) {
      const next = this.next;
      for (let c = this.first[parent] - 1; c >= 0; c = next[c] - 1) this.children.add(c);
    }
  }

  /** Nodes made so far. */
  get count(): number {
    return this.nodes;
  }

  private made(parent: number, frame: number): number {
    const t = this.children;
    const id = this.nodes++;
    if (id === t.parent.length) {
      // 8 times as big while under 2^20 nodes: a page is paid for when first written
      // (docs/speed.md), and the tail not yet used is not written; a copy is.
      const cap = id < 1 << 20 ? id * 8 : id * 2;
      t.parent = grownTo(t.parent, cap);
      t.frame = grownTo(t.frame, cap);
      this.first = grownTo(this.first, cap);
      this.next = grownTo(this.next, cap);
      this.kids = grownTo(this.kids, cap);
    }
    t.parent[id] = parent;
    t.frame[id] = frame;
    return id;
  }

  /** Drops the lookups (name ids, the child table), keeping the tree: once reading is done. */
  release(): void {
    const tree = { parent: this.children.parent, frame: this.children.frame };
    this.children = new ChildTable();
    this.children.parent = tree.parent;
    this.children.frame = tree.frame;
    this.nameSlots = new Int32Array(0);
    this.nameHash = new Int32Array(0);
    this.first = new Int32Array(0);
    this.next = new Int32Array(0);
    this.kids = new Uint8Array(0);
  }

  result(): StackTree {
    return { names: this.nameList, parent: this.children.parent, frame: this.children.frame, size: this.nodes };
  }
}
