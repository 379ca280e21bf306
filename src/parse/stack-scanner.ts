// The core's stacks mode (src/parse/core/scan.ts), for consumers that want whole samples
// rather than lines (stackcollapse): the core parses every line itself, interns each
// frame as a (symbol without its +0x offset, dso) pair, each sample's frames as a stack
// (pair ids, leaf first), each comm/pid/tid and each event name, and tells JavaScript of a
// sample twice: at its header (time, period, root and event ids) and at its end (stack id).
// JavaScript reads a pair's, root's or event's bytes once, the first time it meets its id,
// so the naming rules run once per distinct frame, never per line.
//
// It reads what src/parse/perf-script.ts reads, e.g.
//   java  3244/3250 [002] 6544038.708352:     250000 cpu-clock:ppp:
//   \t    7f1e214c24d9 SpinPause+0x19 (/usr/lib/jvm/libjvm.so)
//   \tffffffff8104f45a native_write_msr_safe ([kernel.kallsyms])
//   <blank line>
// with the same grammar, line numbers and bad-line reports (test/parse-core.test.ts and the
// collapse tests hold it to the TypeScript oracle). No source lines (-F+srcline): use
// PerfScriptScanner for those.
import { instantiateCore, type CoreExports } from './core-module.js';
import type { BadLine } from './perf-script.js';

/** What a sample's header says, as the stacks mode gives it. The scanner reuses one object. */
export interface SampleHeader {
  line: number;
  hasTime: boolean;
  /** Whole seconds and nanoseconds of the timestamp (exact), when hasTime. */
  sec: number;
  ns: number;
  /** The period, or 1 when none was printed. */
  period: number;
  /** Root id: see StackScanner.root. */
  root: number;
  /** Event id: see StackScanner.event. */
  event: number;
  /** The CPU in brackets, or -1. */
  cpu: number;
  /** Whether a frame was printed on the header line: then it is the stack's first (leaf) pair. */
  frameOnHeader: boolean;
  /** Offsets of the header line in the chunk ([start, end), no line break): see StackScanner.lineText. */
  start: number;
  end: number;
  /** Offset of the ':' that ends the event name, or -1 when the header names no event. */
  eventEnd: number;
}

export interface StackHandlers {
  /** A sample starts (the one before, if any, has ended with `sample`). */
  header(h: SampleHeader): void;
  /** The current sample ended; its frames are stack `stack`. */
  sample(stack: number): void;
  /** A line that is neither a header, a frame, a comment nor blank. */
  bad(b: BadLine): void;
  /** A comment line ('#' in column 0), without its line break. */
  comment?(text: string): void;
}

const REC = 28;
const K_HEADER = 1;
const K_COMMENT = 6;
const K_BAD = 8;
const K_SAMPLE = 9;
const F_TIME = 1;
const F_SEC_BIG = 4;
const F_PERIOD_BIG = 8;
const F_CPU_BIG = 16;
const F_HEADER_FRAME = 32;
const BAD_REASONS = ['not a frame line', 'frame line outside a sample', 'not a perf script line'];
const PAIRS = 0;
const STACKS = 1;
const ROOTS = 2;
const EVENTS = 3;

export class StackScanner {
  /** Header lines seen, and how many of them had a timestamp. */
  headers = 0;
  timedHeaders = 0;
  private line = 0;
  private readonly core: CoreExports;
  private readonly h: SampleHeader = { line: 0, hasTime: false, sec: 0, ns: 0, period: 1, root: 0, event: 0, cpu: -1, frameOnHeader: false, start: 0, end: 0, eventEnd: -1 };

  /**
   * `fields`: what the headers given to `on.header` hold. 'all' (the default): every field.
   * 'time': line, start, end, eventEnd, frameOnHeader and cpu are left as they are (not
   * read from the records); 'weight': sec and ns too. A consumer that never reads them
   * saves the loads and stores per sample (cold code on a short run), and a number made
   * per sample for sec.
   */
  constructor(
    private readonly on: StackHandlers,
    fields: 'all' | 'time' | 'weight' = 'all',
  ) {
    this.times = fields !== 'weight';
    this.place = fields === 'all';
    this.core = instantiateCore();
    this.core.configure(1, 0, 0, 1, 1);
  }

