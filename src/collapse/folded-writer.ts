// The writer of folded stacks from a stack table: `root;...;leaf count` lines, sorted
// byte-wise (the names are latin1, so code units are bytes), one line per stack: as bytes
// for stdout (writeFoldedChunks), as strings for the --per-window files (formatFoldedLines,
// cheaper for many small tables). src/parse/folded.ts is the reader.
//
//   java;start_thread;java_start;GCTaskThread::run;StealTask::do_it;SpinPause 7
//   swapper;start_secondary;cpu_idle;default_idle 1315
import type { StackTable } from './stack-table.js';

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
 */
export function* writeFoldedChunks(t: StackTable, size: number, flags: CountFlags): Generator<Buffer> {
  const order = t.sorted();
  const bytes = t.nameBytes();
  let buf = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const s of order) {
    let n = t.count(s);
    if (n === Infinity) {
      flags.capped = true;
      n = Number.MAX_VALUE;
    }
    if (n > Number.MAX_SAFE_INTEGER) flags.inexact = true;
    const count = formatCount(n);
    for (;;) {
      const end = t.writeText(s, buf, pos, bytes);
      if (end >= 0 && end + count.length + 2 <= buf.length) {
        buf[end] = 32;
        pos = end + 1 + buf.write(count, end + 1, 'latin1');
        buf[pos++] = 10;
        break;
      }
      // Does not fit: out with what is there, and on in a new Buffer (big enough for any line).
      if (pos > 0) yield buf.subarray(0, pos);
      else size *= 2;
      buf = Buffer.allocUnsafe(size);
      pos = 0;
    }
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
