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

// --- record layout (keep in step with src/parse/perf-script.ts) ------------------------

/** Int32 slots per record; records start on 8-byte boundaries (f64 slots). */
const REC: i32 = 28;

const K_HEADER: i32 = 1;
const K_FRAME: i32 = 2;
const K_SRCLINE: i32 = 3;
const K_END: i32 = 4;
const K_OTHER: i32 = 5;
const K_COMMENT: i32 = 6;
const K_BLANK: i32 = 7;
const K_BAD: i32 = 8;
const K_SAMPLE: i32 = 9; // stacks mode: a sample ended, slot 6 holds its stack id

// Header flags.
const F_TIME: i32 = 1;
const F_PERIOD: i32 = 2;
const F_SEC_BIG: i32 = 4; // more than 15 digits of seconds: JavaScript parses them
const F_PERIOD_BIG: i32 = 8; // more than 15 digits of period: JavaScript parses them
const F_CPU_BIG: i32 = 16;
const F_HEADER_FRAME: i32 = 32; // a frame is printed on the header line (it is the stack's first)

// Bad line reasons.
const R_NOT_FRAME: i32 = 0;
const R_OUTSIDE: i32 = 1;
const R_NOT_PERF: i32 = 2;

const SP: i32 = 32;
const TAB: i32 = 9;
const CR: i32 = 13;
const LF: i32 = 10;
const COLON: i32 = 58;
const HASH: i32 = 35;
const SLASH: i32 = 47;
const DOT: i32 = 46;
const LPAREN: i32 = 40;
const RPAREN: i32 = 41;
const LBRACK: i32 = 91;
const RBRACK: i32 = 93;

// --- memory -----------------------------------------------------------------------------

let inPtr: usize = 0;
let inCap: i32 = 0;
let outPtr: usize = 0;
let outCap: i32 = 0; // records
let outN: i32 = 0;

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

function ensureOut(more: i32): void {
  if (outN + more <= outCap) return;
  let cap = outCap > 0 ? outCap << 1 : 4096;
  while (cap < outN + more) cap <<= 1;
  const p = heap.alloc(<usize>cap * REC * 4 + 8);
  const aligned = (p + 7) & ~(<usize>7);
  if (outN > 0) memory.copy(aligned, outPtr, <usize>outN * REC * 4);
  outPtr = aligned;
  outCap = cap;
}

@inline function rec(): usize {
  return outPtr + <usize>outN * REC * 4;
}

@inline function ch(i: i32): i32 {
  return <i32>load<u8>(base + <usize>i);
}

@inline function isDigit(c: i32): bool {
  return <u32>(c - 48) <= 9;
}

/** A word character as Perl's \w sees ASCII. */
@inline function isWord(c: i32): bool {
  return <u32>(c - 48) <= 9 || <u32>((c | 32) - 97) <= 25 || c == 95;
}

@inline function isBlank(c: i32): bool {
  return c == SP || c == TAB;
}

// --- state --------------------------------------------------------------------------------

let base: usize = 0; // the chunk being scanned
let lineNo: i32 = 0;
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
  lineNo = n;
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
  outN = 0;
  if (inSample) {
    inSample = false;
    ensureOut(1);
    if (optStacks) emitSample();
    else emitEnd(0);
  }
  expectSrcline = false;
  return outN;
}

// --- the parsed header and frame ----------------------------------------------------------

let hCommStart: i32 = 0;
let hCommEnd: i32 = 0;
let hPidStart: i32 = 0;
let hPidEnd: i32 = 0;
let hTidStart: i32 = -1;
let hTidEnd: i32 = -1;
let hCpu: f64 = -1;
let hFlags: i32 = 0;
let hSec: f64 = 0;
let hNs: i32 = 0;
let hTimeStart: i32 = 0;
let hTimeEnd: i32 = 0;
let hSecEnd: i32 = 0;
let hPeriod: f64 = 1;
let hPeriodStart: i32 = 0;
let hPeriodEnd: i32 = 0;
let hEventStart: i32 = 0;
let hEventEnd: i32 = 0;
let hCpuStart: i32 = 0;
let hCpuEnd: i32 = 0;

let fAddrStart: i32 = 0;
let fAddrEnd: i32 = 0;
let fSymStart: i32 = 0;
let fSymEnd: i32 = 0;
let fDsoStart: i32 = 0;
let fDsoEnd: i32 = 0;
let fOnHeader: bool = false;

// --- the scan -------------------------------------------------------------------------------

