// The one parser of `perf script` text. range-perf, stackcollapse and heatmap-svg all read
// perf output through it, so they agree on what a sample is.
//
// It reads chunks of whole lines, decoded as latin1 (one char per byte, so names in any
// encoding pass through unchanged), for example:
//
//   # cmdline : /usr/bin/perf record -F 99 -a -g -- sleep 10
//   java  3244/3250 [002] 6544038.708352:     250000 cpu-clock:ppp:
//   \t    7f1e214c24d9 SpinPause+0x19 (/usr/lib/jvm/libjvm.so)
//   \tffffffff8104f45a native_write_msr_safe ([kernel.kallsyms])
//       swapper     0 [000]   147.374682:          1 cycles:ppp:  ffffffff810631d4 native_write_msr+0x4 ([kernel.kallsyms])
//   xxxx 28142 [004] 42460.086800: syscalls:sys_enter_read: fd: 0x00000003, buf: 0x7ffd
//   java 19983 cycles:
//
// Reference behaviour: the header grammar of stackcollapse-perf.pl and range-perf.pl
// (../shared/reference §1, §2), but parsed from the timestamp outwards rather than from
// the left, so that a comm may hold spaces, digits and brackets, may have leading spaces,
// and a frame may sit on the header line itself (inferno does the same).
//
// The parser is total: it never throws on bad text. Lines it cannot place are reported
// through the `bad` handler with their line number, and skipped.

/** A parsed header (event) line. The scanner reuses one object: copy what you keep. */
export interface Header {
  /** 1-based line number in the input. */
  line: number;
  /** The process or thread name, trimmed; it may contain spaces. '' when absent. */
  comm: string;
  /** The first number after the comm: perf's pid, or its tid when only one is printed. */
  pid: string;
  /** The number after '/', or null when only one number was printed. */
  tid: string | null;
  /** The CPU in brackets, or -1. */
  cpu: number;
  /** Whether the line carries a timestamp. */
  hasTime: boolean;
  /** Whole seconds of the timestamp (exact). */
  sec: number;
  /** Nanoseconds past `sec` (exact: at most 9 decimals are kept). */
  ns: number;
  /** The timestamp as printed, e.g. '6544038.708352'. */
  time: string;
  /** The period, or 1 when the line has none. */
  period: number;
  /** Whether a period was printed. */
  hasPeriod: boolean;
  /** The event name without its last ':', e.g. 'cycles:ppp', 'syscalls:sys_enter_read'; '' when absent. */
  event: string;
  /** Offsets of the whole line in the chunk: [start, end) excludes the line break. */
  start: number;
  end: number;
}

/**
 * Offsets of a frame line `addr symbol+0xoff (dso)` in the chunk. The scanner reuses one
 * object: read the offsets during the callback.
 */
export interface FrameSpan {
  line: number;
  addrStart: number;
  addrEnd: number;
  /** The symbol, offset included; it may be empty or hold spaces and parentheses. */
  symStart: number;
  symEnd: number;
  /** The dso without its enclosing parentheses; it may hold spaces and parentheses. */
  dsoStart: number;
  dsoEnd: number;
  /** Whether the frame was printed on the header line. */
  onHeader: boolean;
}

export interface BadLine {
  line: number;
  reason: string;
  text: string;
}

export interface PerfScriptHandlers {
  /** A sample starts. A previous sample, if any, has ended (see `end`). */
  header?(h: Header, text: string): void;
  /**
   * A frame of the current sample, leaf first, as perf prints them. When this handler is
   * absent, frame lines are not parsed and arrive through `other` instead.
   */
  frame?(f: FrameSpan, text: string): void;
  /** With `srcline`, the source line printed under a frame (perf script -F+srcline). */
  srcline?(text: string, start: number, end: number): void;
  /** The current sample ended: at a blank line, a new header, or the end of input. */
  end?(): void;
  /** Any other line: [start, next) covers it with its line break, for byte-exact copying. */
  other?(text: string, start: number, next: number): void;
  /** A comment line ('#' in column 0), [start, next) with its line break. */
  comment?(text: string, start: number, next: number): void;
  /** A blank or whitespace-only line, [start, next) with its line break. */
  blank?(text: string, start: number, next: number): void;
  /** A line that is neither a header, a frame, a comment nor blank. */
  bad?(b: BadLine): void;
}