  /** Whether headers hold sec and ns; whether they hold line, start, end, eventEnd, frameOnHeader and cpu. */
  private readonly times: boolean;
  private readonly place: boolean;

  /** Lines read so far. */
  get lineNo(): number {
    return this.line;
  }
  set lineNo(n: number) {
    this.line = n;
    this.core.setLineNo(n);
  }

  /**
   * Says that at least `bytes` bytes of input will follow (a file's size): on a big input
   * the core's tables are made big at once instead of growing (core/memory.ts, expectInput).
   * Changes no result.
   */
  expectInput(bytes: number): void {
    this.core.expectInput(Math.min(0x7fffffff, Math.floor(bytes / (1 << 20))));
  }

  /** Bytes of a last line not yet ended (at the start of the core's input area). */
  private carry = 0;

  /**
   * Parses the lines of `bytes`, any piece of the input: a line cut at its end waits for
   * the rest (or `finish`). One copy into the core's memory, no string.
   */
  push(bytes: Uint8Array): void {
    const core = this.core;
    const len = this.carry + bytes.length;
    let at = core.inputArea(len);
    if (this.carry > 0 && at !== this.inputAt) {
      // The area moved (it grew): the carried bytes were left behind.
      new Uint8Array(core.memory.buffer).copyWithin(at, this.inputAt, this.inputAt + this.carry);
    }
    this.inputAt = at;
    const input = new Uint8Array(core.memory.buffer, at, len);
    input.set(bytes, this.carry);
    const nl = input.lastIndexOf(10, len - 1);
    if (nl < 0) {
      this.carry = len;
      this.sync();
      return;
    }
    this.replay(core.scan(nl + 1));
    this.line = core.getLineNo();
    // The cut line moves to the front of the area.
    at = this.inputAt = core.inputArea(len);
    this.carry = len - nl - 1;
    if (this.carry > 0) new Uint8Array(core.memory.buffer).copyWithin(at, at + nl + 1, at + len);
    this.sync();
  }
  private inputAt = -1;

  /** Bytes of an unfinished last line held back so far (for a bound on line length). */
  get pending(): number {
    return this.carry;
  }

  /** Ends the input: a last line without a line break is read, and a last sample with no blank line after it ends too. */
  finish(): void {
    const core = this.core;
    if (this.carry > 0) {
      this.inputAt = core.inputArea(this.carry);
      this.replay(core.scan(this.carry));
      this.carry = 0;
    }
    this.replay(core.finish());
    this.line = core.getLineNo();
    this.sync();
  }

  /**
   * Views of the core's memory and where its pair and stack tables are, taken again after
   * every call into the core that may grow its memory or move a table (scan, finish,
   * inputArea), so that the per-sample reads (stackView, stackAt, pair, blanks) make no
   * call into the core nor read `memory.buffer` (a call into V8 each time).
   */
  private sync(): void {
    const core = this.core;
    const buf = core.memory.buffer;
    if (this.mem32.buffer !== buf) {
      this.mem32 = new Int32Array(buf);
      this.mem8 = new Uint8Array(buf);
      this.memBuf = Buffer.from(buf);
    }
    this.pairEnts = core.tableEntries(PAIRS) >> 2;
    this.pairArena = core.tableArena(PAIRS);
    this.stackEnts = core.tableEntries(STACKS) >> 2;
    this.stackArena = core.tableArena(STACKS);
  }
  private pairEnts = 0;
  private pairArena = 0;
  private stackEnts = 0;
  private stackArena = 0;

  /** Bytes [s, e) of the chunk being replayed, as latin1 text: valid only during a handler's call. */
  lineText(s: number, e: number): string {
    return this.text(s, e);
  }

  /** Whether bytes [s, e) of the chunk being replayed are all blanks (spaces, tabs): valid only during a handler's call. */
  blanks(s: number, e: number): boolean {
    const b = this.mem8;
    for (let i = this.inputAt + s, end = this.inputAt + e; i < end; i++) if (b[i] !== 32 && b[i] !== 9) return false;
    return true;
  }
  private mem8 = new Uint8Array(0);

