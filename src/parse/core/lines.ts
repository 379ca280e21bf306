// Frame lines interned by their text (see scan.ts).

import { K_FRAME } from "./layout";
import { base, lineNo, outN, setOutN, rec, ch, isBlank, grownCap, FIRST_BYTES } from "./memory";
import { fAddrEnd, fSymStart, fSymEnd, fDsoStart, fDsoEnd } from "./parse";

// --- frame lines by text --------------------------------------------------------------------

// Entry e: its bytes at arena[at, + len), its hash, its pair (stacks mode), and the two
// lines that followed it most recently in a sample (-1: none; a function called from two
// places has two callers); 32 bytes, on a 32-byte boundary, so that what a line read needs
// of an entry is in one cache line (entries of 44 bytes straddled two more often than not).
// The spans of a line relative to its start (addr end, sym start, sym end, dso start, dso
// end) are in a table of their own, written only for line records (the stacks mode does not
// read them). Open addressing over slots (entry + 1, 0 = empty).
export const LE: i32 = 8; // i32 per entry: at, len, hash, pair, next, next2, unused, unused
/** Byte offset of an entry's pair. */
export const L_PAIR: i32 = 12;
const L_NEXT: i32 = 16;
const L_NEXT2: i32 = 20;
const SE: i32 = 5; // i32 per spans entry
export let lines: usize = 0;
export let linesN: i32 = 0;
let linesCap: i32 = 0;
let spans: usize = 0;
let spansCap: i32 = 0;
let arena: usize = 0;
let arenaUsed: i32 = 0;
let arenaCap: i32 = 0;
let slots: usize = 0;
let slotMask: i32 = 0;

/** Forgets every interned frame line (ids start again from 0). */
export function forgetLines(): void {
  linesN = 0;
  arenaUsed = 0;
  if (slots != 0) memory.fill(slots, 0, <usize>(slotMask + 1) * 4);
}

function hashBytes(s: i32, e: i32): i32 {
  // Eight bytes a step (a frame line is ~100 bytes), then the last eight (overlapping).
  const len = e - s;
  let h: u64 = <u64>len * 0x9e3779b97f4a7c15;
  let i = s;
  while (i + 8 <= e) {
    h = (h ^ load<u64>(base + <usize>i)) * 0xff51afd7ed558ccd;
    h ^= h >>> 29;
    i += 8;
  }
  if (i < e) {
    if (len >= 8) h = (h ^ load<u64>(base + <usize>(e - 8))) * 0xc4ceb9fe1a85ec53;
    else for (; i < e; i++) h = (h ^ <u64>ch(i)) * 0xc4ceb9fe1a85ec53;
  }
  h ^= h >>> 32;
  // All 32 bits: the slot is h & mask (a forced low bit would leave every even slot without
  // a home, and double the probes).
  return <i32>h;
}

export function sameBytes(a: usize, b: usize, n: i32): bool {
  let i = 0;
  while (i + 8 <= n) {
    if (load<u64>(a + <usize>i) != load<u64>(b + <usize>i)) return false;
    i += 8;
  }
  for (; i < n; i++) if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return false;
  return true;
}

let lastHash: i32 = 0;
let lastSlot: i32 = 0;
// The line (offsets in the chunk being scanned) that lastHash and lastSlot are for.
let lastS: i32 = -1;
let lastE: i32 = -1;

/** Forgets which line findLine last missed (a new chunk starts: offsets mean other lines). */
export function resetFind(): void {
  lastS = -1;
  lastE = -1;
}

/**
 * The id of the frame line [s, e) if it is the line that followed line `prev` last time
 * (read without a hash: a profile repeats its call chains), else -1.
 */
export function predictLine(prev: i32, s: i32, e: i32): i32 {
  const pe = lines + (<usize>prev * LE << 2);
  let cand = load<i32>(pe, L_NEXT);
  if (isLine(cand, s, e)) return cand;
  cand = load<i32>(pe, L_NEXT2);
  if (isLine(cand, s, e)) {
    // The most recent first.
    store<i32>(pe, load<i32>(pe, L_NEXT), L_NEXT2);
    store<i32>(pe, cand, L_NEXT);
    return cand;
  }
  return -1;
}

