// stackcollapse on several threads, as a layer over the collapser (which knows nothing of
// threads): the planner (whether to use threads, and with which event filter), the
// splitter (one plain file cut at sample boundaries), the piece contract (what a worker
// sends back) and the merge. The model is inferno's collapse/common.rs over perf.rs. The output is byte-identical to one
// thread's, warnings and line numbers included (test/workers.test.ts proves it on every
// fixture and conformance input).
//
// Why it is exact:
// - A piece starts right after a blank line, at a header line. A blank line ends any
//   sample and any pending source line, so the scanner's state there is that of a fresh
//   scanner: every line of the piece is read as one thread reads it.
// - The default event filter keeps "the first event seen". That is decided before the
//   split, by reading the file up to its first header that names an event (inferno does
//   the same), and each piece filters on it.
// - Counts are integers, summed exactly below 2^53 in any order. Frame ids differ from
//   piece to piece, so pieces are merged by frame name.
// - Each piece counts its lines; a bad line's number is its number in the piece plus the
//   lines of the pieces before it. Warnings are merged in file order, so each kind keeps
//   its first place in the file.
//
// Pieces are read with plain synchronous reads of their byte range: a worker thread has
// nothing else to do, and a reused buffer makes no garbage per read.
import { closeSync, openSync, readSync } from 'node:fs';
import { PerfScriptScanner, type BadLine } from '../parse/perf-script.js';
import { availableParallelism } from 'node:os';
import { sniffInputKind } from '../parse/input-kind.js';
import type { Input } from '../runtime/input.js';
import { Collapser, type CollapseOptions } from './collapse.js';
import { cutLines, LINE_CHUNK } from '../runtime/lines.js';
import type { StackTable } from './stack-table.js';

/** Below this much input, threads cost more to start than they save. */
export const PARALLEL_MIN_BYTES = 64 << 20;

/** A byte range of a file: [start, end). */
export interface Piece {
  start: number;
  end: number;
}

/** What one piece gives back: its table (by frame name), stats and bad lines. */
export interface PieceResult {
  names: string[];
  /** The stacks' frame ids, concatenated; `lengths` cuts them apart. */
  ids: Int32Array;
  lengths: Int32Array;
  counts: Float64Array;
  samples: number;
  kept: number;
  otherEvents: [string, number][];
  timed: boolean;
  hugePeriods: number;
  /** Lines in the piece. */
  lines: number;
  /** Per kind of bad line, in order of first appearance: reason, count, first line (in the piece), its text. */
  bad: [string, number, number, string][];
}

const READ_SIZE = 1 << 20;

/**
 * Feeds the byte range [start, end) of a file to `push` as latin1 chunks of whole lines
 * (the last chunk may end without a line break at the end of the file). `push` may
 * return false to stop reading.
 */
export function readRange(path: string, piece: Piece, push: (text: string) => boolean | void): void {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(READ_SIZE + LINE_CHUNK);
    let have = 0; // bytes at the start of buf not yet pushed (a partial line)
    let at = piece.start;
    while (at < piece.end) {
      if (have === buf.length) {
        // A line longer than the buffer: grow it rather than cut the line.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
      const n = readSync(fd, buf, have, Math.min(buf.length - have, piece.end - at), at);
      if (n === 0) break;
      at += n;
      have += n;
      // Whole lines, in chunks of about LINE_CHUNK bytes.
      const rest = cutLines(buf, 0, have, (s, e) => push(buf.toString('latin1', s, e)));
      if (rest < 0) return;
      if (rest > 0) {
        buf.copy(buf, 0, rest, have);
        have -= rest;
      }
    }
    if (have > 0) push(buf.toString('latin1', 0, have));
  } finally {
    closeSync(fd);
  }
}

/**
 * Feeds the byte range [start, end) of a file to `push` as they are read, in one reused
 * buffer (`push` must be done with the bytes when it returns).
 */