  /** Bytes [s, e) of the chunk in the input area, as latin1 text. */
  private text(s: number, e: number): string {
    return Buffer.from(this.core.memory.buffer, this.inputAt + s, e - s).toString('latin1');
  }

  private replay(n: number): void {
    this.sync();
    const core = this.core;
    const base = core.outputArea();
    const r = new Int32Array(core.memory.buffer, base, n * REC);
    const d = new Float64Array(core.memory.buffer, base, (n * REC) / 2);
    const on = this.on;
    const h = this.h;
    for (let i = 0, o = 0; i < n; i++, o += REC) {
      const kind = r[o];
      if (kind === K_SAMPLE) {
        on.sample(r[o + 6]);
      } else if (kind === K_HEADER) {
        const flags = r[o + 10];
        h.hasTime = (flags & F_TIME) !== 0;
        if (this.place) {
          h.line = r[o + 1];
          h.ns = r[o + 11];
          h.sec = (flags & F_SEC_BIG) !== 0 ? parseInt(this.text(r[o + 12], r[o + 22]), 10) : d[o / 2 + 9];
          h.period = (flags & F_PERIOD_BIG) !== 0 ? Number(this.text(r[o + 16], r[o + 17])) : d[o / 2 + 10];
          h.root = r[o + 24];
          h.event = r[o + 25];
          h.start = r[o + 2];
          h.end = r[o + 3];
          h.eventEnd = r[o + 15] > r[o + 14] ? r[o + 15] : -1;
          h.frameOnHeader = (flags & F_HEADER_FRAME) !== 0;
          h.cpu = (flags & F_CPU_BIG) !== 0 ? this.bigCpu(r[o + 9] < 0 ? r[o + 7] : r[o + 9], r[o + 3]) : r[o + 23];
        } else {
          // A double read from the records is a fresh heap number each time in cold code,
          // and so is every read of a field that holds doubles: here whole numbers are kept
          // as small integers where they fit (periods and seconds nearly always do).
          if (this.times) {
            h.ns = r[o + 11];
            const sec = (flags & F_SEC_BIG) !== 0 ? parseInt(this.text(r[o + 12], r[o + 22]), 10) : d[o / 2 + 9];
            h.sec = sec === (sec | 0) ? sec | 0 : sec;
          }
          const period = (flags & F_PERIOD_BIG) !== 0 ? Number(this.text(r[o + 16], r[o + 17])) : d[o / 2 + 10];
          h.period = period === (period | 0) ? period | 0 : period;
          h.root = r[o + 24];
          h.event = r[o + 25];
        }
        this.headers++;
        if (h.hasTime) this.timedHeaders++;
        on.header(h);
      } else if (kind === K_COMMENT) {
        if (on.comment) {
          let e = r[o + 3];
          const b = new Uint8Array(core.memory.buffer, this.inputAt, e);
          while (e > r[o + 2] && (b[e - 1] === 10 || b[e - 1] === 13)) e--;
          on.comment(this.text(r[o + 2], e));
        }
      } else if (kind === K_BAD) {
        on.bad({ line: r[o + 1], reason: BAD_REASONS[r[o + 4]], text: this.text(r[o + 2], r[o + 3]) });
      }
    }
  }

  /** The bytes of entry `id` of table `t`, as a latin1 string. */
  private entry(t: number, id: number): string {
    const core = this.core;
    const e = new Int32Array(core.memory.buffer, core.tableEntries(t) + id * 12, 2);
    return Buffer.from(core.memory.buffer, core.tableArena(t) + e[0], e[1]).toString('latin1');
  }

  /** The CPU number of a header whose '[cpu]' follows the pid token ending at `from`. */
  private bigCpu(from: number, end: number): number {
    const t = this.text(from, end);
    const open = t.indexOf('[');
    return parseInt(t.slice(open + 1, t.indexOf(']', open)), 10);
  }