/**
 * Before the line at `pos` is delimited (chunk of `n` bytes): the id of the line that
 * followed line `prev` last time (or the time before) if the bytes at `pos` are that line
 * followed by its line break ("\n" or "\r\n"), else -1. On a hit, `aheadNext` is where the
 * next line starts. Saves the search for the line break of a predicted line; lines the
 * normal path would have to delimit otherwise (a line ending in '\r' before its break, the
 * chunk's last line without a break) are left to it.
 */
export function predictAhead(prev: i32, pos: i32, n: i32): i32 {
  const pe = lines + (<usize>prev * LE << 2);
  let cand = load<i32>(pe, L_NEXT);
  let next = lineAhead(cand, pos, n);
  if (next >= 0) {
    aheadNext = next;
    return cand;
  }
  cand = load<i32>(pe, L_NEXT2);
  next = lineAhead(cand, pos, n);
  if (next >= 0) {
    store<i32>(pe, load<i32>(pe, L_NEXT), L_NEXT2);
    store<i32>(pe, cand, L_NEXT);
    aheadNext = next;
    return cand;
  }
  return -1;
}
export let aheadNext: i32 = 0;

/** Where the next line starts if line `id` (maybe -1, or forgotten) is at `pos` with its break, else -1. */
@inline function lineAhead(id: i32, pos: i32, n: i32): i32 {
  if (id < 0 || id >= linesN) return -1;
  const ent = lines + (<usize>id * LE << 2);
  const len = load<i32>(ent, 4);
  const e = pos + len;
  if (e >= n) return -1;
  let next: i32;
  const c = ch(e);
  if (c == 10) next = e + 1;
  else if (c == 13 && e + 1 < n && ch(e + 1) == 10) next = e + 2;
  else return -1;
  if (len == 0 || ch(e - 1) == 13) return -1;
  return sameBytes(arena + <usize>load<i32>(ent), base + <usize>pos, len) ? next : -1;
}

/** Whether line `id` (maybe -1, or forgotten) is [s, e). */
@inline function isLine(id: i32, s: i32, e: i32): bool {
  if (id < 0 || id >= linesN) return false;
  const ent = lines + (<usize>id * LE << 2);
  const len = e - s;
  return load<i32>(ent, 4) == len && sameBytes(arena + <usize>load<i32>(ent), base + <usize>s, len);
}

/** Records that line `id` followed line `prev` (both ids of this table), as the most recent. */
export function setNextLine(prev: i32, id: i32): void {
  const pe = lines + (<usize>prev * LE << 2);
  store<i32>(pe, load<i32>(pe, L_NEXT), L_NEXT2);
  store<i32>(pe, id, L_NEXT);
}

/** The id of the frame line [s, e), or -1 (then lastHash and lastSlot say where to add it). */
export function findLine(s: i32, e: i32): i32 {
  if (slots == 0) {
    slotMask = (1 << 12) - 1;
    // Fresh memory (the stub runtime reuses none) is zero: nothing to fill.
    slots = heap.alloc(<usize>(slotMask + 1) * 4);
  }
  const h = hashBytes(s, e);
  const len = e - s;
  let slot = h & slotMask;
  for (;;) {
    const v = load<i32>(slots + (<usize>slot << 2));
    if (v == 0) break;
    const ent = lines + (<usize>(v - 1) * LE << 2);
    if (load<i32>(ent, 8) == h && load<i32>(ent, 4) == len && sameBytes(arena + <usize>load<i32>(ent), base + <usize>s, len)) return v - 1;
    slot = (slot + 1) & slotMask;
  }
  lastHash = h;
  lastSlot = slot;
  lastS = s;
  lastE = e;
  return -1;
}

