// The writer of folded stacks from a stack table: `root;...;leaf count` lines, sorted
// byte-wise (the names are latin1, so code units are bytes), one line per stack: as bytes
// for stdout (writeFoldedChunks), as strings for the --per-window files (formatFoldedLines,
// cheaper for many small tables). src/parse/folded.ts is the reader.
//
//   java;start_thread;java_start;GCTaskThread::run;StealTask::do_it;SpinPause 7
//   swapper;start_secondary;cpu_idle;default_idle 1315
import type { StackTable } from './stack-table.js';

const SEP = 59; // ';'

/**
 * Tables of fewer stacks than this copy each name not shared with the line before by one
 * native call (copyWithin, from a copy of the names kept in front of the output Buffer),
 * where big tables copy bytes in a loop of ours. Why: the loop is faster once compiled, but
 * a short run executes it cold, in the interpreter (on the first 3 MB of a profile, 736
 * lines: 200 KB byte by byte took 20-40 ms, and an optimising compile).
 */
const NATIVE_COPY_MAX = 2048;

/** What writing counts found, for the warnings after the output. */
export interface CountFlags {
  /** Whether some count went past 2^53, where sums of doubles stop being exact. */
  inexact: boolean;
  /** Whether some count went past the largest double (~1.8e308): it prints as that. */
  capped: boolean;
}

/** Counts print as integers; sums past 2^53 print exactly what the double holds. */
export function formatCount(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.round(n)).toString();
}

/**
 * The folded lines, sorted, as latin1 bytes in Buffers of about `size` bytes (each a new
 * Buffer): no string is made per line, each frame name is encoded once. With `reuse`, every
 * chunk is a view of the same Buffer, overwritten when the next one is asked for: for a
 * consumer done with a chunk by then (no fresh pages to fault in for every MiB of output).
 *
 * Sorted lines share long prefixes (a deep profile's lines are kilobytes long, and most of
 * a line is the line before it): the frames a line shares with the one before are copied
 * from it at once (`copyWithin`, a memmove), and only the rest is written name by name.
 */
export function* writeFoldedChunks(t: StackTable, size: number, flags: CountFlags, reuse = false): Generator<Buffer> {
  const w = new FoldedLineWriter(t, flags);
  let buf: Buffer | null = null;
  while (!w.done) {
    if (!reuse || buf === null) buf = w.buffer(size);
    let end = w.fill(buf);
    if (end === 0) {
      // A line longer than `size` gets a Buffer of its own size.
      buf = w.buffer(Math.max(size, w.nextLineBytes()));
      end = w.fill(buf);
    }
    yield buf.subarray(0, end);
  }
}

/** Fills Buffers with the sorted folded lines of a table, whole lines each. */
class FoldedLineWriter {
  private readonly order: Int32Array;
  private readonly arena: Buffer;
  private readonly offsets: Int32Array;
  private readonly ids: Int32Array;
  private readonly start: Int32Array;
  private readonly length: Int32Array;
  /** Names are copied by copyWithin from a copy of the arena in front of the Buffer (see NATIVE_COPY_MAX). */
  private readonly native: boolean;
  /** With `native`: the last Buffer made, from the start of the arena's copy. */
  private home: Buffer = Buffer.alloc(0);
  /** The next line to write (an index into `order`). */
  private k = 0;
  private count = '';
  /**
   * Of the line last written, where each frame ends (bytes from the line's start): the
   * next line copies the frames it shares with it without measuring them again.
   */
  private frameEnds = new Int32Array(256);

  constructor(
    private readonly t: StackTable,
    private readonly flags: CountFlags,
  ) {
    this.order = t.sorted();
    ({ arena: this.arena, offsets: this.offsets } = t.nameBytes());
    ({ ids: this.ids, start: this.start, length: this.length } = t.layout());
    this.native = this.order.length < NATIVE_COPY_MAX;
    if (this.order.length > 0) this.count = this.countOf(this.order[0]);
  }

  get done(): boolean {
    return this.k >= this.order.length;
  }