export interface ScanOptions {
  /** The line after each frame (except [unknown] ones) is its source line. Default false. */
  srcline?: boolean;
}

const SP = 32;
const TAB = 9;
const CR = 13;
const COLON = 58;
const HASH = 35;
const SLASH = 47;
const DOT = 46;
const LPAREN = 40;
const RPAREN = 41;
const LBRACK = 91;
const RBRACK = 93;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A word character as Perl's \w sees ASCII. */
function isWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * Scans perf script text chunk by chunk and calls the handlers synchronously, line by
 * line. Feed it chunks of whole lines with `push`, then call `finish`.
 */
export class PerfScriptScanner {
  /** Lines read so far. */
  lineNo = 0;
  /** Whether a sample is open (a header was seen and no blank line since). */
  inSample = false;
  /** Header lines seen, and how many of them had a timestamp. */
  headers = 0;
  timedHeaders = 0;

  private readonly h: Header = {
    line: 0,
    comm: '',
    pid: '',
    tid: null,
    cpu: -1,
    hasTime: false,
    sec: 0,
    ns: 0,
    time: '',
    period: 1,
    hasPeriod: false,
    event: '',
    start: 0,
    end: 0,
  };
  private readonly f: FrameSpan = {
    line: 0,
    addrStart: 0,
    addrEnd: 0,
    symStart: 0,
    symEnd: 0,
    dsoStart: 0,
    dsoEnd: 0,
    onHeader: false,
  };
  private expectSrcline = false;
  private readonly parseFrames: boolean;
  private halted = false;

  constructor(
    private readonly on: PerfScriptHandlers,
    private readonly opts: ScanOptions = {},
  ) {
    this.parseFrames = typeof on.frame === 'function';
  }

  /** Stops parsing: the rest of the current chunk, and any later one, is ignored. */
  halt(): void {
    this.halted = true;
  }

  /** Parses every line of `text`. A final line without a line break is parsed too. */
  push(text: string): void {
    if (this.halted) return;
    const on = this.on;
    const n = text.length;
    let pos = 0;
    // Index of the next ': ' at or after pos. Header lines contain one (or end in ':'),
    // frame lines almost never do, so one indexOf serves many lines.
    let colonSp = -1;
    while (pos < n) {
      let nl = text.indexOf('\n', pos);
      const next = nl < 0 ? n : nl + 1;
      if (nl < 0) nl = n;
      let end = nl;
      if (end > pos && text.charCodeAt(end - 1) === CR) end--;
      this.lineNo++;
      const c0 = text.charCodeAt(pos);

      if (c0 === HASH) {
        on.comment?.(text, pos, next);
        pos = next;
        continue;
      }
      // First non-blank character.
      let p = pos;
      while (p < end) {
        const c = text.charCodeAt(p);
        if (c !== SP && c !== TAB) break;
        p++;
      }
      if (p === end) {
        if (this.inSample) {
          this.inSample = false;
          this.expectSrcline = false;
          on.end?.();
        }
        on.blank?.(text, pos, next);
        pos = next;
        continue;
      }
      if (colonSp < pos) {
        colonSp = text.indexOf(': ', pos);
        if (colonSp < 0) colonSp = n;
      }
      if ((colonSp < end || text.charCodeAt(end - 1) === COLON) && this.parseHeader(text, p, end)) {
        if (this.inSample) on.end?.();
        this.inSample = true;
        const h = this.h;
        h.line = this.lineNo;
        h.start = pos;
        h.end = end;
        this.headers++;
        if (h.hasTime) this.timedHeaders++;
        on.header?.(h, text);
        if (this.halted) return;
        if (this.parseFrames && this.f.onHeader) on.frame!(this.f, text);
        pos = next;
        continue;
      }
      if (this.expectSrcline) {
        this.expectSrcline = false;
        on.srcline?.(text, p, end);
      } else if (this.parseFrames && this.inSample) {
        if (this.parseFrame(text, p, end, false)) {
          on.frame!(this.f, text);
          if (this.opts.srcline) this.expectSrcline = !this.isUnknownSym(text);
        } else {
          on.bad?.({ line: this.lineNo, reason: 'not a frame line', text: text.slice(pos, end) });
        }
      } else if (this.parseFrames) {
        // A frame before any header (say, the input was cut with tail), or text that is
        // not perf script at all.
        const isFrame = this.parseFrame(text, p, end, false);
        on.bad?.({ line: this.lineNo, reason: isFrame ? 'frame line outside a sample' : 'not a perf script line', text: text.slice(pos, end) });
      } else {
        on.other?.(text, pos, next);
      }
      pos = next;
    }
  }

