// Folded stacks: one line per distinct stack, frames joined by ';', then whitespace and a
// count. stackcollapse writes them, flamegraph-svg reads them.
//
//   java;start_thread;java_start;GCTaskThread::run;StealTask::do_it;SpinPause 7
//   swapper;start_secondary;cpu_idle;default_idle 1315
//   perl;Perl_runops_standard;Perl_pp_entersub 12.5
//   ab;[unknown];__write_nocancel;sys_write_[k] 0 4          (differential: before after)
//   main;foo 1
//
// The line rule is flamegraph.pl's regex `^(.*)\s+?(\d+(?:\.\d*)?)$`, implemented by hand:
// the count is what follows the line's last whitespace character and must be digits with an
// optional '.' and more digits (`12`, `12.`, `12.5`; not `.5`, `-3` or `1e3`). The stack is
// everything before that one whitespace character, so `a;d  7` has a last frame `d `.
// When the stack itself ends in whitespace and a count, the line is differential: the first
// count is "before", the second "after" (difffolded.pl's output).
//
// Frames are split on ';' the way Perl's `split ";"` does: empty frames in the middle and
// at the start are kept, empty frames at the end are dropped.
//
// Differences from flamegraph.pl (documented in README, "Differences from FlameGraph"): one trailing '\r'
// is removed (CRLF files work), and the separators are ASCII whitespace only.

/** One parsed folded line. */
export interface FoldedLine {
  stack: string;
  /** The last count: the frame width ("after" on a differential line). */
  count: number;
  /** The first of two counts on a differential line ("before"), else undefined. */
  before?: number;
}

/** Where a line's counts are, for the scanners that work on indices into a chunk. */
export interface FoldedTail {
  /** End (exclusive) of the stack text. */
  stackEnd: number;
  count: number;
  /** NaN unless the line is differential. */
  before: number;
}

/** Perl's `\s` on ASCII: space, \t, \n, \v, \f, \r. */
export function isFoldedSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Finds a count at the end of text[start, end): returns the index of the whitespace
 * character before it, or -1 when text[start, end) does not end in `\s\d+(\.\d*)?`.
 */
function findCount(text: string, start: number, end: number): number {
  // Digits, then, if a '.' comes before them, the integer digits before it.
  let i = digitsBefore(text, end - 1, start);
  let intDigits = end - 1 - i;
  if (i >= start && text.charCodeAt(i) === 46 /* . */) {
    const j = digitsBefore(text, i - 1, start);
    intDigits = i - 1 - j;
    i = j;
  }
  if (intDigits === 0) return -1;
  if (i < start || !isFoldedSpace(text.charCodeAt(i))) return -1;
  return i;
}

/** The index of the first non-digit at or before `i`, going back no further than `start` (start - 1 if none). */
function digitsBefore(text: string, i: number, start: number): number {
  while (i >= start) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i--;
  }
  return i;
}

function countValue(text: string, from: number, to: number): number {
  if (to - from <= 15) {
    let v = 0;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === 46) return Number(text.slice(from, to));
      v = v * 10 + (c - 48);
    }
    return v;
  }
  return Number(text.slice(from, to));
}

/**
 * Parses the counts at the end of the line text[start, end) (no newline; a trailing '\r'
 * is the caller's to remove). Fills `out` and returns true, or returns false for a line
 * that has no valid count.
 */
export function parseFoldedTail(text: string, start: number, end: number, out: FoldedTail): boolean {
  const ws = findCount(text, start, end);
  if (ws < 0) return false;
  out.count = countValue(text, ws + 1, end);
  const ws2 = findCount(text, start, ws);
  if (ws2 >= 0) {
    out.before = countValue(text, ws2 + 1, ws);
    out.stackEnd = ws2;
  } else {
    out.before = NaN;
    out.stackEnd = ws;
  }
  return true;
}

/** Parses one folded line (without its newline). Returns null when it has no valid count. */
export function parseFoldedLine(line: string): FoldedLine | null {
  let end = line.length;
  if (end > 0 && line.charCodeAt(end - 1) === 13) end--;
  const t: FoldedTail = { stackEnd: 0, count: 0, before: NaN };
  if (!parseFoldedTail(line, 0, end, t)) return null;
  const r: FoldedLine = { stack: line.slice(0, t.stackEnd), count: t.count };
  if (!Number.isNaN(t.before)) r.before = t.before;
  return r;
}

/** Splits a stack into frames like Perl's `split ";"`: trailing empty frames are dropped. */
export function splitFrames(stack: string): string[] {
  let end = stack.length;
  while (end > 0 && stack.charCodeAt(end - 1) === 59) end--;
  if (end === 0) return [];
  return stack.slice(0, end).split(';');
}

/** Formats a folded line: `a;b;c 42`. A count is printed as JavaScript prints numbers. */
export function formatFoldedLine(frames: string | readonly string[], count: number, before?: number): string {
  const stack = typeof frames === 'string' ? frames : frames.join(';');
  return before === undefined ? `${stack} ${count}` : `${stack} ${before} ${count}`;
}
