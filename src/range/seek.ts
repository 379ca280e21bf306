// range-perf on a regular file: find the window by bisection instead of reading up to it,
// and copy the middle of the window without parsing it.
//
// Why: range-perf.pl reads every sample before START, so a window at the end of an hour's
// profile costs a read of the hour, and the classic per-second loop costs the square of the
// file. perf writes samples in time order (its ordered-events queue sorts them), which the
// sorted mode already relies on when it stops at the first sample past END: on such input
// the first sample at or after START, and the last one at or before END, can be found by
// bisection over byte offsets, reading a few KiB per probe.
//
// What the output is: exactly what the sequential filter prints on time-ordered input. The
// filter (range.ts) still decides every sample near both ends; only the bytes between a
// printed sample and a sample known (by bisection) to be at or before END are copied as
// they are, less comment lines, which is what the filter prints there on time-ordered input.
//
// When it does not apply, and the tool reads sequentially instead (planSeek returns null):
// - no timed header within the first 4 MiB (untimed or foreign input: the
//   sequential path gives its messages);
// - a probe finds timestamps going backwards, within its window or between probes: the
//   input is not in time order, and the sequential path gives range-perf.pl's answer.
// Out-of-order input that no probe sees is read as if in order; README "Time order" says so,
// and --unsorted reads every sample.
import { isPerfData } from '../perf-data.js';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { BrokenPipe, DataError, describeFsError } from '../runtime/errors.js';
import { isGzip, type Input } from '../runtime/input.js';
import type { IO } from '../runtime/io.js';
import { MAX_LINE_BYTES } from '../runtime/lines.js';
import type { OutputSink } from '../runtime/output.js';
import type { Progress } from '../runtime/progress.js';
import { compareInstants, PerfScriptScanner, type Instant } from '../parse/perf-script.js';
import { absoluteWindow, RangeFilter, type RangeOptions } from './range.js';

/** Sizes that bound the bisection's reads. */
export interface SeekTuning {
  /** A probe reads this much first, then twice as much up to `maxProbe`, to find a timed header. */
  probe: number;
  maxProbe: number;
  /** Bisection stops when its bracket is this narrow: the filter reads the rest. */
  minGap: number;
}

// Probes start small (a sample of a deep-stacked profile is a few KiB) and stop at a
// bracket of 64 KiB: the filter reads the rest, so a window costs a few probes and about
// 64 KiB of parsing at each end, whatever the file's size.
const TUNING: SeekTuning = { probe: 16 * 1024, maxProbe: 4 * 1024 * 1024, minGap: 64 * 1024 };

/** A timed header line: where it starts in the file, and its time. */
interface TimedHeader {
  offset: number;
  sec: number;
  ns: number;
}

export interface SeekPlan {
  /** perf's time of the first sample: the filter's origin is computed from it. */
  first: Instant;
  /** Where the filter starts reading: a line start, before the first sample to print. */
  from: number;
  /**
   * A header line start such that every sample from the first printed one up to it is
   * within the window (on time-ordered input): the filter, once printing, may jump here,
   * the bytes in between copied less comment lines. `from` when there is no such place.
   */
  copyTo: number;
}

