// Stacks mode (see scan.ts).

import { K_SAMPLE } from "./layout";
import { base, lineNo, outN, setOutN, rec, ch, isDigit, grownCap, FIRST_BYTES } from "./memory";
import { hCommStart, hCommEnd, hPidStart, hPidEnd, hTidStart, hTidEnd, fSymStart, fSymEnd, fDsoStart, fDsoEnd } from "./parse";
import { linesN, forgetLines, sameBytes } from "./lines";

// --- stacks mode: interned pairs, roots, events and stacks ------------------------------

/** Byte strings interned by content: ids from 0, bytes kept in an arena JavaScript reads. */
class Interner {
  // Entry id: at, len, hash (i32 each).
  ents: usize = 0;
  n: i32 = 0;
  cap: i32 = 0;
  arena: usize = 0;
  used: i32 = 0;
  acap: i32 = 0;
  slots: usize = 0;
  mask: i32 = 0;

  /** `first`: the first capacity in bytes of its entries and its arena (see FIRST_BYTES; 0 for small tables). */
  constructor(readonly first: i32 = 0) {
    this.mask = (1 << 10) - 1;
    this.slots = heap.alloc(<usize>(this.mask + 1) * 4); // fresh memory: zero
  }

  intern(p: usize, len: i32): i32 {
    const h = hashAt(p, len);
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const v = load<i32>(this.slots + (<usize>slot << 2));
      if (v == 0) break;
      const ent = this.ents + <usize>(v - 1) * 12;
      if (load<i32>(ent, 8) == h && load<i32>(ent, 4) == len && sameBytes(this.arena + <usize>load<i32>(ent), p, len)) return v - 1;
      slot = (slot + 1) & mask;
    }
    if (this.n == this.cap) {
      const cap = grownCap(this.n + 1, 12, this.first);
      const q = heap.alloc(<usize>cap * 12);
      if (this.n > 0) memory.copy(q, this.ents, <usize>this.n * 12);
      this.ents = q;
      this.cap = cap;
    }
    if (this.used + len > this.acap) {
      const cap = grownCap(this.used + len, 1, this.first);
      const q = heap.alloc(<usize>cap);
      if (this.used > 0) memory.copy(q, this.arena, <usize>this.used);
      this.arena = q;
      this.acap = cap;
    }
    memory.copy(this.arena + <usize>this.used, p, <usize>len);
    const id = this.n++;
    const ent = this.ents + <usize>id * 12;
    store<i32>(ent, this.used);
    store<i32>(ent, len, 4);
    store<i32>(ent, h, 8);
    this.used += len;
    store<i32>(this.slots + (<usize>slot << 2), id + 1);
    if (this.n * 2 > this.mask) this.rehash();
    return id;
  }

  rehash(): void {
    const size = (this.mask + 1) << 1;
    const mask = size - 1;
    const ns = heap.alloc(<usize>size * 4); // fresh memory: zero
    for (let id = 0; id < this.n; id++) {
      let slot = load<i32>(this.ents + <usize>id * 12, 8) & mask;
      while (load<i32>(ns + (<usize>slot << 2)) != 0) slot = (slot + 1) & mask;
      store<i32>(ns + (<usize>slot << 2), id + 1);
    }
    this.slots = ns;
    this.mask = mask;
  }
}

function hashAt(p: usize, len: i32): i32 {
  let h: u32 = <u32>len * 0x9e3779b1;
  let i = 0;
  while (i + 4 <= len) {
    h = (h ^ load<u32>(p + <usize>i)) * 0x01000193;
    h ^= h >>> 13;
    i += 4;
  }
  for (; i < len; i++) h = (h ^ <u32>load<u8>(p + <usize>i)) * 0x01000193;
  h ^= h >>> 15;
  return <i32>h;
}

const pairs = new Interner(FIRST_BYTES);
const stacks = new Interner(FIRST_BYTES);
const roots = new Interner();
export const events = new Interner();