export function readRangeBytes(path: string, piece: Piece, push: (bytes: Buffer) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_SIZE);
    for (let at = piece.start; at < piece.end; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, piece.end - at), at);
      if (n === 0) break;
      at += n;
      push(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

/** What the default event filter will keep, decided before any piece is read. */
export type EventDecision = { decided: true; event: string | null } | { decided: false };

/**
 * The event the default filter will keep over all `files` (read in order): that of the
 * first header naming one. Each file is read up to such a header, and at most `limit`
 * bytes of it; a file without one is read whole only when it is small. Undecided when a
 * large file shows none within `limit`: the caller then runs on one thread, which
 * decides as it goes.
 */
export function decideEvent(files: { path: string; size: number }[], limit = 4 << 20): EventDecision {
  for (const { path, size } of files) {
    let event: string | null = null;
    const scanner: PerfScriptScanner = new PerfScriptScanner({
      header: (h) => {
        if (h.event !== '' && event === null) {
          event = h.event;
          scanner.halt();
        }
      },
    });
    readRange(path, { start: 0, end: Math.min(size, limit) }, (t) => {
      // A line cut at `limit` is not read: cut short, 'cycles:pp:' could read as 'cycles:'.
      if (size > limit && t.charCodeAt(t.length - 1) !== 10) return false;
      scanner.push(t);
      return event === null;
    });
    if (event !== null) return { decided: true, event };
    if (size > limit) return { decided: false };
  }
  return { decided: true, event: null };
}

/**
 * Cuts a file into at most `count` pieces, each starting at a header line that follows a
 * blank line (see the top of this file): the first about `firstShare` of the file, the
 * others equal. Fewer pieces come back when no such place is found near a cut.
 */
export function splitFile(path: string, size: number, count: number, firstShare = 1 / count): Piece[] {
  const cuts: number[] = [0];
  const fd = openSync(path, 'r');
  try {
    const window = Buffer.allocUnsafe(1 << 20);
    const first = Math.floor(size * firstShare);
    for (let k = 1; k < count; k++) {
      const at = first + Math.floor(((size - first) * (k - 1)) / (count - 1));
      const target = Math.max(at, cuts[cuts.length - 1] + 1);
      const cut = findCut(fd, window, target, size);
      if (cut > cuts[cuts.length - 1] && cut < size) cuts.push(cut);
    }
  } finally {
    closeSync(fd);
  }
  return cuts.map((start, i) => ({ start, end: i + 1 < cuts.length ? cuts[i + 1] : size }));
}

/** The first offset at or after `from` that starts a header line after a blank line, or -1. */
function findCut(fd: number, window: Buffer, from: number, size: number): number {
  // Samples are a few kilobytes; searching a few windows is plenty.
  for (let at = from, tries = 0; at < size && tries < 8; tries++) {
    const n = readSync(fd, window, 0, window.length, at);
    if (n === 0) return -1;
    let i = 0;
    for (;;) {
      const nn = window.indexOf('\n\n', i);
      const nrn = window.indexOf('\n\r\n', i);
      let blankEnd: number;
      if (nn < 0 && nrn < 0) break;
      if (nrn < 0 || (nn >= 0 && nn < nrn)) blankEnd = nn + 2;
      else blankEnd = nrn + 3;
      const lineEnd = window.indexOf(10, blankEnd);
      if (lineEnd < 0) break;
      if (isHeaderLine(window.toString('latin1', blankEnd, lineEnd + 1))) return at + blankEnd;
      i = blankEnd - 1;
    }
    if (n < window.length) return -1;
    // Keep a margin so that a blank line and the header after it are never cut apart.
    at += n - 4096;
  }
  return -1;
}

function isHeaderLine(line: string): boolean {
  let header = false;
  new PerfScriptScanner({ header: () => (header = true) }).push(line);
  return header;
}

/**
 * Collapses one piece of a file: what a worker thread runs, and what the main thread runs
 * on the first piece. `opts.eventFilter` must be decided already (see decideEvent).
 */
export function collapsePiece(path: string, piece: Piece, opts: CollapseOptions, onBad?: (b: BadLine) => void): { collapser: Collapser; lines: number } {
  const collapser = new Collapser(opts, onBad);
  readRangeBytes(path, piece, (b) => collapser.pushBytes(b));
  const lines = collapser.endInput();
  return { collapser, lines };
}

/** A piece's result, as a worker sends it back (the arrays can be transferred). */
export function pieceResult(collapser: Collapser, lines: number, bad: Map<string, { count: number; line: number; text: string }>): PieceResult {
  const t: StackTable = collapser.stacks;
  const { ids: all, start, length } = t.layout();
  let n = 0;
  let total = 0;
  for (let s = 0; s < t.size; s++) {
    if (t.count(s) === 0) continue;
    n++;
    total += length[s];
  }
  const ids = new Int32Array(total);
  const lengths = new Int32Array(n);
  const counts = new Float64Array(n);
  for (let s = 0, k = 0, at = 0; s < t.size; s++) {
    if (t.count(s) === 0) continue;
    ids.set(all.subarray(start[s], start[s] + length[s]), at);
    at += length[s];
    lengths[k] = length[s];
    counts[k++] = t.count(s);
  }
  const st = collapser.stats;
  return {
    names: t.names,
    ids,
    lengths,
    counts,
    samples: st.samples,
    kept: st.kept,
    otherEvents: [...st.otherEvents],
    timed: st.timed,
    hugePeriods: st.hugePeriods,
    lines,
    bad: [...bad].map(([reason, b]) => [reason, b.count, b.line, b.text]),
  };
}

/** Per kind of bad line: how many, and the first one (line in the piece, text). */
export type BadTally = Map<string, { count: number; line: number; text: string }>;

export function tallyBad(tally: BadTally): (b: BadLine) => void {
  return (b) => {
    const k = tally.get(b.reason);
    if (k) k.count++;
    else tally.set(b.reason, { count: 1, line: b.line, text: b.text });
  };
}

/** How the pieces after the first are collapsed: each to its PieceResult. */
export type PieceRunner = (path: string, piece: Piece, opts: CollapseOptions) => Promise<PieceResult>;

/** Collapses a piece on this thread: what a worker does, without the worker. */
export async function collapseInProcess(path: string, piece: Piece, opts: CollapseOptions): Promise<PieceResult> {
  const bad: BadTally = new Map();
  const { collapser, lines } = collapsePiece(path, piece, opts, tallyBad(bad));
  return pieceResult(collapser, lines, bad);
}

/** node:worker_threads' Worker, once loaded (see loadWorkerThreads). */
let WorkerClass: typeof import('node:worker_threads').Worker | null = null;

/**
 * Loads node:worker_threads, so that collapseOnWorker starts its worker at once. Loaded only
 * when threads are used: start-up of a small run does not pay for it.
 */
export async function loadWorkerThreads(): Promise<void> {
  WorkerClass ??= (await import('node:worker_threads')).Worker;
}

/**
 * Collapses a piece on a worker thread. The worker starts during the call when
 * loadWorkerThreads was awaited before: the caller may then keep this thread busy (a
 * dynamic import waits for the event loop, which a synchronous collapse holds up: the
 * worker would start only once this thread's piece was done).
 */
export async function collapseOnWorker(path: string, piece: Piece, opts: CollapseOptions): Promise<PieceResult> {
  if (WorkerClass === null) await loadWorkerThreads();
  const Worker = WorkerClass!;
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: { path, piece, opts: { ...opts, inline: null } } });
    let done = false;
    w.once('message', (r: PieceResult) => {
      done = true;
      resolve(r);
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (!done) reject(new Error(`stackcollapse worker exited with code ${code}`));
    });
  });
}