/** Reads file bytes [pos, pos + len) into `buf` (from its start); fewer at the end of the file. */
function readInto(fd: number, buf: Buffer, pos: number, len: number): Buffer {
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** Reads file bytes [pos, pos + len) (fewer at the end of the file). */
export function readAt(fd: number, pos: number, len: number): Buffer {
  return readInto(fd, Buffer.allocUnsafe(len), pos, len);
}

/**
 * The probes of one plan. They share one scanner (one instance of the core: instantiating
 * it per probe cost more than the probe's scan) and one read buffer, since a probe is done
 * with its bytes before the next one reads.
 */
class Prober {
  private buf = Buffer.allocUnsafe(0);
  /** File offset of the bytes being scanned, and the timed headers found in them. */
  private at = 0;
  private found: TimedHeader[] = [];
  private readonly scanner = new PerfScriptScanner(
    {
      header: (h) => {
        if (h.hasTime) this.found.push({ offset: this.at + h.start, sec: h.sec, ns: h.ns });
      },
    },
    { headersOnly: true },
  );

  constructor(
    private readonly file: SeekableFile,
    private readonly t: SeekTuning,
  ) {}

  /**
   * The first timed header that starts a line at or after `pos` (a line starts at `base` or
   * after a '\n'), or null if none does within `maxProbe` bytes. `ordered` is false when
   * the timed headers read on the way go backwards in time.
   */
  probe(pos: number): { h: TimedHeader | null; ordered: boolean } {
    const { fd, base, size } = this.file;
    const t = this.t;
    for (let len = t.probe; ; len *= 2) {
      // One byte before pos says whether pos starts a line.
      const from = pos > base ? pos - 1 : pos;
      const want = Math.min(len, size - from);
      if (this.buf.length < want) this.buf = Buffer.allocUnsafe(want);
      const buf = readInto(fd, this.buf, from, want);
      let start = 0;
      if (pos > base) {
        const nl = buf.indexOf(10);
        if (nl < 0) return { h: null, ordered: true };
        start = nl + 1;
      }
      const atEnd = from + buf.length >= size;
      const last = atEnd ? buf.length : buf.lastIndexOf(10) + 1;
      if (last > start) {
        const found: TimedHeader[] = (this.found = []);
        this.at = from + start;
        this.scanner.pushBytes(buf.subarray(start, last));
        let ordered = true;
        for (let i = 1; i < found.length; i++) if (before(found[i], found[i - 1])) ordered = false;
        if (found.length > 0) return { h: found[0], ordered };
      }
      if (atEnd || len >= t.maxProbe) return { h: null, ordered: true };
    }
  }
}

function before(a: Instant, b: Instant): boolean {
  return compareInstants(a.sec, a.ns, b.sec, b.ns) < 0;
}

/**
 * Plans a sorted-mode range-perf run over the file: see the file comment. `window` gives
 * the window [begin, end] (both inclusive) in perf's own time, from the first sample's time
 * (absoluteWindow in range.ts). Null: read sequentially.
 */
export function planSeek(
  file: SeekableFile,
  window: (first: Instant) => { begin: Instant; end: Instant },
  tuning: SeekTuning = TUNING,
): SeekPlan | null {
  const { base, size } = file;
  const minGap = tuning.minGap;
  const prober = new Prober(file, tuning);
  const head = prober.probe(base);
  if (head.h === null || !head.ordered) return null;
  const first: Instant = { sec: head.h.sec, ns: head.h.ns };
  const { begin, end } = window(first);
  // Probes seen, by offset, to check that time never goes backwards between them.
  const seen: TimedHeader[] = [head.h];
  const atOrBefore = (a: Instant, b: Instant) => !before(b, a);

  /**
   * Bisection over [lo, size): the offset of the last header probed that `keep` accepts
   * (lo itself when none is), or -1 when a probe sees time go backwards.
   */
  const bisect = (lo: number, keep: (h: TimedHeader) => boolean): number => {
    let hi = size;
    while (hi - lo > minGap) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const p = prober.probe(mid);
      if (!p.ordered) return -1;
      if (p.h !== null) seen.push(p.h);
      if (p.h !== null && p.h.offset < hi && keep(p.h)) lo = p.h.offset;
      else hi = mid;
    }
    return lo;
  };

  // START: the last probed header still before it; the filter reads on from there.
  const lo = before(head.h, begin) ? bisect(head.h.offset, (h) => before(h, begin)) : head.h.offset;
  if (lo < 0) return null;
  const from = lo === head.h.offset ? base : lo;

  // END: the last probed header at or before it; the bytes up to there need no parsing.
  let copyTo = from;
  if (atOrBefore(begin, end)) {
    const lo2 = bisect(lo, (h) => atOrBefore(h, end));
    if (lo2 < 0) return null;
    copyTo = Math.max(from, lo2);
  }

  seen.sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < seen.length; i++) if (before(seen[i], seen[i - 1])) return null;
  return { first, from, copyTo };
}

/**
 * range-perf over one input by bisection, if it is a regular file in time order as far as
 * the probes see: the filter it ran, or null (nothing read or written: read the input
 * sequentially). `opts` is sorted mode's (no `unsorted`, no `first`).
 */
export async function seekRange(
  input: Input,
  io: IO,
  opts: Pick<RangeOptions, 'begin' | 'end' | 'origin'>,
  out: OutputSink,
  progress: Progress,
): Promise<RangeFilter | null> {
  const file = openSeekable(input, io);
  if (file === null) return null;
  const origin = opts.origin ?? 'first-sample';
  try {
    const plan = planSeek(file, (first) => absoluteWindow(opts.begin, opts.end, first, origin));
    if (plan === null) return null;
    const filter = new RangeFilter({ ...opts, first: plan.first });
    await rangeBySeek(file, plan, filter, out, progress);
    return filter;
  } catch (e) {
    if (e instanceof DataError || e instanceof BrokenPipe) throw e;
    throw new DataError(describeFsError(e), input.name);
  } finally {
    if (file.close) closeSync(file.fd);
  }
}

/** A regular file open for positional reads: bytes [base, size) are the input. */
export interface SeekableFile {
  fd: number;
  base: number;
  size: number;
  name: string;
  /** Whether the fd is ours to close (not stdin). */
  close: boolean;
}

/**
 * The input as a regular file that can be read at any offset, or null: a pipe, a terminal,
 * a gzip or perf.data file, or a file that cannot be opened (the sequential path reports why).
 */