/** Interns the frame line [s, e) just parsed (its spans in fAddrStart..fDsoEnd); returns its id. */
export function addLine(s: i32, e: i32, pair: i32): i32 {
  // The scan has just looked the line up (and missed): lastHash and lastSlot are for it.
  if (s != lastS || e != lastE) {
    if (findLine(s, e) >= 0) return -1; // cannot happen: found lines are not parsed
  }
  lastS = -1;
  const len = e - s;
  if (linesN == linesCap) {
    const cap = grownCap(linesN + 1, LE * 4, FIRST_BYTES);
    const p = (heap.alloc(<usize>cap * LE * 4 + 32) + 31) & ~(<usize>31);
    if (linesN > 0) memory.copy(p, lines, <usize>linesN * LE * 4);
    lines = p;
    linesCap = cap;
  }
  // Spans: line records only (pair -1); the stacks mode never reads them.
  if (pair < 0 && linesN >= spansCap) {
    const cap = grownCap(linesN + 1, SE * 4, FIRST_BYTES);
    const p = heap.alloc(<usize>cap * SE * 4);
    if (spansCap > 0) memory.copy(p, spans, <usize>spansCap * SE * 4);
    spans = p;
    spansCap = cap;
  }
  if (arenaUsed + len > arenaCap) {
    const cap = grownCap(arenaUsed + len, 1, FIRST_BYTES);
    const p = heap.alloc(<usize>cap);
    if (arenaUsed > 0) memory.copy(p, arena, <usize>arenaUsed);
    arena = p;
    arenaCap = cap;
  }
  memory.copy(arena + <usize>arenaUsed, base + <usize>s, <usize>len);
  const id = linesN++;
  const ent = lines + (<usize>id * LE << 2);
  store<i32>(ent, arenaUsed);
  store<i32>(ent, len, 4);
  store<i32>(ent, lastHash, 8);
  store<i32>(ent, pair, L_PAIR);
  store<i32>(ent, -1, L_NEXT);
  store<i32>(ent, -1, L_NEXT2);
  if (pair < 0) {
    const sp = spans + (<usize>id * SE << 2);
    store<i32>(sp, fAddrEnd - s);
    store<i32>(sp, fSymStart - s, 4);
    store<i32>(sp, fSymEnd - s, 8);
    store<i32>(sp, fDsoStart - s, 12);
    store<i32>(sp, fDsoEnd - s, 16);
  }
  arenaUsed += len;
  store<i32>(slots + (<usize>lastSlot << 2), id + 1);
  if (linesN * 2 > slotMask) rehashLines();
  return id;
}

function rehashLines(): void {
  const size = (slotMask + 1) << 1;
  const mask = size - 1;
  const ns = heap.alloc(<usize>size * 4); // fresh: zero
  for (let id = 0; id < linesN; id++) {
    let slot = load<i32>(lines + (<usize>id * LE << 2), 8) & mask;
    while (load<i32>(ns + (<usize>slot << 2)) != 0) slot = (slot + 1) & mask;
    store<i32>(ns + (<usize>slot << 2), id + 1);
  }
  slots = ns;
  slotMask = mask;
}

/** A FRAME record for an interned line at [pos, end) of this chunk. */
export function emitFrameFromLine(id: i32, pos: i32, end: i32): void {
  const ent = spans + (<usize>id * SE << 2);
  const r = rec();
  // The address starts where the line's first non-blank byte is.
  let p = pos;
  while (p < end && isBlank(ch(p))) p++;
  store<i32>(r, K_FRAME);
  store<i32>(r, lineNo, 4);
  store<i32>(r, pos, 8);
  store<i32>(r, end, 12);
  store<i32>(r, p, 16);
  store<i32>(r, pos + load<i32>(ent), 20);
  store<i32>(r, pos + load<i32>(ent, 4), 24);
  store<i32>(r, pos + load<i32>(ent, 8), 28);
  store<i32>(r, pos + load<i32>(ent, 12), 32);
  store<i32>(r, pos + load<i32>(ent, 16), 36);
  store<i32>(r, 0, 40);
  store<i32>(r, id, 44);
  setOutN(outN + 1);
}
