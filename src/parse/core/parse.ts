// Header and frame parsing: fills the parsed header and frame fields (see scan.ts).

import { F_TIME, F_PERIOD, F_SEC_BIG, F_PERIOD_BIG, F_CPU_BIG, SP, COLON, SLASH, DOT, LPAREN, RPAREN, LBRACK, RBRACK } from "./layout";
import { ch, isDigit, isWord, isBlank } from "./memory";

// --- the parsed header and frame ----------------------------------------------------------

export let hCommStart: i32 = 0;
export let hCommEnd: i32 = 0;
export let hPidStart: i32 = 0;
export let hPidEnd: i32 = 0;
export let hTidStart: i32 = -1;
export let hTidEnd: i32 = -1;
export let hCpu: f64 = -1;
export let hFlags: i32 = 0;
export let hSec: f64 = 0;
export let hNs: i32 = 0;
export let hTimeStart: i32 = 0;
export let hTimeEnd: i32 = 0;
export let hSecEnd: i32 = 0;
export let hPeriod: f64 = 1;
export let hPeriodStart: i32 = 0;
export let hPeriodEnd: i32 = 0;
export let hEventStart: i32 = 0;
export let hEventEnd: i32 = 0;
export let hCpuStart: i32 = 0;
export let hCpuEnd: i32 = 0;

export let fAddrStart: i32 = 0;
export let fAddrEnd: i32 = 0;
export let fSymStart: i32 = 0;
export let fSymEnd: i32 = 0;
export let fDsoStart: i32 = 0;
export let fDsoEnd: i32 = 0;
export let fOnHeader: bool = false;

// --- headers --------------------------------------------------------------------------------

/**
 * Parses `comm pid[/tid] [cpu] [time:] [period] event: [rest]` within [p, end). The pid is
 * the first all-digit word that the rest of the grammar follows, so a comm may hold spaces
 * and numbers ('Thread 2 worker 123 ...'). Without a timestamp an event is required; with
 * one it is optional.
 */
export function parseHeader(p: i32, end: i32, indented: bool): bool {
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
export function parseFrame(p: i32, end: i32, onHeader: bool): bool {
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