/** The interner `t` (0 pairs, 1 stacks, 2 roots, 3 events): for JavaScript to read new entries. */
function table(t: i32): Interner {
  return t == 0 ? pairs : t == 1 ? stacks : t == 2 ? roots : events;
}
export function tableSize(t: i32): i32 {
  return table(t).n;
}
/** Entries: (at, len, hash) int32 triples; `at` is an offset into tableArena(t). */
export function tableEntries(t: i32): usize {
  return table(t).ents;
}
export function tableArena(t: i32): usize {
  return table(t).arena;
}

let scratch: usize = 0;
let scratchCap: i32 = 0;

function ensureScratch(n: i32): void {
  if (n <= scratchCap) return;
  let cap = scratchCap > 0 ? scratchCap << 1 : 4096;
  while (cap < n) cap <<= 1;
  scratch = heap.alloc(<usize>cap);
  scratchCap = cap;
}

/**
 * The pair id of the frame just parsed: its symbol without a trailing '+0x' and lowercase
 * hex digits (all that stackcollapse-perf.pl strips), and its dso. Key: symbol length
 * (4 bytes), symbol, dso.
 */
export function internPair(): i32 {
  let se = fSymEnd;
  let k = se;
  while (k > fSymStart) {
    const c = ch(k - 1);
    if (isDigit(c) || <u32>(c - 97) <= 5) k--;
    else break;
  }
  if (k < se && k - 3 >= fSymStart && ch(k - 1) == 120 && ch(k - 2) == 48 && ch(k - 3) == 43) se = k - 3;
  const sl = se - fSymStart;
  const dl = fDsoEnd - fDsoStart;
  ensureScratch(4 + sl + dl);
  store<i32>(scratch, sl);
  memory.copy(scratch + 4, base + <usize>fSymStart, <usize>sl);
  memory.copy(scratch + 4 + <usize>sl, base + <usize>fDsoStart, <usize>dl);
  return pairs.intern(scratch, 4 + sl + dl);
}

/** The root id of the header just parsed. Key: comm length, pid length (4 bytes each), comm, pid, then '/' and tid if printed. */
export function internRoot(): i32 {
  const cl = hCommEnd - hCommStart;
  const pl = hPidEnd - hPidStart;
  const tl = hTidStart < 0 ? 0 : hTidEnd - hTidStart + 1;
  ensureScratch(8 + cl + pl + tl);
  store<i32>(scratch, cl);
  store<i32>(scratch, pl, 4);
  memory.copy(scratch + 8, base + <usize>hCommStart, <usize>cl);
  memory.copy(scratch + 8 + <usize>cl, base + <usize>hPidStart, <usize>pl);
  if (tl > 0) {
    store<u8>(scratch + 8 + <usize>(cl + pl), 47);
    memory.copy(scratch + 9 + <usize>(cl + pl), base + <usize>hTidStart, <usize>(tl - 1));
  }
  return roots.intern(scratch, 8 + cl + pl + tl);
}

// The frames of the sample being read, as pair ids, leaf first.
let frames: usize = 0;
let framesCap: i32 = 0;
let depth: i32 = 0;

/** Drops the frames read so far (a header starts a sample). */
@inline export function clearFrames(): void {
  depth = 0;
}

export function pushFrame(pair: i32): void {
  if (depth == framesCap) {
    const cap = framesCap > 0 ? framesCap << 1 : 1024;
    const p = heap.alloc(<usize>cap * 4);
    if (depth > 0) memory.copy(p, frames, <usize>depth * 4);
    frames = p;
    framesCap = cap;
  }
  store<i32>(frames + (<usize>depth << 2), pair);
  depth++;
}

/** A SAMPLE record: the sample that ends here, by the id of its stack. */
export function emitSample(): void {
  const id = stacks.intern(frames, depth * 4);
  depth = 0;
  const r = rec();
  store<i32>(r, K_SAMPLE);
  store<i32>(r, lineNo, 4);
  store<i32>(r, id, 24);
  setOutN(outN + 1);
  // Distinct frame lines are kept up to a bound, so memory stays flat on any input.
  if (linesN >= 1 << 20) forgetLines();
}
