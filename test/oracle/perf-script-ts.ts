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
  /**
   * Memoised frames, for a consumer whose reading of a frame line depends on nothing but
   * the line's text (and on state of its own, which it keys itself). With `frameKeyed` and
   * `frameSeen` both present, a frame line is parsed once: `frameKeyed` gets it and returns
   * a number >= 0 that the scanner remembers for the line's text (or -1: do not remember).
   * A later line with the very same text, from its first byte to its end (line break and
   * CR excluded), goes to `frameSeen` with that number, unparsed. They replace `frame`.
   *
   * Why: in perf output the same frame lines come back sample after sample, and comparing
   * a line with one seen before costs a few native calls where parsing it costs a loop over
   * its characters and a hash of its symbol. Not used with `srcline` (a frame's source line
   * follows it there, so a frame line alone does not say what comes next).
   */
  frameKeyed?(f: FrameSpan, text: string): number;
  frameSeen?(key: number): void;
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
  /**
   * For a consumer of header and comment lines only (range-perf), and no `frame` handler:
   * once a header has been seen, lines that cannot be headers or comments are skipped
   * without a look at each: no `other`, `blank` or `end` call for them (some still get
   * one), and `inSample` is no longer kept. `lineNo` stays exact. Default false.
   *
   * Why: a header holds ': ' or ends in ':', and a comment starts with '#': native searches
   * for ': ' and '#' find the next candidate line, and the lines in between only need
   * counting (which also finds the lines that end in ':').
   *
   * Headers then carry only what says where and when they are (`line`, `start`, `end`,
   * `hasTime`, `sec`, `ns`, `hasPeriod`): `comm`, `pid` and `time` are '', `tid` null, `cpu`
   * -1, `period` 1 and `event` '' (making those strings cost more than the rest of the
   * parse). Which lines are headers does not change.
   */
  headersOnly?: boolean;
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
  private readonly memo: FrameLineMemo | null;
  private readonly skim: boolean;
  private halted = false;
  // headersOnly: next places in the chunk of ': ' and of a '#' that starts a line (n for
  // none), and where the last line starts if it has no line break.
  private nextColonSp = 0;
  private nextHash = 0;
  private openLine = 0;

  constructor(
    private readonly on: PerfScriptHandlers,
    private readonly opts: ScanOptions = {},
  ) {
    this.memo = typeof on.frameKeyed === 'function' && typeof on.frameSeen === 'function' && !opts.srcline ? new FrameLineMemo() : null;
    this.parseFrames = typeof on.frame === 'function' || this.memo !== null;
    this.skim = Boolean(opts.headersOnly) && !this.parseFrames;
  }

  /** Forgets the memoised frame lines (see `frameKeyed`); the consumer may reuse its keys. */
  forgetFrames(): void {
    this.memo?.clear();
  }

  /** Stops parsing: the rest of the current chunk, and any later one, is ignored. */
  halt(): void {
    this.halted = true;
  }

  /** Parses every line of `text`. A final line without a line break is parsed too. */
  push(text: string): void {
    if (this.halted) return;
    const on = this.on;
    const memo = this.memo;
    const n = text.length;
    let pos = 0;
    // Index of the next ': ' at or after pos. Header lines contain one (or end in ':'),
    // frame lines almost never do, so one indexOf serves many lines.
    let colonSp = -1;
    const skim = this.skim;
    if (skim) {
      this.nextColonSp = this.nextHash = -1;
      this.openLine = n > 0 && text.charCodeAt(n - 1) !== 10 ? text.lastIndexOf('\n', n - 1) + 1 : n;
    }
    while (pos < n) {
      if (skim && this.headers > 0) {
        pos = this.skipToCandidate(text, pos, n);
        if (pos >= n) break;
      }
      if (memo !== null && this.inSample) {
        // The line that followed the previous one last time, if this is it: no search for
        // the line break, no hash (see FrameLineMemo).
        const next = memo.guess(text, pos, n);
        if (next >= 0) {
          this.lineNo++;
          on.frameSeen!(memo.value);
          pos = next;
          continue;
        }
      }
      let nl = text.indexOf('\n', pos);
      const next = nl < 0 ? n : nl + 1;
      if (nl < 0) nl = n;
      let end = nl;
      if (end > pos && text.charCodeAt(end - 1) === CR) end--;
      this.lineNo++;
      // A frame line seen before: its text alone decides that it is a frame (not a header,
      // blank or comment) and what the consumer made of it, so nothing is parsed.
      if (memo !== null && this.inSample && end > pos) {
        const key = memo.find(text, pos, end);
        if (key >= 0) {
          on.frameSeen!(key);
          pos = next;
          continue;
        }
      }
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
      // perf indents frames, never a comm, with a tab: such a line is no header.
      if ((colonSp < end || text.charCodeAt(end - 1) === COLON) && c0 !== TAB && this.parseHeader(text, p, end, p > pos)) {
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
        if (this.parseFrames && this.f.onHeader) {
          // Not memoised: the header line around it changes from sample to sample.
          if (memo !== null) on.frameKeyed!(this.f, text);
          else on.frame!(this.f, text);
        }
        pos = next;
        continue;
      }
      if (this.expectSrcline) {
        this.expectSrcline = false;
        on.srcline?.(text, p, end);
      } else if (this.parseFrames && this.inSample) {
        if (this.parseFrame(text, p, end, false)) {
          if (memo !== null) {
            const key = on.frameKeyed!(this.f, text);
            if (key >= 0) memo.add(text, pos, end, key);
          } else on.frame!(this.f, text);
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

  /**
   * headersOnly: the start of the first line at or after `pos` that may be a header or a
   * comment (or `n`), counting the lines passed over. A candidate holds ': ' (found by a
   * native search), ends in ':' (seen while counting lines) or starts with '#' (found by
   * a native search for the rare '#').
   */
  private skipToCandidate(text: string, pos: number, n: number): number {
    if (this.nextColonSp < pos) this.nextColonSp = indexOrEnd(text, ': ', pos, n);
    if (this.nextHash < pos) {
      // `pos` starts a line, so a '#' there starts one too.
      let k = text.indexOf('#', pos);
      while (k > pos && text.charCodeAt(k - 1) !== 10) k = text.indexOf('#', k + 1);
      this.nextHash = k < 0 ? n : k;
    }
    const q = Math.min(this.nextColonSp, this.nextHash, this.openLine);
    let start = pos;
    let lines = 0;
    for (;;) {
      if (start >= q) break;
      const nl = text.indexOf('\n', start);
      if (nl < 0 || nl >= q) break;
      // A line ending in ':' (or ':\r') may be a header too.
      const c = text.charCodeAt(nl - 1);
      if (nl > start && (c === COLON || (c === CR && nl - 1 > start && text.charCodeAt(nl - 2) === COLON))) break;
      lines++;
      start = nl + 1;
    }
    this.lineNo += lines;
    return start;
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
  private parseHeader(text: string, p: number, end: number, indented: boolean): boolean {
    // The first place where the untimed form parses; a timed parse further on wins, so that
    // a comm such as 'a 0 a:' does not hide the real pid and timestamp after it.
    let untimedI = -1;
    let untimedJ = -1;
    let untimedSlash = -1;
    let i = p;
    while (i < end) {
      // Token [i, j).
      let j = i;
      while (j < end) {
        const c = text.charCodeAt(j);
        if (c === SP || c === TAB) break;
        j++;
      }
      // A pid token: digits, or digits/digits; '-1' too (perf's pid of a task it no longer
      // knows; a change made with the WebAssembly core, issue 14).
      let k = numberEnd(text, i, j);
      let slash = -1;
      if (k > i && k < j && text.charCodeAt(k) === SLASH) {
        slash = k;
        const t0 = k + 1;
        k = numberEnd(text, t0, j);
        if (k === t0) k = -1;
      }
      // A comm is required, so that a frame such as '400577 1: (dso)' stays a frame.
      if (k === j && j > i && i > p && this.parseAfterPid(text, j, end)) {
        if (this.h.hasTime) {
          if (!this.skim) this.setCommPid(text, p, i, j, slash);
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
      // Next token.
      i = j;
      while (i < end) {
        const c = text.charCodeAt(i);
        if (c !== SP && c !== TAB) break;
        i++;
      }
    }
    if (untimedI < 0) return false;
    this.parseAfterPid(text, untimedJ, end);
    if (!this.skim) this.setCommPid(text, p, untimedI, untimedJ, untimedSlash);
    return true;
  }

  private setCommPid(text: string, p: number, i: number, j: number, slash: number): void {
    const h = this.h;
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
      if (!this.skim) h.cpu = parseInt(text.slice(i + 1, k), 10);
      i = skipBlanks(text, k + 1, end);
    }
    // time: digits[.digits]:
    h.hasTime = false;
    h.sec = 0;
    h.ns = 0;
    h.time = '';
    let k = i;
    while (k < end && isDigit(text.charCodeAt(k))) k++;
    // perf always prints a decimal point: '9 0:' in a symbol is no timestamp.
    if (k > i && k < end && text.charCodeAt(k) === DOT) {
      let fracEnd = k + 1;
      while (fracEnd < end && isDigit(text.charCodeAt(fracEnd))) fracEnd++;
      if (fracEnd > k + 1 && fracEnd < end && text.charCodeAt(fracEnd) === COLON) {
        h.hasTime = true;
        if (!this.skim) h.time = text.slice(i, fracEnd);
        h.sec = k - i <= 15 ? parseDigits(text, i, k) : parseInt(text.slice(i, k), 10);
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
      if (!this.skim) h.period = Number(text.slice(i, k));
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
      if (!this.skim) h.event = text.slice(i, j - 1);
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

/**
 * The frame lines seen so far, by their text, each with the consumer's key for it.
 *
 * Two ways to find a line, both ending in one native string comparison of the full text:
 * - a guess: the line that followed the previous line last time. Callers repeat, so in a
 *   profile most frame lines follow the same line as before, and the guess costs no hash;
 * - an open-addressing table over typed arrays, whose hash reads only the line's length
 *   and a few characters near its start (where perf prints the address, which varies
 *   most), so that it costs a dozen charCodeAt.
 * (A Map keyed by the line would hash all of it: its lookups measured 2-3x slower, and
 * String.prototype.startsWith slower still than slice-and-compare.)
 */
class FrameLineMemo {
  // Per entry: the line, its length, its hash, the consumer's key, and the entry of the
  // line that followed it last time (+1; 0 for none).
  private keys: string[] = [];
  private lens: number[] = [];
  private hashes: number[] = [];
  private values: number[] = [];
  private next: number[] = [];
  // Hash table: slot -> entry + 1 (0 = empty).
  private slots = new Int32Array(0);
  private mask = 0;
  /** The entry of the line just found or added, or -1 after any other line. */
  private last = -1;
  /** `last` as it was before the line that `find` just missed, for `add` to link it. */
  private before = -1;

  constructor() {
    this.clear();
  }

  clear(): void {
    this.keys = [];
    this.lens = [];
    this.hashes = [];
    this.values = [];
    this.next = [];
    this.slots = new Int32Array(1 << 12);
    this.mask = (1 << 12) - 1;
    this.last = -1;
    this.before = -1;
  }

  /** The key found by the last successful `guess`. */
  value = -1;

  /**
   * Whether the line at `start` of `text` (which is `n` long) is the one that followed
   * the previous line last time. If so, returns where the next line starts and sets
   * `value`; else -1. A line ends at '\n', at '\r\n', or at the end of the text.
   */
  guess(text: string, start: number, n: number): number {
    const last = this.last;
    if (last < 0) return -1;
    const e = this.next[last] - 1;
    if (e < 0) return -1;
    const end = start + this.lens[e];
    if (end > n) return -1;
    let next: number;
    if (end === n) next = n;
    else {
      const c = text.charCodeAt(end);
      if (c === 10) next = end + 1;
      else if (c === 13 && (end + 1 === n || text.charCodeAt(end + 1) === 10)) next = end + 1 === n ? n : end + 2;
      else return -1;
    }
    if (text.slice(start, end) !== this.keys[e]) return -1;
    this.last = e;
    this.value = this.values[e];
    return next;
  }

  /** The key stored for the line text[start, end), or -1. */
  find(text: string, start: number, end: number): number {
    const len = end - start;
    const last = this.last;
    const h = hashLine(text, start, end);
    const mask = this.mask;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = this.slots[slot] - 1;
      if (e < 0) break;
      if (this.hashes[e] === h && this.lens[e] === len && text.slice(start, end) === this.keys[e]) {
        if (last >= 0) this.next[last] = e + 1;
        this.last = e;
        return this.values[e];
      }
    }
    this.before = last;
    this.last = -1;
    return -1;
  }

  /** Remembers `value` for the line text[start, end), which `find` has just missed. */
  add(text: string, start: number, end: number, value: number): void {
    const e = this.keys.length;
    const h = hashLine(text, start, end);
    // A copy: a slice would keep the whole chunk alive as long as the memo holds it.
    this.keys.push(copyString(text, start, end));
    this.lens.push(end - start);
    this.hashes.push(h);
    this.values.push(value);
    this.next.push(0);
    if ((e + 1) * 2 > this.mask) this.grow();
    else this.place(e, h);
    if (this.before >= 0) this.next[this.before] = e + 1;
    this.last = e;
  }

  private place(e: number, h: number): void {
    let slot = h & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = e + 1;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let e = 0; e < this.keys.length; e++) this.place(e, this.hashes[e]);
  }
}

/** A hash of a line (never 0) from its length and up to 16 characters after its 4th. */
function hashLine(text: string, start: number, end: number): number {
  let h = end - start;
  const stop = Math.min(end, start + 20);
  for (let i = start + 4; i < stop; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 15)) | 1;
}

/** A substring that does not share (and so keep alive) the memory of `text`. */
export function copyString(text: string, start: number, end: number): string {
  return Buffer.from(text.slice(start, end), 'latin1').toString('latin1');
}

function indexOrEnd(text: string, s: string, from: number, n: number): number {
  const k = text.indexOf(s, from);
  return k < 0 ? n : k;
}

function numberEnd(text: string, k: number, j: number): number {
  if (k + 1 < j && text.charCodeAt(k) === 45 && text.charCodeAt(k + 1) === 49 && (k + 2 === j || text.charCodeAt(k + 2) === SLASH)) return k + 2;
  while (k < j && isDigit(text.charCodeAt(k))) k++;
  return k;
}

function skipBlanks(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== SP && c !== TAB) break;
    i++;
  }
  return i;
}

/** The value of the digits text[s, e): exact for up to 15 of them (no string made). */
function parseDigits(text: string, s: number, e: number): number {
  let v = 0;
  for (let k = s; k < e; k++) v = v * 10 + (text.charCodeAt(k) - 48);
  return v;
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