/**
 * Adds what a piece of the input, collapsed on another thread, found into `collapser`:
 * its stacks (their frame ids mapped to the collapser's by name, once per name), and its
 * counts of samples.
 */
export function mergePiece(collapser: Collapser, r: PieceResult): void {
  const table = collapser.stacks;
  const ids = new Int32Array(r.names.length);
  for (let i = 0; i < r.names.length; i++) ids[i] = table.intern(r.names[i]);
  const theirs = r.ids;
  let seq = new Int32Array(256);
  for (let s = 0, at = 0; s < r.lengths.length; s++) {
    const len = r.lengths[s];
    if (len > seq.length) seq = new Int32Array(Math.max(len, seq.length * 2));
    for (let i = 0; i < len; i++) seq[i] = ids[theirs[at + i]];
    at += len;
    table.addRootFirst(seq, len, r.counts[s]);
  }
  const st = collapser.stats;
  st.samples += r.samples;
  st.kept += r.kept;
  for (const [event, n] of r.otherEvents) st.otherEvents.set(event, (st.otherEvents.get(event) ?? 0) + n);
  st.timed ||= r.timed;
  st.hugePeriods += r.hugePeriods;
}

export interface ThreadPlan {
  jobs: number;
  event: string | null;
  opts: CollapseOptions;
}