  /**
   * Pair `id`: the symbol (its +0x offset stripped) and the dso of a frame. Two strings read
   * from the core's memory, no other copy (readPair is the other way: slices of a longer
   * decode, for a consumer that names every new pair at once, as stackcollapse does).
   */
  pair(id: number): { sym: string; dso: string } {
    const m = this.mem32;
    const b = this.memBuf;
    const e = this.pairEnts + id * 3;
    const at = this.pairArena + m[e];
    const end = at + m[e + 1];
    const symEnd = at + 4 + (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)); // the key's first 4 bytes (not aligned)
    return { sym: b.toString('latin1', at + 4, symEnd), dso: b.toString('latin1', symEnd, end) };
  }

  /** The last pair read by readPair: its symbol (its +0x offset stripped) and its dso. */
  pairSym = '';
  pairDso = '';

  /**
   * Reads pair `id` into pairSym and pairDso, no object made: slices of the pair arena's
   * bytes decoded as latin1 once for all the pairs interned since the last decode (one
   * native call per scan that met new pairs, not two per pair; V8 slices a string of 13
   * chars or more without a copy). A pair before those (a name asked for again, or late)
   * is decoded alone, and so is every pair with `alone`: for a long run, whose code is
   * optimised by then, and where the decodes, large strings that the names slice and so
   * keep, touched ~440 more pages of memory on the 143.8 MB profile.
   */
  readPair(id: number, alone = false): void {
    const m = this.mem32;
    const b = this.memBuf;
    const e = this.pairEnts + id * 3;
    const off = m[e];
    const end = off + m[e + 1];
    const at = this.pairArena + off;
    const symEnd = off + 4 + (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)); // the key's first 4 bytes (not aligned)
    let from = this.pairTextAt;
    if (off < from || alone) {
      this.pairSym = b.toString('latin1', at + 4, this.pairArena + symEnd);
      this.pairDso = b.toString('latin1', this.pairArena + symEnd, this.pairArena + end);
      return;
    }
    if (end > from + this.pairText.length) {
      // Every pair interned so far from this one on: the arena holds them in id order.
      const last = this.pairEnts + (this.core.tableSize(PAIRS) - 1) * 3;
      this.pairText = b.toString('latin1', at, this.pairArena + m[last] + m[last + 1]);
      this.pairTextAt = from = off;
    }
    const t = this.pairText;
    this.pairSym = t.slice(off + 4 - from, symEnd - from);
    this.pairDso = t.slice(symEnd - from, end - from);
  }
  /** Bytes of the pair arena from offset pairTextAt, as latin1 (see readPair). */
  private pairText = '';
  private pairTextAt = 0;
  private memBuf = Buffer.alloc(0);

  /** Root `id`: the comm, pid and tid (null when one number was printed) of a header. */
  root(id: number): { comm: string; pid: string; tid: string | null } {
    const key = this.entry(ROOTS, id);
    const n = (k: number) => key.charCodeAt(k) | (key.charCodeAt(k + 1) << 8) | (key.charCodeAt(k + 2) << 16) | (key.charCodeAt(k + 3) << 24);
    const cl = n(0);
    const pl = n(4);
    const rest = key.slice(8 + cl + pl);
    return { comm: key.slice(8, 8 + cl), pid: key.slice(8 + cl, 8 + cl + pl), tid: rest === '' ? null : rest.slice(1) };
  }

  /** Event `id`: its name without the last ':' ('' when the header names none). */
  event(id: number): string {
    return this.entry(EVENTS, id);
  }

  /**
   * Stack `id`: its pair ids, leaf first, as a view of the core's memory: valid until the
   * next `push` or `finish` (the core's tables may move as they grow). No copy.
   */
  stackView(id: number): Int32Array {
    const at = this.stackAt(id);
    return this.mem32.subarray(at, at + this.stackLength(id));
  }
  private mem32 = new Int32Array(0);

  /**
   * Stack `id` without a view made: its pair ids, leaf first, are `memory[stackAt(id) + i]`
   * for i below `stackLength(id)`, with `memory` as it is until the next `push` or `finish`.
   */
  stackAt(id: number): number {
    return (this.stackArena + this.mem32[this.stackEnts + id * 3]) >> 2;
  }
  stackLength(id: number): number {
    return this.mem32[this.stackEnts + id * 3 + 1] >> 2;
  }
  get memory(): Int32Array {
    return this.mem32;
  }
}