  /** Ends the input: a last sample with no blank line after it is ended too. */
  finish(): void {
    if (this.inSample) {
      this.inSample = false;
      this.on.end?.();
    }
    this.expectSrcline = false;
  }

  private isUnknownSym(text: string): boolean {
    const f = this.f;
    return f.symEnd - f.symStart === 9 && text.startsWith('[unknown]', f.symStart);
  }

  /**
   * Parses `comm pid[/tid] [cpu] [time:] [period] event: [rest]` within [p, end).
   * The pid is the first all-digit word that the rest of the grammar follows, so a comm
   * may hold spaces and numbers ('Thread 2 worker 123 ...'). Without a timestamp an event
   * is required; with one it is optional.
   */
  private parseHeader(text: string, p: number, end: number): boolean {
    const h = this.h;
    let i = p;
    while (i < end) {
      // Token [i, j).
      let j = i;
      while (j < end) {
        const c = text.charCodeAt(j);
        if (c === SP || c === TAB) break;
        j++;
      }
      // A pid token: digits, or digits/digits.
      let k = i;
      while (k < j && isDigit(text.charCodeAt(k))) k++;
      let slash = -1;
      if (k > i && k < j && text.charCodeAt(k) === SLASH) {
        slash = k;
        k++;
        const t0 = k;
        while (k < j && isDigit(text.charCodeAt(k))) k++;
        if (k === t0) k = -1;
      }
      // A comm is required, so that a frame such as '400577 1: (dso)' stays a frame.
      if (k === j && j > i && i > p && this.parseAfterPid(text, j, end)) {
        let ce = i;
        while (ce > p && (text.charCodeAt(ce - 1) === SP || text.charCodeAt(ce - 1) === TAB)) ce--;
        h.comm = text.slice(p, ce);
        if (slash < 0) {
          h.pid = text.slice(i, j);
          h.tid = null;
        } else {
          h.pid = text.slice(i, slash);
          h.tid = text.slice(slash + 1, j);
        }
        return true;
      }
      // Next token.
      i = j;
      while (i < end) {
        const c = text.charCodeAt(i);
        if (c !== SP && c !== TAB) break;
        i++;
      }
    }
    return false;
  }