  /** A Buffer of `size` bytes for fill (with `native`, the arena's copy in front of it). */
  buffer(size: number): Buffer {
    if (!this.native) return Buffer.allocUnsafe(size);
    const n = this.arena.length;
    this.home = Buffer.allocUnsafe(n + size);
    this.arena.copy(this.home, 0);
    return this.home.subarray(n);
  }

  /** The count of stack s as printed, noting counts past 2^53 and past the largest double. */
  private countOf(s: number): string {
    let n = this.t.count(s);
    if (n === Infinity) {
      this.flags.capped = true;
      n = Number.MAX_VALUE;
    }
    if (n > Number.MAX_SAFE_INTEGER) this.flags.inexact = true;
    return formatCount(n);
  }

  /** Bytes of the next line, its line break included. */
  nextLineBytes(): number {
    const s = this.order[this.k];
    const { ids, offsets } = this;
    const at = this.start[s];
    const len = this.length[s];
    let bytes = len > 0 ? len - 1 : 0;
    for (let i = at; i < at + len; i++) bytes += offsets[ids[i] + 1] - offsets[ids[i]];
    return bytes + this.count.length + 2;
  }

  /**
   * Writes whole lines into `buf` (made by `buffer`) from its start while they fit;
   * returns the end. Each line is written before it is known to fit: one that does not is
   * left for the next Buffer (what went past the end was dropped by the typed array).
   */
  fill(buf: Buffer): number {
    const { order, arena, offsets, ids, start, length, native, home } = this;
    let frameEnds = this.frameEnds;
    const cap = buf.length;
    // With `native`, name i is home[offsets[i], offsets[i + 1]), and buf starts at home[base].
    const base = home.length - cap;
    let pos = 0;
    // The line before, once there is one in `buf`: its stack and where it starts.
    let prev = -1;
    let prevAt = 0;
    for (; this.k < order.length; this.k++) {
      const s = order[this.k];
      const at = start[s];
      const len = length[s];
      const lineAt = pos;
      let i = 0;
      if (prev >= 0) {
        const pa = start[prev];
        const m = Math.min(len, length[prev]);
        while (i < m && ids[at + i] === ids[pa + i]) i++;
        if (i > 0) {
          // The shared frames and the ';' between them: where the line before had them.
          const shared = frameEnds[i - 1];
          buf.copyWithin(pos, prevAt, prevAt + shared);
          pos += shared;
        }
      }
      if (len > frameEnds.length) {
        // The shared frames' ends are kept: the next line may share them too.
        const bigger = new Int32Array(Math.max(len, 2 * frameEnds.length));
        bigger.set(frameEnds);
        frameEnds = this.frameEnds = bigger;
      }
      for (; i < len; i++) {
        if (i > 0) buf[pos++] = SEP;
        const id = ids[at + i];
        let a = offsets[id];
        const b = offsets[id + 1];
        if (native) {
          home.copyWithin(base + pos, a, b);
          pos += b - a;
        } else if (b - a > 256) {
          // A native copy costs more than the loop for all but long names.
          if (pos < cap) arena.copy(buf, pos, a, b);
          pos += b - a;
        } else while (a < b) buf[pos++] = arena[a++];
        frameEnds[i] = pos - lineAt;
      }
      const count = this.count;
      if (pos + count.length + 2 > cap) {
        pos = lineAt;
        break;
      }
      buf[pos++] = 32;
      for (let j = 0; j < count.length; j++) buf[pos++] = count.charCodeAt(j);
      buf[pos++] = 10;
      prev = s;
      prevAt = lineAt;
      if (this.k + 1 < order.length) this.count = this.countOf(order[this.k + 1]);
    }
    return pos;
  }
}

/** The folded lines one at a time, sorted, so that the whole output is never one array. */
export function* formatFoldedLines(t: StackTable, flags: CountFlags): Generator<string> {
  const order = t.sorted();
  if (order.some((s) => t.count(s) > Number.MAX_SAFE_INTEGER)) flags.inexact = true;
  for (const s of order) {
    let n = t.count(s);
    if (n === Infinity) {
      flags.capped = true;
      n = Number.MAX_VALUE;
    }
    yield `${t.text(s)} ${formatCount(n)}`;
  }
}
