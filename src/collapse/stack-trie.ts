// A trie of interned frame ids with a count per node: the aggregate of stackcollapse.
// Each sample walks it from its root frame to its leaf, one hash-table probe per frame,
// so no per-sample string is ever built; the folded text is made once, at the end, for
// each node that ended a sample.
//
// The child table is open addressing over typed arrays, keyed by (parent node, frame id):
// a Map keyed by strings or by parent*2^k+id doubles costs a hash of a string or a boxed
// number per frame, which is most of the time of a naive collapse.

export class StackTrie {
  /** Frame name of each frame id. */
  readonly names: string[] = [];
  private nameIds = new Map<string, number>();

  // Per node: parent node, frame id, count. Node 0 is the empty root.
  private parent = new Int32Array(1 << 12);
  private frame = new Int32Array(1 << 12);
  private count = new Float64Array(1 << 12);
  private nodes = 1;

  // Child table: slot -> node (0 = empty); the key is (parent[node], frame[node]).
  private slots = new Int32Array(1 << 13);
  private mask = (1 << 13) - 1;

  /** The id of a frame name, interning it on first sight. */
  intern(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
    }
    return id;
  }

  /** The child of `node` for frame `id`, created when missing. */
  child(node: number, id: number): number {
    const mask = this.mask;
    let h = (Math.imul(node, 0x9e3779b1) ^ Math.imul(id, 0x85ebca77)) & mask;
    const slots = this.slots;
    for (;;) {
      const n = slots[h];
      if (n === 0) break;
      if (this.parent[n] === node && this.frame[n] === id) return n;
      h = (h + 1) & mask;
    }
    const n = this.nodes++;
    if (n >= this.parent.length) this.growNodes();
    this.parent[n] = node;
    this.frame[n] = id;
    slots[h] = n;
    if (this.nodes * 2 > mask) this.rehash();
    return n;
  }

  add(node: number, weight: number): void {
    this.count[node] += weight;
  }

  /** Number of trie nodes (for memory accounting). */
  get size(): number {
    return this.nodes - 1;
  }

  /** Every node with a count, as [folded stack, count], in node order. */
  *entries(): Generator<[string, number]> {
    const ids: number[] = [];
    for (let n = 1; n < this.nodes; n++) {
      const c = this.count[n];
      if (c === 0) continue;
      ids.length = 0;
      for (let k = n; k !== 0; k = this.parent[k]) ids.push(this.frame[k]);
      let s = this.names[ids[ids.length - 1]];
      for (let i = ids.length - 2; i >= 0; i--) s += ';' + this.names[ids[i]];
      yield [s, c];
    }
  }

  private growNodes(): void {
    const size = this.parent.length * 2;
    const p = new Int32Array(size);
    p.set(this.parent);
    this.parent = p;
    const f = new Int32Array(size);
    f.set(this.frame);
    this.frame = f;
    const c = new Float64Array(size);
    c.set(this.count);
    this.count = c;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const mask = size - 1;
    const slots = new Int32Array(size);
    for (let n = 1; n < this.nodes; n++) {
      let h = (Math.imul(this.parent[n], 0x9e3779b1) ^ Math.imul(this.frame[n], 0x85ebca77)) & mask;
      while (slots[h] !== 0) h = (h + 1) & mask;
      slots[h] = n;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
