// The aggregate of stackcollapse: a table of distinct stacks, each a sequence of interned
// frame ids (root first), with its count. No per-sample string is ever built; the folded
// text is made once per distinct stack, at the end, in sorted order.
//
// Why a table of whole stacks rather than a trie of frames: a trie costs one hash probe
// per frame, into tables that outgrow the CPU caches on big profiles (measured: a fifth of
// the run on the 300 MB benchmark corpus). Here a sample costs one probe, and comparing it
// with a stored stack reads two short runs of contiguous ints.
//
// Why the output is sorted on the ids rather than on the strings: the folded lines of a
// deep profile are kilobytes long and share long prefixes, and comparing them as strings
// dominated the end of the run. Comparing id sequences skips the shared frames with an
// int comparison each; only the first differing frame is compared by name, with care for
// a name that is a prefix of the other (see compareStacks).
import { grownTo } from '../typed-arrays.js';

const SEP = 59; // ';'

/** Whether a Uint16Array's elements are stored as UTF-16LE's code units (see sortedByTokens). */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * A stack's hash mixes its frame ids, root first, as `h = Math.imul(h ^ id, STACK_HASH_MUL)`
 * from h = 0, then its length (hashEnd). Exported for a caller that writes a new stack in
 * place and mixes its ids as it goes (StackTable.room, addWritten).
 */
export const STACK_HASH_MUL = 0x9e3779b1;

function hashEnd(h: number, len: number): number {
  h = Math.imul(h ^ len, STACK_HASH_MUL);
  return h ^ (h >>> 16);
}

/** Tables with at least this many stacks are sorted on ranked names (see StackTable.sorted). */
const RANKED_SORT_MIN = 2048;

/** Every frame name as latin1 bytes (see StackTable.nameBytes). */
export interface NameBytes {
  arena: Buffer;
  offsets: Int32Array;
}

export class StackTable {
  /** Frame name of each frame id. */
  readonly names: string[];
  private nameIds: Map<string, number>;
  /** The last nameRanks, for as many names as it ranked: shared with the tables that share the names. */
  private ranked: { names: number; rank: Int32Array };
  /** How many names plainNames has looked at, and whether they were plain: shared as `ranked` is. */
  private plain: { names: number; plain: boolean };
  /** The last tokenRanks, for as many names as it ranked: shared as `ranked` is. */
  private tokens: { names: number; rank: Int32Array };

  /**
   * With `shared`, frame ids (and names) are those of that table: per-window tables share
   * them. `firstIds`: the first capacity of the ids of all stacks (it doubles as needed).
   * A big one costs address space, not memory (a big ArrayBuffer's pages are touched only
   * as they are written), where each doubling wrote the ids again into fresh memory.
   */
  constructor(shared?: StackTable, firstIds = 1 << 10) {
    this.ids = new Int32Array(firstIds);
    this.names = shared ? shared.names : [];
    this.nameIds = shared ? shared.nameIds : new Map();
    this.ranked = shared ? shared.ranked : { names: 0, rank: new Int32Array(0) };
    this.plain = shared ? shared.plain : { names: 0, plain: true };
    this.tokens = shared ? shared.tokens : { names: 0, rank: new Int32Array(0) };
  }

  // Stack s is ids[start[s] .. start[s] + length[s]) with count[s] and hash hashes[s].
  // All start small and double: --per-window makes a table per window, most of them small.
  private ids: Int32Array;
  private used = 0;
  private start = new Int32Array(1 << 6);
  private length = new Int32Array(1 << 6);
  private hashes = new Int32Array(1 << 6);
  private counts = new Float64Array(1 << 6);
  private n = 0;

  // Open addressing: slot -> stack index + 1 (0 = empty).
  private slots = new Int32Array(1 << 7);
  private mask = (1 << 7) - 1;

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

  /** Whether no frame name holds ';' (see sortedByTokens). */
  private plainNames(): boolean {
    const p = this.plain;
    const names = this.names;
    for (; p.plain && p.names < names.length; p.names++) if (names[p.names].indexOf(';') >= 0) p.plain = false;
    return p.plain;
  }