/**
 * Whether to collapse on several threads, and with which event filter. Threads need plain
 * files (a pipe or a gzip stream cannot be cut), and no --inline (addr2line runs per
 * frame, in this thread). The default is 2 threads for files over 64 MB on a machine with
 * 2 cores or more: past 2, the main thread's merge and the memory bus gain little.
 */
export function planThreads(inputs: Input[], jobs: number | null, opts: CollapseOptions): ThreadPlan | null {
  if (opts.inline) return null;
  if (inputs.some((i) => i.path === null || i.size === null || notPlainText(i))) return null;
  const total = inputs.reduce((a, i) => a + i.size!, 0);
  const n = jobs ?? (total >= PARALLEL_MIN_BYTES ? Math.min(2, availableParallelism()) : 1);
  if (n < 2) return null;
  let event = opts.eventFilter ?? null;
  if (event === null) {
    const d = decideEvent(inputs.map((i) => ({ path: i.path!, size: i.size! })));
    if (!d.decided) return null;
    event = d.event;
  }
  return { jobs: n, event, opts: { ...opts, eventFilter: event } };
}

/**
 * Whether a file is not plain perf script text (gzip, perf.data, a JSON or protobuf
 * profile), so: one thread; true when it could not be read, so that the usual path reports
 * the error. Decided on the first bytes read when the input was resolved.
 */
function notPlainText(input: Input): boolean {
  if (input.head === undefined || input.gzip !== false) return true;
  const kind = sniffInputKind(input.head);
  return kind !== 'perf-script' && kind !== 'text' && kind !== 'folded' && kind !== 'empty';
}

/**
 * One file on `plan.jobs` threads: this thread collapses the first piece into `collapser`
 * while workers take the others; their results are merged in file order, and `onPiece`
 * gets each with the number of lines before it (for bad-line numbers). `onShare` gets the
 * estimated fraction of the file read, for progress. `runPiece` collapses the other pieces:
 * on worker threads by default; collapseInProcess runs them here, one after the other,
 * with the same result (what the equivalence tests run on many inputs).
 */
export async function collapseThreaded(
  collapser: Collapser,
  path: string,
  size: number,
  plan: ThreadPlan,
  onShare: (fraction: number) => void,
  onPiece: (r: PieceResult, lineBase: number) => void,
  runPiece: PieceRunner = collapseOnWorker,
): Promise<void> {
  // Equal pieces. (The merge and the output wait for the last piece whoever reads it, and
  // a worker starts ~60 ms late, so a smaller first piece would only idle this thread.)
  const pieces = splitFile(path, size, plan.jobs);
  if (runPiece === collapseOnWorker) await loadWorkerThreads();
  const pending = pieces.slice(1).map((p) => runPiece(path, p, plan.opts));
  // Failures are reported in order below; until then a rejection is not unhandled.
  for (const p of pending) p.catch(() => {});
  // Progress: the pieces are of about equal size and read at about the same speed, so this
  // thread's share of its own piece stands for the share of the whole file.
  const first = pieces[0].end - pieces[0].start;
  let read = 0;
  readRangeBytes(path, pieces[0], (b) => {
    collapser.pushBytes(b);
    read += b.length;
    onShare(read / first);
  });
  let lineBase = collapser.endInput();
  for (const p of pending) {
    const r = await p;
    mergePiece(collapser, r);
    onPiece(r, lineBase);
    lineBase += r.lines;
  }
}