  /** Parses `[cpu] [time:] [period] event: [rest]` starting at `i`; fills the header. */
  private parseAfterPid(text: string, i: number, end: number): boolean {
    const h = this.h;
    i = skipBlanks(text, i, end);
    h.cpu = -1;
    // [cpu]
    if (i < end && text.charCodeAt(i) === LBRACK) {
      let k = i + 1;
      while (k < end && isDigit(text.charCodeAt(k))) k++;
      if (k === i + 1 || k >= end || text.charCodeAt(k) !== RBRACK) return false;
      h.cpu = parseInt(text.slice(i + 1, k), 10);
      i = skipBlanks(text, k + 1, end);
    }
    // time: digits[.digits]:
    h.hasTime = false;
    h.sec = 0;
    h.ns = 0;
    h.time = '';
    let k = i;
    while (k < end && isDigit(text.charCodeAt(k))) k++;
    if (k > i && k < end) {
      let fracEnd = k;
      if (text.charCodeAt(k) === DOT) {
        fracEnd = k + 1;
        while (fracEnd < end && isDigit(text.charCodeAt(fracEnd))) fracEnd++;
      }
      if (fracEnd < end && text.charCodeAt(fracEnd) === COLON) {
        h.hasTime = true;
        h.time = text.slice(i, fracEnd);
        h.sec = parseInt(text.slice(i, k), 10);
        h.ns = fracEnd > k + 1 ? parseFraction(text, k + 1, fracEnd) : 0;
        i = skipBlanks(text, fracEnd + 1, end);
      }
    }
    // period
    h.hasPeriod = false;
    h.period = 1;
    k = i;
    while (k < end && isDigit(text.charCodeAt(k))) k++;
    if (k > i && (k === end || text.charCodeAt(k) === SP || text.charCodeAt(k) === TAB)) {
      h.hasPeriod = true;
      h.period = Number(text.slice(i, k));
      i = skipBlanks(text, k, end);
    }
    // event: the next token, which ends in ':'.
    h.event = '';
    this.f.onHeader = false;
    let j = i;
    while (j < end) {
      const c = text.charCodeAt(j);
      if (c === SP || c === TAB) break;
      j++;
    }
    if (j > i + 1 && text.charCodeAt(j - 1) === COLON) {
      h.event = text.slice(i, j - 1);
      i = skipBlanks(text, j, end);
    } else if (!h.hasTime) {
      return false;
    } else if (h.hasPeriod && j === i) {
      // 'time: period' and nothing else: no event field.
    } else if (j > i) {
      // A timestamp, but what follows is not an event: perf's PERF_RECORD_* task lines
      // ('0.000000: PERF_RECORD_FORK(1:1):(0:0)') are not samples.
      if (text.startsWith('PERF_RECORD_', i)) return false;
    }
    // A frame printed on the header line (samples without a callchain).
    if (i < end && this.parseFrame(text, i, end, true)) this.f.onHeader = true;
    return true;
  }

  /**
   * Splits `addr symbol (dso)` within [p, end). The dso is the balanced parenthesised
   * group that ends the line, so '(/lib/x.so (deleted))' and '(/path with spaces/x.so)'
   * work; the symbol is everything between the address and it.
   */
  private parseFrame(text: string, p: number, end: number, onHeader: boolean): boolean {
    // Address: a run of word characters (hex digits in practice; Perl accepts \w+).
    let a = p;
    while (a < end && isWord(text.charCodeAt(a))) a++;
    if (a === p || a === end) return false;
    const sep = text.charCodeAt(a);
    if (sep !== SP && sep !== TAB) return false;
    // Trailing blanks were not stripped by the caller for header lines.
    let e = end;
    while (e > a && (text.charCodeAt(e - 1) === SP || text.charCodeAt(e - 1) === TAB)) e--;
    let open = -1;
    if (text.charCodeAt(e - 1) === RPAREN) {
      // Fast path, native scans only: ' (' then no other parenthesis up to the last ')'.
      const sp = text.lastIndexOf(' (', e - 1);
      if (sp > a) {
        const close = text.indexOf(')', sp + 2);
        const inner = text.indexOf('(', sp + 2);
        if (close === e - 1 && (inner < 0 || inner > close)) open = sp + 1;
      }
    }
    if (open < 0 && text.charCodeAt(e - 1) === RPAREN) {
      let depth = 0;
      for (let k = e - 1; k > a; k--) {
        const c = text.charCodeAt(k);
        if (c === RPAREN) depth++;
        else if (c === LPAREN) {
          depth--;
          if (depth === 0) {
            if (text.charCodeAt(k - 1) === SP) open = k;
            break;
          }
        }
      }
    }
    if (open < 0) {
      // Unbalanced, or text after the dso (a damaged line): fall back to the Perl rule,
      // the last ' (' that some ')' follows, the dso running to the last ')'.
      const close = text.lastIndexOf(')', e - 1);
      if (close <= a) return false;
      const sp = text.lastIndexOf(' (', close);
      if (sp <= a) return false;
      open = sp + 1;
      e = close + 1;
    }
    const f = this.f;
    f.line = this.lineNo;
    f.addrStart = p;
    f.addrEnd = a;
    f.dsoStart = open + 1;
    f.dsoEnd = e - 1;
    f.onHeader = onHeader;
    // The symbol runs from after the blanks that follow the address to the blank before
    // '('. Perl's regex gives an empty symbol as a single space; keep that.
    let s = a;
    while (s < open && (text.charCodeAt(s) === SP || text.charCodeAt(s) === TAB)) s++;
    let se = open;
    if (se > s && text.charCodeAt(se - 1) === SP) se--;
    if (s >= se) {
      // No symbol at all: point at one blank, as stackcollapse-perf.pl reads it.
      f.symStart = a;
      f.symEnd = a + 1;
    } else {
      f.symStart = s;
      f.symEnd = se;
    }
    return true;
  }
}