  /** Number of distinct stacks. */
  get size(): number {
    return this.n;
  }

  /**
   * Adds `weight` to the stack made of `root` (root first) followed by
   * `leafFirst[depth - 1] ... leafFirst[0]` (the frames as perf prints them, leaf first).
   */
  add(root: ArrayLike<number>, leafFirst: Int32Array, depth: number, weight: number): number {
    // Its own probe, comparing with the ids as given: --per-window calls it for every
    // sample, mostly for stacks its table has, and writing them in place first to probe
    // with addWritten cost that mode 2-3 % more CPU on the recorded profile.
    const rl = root.length;
    const len = rl + depth;
    let h = 0;
    for (let i = 0; i < rl; i++) h = Math.imul(h ^ root[i], STACK_HASH_MUL);
    for (let i = depth - 1; i >= 0; i--) h = Math.imul(h ^ leafFirst[i], STACK_HASH_MUL);
    h = hashEnd(h, len);
    const ids = this.ids;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const s1 = this.slots[slot];
      if (s1 === 0) break;
      const s = s1 - 1;
      if (this.hashes[s] === h && this.length[s] === len) {
        const at = this.start[s];
        let i = 0;
        while (i < rl && ids[at + i] === root[i]) i++;
        if (i === rl) {
          let j = depth - 1;
          while (j >= 0 && ids[at + rl + depth - 1 - j] === leafFirst[j]) j--;
          if (j < 0) {
            this.counts[s] += weight;
            return s;
          }
        }
      }
      slot = (slot + 1) & mask;
    }
    // A new stack.
    if (this.used + len > this.ids.length) this.growIds(this.used + len);
    const at = this.used;
    const store = this.ids;
    for (let i = 0; i < rl; i++) store[at + i] = root[i];
    for (let i = depth - 1, k = at + rl; i >= 0; i--, k++) store[k] = leafFirst[i];
    this.used += len;
    return this.insert(slot, h, at, len, weight);
  }

  /**
   * Where a stack written in place starts: see room and addWritten. A caller that builds a
   * new stack's ids from another form (the core's pair ids, leaf first) writes them here
   * once, mixing the hash as it goes, instead of into a buffer that is read twice more
   * (hash, then copy): on a short run each pass over every frame runs cold. addRootFirst
   * (merging tables) writes the ids it is given here too, and probes with addWritten.
   */
  get end(): number {
    return this.used;
  }

  /** The ids array, with room for `more` ids from `at` (>= end); ids written from end to `at` are kept. */
  room(at: number, more: number): Int32Array {
    if (at + more > this.ids.length) this.growIds(at + more, at);
    return this.ids;
  }

  /** A copy of the `n` ids written in place from `end` (room), not added. */
  written(n: number): Int32Array {
    return this.ids.slice(this.used, this.used + n);
  }

  /**
   * Adds `weight` to the stack of `len` ids written in place (root first) from `end`, whose
   * ids were mixed into `h` as STACK_HASH_MUL says (its length not yet): it is kept there
   * if it is new. Returns its index, as `add` does.
   */
  addWritten(len: number, h: number, weight: number): number {
    h = hashEnd(h, len);
    const ids = this.ids;
    const from = this.used;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const s1 = this.slots[slot];
      if (s1 === 0) break;
      const s = s1 - 1;
      if (this.hashes[s] === h && this.length[s] === len) {
        const at = this.start[s];
        let i = 0;
        while (i < len && ids[at + i] === ids[from + i]) i++;
        if (i === len) {
          this.counts[s] += weight;
          return s;
        }
      }
      slot = (slot + 1) & mask;
    }
    this.used += len;
    return this.insert(slot, h, from, len, weight);
  }

  /** Adds `weight` to stack `s`, as returned by `add`. */
  addTo(s: number, weight: number): void {
    this.counts[s] += weight;
  }

  /** Adds `weight` to the stack `seq` (root first), e.g. when merging another table. */
  addSequence(seq: ArrayLike<number>, weight: number): void {
    this.addRootFirst(Int32Array.from(seq), seq.length, weight);
  }

  /**
   * Adds `weight` to the stack `seq[0 .. len)` (root first): merging another table. Hashes
   * as `add` does (the same ids in the same order), so either finds what the other stored.
   */
  addRootFirst(seq: Int32Array, len: number, weight: number): number {
    const at = this.used;
    const ids = this.room(at, len);
    let h = 0;
    for (let i = 0; i < len; i++) h = Math.imul(h ^ (ids[at + i] = seq[i]), STACK_HASH_MUL);
    return this.addWritten(len, h, weight);
  }

  private insert(slot: number, h: number, at: number, len: number, weight: number): number {
    const s = this.n++;
    if (s >= this.start.length) this.growStacks();
    this.start[s] = at;
    this.length[s] = len;
    this.hashes[s] = h;
    this.counts[s] = weight;
    this.slots[slot] = s + 1;
    if (this.n * 2 > this.mask) this.rehash();
    return s;
  }

  /** Folded text of a stack: names joined with ';'. */
  text(s: number): string {
    const at = this.start[s];
    const len = this.length[s];
    const parts = this.parts;
    parts.length = len;
    for (let i = 0; i < len; i++) parts[i] = this.names[this.ids[at + i]];
    // One flat string: `+=` would build a rope of `len` pieces that is flattened later.
    return parts.join(';');
  }
  private parts: string[] = [];

  count(s: number): number {
    return this.counts[s];
  }

  /**
   * The stacks as they are stored, for the writer (read only): stack s is
   * ids[start[s] .. start[s] + length[s]), root first.
   */
  layout(): { ids: Int32Array; start: Int32Array; length: Int32Array } {
    return { ids: this.ids, start: this.start, length: this.length };
  }

  /** The names of all frame ids as latin1 bytes, one after the other: name i is arena[offsets[i], offsets[i + 1]). */
  nameBytes(): NameBytes {
    const n = this.names.length;
    const offsets = new Int32Array(n + 1);
    let size = 0;
    for (let i = 0; i < n; i++) {
      offsets[i] = size;
      size += this.names[i].length;
    }
    offsets[n] = size;
    // One string and one encoding call, not a call per name (cold on a short run).
    const arena = Buffer.from(this.names.join(''), 'latin1');
    return { arena, offsets };
  }

  /**
   * The indexes of the stacks with a non-zero count, in the byte-wise order of their
   * folded text (names are latin1, so code units are bytes).
   */
  sorted(): Int32Array {
    // Small tables: V8's sort on keys, or our comparison where a name holds ';'. Big ones
    // on ranked names (measured on 17,115 stacks: the keys took twice as long). Ranking the
    // tokens sorts all the names: not for a small window of --per-window among many more
    // names (unless they are ranked already), which our comparison sorts for less.
    if (this.n < RANKED_SORT_MIN && (this.tokens.names === this.names.length || this.names.length <= 2 * this.n) && this.plainNames()) {
      return this.sortedByTokens();
    }
    const order: number[] = [];
    for (let s = 0; s < this.n; s++) if (this.counts[s] !== 0) order.push(s);
    // Ranking the names costs a sort of all of them: worth it for a big table, not for the
    // many small ones of --per-window (which share one list of names).
    if (order.length < RANKED_SORT_MIN) {
      order.sort((a, b) => this.compareStacks(a, b));
      return Int32Array.from(order);
    }
    const rank = this.nameRanks();
    const ids = this.ids;
    const start = this.start;
    const length = this.length;
    order.sort((a, b) => {
      const oa = start[a];
      const ob = start[b];
      const la = length[a];
      const lb = length[b];
      const n = la < lb ? la : lb;
      let i = 0;
      while (i < n && ids[oa + i] === ids[ob + i]) i++;
      if (i === n) return la - lb;
      // Frames follow both names: their ranks decide (see nameRanks).
      if (i + 1 < n) {
        const rx = rank[ids[oa + i]];
        const ry = rank[ids[ob + i]];
        if (rx >= 0 && ry >= 0) return rx - ry;
      }
      return this.compareStacks(a, b);
    });
    return Int32Array.from(order);
  }

  /**
   * sorted() when no name holds ';': by V8's own sort of short strings, with no comparison
   * of ours (a short run would execute it thousands of times, cold). Each stack's key is
   * the ranks of its tokens (tokenRanks), one UTF-16 code unit each (sorted() ranks at most
   * 2 x 2,048 names, 8,192 tokens), then its index in two code units.
   *
   * A folded text is its tokens one after the other: each frame's name followed by ';',
   * the last name alone. With no ';' in a name, a token that ends in ';' is a prefix of no
   * other token; so where the tokens of two stacks first differ, their texts compare as
   * those two tokens do (when one is a prefix of the other, it is a last token: its text
   * ends there and sorts first, as the shorter token does). Two stacks' tokens differ
   * within the shorter one (its last token has no ';', the other's token there has one),
   * so the index after them never decides.
   */
  private sortedByTokens(): Int32Array {
    const rank = this.tokenRanks();
    const more = rank.subarray(this.names.length); // by id: the rank of 'name;'
    const ids = this.ids;
    // All keys' code units, as UTF-16LE bytes (one store a unit where the machine is
    // little-endian, else byte by byte), decoded by one native call; each key is then a
    // slice of that string (no copy).
    let units = 0;
    let stacks = 0;
    for (let s = 0; s < this.n; s++) {
      if (this.counts[s] === 0) continue;
      units += this.length[s] + 2;
      stacks++;
    }
    const bytes = Buffer.allocUnsafe(2 * units);
    const ends = new Int32Array(stacks);
    let k = 0;
    if (LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) {
      // One store a code unit (the Buffer's memory as UTF-16LE's units).
      const u = new Uint16Array(bytes.buffer, bytes.byteOffset, units);
      let b = 0;
      for (let s = 0; s < this.n; s++) {
        if (this.counts[s] === 0) continue;
        const at = this.start[s];
        const last = at + this.length[s] - 1;
        for (let i = at; i < last; i++) u[b++] = more[ids[i]];
        if (last >= at) u[b++] = rank[ids[last]];
        u[b++] = s >>> 16;
        u[b++] = s & 0xffff;
        ends[k++] = b;
      }
    } else {
      let b = 0;
      for (let s = 0; s < this.n; s++) {
        if (this.counts[s] === 0) continue;
        const at = this.start[s];
        const last = at + this.length[s] - 1;
        for (let i = at; i <= last; i++) {
          const r = i < last ? more[ids[i]] : rank[ids[i]];
          bytes[b++] = r & 255;
          bytes[b++] = (r >>> 8) & 255;
        }
        bytes[b++] = (s >>> 16) & 255;
        bytes[b++] = s >>> 24;
        bytes[b++] = s & 255;
        bytes[b++] = (s >>> 8) & 255;
        ends[k++] = b >> 1;
      }
    }
    // 'utf16le' copies code units as they are, lone surrogates included.
    const all = bytes.toString('utf16le');
    const keys: string[] = new Array(stacks);
    for (let j = 0, from = 0; j < stacks; from = ends[j++]) keys[j] = all.slice(from, ends[j]);
    keys.sort();
    const order = new Int32Array(stacks);
    for (let j = 0; j < stacks; j++) {
      const key = keys[j];
      order[j] = (key.charCodeAt(key.length - 2) << 16) | key.charCodeAt(key.length - 1);
    }
    return order;
  }

  /**
   * The rank of each token among all of them, in byte-wise order: at i for name i as a last
   * frame (the name alone), at n + i for name i followed by ';' (n names).
   *
   * Only the names are sorted (by V8, no comparison of ours), and the ';' tokens are
   * placed among them in one pass, none of them made as a string: with no ';' in a name,
   * `x;` sorts after x and before every later name, except the names that start with x and
   * go on with a byte below ';' (they sort between x and `x;`, and come right after x). So
   * `x;` waits on a stack while the names read start with x and go on below ';'; the
   * longest waiting name is the first to follow (`xa;` < `x;` when 'a' < ';').
   */
  private tokenRanks(): Int32Array {
    const names = this.names;
    const n = names.length;
    // The windows of --per-window share the names, and most add none: rank them once.
    if (this.tokens.names === n) return this.tokens.rank;
    const sorted = names.slice().sort();
    const rank = new Int32Array(2 * n);
    const waiting = new Int32Array(n); // ids of names whose 'x;' is not placed yet
    let top = 0;
    let r = 0;
    for (let k = 0; k < n; k++) {
      const y = sorted[k];
      while (top > 0) {
        const x = names[waiting[top - 1]];
        if (y.startsWith(x) && y.charCodeAt(x.length) < SEP) break;
        rank[n + waiting[--top]] = r++;
      }
      const id = this.nameIds.get(y)!;
      rank[id] = r++;
      waiting[top++] = id;
    }
    while (top > 0) rank[n + waiting[--top]] = r++;
    this.tokens.names = n;
    this.tokens.rank = rank;
    return rank;
  }

  /**
   * The rank of each frame name among all of them, each name compared with a ';' after it:
   * where two stacks first differ by frames that both have a frame after them, the texts
   * compare as those names followed by ';' do, decided within them (neither can be a prefix
   * of the other unless the longer name holds a ';' itself). -1 for a name holding ';'.
   */
  private nameRanks(): Int32Array {
    const names = this.names;
    const n = names.length;
    // The windows of --per-window share the names, and most add none: rank them once.
    if (this.ranked.names === n) return this.ranked.rank;
    const keys = names.map((name) => `${name};`);
    const byKey = Array.from({ length: n }, (_, i) => i);
    byKey.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
    const rank = new Int32Array(n);
    for (let r = 0; r < n; r++) rank[byKey[r]] = names[byKey[r]].indexOf(';') >= 0 ? -1 : r;
    this.ranked.names = n;
    this.ranked.rank = rank;
    return rank;
  }

  /** Byte-wise comparison of the folded text of stacks a and b, without building it. */
  compareStacks(a: number, b: number): number {
    const ids = this.ids;
    const la = this.length[a];
    const lb = this.length[b];
    const oa = this.start[a];
    const ob = this.start[b];
    const n = Math.min(la, lb);
    for (let i = 0; i < n; i++) {
      const x = ids[oa + i];
      const y = ids[ob + i];
      if (x === y) continue;
      // The texts agree up to here; the first differing byte is in these two names, or
      // just after the shorter one when it is a prefix of the other: there a's text has
      // ';' (more frames) or ends, and an end sorts first.
      const nx = this.names[x];
      const ny = this.names[y];
      if (ny.length > nx.length && ny.startsWith(nx)) {
        if (i + 1 === la) return -1;
        const c = ny.charCodeAt(nx.length);
        if (c !== SEP) return SEP - c;
      } else if (nx.length > ny.length && nx.startsWith(ny)) {
        if (i + 1 === lb) return 1;
        const c = nx.charCodeAt(ny.length);
        if (c !== SEP) return c - SEP;
      } else {
        return nx < ny ? -1 : 1;
      }
      // A name holding ';' (possible only in odd inputs): compare the texts themselves.
      const ta = this.text(a);
      const tb = this.text(b);
      return ta < tb ? -1 : ta > tb ? 1 : 0;
    }
    return la - lb;
  }

  private growIds(need: number, keep = this.used): void {
    let size = this.ids.length * 2;
    while (size < need) size *= 2;
    const ids = new Int32Array(size);
    ids.set(this.ids.subarray(0, keep));
    this.ids = ids;
  }

  private growStacks(): void {
    const size = this.start.length * 2;
    this.start = grownTo(this.start, size);
    this.length = grownTo(this.length, size);
    this.hashes = grownTo(this.hashes, size);
    this.counts = grownTo(this.counts, size);
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const mask = size - 1;
    const slots = new Int32Array(size);
    for (let s = 0; s < this.n; s++) {
      let h = this.hashes[s] & mask;
      while (slots[h] !== 0) h = (h + 1) & mask;
      slots[h] = s + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
