// The TypeScript side of reading perf script text: the one scanner that range-perf,
// stackcollapse and heatmap-svg read perf output through, so they agree on what a sample
// is. The bytes themselves are read by the WebAssembly core (src/parse/core/scan.ts); this
// module hands it each chunk, once, and turns the records it writes back into calls of
// the handlers below, with offsets into the chunk's latin1 text (one char per byte, so
// names in any encoding pass through unchanged). It reads, for example:
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
// (../shared/reference §1, §2), parsed from the timestamp outwards (see the core).
//
// The parser is total: it never throws on bad text. Lines it cannot place are reported
// through the `bad` handler with their line number, and skipped.
import { instantiateCore, type CoreExports } from './core-module.js';

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

// Record layout of the core (src/parse/core/scan.ts): REC int32 slots per record.
const REC = 28;
const K_HEADER = 1;
const K_FRAME = 2;
const K_SRCLINE = 3;
const K_END = 4;
const K_OTHER = 5;
const K_COMMENT = 6;
const K_BLANK = 7;
const K_BAD = 8;
const F_TIME = 1;
const F_PERIOD = 2;
const F_SEC_BIG = 4;
const F_PERIOD_BIG = 8;
const F_CPU_BIG = 16;
const BAD_REASONS = ['not a frame line', 'frame line outside a sample', 'not a perf script line'];

/**
 * Scans perf script text chunk by chunk and calls the handlers synchronously, line by
 * line. Feed it chunks of whole lines with `push`, then call `finish`.
 */
export class PerfScriptScanner {
  /** Whether a sample is open (a header was seen and no blank line since). */
  inSample = false;
  /** Header lines seen, and how many of them had a timestamp. */
  headers = 0;
  timedHeaders = 0;

  private readonly core: CoreExports;
  private line = 0;
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
  private readonly memo: boolean;
  private readonly skim: boolean;
  /** Memo: the consumer's key of each frame line the core interned (by the core's line id). */
  private lineKeys: number[] = [];
  /** forgetFrames was called during a chunk: the core forgets its lines after it. */
  private forgetting = false;
  private halted = false;
  /** The chunk's bytes when it came without text (pushBytes): slices are decoded from them. */
  private raw: Uint8Array | null = null;

  constructor(
    private readonly on: PerfScriptHandlers,
    opts: ScanOptions = {},
  ) {
    this.memo = typeof on.frameKeyed === 'function' && typeof on.frameSeen === 'function' && !opts.srcline;
    const frames = typeof on.frame === 'function' || this.memo;
    this.skim = Boolean(opts.headersOnly) && !frames;
    this.core = instantiateCore();
    this.core.configure(frames ? 1 : 0, opts.srcline ? 1 : 0, this.skim ? 1 : 0, this.memo ? 1 : 0, 0);
  }

  /** Lines read so far. */
  get lineNo(): number {
    return this.line;
  }
  set lineNo(n: number) {
    this.line = n;
    this.core.setLineNo(n);
  }

  /** Forgets the memoised frame lines (see `frameKeyed`); the consumer may reuse its keys. */
  forgetFrames(): void {
    this.lineKeys = [];
    this.forgetting = true;
  }

  /** Stops parsing: the rest of the current chunk, and any later one, is ignored. */
  halt(): void {
    this.halted = true;
  }

  /**
   * Parses every line of `text`. A final line without a line break is parsed too. `bytes`,
   * when given, are the bytes `text` was decoded from (latin1), which saves encoding it again.
   */
  push(text: string, bytes?: Uint8Array): void {
    if (this.halted) return;
    const core = this.core;
    const len = text.length;
    const at = core.inputArea(len);
    const input = new Uint8Array(core.memory.buffer, at, len);
    if (bytes !== undefined && bytes.length === len) input.set(bytes);
    else Buffer.from(core.memory.buffer, at, len).write(text, 0, 'latin1');
    this.scanChunk(len, text, null);
  }

  /**
   * Parses every line of `bytes`, as `push` does, for a consumer that reads offsets and
   * never text (range-perf): the handlers' `text` is '' (a bad line's text and a header's
   * seconds past 15 digits are still decoded from the bytes). Only with `headersOnly`, whose
   * handlers need no text. Why: decoding a chunk to a string that the core would only
   * write back to bytes cost range-perf more than its scan.
   */
  pushBytes(bytes: Uint8Array): void {
    if (!this.skim) throw new Error('PerfScriptScanner.pushBytes is for headersOnly scanners');
    if (this.halted) return;
    const len = bytes.length;
    // The area first: making room may grow the memory, which detaches the old buffer.
    const at = this.core.inputArea(len);
    new Uint8Array(this.core.memory.buffer, at, len).set(bytes);
    this.scanChunk(len, '', bytes);
  }

  /** Scans the `len` bytes in the core's input area and calls the handlers. */
  private scanChunk(len: number, text: string, raw: Uint8Array | null): void {
    const core = this.core;
    const n = core.scan(len);
    this.raw = raw;
    this.replay(text, n);
    this.raw = null;
    if (this.forgetting) {
      core.forgetLines();
      this.lineKeys = [];
      this.forgetting = false;
    }
    if (!this.halted) this.line = core.getLineNo();
  }