/**
 * Parses every line of the chunk of `len` bytes in the input area (a final line without a
 * line break too) and returns the number of records written to the output area.
 */
export function scan(len: i32): i32 {
  base = inPtr;
  outN = 0;
  const n = len;
  let pos = 0;
  while (pos < n) {
    // The line [pos, end), its break ending before next.
    let nl = findNewline(pos, n);
    const next = nl < n ? nl + 1 : n;
    let end = nl;
    if (end > pos && ch(end - 1) == CR) end--;
    lineNo++;
    ensureOut(3);
    const skim = optHeadersOnly && headers > 0;

    if (optMemo && inSample && end > pos) {
      const id = findLine(pos, end);
      if (id >= 0) {
        if (optStacks) pushFrame(load<i32>(lines + (<usize>id * LE << 2), 32));
        else emitFrameFromLine(id, pos, end);
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
          addLine(pos, end, pair);
          pushFrame(pair);
        } else {
          let id = -1;
          if (optMemo) id = addLine(pos, end, -1);
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

function emitSpan(kind: i32, start: i32, stop: i32): void {
  const r = rec();
  store<i32>(r, kind);
  store<i32>(r, lineNo, 4);
  store<i32>(r, start, 8);
  store<i32>(r, stop, 12);
  outN++;
}

/** An END record; `header`: the sample ends because a header starts another (inSample stays). */
function emitEnd(header: i32): void {
  const r = rec();
  store<i32>(r, K_END);
  store<i32>(r, lineNo, 4);
  store<i32>(r, header, 16);
  outN++;
}

function emitBad(reason: i32, start: i32, end: i32): void {
  const r = rec();
  store<i32>(r, K_BAD);
  store<i32>(r, lineNo, 4);
  store<i32>(r, start, 8);
  store<i32>(r, end, 12);
  store<i32>(r, reason, 16);
  outN++;
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
    depth = 0;
  }
  outN++;
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
  outN++;
}

function isUnknownSym(): bool {
  if (fSymEnd - fSymStart != 9) return false;
  const s = fSymStart;
  return ch(s) == 91 && ch(s + 1) == 117 && ch(s + 2) == 110 && ch(s + 3) == 107 && ch(s + 4) == 110 && ch(s + 5) == 111 && ch(s + 6) == 119 && ch(s + 7) == 110 && ch(s + 8) == 93;
}

// --- headers --------------------------------------------------------------------------------

/**
 * Parses `comm pid[/tid] [cpu] [time:] [period] event: [rest]` within [p, end). The pid is
 * the first all-digit word that the rest of the grammar follows, so a comm may hold spaces
 * and numbers ('Thread 2 worker 123 ...'). Without a timestamp an event is required; with
 * one it is optional.
 */
function parseHeader(p: i32, end: i32, indented: bool): bool {
  // The first place where the untimed form parses; a timed parse further on wins, so that a
  // comm such as 'a 0 a:' does not hide the real pid and timestamp after it.
  let untimedI = -1;
  let untimedJ = -1;
  let untimedSlash = -1;
  let i = p;
  while (i < end) {
    let j = i;
    while (j < end && !isBlank(ch(j))) j++;
    // A pid token: digits, or digits/digits. perf prints -1 for a task it no longer
    // knows (with the comm ':-1'), so '-1' counts as a number here too.
    let k = numberEnd(i, j);
    let slash = -1;
    if (k > i && k < j && ch(k) == SLASH) {
      slash = k;
      const t0 = k + 1;
      k = numberEnd(t0, j);
      if (k == t0) k = -1;
    }
    // A comm is required, so that a frame such as '400577 1: (dso)' stays a frame.
    if (k == j && j > i && i > p && parseAfterPid(j, end)) {
      if (hFlags & F_TIME) {
        setCommPid(p, i, j, slash);
        return true;
      }
      // Without a timestamp, only perf's old unindented form: an indented line such as
      // '\t400004 1 a: (dso)' is a frame.
      if (untimedI < 0 && !indented) {
        untimedI = i;
        untimedJ = j;
        untimedSlash = slash;
      }
    }
    i = j;
    while (i < end && isBlank(ch(i))) i++;
  }
  if (untimedI < 0) return false;
  parseAfterPid(untimedJ, end);
  setCommPid(p, untimedI, untimedJ, untimedSlash);
  return true;
}

/** The end of the pid or tid number at k (before j): digits, or perf's '-1'. */
function numberEnd(k: i32, j: i32): i32 {
  if (k + 1 < j && ch(k) == 45 && ch(k + 1) == 49 && (k + 2 == j || ch(k + 2) == SLASH)) return k + 2;
  while (k < j && isDigit(ch(k))) k++;
  return k;
}

function setCommPid(p: i32, i: i32, j: i32, slash: i32): void {
  let ce = i;
  while (ce > p && isBlank(ch(ce - 1))) ce--;
  hCommStart = p;
  hCommEnd = ce;
  hPidStart = i;
  if (slash < 0) {
    hPidEnd = j;
    hTidStart = -1;
    hTidEnd = -1;
  } else {
    hPidEnd = slash;
    hTidStart = slash + 1;
    hTidEnd = j;
  }
}

@inline function skipBlanks(i: i32, end: i32): i32 {
  while (i < end && isBlank(ch(i))) i++;
  return i;
}

/** The value of the digits [s, e) (exact for up to 15 of them). */
function parseDigits(s: i32, e: i32): f64 {
  let v: f64 = 0;
  for (let k = s; k < e; k++) v = v * 10 + <f64>(ch(k) - 48);
  return v;
}

/** Parses `[cpu] [time:] [period] event: [rest]` starting at `i`; fills the header. */
function parseAfterPid(i0: i32, end: i32): bool {
  let i = skipBlanks(i0, end);
  hCpu = -1;
  hFlags = 0;
  // [cpu]
  if (i < end && ch(i) == LBRACK) {
    let k = i + 1;
    while (k < end && isDigit(ch(k))) k++;
    if (k == i + 1 || k >= end || ch(k) != RBRACK) return false;
    if (k - i - 1 > 9) hFlags |= F_CPU_BIG;
    else hCpu = parseDigits(i + 1, k);
    hCpuStart = i + 1;
    hCpuEnd = k;
    i = skipBlanks(k + 1, end);
  }
  // time: digits.digits:
  hSec = 0;
  hNs = 0;
  hTimeStart = 0;
  hTimeEnd = 0;
  let k = i;
  while (k < end && isDigit(ch(k))) k++;
  // perf always prints a decimal point: '9 0:' in a symbol is no timestamp.
  if (k > i && k < end && ch(k) == DOT) {
    let fracEnd = k + 1;
    while (fracEnd < end && isDigit(ch(fracEnd))) fracEnd++;
    if (fracEnd > k + 1 && fracEnd < end && ch(fracEnd) == COLON) {
      hFlags |= F_TIME;
      hTimeStart = i;
      hTimeEnd = fracEnd;
      hSecEnd = k;
      if (k - i <= 15) hSec = parseDigits(i, k);
      else hFlags |= F_SEC_BIG;
      // Nanoseconds, exactly: '7083' -> 708300000.
      let v: i32 = 0;
      let d = k + 1;
      const stop = min(fracEnd, k + 10);
      for (; d < stop; d++) v = v * 10 + (ch(d) - 48);
      for (let c = stop - k - 1; c < 9; c++) v *= 10;
      hNs = v;
      i = skipBlanks(fracEnd + 1, end);
    }
  }
  // period
  hPeriod = 1;
  k = i;
  while (k < end && isDigit(ch(k))) k++;
  if (k > i && (k == end || isBlank(ch(k)))) {
    hFlags |= F_PERIOD;
    hPeriodStart = i;
    hPeriodEnd = k;
    if (k - i <= 15) hPeriod = parseDigits(i, k);
    else hFlags |= F_PERIOD_BIG;
    i = skipBlanks(k, end);
  }
  // event: the next token, which ends in ':'.
  hEventStart = 0;
  hEventEnd = 0;
  fOnHeader = false;
  let j = i;
  while (j < end && !isBlank(ch(j))) j++;
  if (j > i + 1 && ch(j - 1) == COLON) {
    hEventStart = i;
    hEventEnd = j - 1;
    i = skipBlanks(j, end);
  } else if (!(hFlags & F_TIME)) {
    return false;
  } else if (hFlags & F_PERIOD && j == i) {
    // 'time: period' and nothing else: no event field.
  } else if (j > i) {
    // A timestamp, but what follows is not an event: perf's PERF_RECORD_* task lines
    // ('0.000000: PERF_RECORD_FORK(1:1):(0:0)') are not samples.
    if (startsWithPerfRecord(i, end)) return false;
  }
  // A frame printed on the header line (samples without a callchain).
  if (i < end && parseFrame(i, end, true)) fOnHeader = true;
  return true;
}

function startsWithPerfRecord(i: i32, end: i32): bool {
  // 'PERF_RECORD_'
  if (end - i < 12) return false;
  return ch(i) == 80 && ch(i + 1) == 69 && ch(i + 2) == 82 && ch(i + 3) == 70 && ch(i + 4) == 95 && ch(i + 5) == 82 && ch(i + 6) == 69 && ch(i + 7) == 67 && ch(i + 8) == 79 && ch(i + 9) == 82 && ch(i + 10) == 68 && ch(i + 11) == 95;
}

// --- frames ---------------------------------------------------------------------------------

/**
 * Splits `addr symbol (dso)` within [p, end). The dso is the balanced parenthesised group
 * that ends the line, so '(/lib/x.so (deleted))' and '(/path with spaces/x.so)' work; the
 * symbol is everything between the address and it.
 */
function parseFrame(p: i32, end: i32, onHeader: bool): bool {
  // Address: a run of word characters (hex digits in practice; Perl accepts \w+).
  let a = p;
  while (a < end && isWord(ch(a))) a++;
  if (a == p || a == end) return false;
  if (!isBlank(ch(a))) return false;
  // Trailing blanks were not stripped by the caller for header lines.
  let e = end;
  while (e > a && isBlank(ch(e - 1))) e--;
  let open = -1;
  if (ch(e - 1) == RPAREN) {
    // The last ' (' before the last ')', with no other parenthesis between.
    let sp = -1;
    for (let k = e - 2; k > a; k--) {
      const c = ch(k);
      if (c == LPAREN && ch(k - 1) == SP) {
        sp = k - 1;
        break;
      }
    }
    if (sp > a) {
      let ok = true;
      for (let k = sp + 2; k < e - 1; k++) {
        const c = ch(k);
        if (c == RPAREN || c == LPAREN) {
          ok = false;
          break;
        }
      }
      if (ok) open = sp + 1;
    }
    if (open < 0) {
      let depth = 0;
      for (let k = e - 1; k > a; k--) {
        const c = ch(k);
        if (c == RPAREN) depth++;
        else if (c == LPAREN) {
          depth--;
          if (depth == 0) {
            if (ch(k - 1) == SP) open = k;
            break;
          }
        }
      }
    }
  }
  if (open < 0) {
    // Unbalanced, or text after the dso (a damaged line): the Perl rule, the last ' (' that
    // some ')' follows, the dso running to the last ')'.
    let close = e - 1;
    while (close > a && ch(close) != RPAREN) close--;
    if (close <= a) return false;
    let sp = close - 1;
    while (sp > a && !(ch(sp) == SP && ch(sp + 1) == LPAREN)) sp--;
    if (sp <= a) return false;
    open = sp + 1;
    e = close + 1;
  }
  fAddrStart = p;
  fAddrEnd = a;
  fDsoStart = open + 1;
  fDsoEnd = e - 1;
  fOnHeader = onHeader;
  // The symbol runs from after the blanks that follow the address to the blank before '('.
  // Perl's regex gives an empty symbol as a single space; keep that.
  let s = a;
  while (s < open && isBlank(ch(s))) s++;
  let se = open;
  if (se > s && ch(se - 1) == SP) se--;
  if (s >= se) {
    fSymStart = a;
    fSymEnd = a + 1;
  } else {
    fSymStart = s;
    fSymEnd = se;
  }
  return true;
}

// --- frame lines by text --------------------------------------------------------------------

// Entry e: its bytes at arena[lineAt[e], + lineLen[e]), its hash, and its spans relative to
// the line start (addr end, sym start, sym end, dso start, dso end). Open addressing over
// slots (entry + 1, 0 = empty).
const LE: i32 = 9; // i32 per entry: at, len, hash, addrEnd, symStart, symEnd, dsoStart, dsoEnd, pair
let lines: usize = 0;
let linesN: i32 = 0;
let linesCap: i32 = 0;
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
  let h: u32 = <u32>(e - s) * 0x9e3779b1;
  let i = s;
  while (i + 4 <= e) {
    h = (h ^ load<u32>(base + <usize>i)) * 0x01000193;
    h ^= h >>> 13;
    i += 4;
  }
  for (; i < e; i++) h = (h ^ <u32>ch(i)) * 0x01000193;
  h ^= h >>> 15;
  return <i32>(h | 1);
}

function sameBytes(a: usize, b: usize, n: i32): bool {
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

/** The id of the frame line [s, e), or -1 (then lastHash and lastSlot say where to add it). */
function findLine(s: i32, e: i32): i32 {
  if (slots == 0) {
    slotMask = (1 << 12) - 1;
    slots = heap.alloc(<usize>(slotMask + 1) * 4);
    memory.fill(slots, 0, <usize>(slotMask + 1) * 4);
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
  return -1;
}

/** Interns the frame line [s, e) just parsed (its spans in fAddrStart..fDsoEnd); returns its id. */
function addLine(s: i32, e: i32, pair: i32): i32 {
  if (findLine(s, e) >= 0) return -1; // cannot happen: found lines are not parsed
  const len = e - s;
  if (linesN == linesCap) {
    const cap = linesCap > 0 ? linesCap << 1 : 1024;
    const p = heap.alloc(<usize>cap * LE * 4);
    if (linesN > 0) memory.copy(p, lines, <usize>linesN * LE * 4);
    lines = p;
    linesCap = cap;
  }
  if (arenaUsed + len > arenaCap) {
    let cap = arenaCap > 0 ? arenaCap << 1 : 1 << 16;
    while (cap < arenaUsed + len) cap <<= 1;
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
  store<i32>(ent, fAddrEnd - s, 12);
  store<i32>(ent, fSymStart - s, 16);
  store<i32>(ent, fSymEnd - s, 20);
  store<i32>(ent, fDsoStart - s, 24);
  store<i32>(ent, fDsoEnd - s, 28);
  store<i32>(ent, pair, 32);
  arenaUsed += len;
  store<i32>(slots + (<usize>lastSlot << 2), id + 1);
  if (linesN * 2 > slotMask) rehashLines();
  return id;
}

function rehashLines(): void {
  const size = (slotMask + 1) << 1;
  const mask = size - 1;
  const ns = heap.alloc(<usize>size * 4);
  memory.fill(ns, 0, <usize>size * 4);
  for (let id = 0; id < linesN; id++) {
    let slot = load<i32>(lines + (<usize>id * LE << 2), 8) & mask;
    while (load<i32>(ns + (<usize>slot << 2)) != 0) slot = (slot + 1) & mask;
    store<i32>(ns + (<usize>slot << 2), id + 1);
  }
  slots = ns;
  slotMask = mask;
}

/** A FRAME record for an interned line at [pos, end) of this chunk. */
function emitFrameFromLine(id: i32, pos: i32, end: i32): void {
  const ent = lines + (<usize>id * LE << 2);
  const r = rec();
  // The address starts where the line's first non-blank byte is.
  let p = pos;
  while (p < end && isBlank(ch(p))) p++;
  store<i32>(r, K_FRAME);
  store<i32>(r, lineNo, 4);
  store<i32>(r, pos, 8);
  store<i32>(r, end, 12);
  store<i32>(r, p, 16);
  store<i32>(r, pos + load<i32>(ent, 12), 20);
  store<i32>(r, pos + load<i32>(ent, 16), 24);
  store<i32>(r, pos + load<i32>(ent, 20), 28);
  store<i32>(r, pos + load<i32>(ent, 24), 32);
  store<i32>(r, pos + load<i32>(ent, 28), 36);
  store<i32>(r, 0, 40);
  store<i32>(r, id, 44);
  outN++;
}

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

  constructor() {
    this.mask = (1 << 10) - 1;
    this.slots = heap.alloc(<usize>(this.mask + 1) * 4);
    memory.fill(this.slots, 0, <usize>(this.mask + 1) * 4);
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
      const cap = this.cap > 0 ? this.cap << 1 : 256;
      const q = heap.alloc(<usize>cap * 12);
      if (this.n > 0) memory.copy(q, this.ents, <usize>this.n * 12);
      this.ents = q;
      this.cap = cap;
    }
    if (this.used + len > this.acap) {
      let cap = this.acap > 0 ? this.acap << 1 : 1 << 12;
      while (cap < this.used + len) cap <<= 1;
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
    const ns = heap.alloc(<usize>size * 4);
    memory.fill(ns, 0, <usize>size * 4);
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
  return <i32>(h | 1);
}

const pairs = new Interner();
const stacks = new Interner();
const roots = new Interner();
const events = new Interner();

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
function internPair(): i32 {
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
function internRoot(): i32 {
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

function pushFrame(pair: i32): void {
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
function emitSample(): void {
  const id = stacks.intern(frames, depth * 4);
  depth = 0;
  const r = rec();
  store<i32>(r, K_SAMPLE);
  store<i32>(r, lineNo, 4);
  store<i32>(r, id, 24);
  outN++;
  // Distinct frame lines are kept up to a bound, so memory stays flat on any input.
  if (linesN >= 1 << 20) forgetLines();
}
