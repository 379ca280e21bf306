// The core's memory: the input and output areas, the chunk being scanned, the line number,
// byte helpers and the plain record writers (see scan.ts).

import { REC, SP, TAB, K_END, K_BAD } from "./layout";

// --- memory -----------------------------------------------------------------------------

export let inPtr: usize = 0;
export let inCap: i32 = 0;
export let outPtr: usize = 0;
export let outCap: i32 = 0; // records
export let outN: i32 = 0;

export let base: usize = 0; // the chunk being scanned
export let lineNo: i32 = 0;

// Writers for other files (imported bindings are read-only).
/** Starts a chunk at `p`: no records written yet. */
@inline export function setBase(p: usize): void {
  base = p;
}
@inline export function setOutN(n: i32): void {
  outN = n;
}
@inline export function setLine(n: i32): void {
  lineNo = n;
}

/**
 * The new capacity of a table that holds `need` units of `unit` bytes and has outgrown its
 * capacity: 8 times the need while the table is under 32 MiB, then twice. The stub runtime
 * never frees memory, so a table that moves leaves its old copy behind; and a page of fresh
 * memory costs a fault the first time it is written, which costs more than the copy on some
 * machines (a virtual machine that gives freed pages back to its host: ~15 us a 4 KiB page,
 * docs/speed.md). Pages of a capacity not yet used are never written: a large capacity costs
 * address space, not memory, and a table that grows 8 times at a time leaves ~1/7 of its
 * size behind instead of as much as its size.
 */
export function grownCap(need: i32, unit: i32, first: i32 = 0): i32 {
  const bytes = <i64>need * unit;
  let cap = <i64>need * (bytes < 1 << 25 ? 8 : 2);
  if ((scanned >= FIRST_AFTER || expected >= FIRST_AFTER) && cap * unit < <i64>first) cap = <i64>first / unit;
  return cap > 0x3fffffff ? 0x3fffffff : <i32>cap;
}

/**
 * The first capacity, in bytes, of the tables that grow with the input (frame lines, pairs,
 * stacks): pages not written cost nothing, but every move of a table writes its used part
 * again into fresh pages (a profile of 143 MB moved ~3.6 MB of its tables, ~900 pages at
 * ~15-20 us each on this machine). Tables under this size never move; it is address space.
 */
export const FIRST_BYTES: i32 = 16 << 20;

/**
 * Bytes scanned before a table grows to FIRST_BYTES at once. Why: V8 counts a WebAssembly
 * memory's growth as external memory, and a jump of a few MiB early in a run makes it
 * collect its heap ("external memory pressure": a mark-compact and two scavenges, +5 ms of
 * CPU and 28 M instructions on a 3 MB input), where a short run's tables never need the
 * room. Past this much input a run is long, and its tables grow to FIRST_BYTES at their
 * next move.
 */
const FIRST_AFTER: i64 = 16 << 20;

/** Input bytes given to scan so far (lines cut at a chunk's end count again). */
let scanned: i64 = 0;

/** Input bytes the caller said it will give (expectInput). */
let expected: i64 = 0;

/**
 * The caller will give at least `mib` MiB of input (a file of that size): past
 * FIRST_AFTER, the big tables take FIRST_BYTES at their first allocation instead of after
 * FIRST_AFTER bytes were scanned. Why: until then they grow 8 times at a time, and each
 * move, and the move to FIRST_BYTES after it, writes their used part again into fresh pages
 * (on the recorded tsc profile ~950 of the core's ~6,200 page faults, ~15 us each here).
 */
export function expectInput(mib: i32): void {
  const bytes = <i64>mib << 20;
  if (bytes > expected) expected = bytes;
}

/** Counts `len` bytes given to scan. */
export function noteScanned(len: i32): void {
  scanned += len;
}

/** The input area, at least `size` bytes; JavaScript writes a chunk there and calls scan. */
export function inputArea(size: i32): usize {
  if (size > inCap) {
    let cap = inCap > 0 ? inCap : 1 << 16;
    while (cap < size) cap <<= 1;
    inPtr = heap.alloc(<usize>cap);
    inCap = cap;
  }
  return inPtr;
}

/** Where the records of the last scan are (it may move from call to call). */
export function outputArea(): usize {
  return outPtr;
}

export function ensureOut(more: i32): void {
  if (outN + more <= outCap) return;
  let cap = outCap > 0 ? outCap << 1 : 4096;
  while (cap < outN + more) cap <<= 1;
  const p = heap.alloc(<usize>cap * REC * 4 + 8);
  const aligned = (p + 7) & ~(<usize>7);
  if (outN > 0) memory.copy(aligned, outPtr, <usize>outN * REC * 4);
  outPtr = aligned;
  outCap = cap;
}

@inline export function rec(): usize {
  return outPtr + <usize>outN * REC * 4;
}

@inline export function ch(i: i32): i32 {
  return <i32>load<u8>(base + <usize>i);
}

@inline export function isDigit(c: i32): bool {
  return <u32>(c - 48) <= 9;
}

/** A word character as Perl's \w sees ASCII. */
@inline export function isWord(c: i32): bool {
  return <u32>(c - 48) <= 9 || <u32>((c | 32) - 97) <= 25 || c == 95;
}

@inline export function isBlank(c: i32): bool {
  return c == SP || c == TAB;
}

export function emitSpan(kind: i32, start: i32, stop: i32): void {
  const r = rec();
  store<i32>(r, kind);
  store<i32>(r, lineNo, 4);
  store<i32>(r, start, 8);
  store<i32>(r, stop, 12);
  outN++;
}

/** An END record; `header`: the sample ends because a header starts another (inSample stays). */
export function emitEnd(header: i32): void {
  const r = rec();
  store<i32>(r, K_END);
  store<i32>(r, lineNo, 4);
  store<i32>(r, header, 16);
  outN++;
}

export function emitBad(reason: i32, start: i32, end: i32): void {
  const r = rec();
  store<i32>(r, K_BAD);
  store<i32>(r, lineNo, 4);
  store<i32>(r, start, 8);
  store<i32>(r, end, 12);
  store<i32>(r, reason, 16);
  outN++;
}