  /** Ends the input: a last sample with no blank line after it is ended too. */
  finish(): void {
    const n = this.core.finish();
    if (this.halted) {
      // The core read past the header that halted the scan: end what the caller saw.
      if (this.inSample) {
        this.inSample = false;
        this.on.end?.();
      }
      return;
    }
    this.replay('', n);
  }

  /** Calls the handlers for the `n` records of the last scan. */
  private replay(text: string, n: number): void {
    const core = this.core;
    const base = core.outputArea();
    const r = new Int32Array(core.memory.buffer, base, n * REC);
    const d = new Float64Array(core.memory.buffer, base, (n * REC) / 2);
    const on = this.on;
    for (let i = 0, o = 0; i < n; i++, o += REC) {
      if (this.halted) return;
      const kind = r[o];
      this.line = r[o + 1];
      switch (kind) {
        case K_HEADER: {
          this.inSample = true;
          const h = this.fillHeader(text, r, d, o);
          this.headers++;
          if (h.hasTime) this.timedHeaders++;
          on.header?.(h, text);
          break;
        }
        case K_FRAME: {
          const id = r[o + 11];
          if (this.memo) {
            if (id >= 0 && !this.forgetting) {
              const key = this.lineKeys[id];
              if (key !== undefined && key >= 0) {
                on.frameSeen!(key);
                break;
              }
              const k = on.frameKeyed!(this.fillFrame(r, o), text);
              if (!this.forgetting) this.lineKeys[id] = k;
            } else on.frameKeyed!(this.fillFrame(r, o), text);
          } else on.frame?.(this.fillFrame(r, o), text);
          break;
        }
        case K_SRCLINE:
          on.srcline?.(text, r[o + 2], r[o + 3]);
          break;
        case K_END:
          // A header ends the sample before it and opens its own: inSample stays.
          if (r[o + 4] === 0) this.inSample = false;
          on.end?.();
          break;
        case K_OTHER:
          on.other?.(text, r[o + 2], r[o + 3]);
          break;
        case K_COMMENT:
          on.comment?.(text, r[o + 2], r[o + 3]);
          break;
        case K_BLANK:
          on.blank?.(text, r[o + 2], r[o + 3]);
          break;
        case K_BAD:
          on.bad?.({ line: r[o + 1], reason: BAD_REASONS[r[o + 4]], text: this.slice(text, r[o + 2], r[o + 3]) });
          break;
      }
    }
  }

  private fillHeader(text: string, r: Int32Array, d: Float64Array, o: number): Header {
    const h = this.h;
    const flags = r[o + 10];
    h.line = r[o + 1];
    h.start = r[o + 2];
    h.end = r[o + 3];
    h.hasTime = (flags & F_TIME) !== 0;
    h.hasPeriod = (flags & F_PERIOD) !== 0;
    h.ns = r[o + 11];
    h.sec = (flags & F_SEC_BIG) !== 0 ? parseInt(this.slice(text, r[o + 12], r[o + 22]), 10) : d[o / 2 + 9];
    if (this.skim) return h;
    h.comm = text.slice(r[o + 4], r[o + 5]);
    h.pid = text.slice(r[o + 6], r[o + 7]);
    h.tid = r[o + 8] < 0 ? null : text.slice(r[o + 8], r[o + 9]);
    h.cpu = (flags & F_CPU_BIG) !== 0 ? bigCpu(text, r[o + 9] < 0 ? r[o + 7] : r[o + 9]) : r[o + 23];
    h.time = h.hasTime ? text.slice(r[o + 12], r[o + 13]) : '';
    h.period = (flags & F_PERIOD_BIG) !== 0 ? Number(text.slice(r[o + 16], r[o + 17])) : d[o / 2 + 10];
    h.event = text.slice(r[o + 14], r[o + 15]);
    return h;
  }

  /** text[start, end), or the same bytes of a chunk pushed without text. */
  private slice(text: string, start: number, end: number): string {
    const raw = this.raw;
    return raw === null ? text.slice(start, end) : Buffer.from(raw.buffer, raw.byteOffset + start, end - start).toString('latin1');
  }

  private fillFrame(r: Int32Array, o: number): FrameSpan {
    const f = this.f;
    f.line = r[o + 1];
    f.addrStart = r[o + 4];
    f.addrEnd = r[o + 5];
    f.symStart = r[o + 6];
    f.symEnd = r[o + 7];
    f.dsoStart = r[o + 8];
    f.dsoEnd = r[o + 9];
    f.onHeader = r[o + 10] !== 0;
    return f;
  }
}

/** The CPU number of a header whose '[cpu]' follows the pid token ending at `from`. */
function bigCpu(text: string, from: number): number {
  const open = text.indexOf('[', from);
  const close = text.indexOf(']', open);
  return parseInt(text.slice(open + 1, close), 10);
}

/** A substring that does not share (and so keep alive) the memory of `text`. */
export function copyString(text: string, start: number, end: number): string {
  return Buffer.from(text.slice(start, end), 'latin1').toString('latin1');
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
