// The WebAssembly core: the only code that reads perf script bytes (AssemblyScript,
// compiled by `npm run build:core` into dist/parse/core.wasm).
//
// It reads a chunk of whole lines that JavaScript has written into its input area, for
// example:
//
//   # cmdline : /usr/bin/perf record -F 99 -a -g -- sleep 10
//   java  3244/3250 [002] 6544038.708352:     250000 cpu-clock:ppp:
//   \t    7f1e214c24d9 SpinPause+0x19 (/usr/lib/jvm/libjvm.so)
//   \tffffffff8104f45a native_write_msr_safe ([kernel.kallsyms])
//       swapper     0 [000]   147.374682:          1 cycles:ppp:  ffffffff810631d4 native_write_msr+0x4 ([kernel.kallsyms])
//   xxxx 28142 [004] 42460.086800: syscalls:sys_enter_read: fd: 0x00000003, buf: 0x7ffd
//   java 19983 cycles:
//
// and writes one fixed-size record per event (header, frame, source line, end of sample,
// comment, blank, other, bad line) into its output area, which JavaScript reads as an
// Int32Array and a Float64Array (src/parse/perf-script.ts). JavaScript crosses into the
// core once per chunk, never per line.
//
// Frame lines are interned by their text in the core's own table: a frame line seen before
// is not parsed again (its spans are stored relative to the line start), and its record
// carries the line's id, so that JavaScript names each distinct frame line once.
//
// Reference behaviour: the header grammar of stackcollapse-perf.pl and range-perf.pl
// (../shared/reference §1, §2), parsed from the timestamp outwards rather than from the
// left, so that a comm may hold spaces, digits and brackets, may have leading spaces, and
// a frame may sit on the header line itself (inferno does the same). The grammar is the
// one today's TypeScript oracle (test/oracle/perf-script-ts.ts) implements, line for line;
// test/parse-core.test.ts proves the two agree.
//
// The core is total: it never traps on any input. Lines it cannot place become BAD records.
//
// The files: layout.ts (record layout and byte constants), memory.ts (input and output
// areas, byte helpers, plain records), parse.ts (header and frame parsing), lines.ts (frame
// lines by text), stacks.ts (stacks mode); this entry file holds the scan and the exports.

import { K_HEADER, K_FRAME, K_SRCLINE, K_OTHER, K_COMMENT, K_BLANK, F_TIME, F_HEADER_FRAME, R_NOT_FRAME, R_OUTSIDE, R_NOT_PERF, SP, TAB, CR, LF, COLON, HASH } from "./layout";
import { inPtr, base, lineNo, outN, setBase, setOutN, setLine, ensureOut, rec, ch, isBlank, emitSpan, emitEnd, emitBad, noteScanned } from "./memory";
import { hCommStart, hCommEnd, hPidStart, hPidEnd, hTidStart, hTidEnd, hCpu, hFlags, hSec, hNs, hTimeStart, hTimeEnd, hSecEnd, hPeriod, hPeriodStart, hPeriodEnd, hEventStart, hEventEnd, fAddrStart, fAddrEnd, fSymStart, fSymEnd, fDsoStart, fDsoEnd, fOnHeader, parseHeader, parseFrame } from "./parse";
import { LE, L_PAIR, lines, findLine, addLine, emitFrameFromLine, predictLine, predictAhead, aheadNext, setNextLine, resetFind } from "./lines";
import { events, internPair, internRoot, pushFrame, emitSample, clearFrames } from "./stacks";

export { inputArea, outputArea, expectInput } from "./memory";
export { forgetLines } from "./lines";
export { tableSize, tableEntries, tableArena } from "./stacks";

// --- state --------------------------------------------------------------------------------

let inSample: bool = false;
let expectSrcline: bool = false;
let headers: i32 = 0;
let timedHeaders: i32 = 0;
let optFrames: bool = false;
let optSrcline: bool = false;
let optHeadersOnly: bool = false;
let optMemo: bool = false;
/**
 * Stacks mode (stackcollapse): frames are interned as (symbol without its +0x offset, dso)
 * pairs and whole samples as sequences of pair ids, leaf first; the core writes HEADER,
 * SAMPLE and BAD records only.
 */
let optStacks: bool = false;
/** The id of the frame line before this one in the sample (interned lines only), or -1. */
let prevLine: i32 = -1;

/**
 * Sets what the consumer wants: frame lines parsed (else they are OTHER records), source
 * lines after frames, only header and comment records once a header was seen, and frame
 * lines interned by text (not with srcline).
 */