function openSeekable(input: Input, io: IO): SeekableFile | null {
  let fd = -1;
  let base = 0;
  let close = false;
  try {
    if (input.path !== null) {
      // Not a named pipe (see readBytes): stat said what it is before anything opened it.
      if (input.size === null) return null;
      fd = openSync(input.path, 'r');
      close = true;
    } else {
      // stdin redirected from a file (`range-perf 10 20 < out.stacks`), read from where its
      // offset is (Linux says where in /proc; elsewhere, read it as a stream).
      if (io.stdinFd === undefined) return null;
      fd = io.stdinFd;
      const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1');
      const m = /^pos:\s*(\d+)/m.exec(info);
      if (m === null) return null;
      base = Number(m[1]);
    }
    const st = fstatSync(fd);
    // Neither gzip nor perf.data: those are read as a stream (gunzipped, or through perf script).
    const head = readAt(fd, base, 8);
    if (st.isFile() && st.size > base && !(input.gzip ?? isGzip(head)) && !isPerfData(head)) {
      return { fd, base, size: st.size, name: input.name, close };
    }
  } catch {
    // The sequential path opens it again and reports the error.
  }
  if (close && fd >= 0) closeSync(fd);
  return null;
}

/**
 * Reads of the middle, copied unparsed, and of the parts the filter parses: those end at
 * the window's first sample or its first past END, which the plan puts within about
 * `minGap` of where the reads start, so small reads spare reading and scanning bytes that
 * are never used.
 */
const CHUNK = 1 << 20;
const SCAN_CHUNK = 64 * 1024;

/**
 * The middle is copied in reads of this much until MIDDLE_GROW bytes are copied, then of
 * CHUNK: a per-second window (a few MB) touches a quarter of the fresh pages of a 1 MiB
 * read Buffer (192 page faults fewer, ~3 ms here), and a long copy still makes few calls.
 */
const MIDDLE_FIRST = 256 * 1024;
const MIDDLE_GROW = 4 << 20;

/**
 * Whole lines of the file from `pos`: at least one, at most about `chunk` bytes unless a
 * line is longer. Read into `into` when it is big enough (a Buffer the output is done with).
 */
function readLines(file: SeekableFile, pos: number, limit: number, chunk: number, into: Buffer | null = null): Buffer {
  for (let len = chunk; ; len *= 2) {
    const want = Math.min(len, limit - pos);
    const buf = into !== null && into.length >= want ? readInto(file.fd, into, pos, want) : readAt(file.fd, pos, want);
    if (pos + buf.length >= limit) return buf;
    const nl = buf.lastIndexOf(10);
    if (nl >= 0) return buf.subarray(0, nl + 1);
    if (len > MAX_LINE_BYTES) throw new DataError(`a line is longer than ${MAX_LINE_BYTES >> 20} MiB; is this text?`, file.name);
  }
}

/**
 * Runs the filter over the file as `plan` says: from plan.from, and once it prints, the
 * bytes up to plan.copyTo copied less their comment lines (what the filter would print of
 * them on time-ordered input), then the filter again until it is done.
 */
export async function rangeBySeek(
  file: SeekableFile,
  plan: SeekPlan,
  filter: RangeFilter,
  out: OutputSink,
  progress: Progress | null,
  chunk = CHUNK,
): Promise<void> {
  let pos = plan.from;
  // The middle's read Buffer (ours, never node's shared pool), read into again once the
  // output has handed all of it to the OS (a pipe or file written by writeSync does at once;
  // a terminal's stream may not). Why: a fresh MiB a read is 256 fresh pages, each a page
  // fault (~15-20 us on some machines; ~7 ms of a per-second window's 2.8 MB). Only the
  // middle: the filter holds nothing of it back.
  let spare: Buffer | null = null;
  let copied = 0;
  while (pos < file.size && !filter.done) {
    let bytes: Buffer;
    let reading: Buffer | null = null;
    if (filter.printing && pos < plan.copyTo) {
      const size = copied < MIDDLE_GROW ? Math.min(chunk, MIDDLE_FIRST) : chunk;
      reading = spare !== null && spare.length >= size ? spare : Buffer.allocUnsafeSlow(size);
      spare = null;
      bytes = readLines(file, pos, plan.copyTo, size, reading);
      copied += bytes.length;
      writeWithoutComments(bytes, out);
      // Written now, whatever its size, so that the Buffer is free again for the next read.
      await out.flush(true);
    } else {
      const scanned = readLines(file, pos, file.size, Math.min(chunk, SCAN_CHUNK));
      filter.push(scanned, (s, e) => out.writeBytes(scanned.subarray(s, e)));
      bytes = scanned;
    }
    pos += bytes.length;
    progress?.update(pos - file.base, filter.headers);
    await out.flush();
    if (reading !== null && out.idle) spare = reading;
  }
}

/** Queues the lines of `buf` (whole lines, the first starting at 0) but those starting with '#'. */
function writeWithoutComments(buf: Buffer, out: OutputSink): void {
  let seg = 0;
  let i = 0;
  for (;;) {
    const k = buf.indexOf(0x23, i);
    if (k < 0) break;
    if (k === 0 || buf[k - 1] === 10) {
      const nl = buf.indexOf(10, k);
      const next = nl < 0 ? buf.length : nl + 1;
      if (k > seg) out.writeBytes(buf.subarray(seg, k));
      seg = i = next;
    } else i = k + 1;
  }
  if (buf.length > seg) out.writeBytes(buf.subarray(seg));
}