function skipBlanks(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== SP && c !== TAB) break;
    i++;
  }
  return i;
}

/** Digits after the decimal point as nanoseconds, exactly: '7083' -> 708300000. */
function parseFraction(text: string, s: number, e: number): number {
  let v = 0;
  let k = s;
  const stop = Math.min(e, s + 9);
  for (; k < stop; k++) v = v * 10 + (text.charCodeAt(k) - 48);
  for (let d = stop - s; d < 9; d++) v *= 10;
  return v;
}

/** An exact point in time: whole seconds and nanoseconds in [0, 1e9). */
export interface Instant {
  sec: number;
  ns: number;
}

/**
 * Parses a decimal number of seconds exactly: '10', '0.5', '-2.25', '.5', '1e3'.
 * Returns null when the text is not a number.
 */
export function parseSeconds(s: string): Instant | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const neg = m[1] === '-';
  let int = m[2] || '0';
  let frac = m[3] ?? '';
  const exp = m[4] ? parseInt(m[4], 10) : 0;
  if (Math.abs(exp) > 30) return null;
  if (exp > 0) {
    frac = frac.padEnd(exp, '0');
    int += frac.slice(0, exp);
    frac = frac.slice(exp);
  } else if (exp < 0) {
    int = int.padStart(-exp + 1, '0');
    frac = int.slice(int.length + exp) + frac;
    int = int.slice(0, int.length + exp);
  }
  // Digits past the nanosecond are dropped: perf prints at most nine.
  const sec = parseInt(int, 10);
  const ns = parseInt((frac + '000000000').slice(0, 9), 10);
  if (!Number.isSafeInteger(sec)) return null;
  if (!neg || (sec === 0 && ns === 0)) return { sec, ns };
  // -2.25 = -3 s + 0.75 s
  return ns === 0 ? { sec: -sec, ns: 0 } : { sec: -sec - 1, ns: 1e9 - ns };
}

/** Compares two instants: negative, zero or positive. */
export function compareInstants(aSec: number, aNs: number, bSec: number, bNs: number): number {
  return aSec !== bSec ? aSec - bSec : aNs - bNs;
}

/** Formats an instant as seconds with `digits` decimals (truncated, exact). */
export function formatInstant(t: Instant, digits = 6): string {
  let { sec, ns } = t;
  let sign = '';
  if (sec < 0) {
    sign = '-';
    if (ns > 0) {
      sec = -sec - 1;
      ns = 1e9 - ns;
    } else sec = -sec;
  }
  if (digits === 0) return `${sign}${sec}`;
  return `${sign}${sec}.${String(ns).padStart(9, '0').slice(0, digits)}`;
}