export function configure(frames: bool, srcline: bool, headersOnly: bool, memo: bool, stacks: bool): void {
  optStacks = stacks && !srcline;
  optFrames = frames || memo || optStacks;
  optSrcline = srcline;
  optHeadersOnly = headersOnly && !optFrames;
  optMemo = (memo || optStacks) && !srcline;
}

export function getLineNo(): i32 {
  return lineNo;
}
export function setLineNo(n: i32): void {
  setLine(n);
}
export function getInSample(): bool {
  return inSample;
}
export function getHeaders(): i32 {
  return headers;
}
export function getTimedHeaders(): i32 {
  return timedHeaders;
}

/** Ends the input: a last sample with no blank line after it is ended too (one END record or none). */
export function finish(): i32 {
  setOutN(0);
  if (inSample) {
    inSample = false;
    ensureOut(1);
    if (optStacks) emitSample();
    else emitEnd(0);
  }
  expectSrcline = false;
  return outN;
}

// --- the scan -------------------------------------------------------------------------------

/**
 * Parses every line of the chunk of `len` bytes in the input area (a final line without a
 * line break too) and returns the number of records written to the output area.
 */
export function scan(len: i32): i32 {
  noteScanned(len);
  setBase(inPtr);
  setOutN(0);
  resetFind();
  const n = len;
  let pos = 0;
  while (pos < n) {
    // A frame line after a frame line: most often the one that followed it last time, found
    // before its line break is searched for (predictAhead checks that break).
    if (prevLine >= 0 && optStacks && inSample) {
      const id = predictAhead(prevLine, pos, n);
      if (id >= 0) {
        setLine(lineNo + 1);
        pushFrame(load<i32>(lines + (<usize>id * LE << 2), L_PAIR));
        prevLine = id;
        pos = aheadNext;
        continue;
      }
    }
    // The line [pos, end), its break ending before next.
    let nl = findNewline(pos, n);
    const next = nl < n ? nl + 1 : n;
    let end = nl;
    if (end > pos && ch(end - 1) == CR) end--;
    setLine(lineNo + 1);
    ensureOut(3);
    const skim = optHeadersOnly && headers > 0;

    // The line before in this sample, if it was an interned frame line.
    const prev = prevLine;
    prevLine = -1;
    if (optMemo && inSample && end > pos) {
      // Most often the line that followed the line before last time; else by hash.
      let id = prev >= 0 ? predictLine(prev, pos, end) : -1;
      if (id < 0) {
        id = findLine(pos, end);
        if (id >= 0 && prev >= 0) setNextLine(prev, id);
      }
      if (id >= 0) {
        if (optStacks) pushFrame(load<i32>(lines + (<usize>id * LE << 2), L_PAIR));
        else emitFrameFromLine(id, pos, end);
        prevLine = id;
        pos = next;
        continue;
      }
    }
    const c0 = ch(pos);
    if (c0 == HASH) {
      // Stacks mode too: heatmap-svg reads the rate from '# cmdline' and '# event'.
      emitSpan(K_COMMENT, pos, next);
      pos = next;
      continue;
    }
    let p = pos;
    while (p < end && isBlank(ch(p))) p++;
    if (p == end) {
      if (skim) {
        pos = next;
        continue;
      }
      if (inSample) {
        inSample = false;
        expectSrcline = false;
        if (optStacks) emitSample();
        else emitEnd(0);
      }
      if (!optStacks) emitSpan(K_BLANK, pos, next);
      pos = next;
      continue;
    }
    // A header holds ': ' or ends in ':'; perf indents frames, never a comm, with a tab.
    if (c0 != TAB && (ch(end - 1) == COLON || hasColonSpace(pos, end)) && parseHeader(p, end, p > pos)) {
      if (inSample && !skim) {
        if (optStacks) emitSample();
        else emitEnd(1);
      }
      inSample = true;
      headers++;
      if (hFlags & F_TIME) timedHeaders++;
      emitHeader(pos, end);
      if (optFrames && fOnHeader) {
        if (optStacks) pushFrame(internPair());
        else emitFrame(pos, end, -1);
      }
      pos = next;
      continue;
    }
    if (skim) {
      pos = next;
      continue;
    }
    if (expectSrcline) {
      expectSrcline = false;
      emitSpan(K_SRCLINE, p, end);
    } else if (optFrames && inSample) {
      if (parseFrame(p, end, false)) {
        if (optStacks) {
          const pair = internPair();
          const id = addLine(pos, end, pair);
          if (prev >= 0 && id >= 0) setNextLine(prev, id);
          prevLine = id;
          pushFrame(pair);
        } else {
          let id = -1;
          if (optMemo) {
            id = addLine(pos, end, -1);
            if (prev >= 0 && id >= 0) setNextLine(prev, id);
            prevLine = id;
          }
          emitFrame(pos, end, id);
        }
        if (optSrcline) expectSrcline = !isUnknownSym();
      } else {
        emitBad(R_NOT_FRAME, pos, end);
      }
    } else if (optFrames) {
      // A frame before any header (say, the input was cut with tail), or text that is not
      // perf script at all.
      emitBad(parseFrame(p, end, false) ? R_OUTSIDE : R_NOT_PERF, pos, end);
    } else {
      emitSpan(K_OTHER, pos, next);
    }
    pos = next;
  }
  return outN;
}

