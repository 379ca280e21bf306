// The writer of folded stacks from a stack table: `root;...;leaf count` lines, sorted
// byte-wise (the names are latin1, so code units are bytes), one line per stack: as bytes
// for stdout (writeFoldedChunks), as strings for the --per-window files (formatFoldedLines,
// cheaper for many small tables). src/parse/folded.ts is the reader.
//
//   java;start_thread;java_start;GCTaskThread::run;StealTask::do_it;SpinPause 7
//   swapper;start_secondary;cpu_idle;default_idle 1315
import type { StackTable } from './stack-table.js';

const SEP = 59; // ';'

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
 * Buffer): no string is made per line, each frame name is encoded once.
 *
 * Sorted lines share long prefixes (a deep profile's lines are kilobytes long, and most of
 * a line is the line before it): the frames a line shares with the one before are copied
 * from it at once (`copyWithin`, a memmove), and only the rest is written name by name.
 */
export function* writeFoldedChunks(t: StackTable, size: number, flags: CountFlags): Generator<Buffer> {
  const order = t.sorted();
  const { arena, offsets } = t.nameBytes();
  const { ids, start, length } = t.layout();
  let buf = Buffer.allocUnsafe(size);
  let pos = 0;
  // The line before, when it is in `buf`: its stack and where it starts.
  let prev = -1;
  let prevAt = 0;
  for (let k = 0; k < order.length; k++) {
    const s = order[k];
    let n = t.count(s);
    if (n === Infinity) {
      flags.capped = true;
      n = Number.MAX_VALUE;
    }
    if (n > Number.MAX_SAFE_INTEGER) flags.inexact = true;
    const count = formatCount(n);
    const at = start[s];
    const len = length[s];
    let textLen = len > 0 ? len - 1 : 0;
    for (let i = at; i < at + len; i++) textLen += offsets[ids[i] + 1] - offsets[ids[i]];
    const need = textLen + count.length + 2;
    if (pos + need > buf.length) {
      if (pos > 0) yield buf.subarray(0, pos);
      // A line longer than `size` gets a Buffer of its own size.
      buf = Buffer.allocUnsafe(Math.max(size, need));
      pos = 0;
      prev = -1;
    }
    const lineAt = pos;
    let i = 0;
    if (prev >= 0) {
      const pa = start[prev];
      const m = Math.min(len, length[prev]);
      let shared = -1; // bytes of the shared frames and the ';' between them
      while (i < m && ids[at + i] === ids[pa + i]) {
        shared += offsets[ids[at + i] + 1] - offsets[ids[at + i]] + 1;
        i++;
      }
      if (i > 0) {
        buf.copyWithin(pos, prevAt, prevAt + shared);
        pos += shared;
      }
    }
    for (; i < len; i++) {
      if (i > 0) buf[pos++] = SEP;
      const id = ids[at + i];
      let a = offsets[id];
      const b = offsets[id + 1];
      // A native copy costs more than the loop for all but long names.
      if (b - a > 256) pos += arena.copy(buf, pos, a, b);
      else while (a < b) buf[pos++] = arena[a++];
    }
    buf[pos++] = 32;
    pos += buf.write(count, pos, 'latin1');
    buf[pos++] = 10;
    prev = s;
    prevAt = lineAt;
  }
  if (pos > 0) yield buf.subarray(0, pos);
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