/** The index of the next '\n' at or after `from`, or `n`. */
function findNewline(from: i32, n: i32): i32 {
  let i = from;
  // Sixteen bytes at a time while they fit.
  const nlv = i8x16.splat(<i8>10);
  while (i + 16 <= n) {
    const v = v128.load(base + <usize>i);
    const m = i8x16.bitmask(i8x16.eq(v, nlv));
    if (m != 0) return i + ctz(m);
    i += 16;
  }
  while (i < n && ch(i) != LF) i++;
  return i;
}

/** Whether [pos, end) holds ': '. */
function hasColonSpace(pos: i32, end: i32): bool {
  let i = pos;
  const cv = i8x16.splat(<i8>COLON);
  while (i + 16 <= end) {
    const v = v128.load(base + <usize>i);
    let m = i8x16.bitmask(i8x16.eq(v, cv));
    while (m != 0) {
      const k = i + ctz(m);
      if (k + 1 < end && ch(k + 1) == SP) return true;
      m &= m - 1;
    }
    i += 16;
  }
  for (; i < end - 1; i++) if (ch(i) == COLON && ch(i + 1) == SP) return true;
  return false;
}

function emitHeader(start: i32, end: i32): void {
  const r = rec();
  store<i32>(r, K_HEADER);
  store<i32>(r, lineNo, 4);
  store<i32>(r, start, 8);
  store<i32>(r, end, 12);
  store<i32>(r, hCommStart, 16);
  store<i32>(r, hCommEnd, 20);
  store<i32>(r, hPidStart, 24);
  store<i32>(r, hPidEnd, 28);
  store<i32>(r, hTidStart, 32);
  store<i32>(r, hTidEnd, 36);
  store<i32>(r, hFlags | (fOnHeader ? F_HEADER_FRAME : 0), 40);
  store<i32>(r, hNs, 44);
  store<i32>(r, hTimeStart, 48);
  store<i32>(r, hTimeEnd, 52);
  store<i32>(r, hEventStart, 56);
  store<i32>(r, hEventEnd, 60);
  store<i32>(r, hPeriodStart, 64);
  store<i32>(r, hPeriodEnd, 68);
  store<f64>(r, hSec, 72);
  store<f64>(r, hPeriod, 80);
  store<i32>(r, hSecEnd, 88);
  store<i32>(r, <i32>hCpu, 92);
  if (optStacks) {
    store<i32>(r, internRoot(), 96);
    store<i32>(r, events.intern(base + <usize>hEventStart, hEventEnd - hEventStart), 100);
    clearFrames();
  }
  setOutN(outN + 1);
}

function emitFrame(start: i32, end: i32, id: i32): void {
  const r = rec();
  store<i32>(r, K_FRAME);
  store<i32>(r, lineNo, 4);
  store<i32>(r, start, 8);
  store<i32>(r, end, 12);
  store<i32>(r, fAddrStart, 16);
  store<i32>(r, fAddrEnd, 20);
  store<i32>(r, fSymStart, 24);
  store<i32>(r, fSymEnd, 28);
  store<i32>(r, fDsoStart, 32);
  store<i32>(r, fDsoEnd, 36);
  store<i32>(r, fOnHeader ? 1 : 0, 40);
  store<i32>(r, id, 44);
  setOutN(outN + 1);
}

function isUnknownSym(): bool {
  if (fSymEnd - fSymStart != 9) return false;
  const s = fSymStart;
  return ch(s) == 91 && ch(s + 1) == 117 && ch(s + 2) == 110 && ch(s + 3) == 107 && ch(s + 4) == 110 && ch(s + 5) == 111 && ch(s + 6) == 119 && ch(s + 7) == 110 && ch(s + 8) == 93;
}
