// Shared runtime of the flamekit command-line tools: opening inputs (files, '-', gzip),
// splitting them into chunks of whole lines, writing output with back-pressure, EPIPE,
// diagnostics and exit codes. Only this file and the <stage>/cli.ts files touch process
// state; the cores stay pure.
//
// Messages follow GNU form:
//   range-perf: no such file or directory: missing.txt
//   stackcollapse: stdin:1207: line longer than 256 MiB
//   stackcollapse: warning: ignored 3 malformed lines (first at stdin:1207: "foo bar")
import { closeSync, constants, createReadStream, fstatSync, open, openSync, readSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { Socket } from 'node:net';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { Readable, type Writable } from 'node:stream';
import { Command, CommanderError, Help } from 'commander';
import { isPerfData, perfScriptCommand, PerfScriptError, readPerfScript } from './perf-data.js';
import { hasEscapedBytes, showArg, unescapeBytes } from './argv.js';

export const EXIT_OK = 0;
/** Bad data or an I/O error. */
export const EXIT_DATA = 1;
/** Bad usage: unknown option, malformed option value, missing argument. */
export const EXIT_USAGE = 2;

// Lines of at most 60 columns: commander prints this as it is, unwrapped.
export const EXIT_CODES_HELP = `
Exit status:
  0  success, including empty but valid output, or a reader
     that closed the pipe early
  1  bad input data, or an I/O error
  2  usage error (unknown option, malformed value, missing
     argument)`;

/** The streams a tool runs against; tests pass their own. */
export interface IO {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export function processIO(): IO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** A usage error: printed with the usage line, exit 2. */
export class UsageError extends Error {}

/** Bad data or an I/O failure that ends the run: exit 1. `where` is `FILE` or `FILE:LINE`. */
export class DataError extends Error {
  constructor(message: string, readonly where?: string) {
    super(message);
  }
}

/** Thrown by the output sink when the reader went away (EPIPE): a quiet, successful end. */
export class BrokenPipe extends Error {}

/** Writing stdout failed (a full disk, say): exit 1, and runMain says so once. */
export class OutputError extends DataError {}

// --- messages -------------------------------------------------------------------------

/**
 * The colour depth stderr should get (chalk's levels: 0 none, 1 basic, 2 256, 3 truecolor):
 * - NO_COLOR set and not empty: none, whatever else says (https://no-color.org);
 * - FORCE_COLOR set: its level (`0`/`false` none, empty/`1`/`true` basic, `2`, `3`), on a
 *   terminal or not, as chalk reads it;
 * - otherwise basic colour when stderr is a terminal (not TERM=dumb), else none.
 */
export function colourLevel(io: IO): 0 | 1 | 2 | 3 {
  const env = io.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '' || force === 'true') return 1;
    if (force === 'false') return 0;
    const n = Number(force);
    return Number.isInteger(n) ? (Math.min(3, Math.max(0, n)) as 0 | 1 | 2 | 3) : 1;
  }
  return io.stderr.isTTY && env.TERM !== 'dumb' ? 1 : 0;
}

/** Paints a piece of a message; the identity when there is no colour. */
export interface Painter {
  error(s: string): string;
  warning(s: string): string;
  prog(s: string): string;
}

const PLAIN: Painter = { error: (s) => s, warning: (s) => s, prog: (s) => s };

/**
 * chalk at the level `colourLevel` gives, or no painter at all without colour. Why the
 * dynamic import: loading chalk costs 21-30 ms here (a quarter of Node's start-up), which a
 * run into a pipe or a file should not pay.
 */
export async function loadPainter(io: IO): Promise<Painter> {
  const level = colourLevel(io);
  if (level === 0) return PLAIN;
  const { Chalk } = await import('chalk');
  const c = new Chalk({ level });
  return { error: (s) => c.red(s), warning: (s) => c.yellow(s), prog: (s) => c.bold(s) };
}

/**
 * Writes diagnostics to stderr, coloured by the painter (none by default; runMain loads
 * chalk when stderr wants colour). `quiet` silences warnings and notes, never errors.
 */
export class Messages {
  /** Set by a tool's -q/--quiet: no warnings, no notes. */
  quiet = false;
  constructor(
    readonly prog: string,
    private readonly io: IO,
    private readonly paint: Painter = PLAIN,
  ) {}
  error(message: string, where?: string): void {
    const loc = where ? `${where}: ` : '';
    this.io.stderr.write(`${this.paint.prog(`${this.prog}:`)} ${loc}${this.paint.error(message)}\n`);
  }
  warn(message: string): void {
    if (this.quiet) return;
    this.io.stderr.write(`${this.paint.prog(`${this.prog}:`)} ${this.paint.warning('warning:')} ${message}\n`);
  }
  info(message: string): void {
    if (this.quiet) return;
    this.io.stderr.write(`${this.paint.prog(`${this.prog}:`)} ${message}\n`);
  }
}

/**
 * Counts warnings by kind, so that each kind is printed once, with a count and the first
 * place it happened.
 */
export class WarningTally {
  private kinds = new Map<string, { count: number; first: string }>();
  add(kind: string, where: string, n = 1): void {
    const k = this.kinds.get(kind);
    if (k) k.count += n;
    else this.kinds.set(kind, { count: n, first: where });
  }
  get size(): number {
    return this.kinds.size;
  }
  /** e.g. `ignored 3 malformed lines (first at stdin:1207)` */
  flush(msgs: Messages, describe: (kind: string, count: number) => string): void {
    for (const [kind, { count, first }] of this.kinds) {
      msgs.warn(`${describe(kind, count)} (first at ${first})`);
    }
    this.kinds.clear();
  }
}

/** A name from the input (an event, say) for a message: quoted if it holds control or high bytes. */
export function showName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f-\xff]/.test(name) ? quoteInput(name) : name;
}

/** Quotes a piece of input for a message: at most 60 characters, control bytes escaped. */
export function quoteInput(text: string): string {
  let s = text.length > 60 ? text.slice(0, 60) : text;
  // eslint-disable-next-line no-control-regex
  s = s.replace(/[\x00-\x1f\x7f-\xff"\\]/g, (c) => {
    if (c === '"' || c === '\\') return '\\' + c;
    if (c === '\t') return '\\t';
    return '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
  });
  if (s.length > 80) s = s.slice(0, 77).replace(/\\x?[0-9a-f]?$/, '');
  return text.length > 60 || s.length > 77 ? `"${s}..."` : `"${s}"`;
}

// --- inputs ---------------------------------------------------------------------------

export interface Input {
  /** `stdin` for '-', the path otherwise: what messages call it. */
  name: string;
  path: string | null;
  /** Size in bytes when known (a regular file), for progress reports. */
  size: number | null;
}

/**
 * Checks every named input before any is read, so that a missing file fails the run
 * before it writes partial output. No names means stdin.
 */
export function resolveInputs(paths: string[]): Input[] {
  if (paths.length === 0) paths = ['-'];
  return paths.map((p) => {
    if (p === '-') return { name: 'stdin', path: null, size: null };
    const name = showArg(p);
    const path = fsPath(p);
    let st: Stats;
    try {
      st = statSync(path);
    } catch (e) {
      throw new DataError(describeFsError(e), name);
    }
    if (st.isDirectory()) throw new DataError('is a directory', name);
    return { name, path, size: st.isFile() ? st.size : null };
  });
}

/**
 * A path to open for a file argument. An argument with bytes that are not UTF-8 (escaped
 * by bin/run.js, see src/argv.ts) is opened once by its bytes and named from then on by
 * its descriptor, /proc/self/fd/N: every later open (a read stream, range-perf's
 * bisection, stackcollapse's worker threads) then reaches the same file through a plain
 * string. O_NONBLOCK so that a FIFO opens at once; the later opens wait for its writer.
 */
export function fsPath(arg: string): string {
  if (!hasEscapedBytes(arg)) return arg;
  try {
    return `/proc/self/fd/${openSync(unescapeBytes(arg), constants.O_RDONLY | constants.O_NONBLOCK)}`;
  } catch (e) {
    throw new DataError(describeFsError(e), showArg(arg));
  }
}

export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EFBIG':
      return 'file too large';
    case 'EIO':
      return 'input/output error';
    default:
      return (e as Error)?.message ?? String(e);
  }
}

/** The largest line any tool accepts: a longer one is an error, never silently cut. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

const READ_CHUNK = 1 << 20;

export interface ReadOptions {
  /**
   * Read a regular file with blocking reads on the main thread, not a read stream.
   * Default false. Why: for a consumer that does nothing but wait for the next chunk
   * (range-perf), a read from the page cache costs less than the round trip through
   * libuv's thread pool and the stream machinery (the floor script read 300 MB in 0.20 s
   * this way, 0.25 s through a 1 MiB read stream). Not for stdin, pipes or gzip input,
   * which keep the stream.
   */
  blockingFile?: boolean;
  /**
   * With `blockingFile`: read every chunk into the same Buffer. Default false. Only for a
   * consumer that is done with a chunk's bytes (not its decoded text) before it asks for
   * the next one: heatmap-svg, not range-perf, which queues the bytes for output. Why: a
   * fresh 1 MiB Buffer per read is only freed when V8 next collects its young generation,
   * and on a long run those pending Buffers held ~30 MB of RSS (2 GB input, heatmap-svg).
   */
  reuse?: boolean;
  /**
   * Read a perf.data file (its `PERFILE2` magic) through perf script, and call this with the
   * command first, for a note. Default: perf.data is read as it is. For the tools that read
   * perf script text (range-perf, stackcollapse, heatmap-svg).
   */
  perfData?: (command: string) => void;
}

/** An fd open on `path` if it is a regular file, else -1 (errors too: the stream reports them). */
function openRegularFile(path: string): number {
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    if (fstatSync(fd).isFile()) return fd;
  } catch {
    // Reported by the stream path, with the message it has always given.
  }
  if (fd >= 0) closeSync(fd);
  return -1;
}

/**
 * A stream of a named input. A FIFO is read through a libuv pipe (as stdin is), not by
 * reads in the thread pool: such a read blocks until the writer writes or closes, and
 * neither destroy() nor the end of the run can cancel it, so a reader that stops early
 * (range-perf past END) would wait for a writer that stays open.
 */
async function openStream(input: Input, chunkSize: number): Promise<Readable> {
  const path = input.path!;
  if (input.size !== null) return createReadStream(path, { highWaterMark: chunkSize });
  // Opening a FIFO waits for a writer: in the thread pool, not on the main thread.
  const fd = await new Promise<number>((resolve, reject) => open(path, 'r', (e, fd) => (e ? reject(e) : resolve(fd))));
  let fifo = false;
  try {
    fifo = fstatSync(fd).isFIFO();
  } catch {
    // Read as a file: the stream reports the error.
  }
  return fifo ? new Socket({ fd, readable: true, writable: false }) : createReadStream('', { fd, highWaterMark: chunkSize });
}

/**
 * Yields the bytes of one input, gunzipped when it starts with the gzip magic bytes
 * (`1f 8b`), whatever its name.
 */
export async function* readBytes(input: Input, io: IO, chunkSize = READ_CHUNK, opts: ReadOptions = {}): AsyncGenerator<Buffer> {
  const inner = readInputBytes(input, io, chunkSize, opts);
  if (!opts.perfData) return yield* inner;
  const first = await inner.next();
  if (first.done) return;
  if (!isPerfData(first.value)) {
    // A reader that stops at the first chunk (range-perf past END) must still close the input.
    try {
      yield first.value;
      yield* inner;
    } finally {
      await inner.return(undefined);
    }
    return;
  }
  await inner.return(undefined);
  if (input.path === null) {
    throw new DataError(`this is a perf.data file, which perf script reads only by name: give the file's name instead of stdin (or pipe in the output of '${perfScriptCommand('perf.data')}')`, input.name);
  }
  opts.perfData(perfScriptCommand(input.path));
  try {
    yield* readPerfScript(input.path);
  } catch (e) {
    throw e instanceof PerfScriptError ? new DataError(e.message, input.name) : e;
  }
}

async function* readInputBytes(input: Input, io: IO, chunkSize: number, opts: ReadOptions): AsyncGenerator<Buffer> {
  // Only what stat called a regular file: opening a named pipe to look at it would let its
  // writer in, and closing it again could leave the writer with no reader (EPIPE).
  if (opts.blockingFile && input.path !== null && input.size !== null) {
    const fd = openRegularFile(input.path);
    if (fd >= 0) {
      let gz = false;
      const shared = opts.reuse ? Buffer.allocUnsafe(chunkSize) : null;
      try {
        for (let first = true; ; first = false) {
          const buf = shared ?? Buffer.allocUnsafe(chunkSize);
          let got: number;
          try {
            got = readSync(fd, buf, 0, chunkSize, null);
          } catch (e) {
            throw new DataError(describeFsError(e), input.name);
          }
          if (got === 0) return;
          if (first && got >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
            gz = true;
            break;
          }
          yield buf.subarray(0, got);
        }
      } finally {
        closeSync(fd);
      }
      // gzip: read through the stream and gunzip below.
      if (!gz) return;
    }
  }
  let raw: Readable;
  try {
    raw = input.path === null ? io.stdin : await openStream(input, chunkSize);
  } catch (e) {
    throw new DataError(describeFsError(e), input.name);
  }
  let source: AsyncIterable<Buffer> = raw;
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await it.next();
  } catch (e) {
    raw.destroy();
    throw new DataError(describeFsError(e), input.name);
  }
  if (first.done) return;
  let head = first.value;
  if (typeof head === 'string') head = Buffer.from(head, 'latin1');
  // A gzip member can be recognised on its first two bytes; a one-byte first chunk is
  // too short to tell, which only happens on a one-byte input.
  const gz = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  async function* rest(): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield typeof r.value === 'string' ? Buffer.from(r.value, 'latin1') : r.value;
    }
  }
  source = rest();
  if (!gz) {
    let complete = false;
    try {
      yield* source;
      complete = true;
    } catch (e) {
      throw new DataError(describeFsError(e), input.name);
    } finally {
      // A reader that stopped early (range-perf past END) closes the input: a pipe or a
      // FIFO whose writer stays open would otherwise keep the process alive.
      if (!complete) raw.destroy();
    }
    return;
  }
  // Piped rather than fed by hand, so that a reader that stops early (range-perf past END)
  // tears everything down: the gunzip stream, the generator and the file.
  const gunzip = createGunzip({ chunkSize: 1 << 16 });
  const compressed = Readable.from(source, { objectMode: false });
  compressed.on('error', (e) => gunzip.destroy(e));
  compressed.pipe(gunzip);
  try {
    for await (const c of gunzip as AsyncIterable<Buffer>) yield c;
  } catch (e) {
    if (e instanceof DataError) throw e;
    const msg = (e as Error).message ?? String(e);
    if (/unexpected end of file/i.test(msg)) throw new DataError('truncated gzip input (unexpected end of file)', input.name);
    if ((e as NodeJS.ErrnoException).code?.startsWith('Z_')) throw new DataError(`corrupt gzip input (${msg})`, input.name);
    throw new DataError(describeFsError(e), input.name);
  } finally {
    compressed.unpipe(gunzip);
    compressed.destroy();
    gunzip.destroy();
    raw.destroy();
  }
}

/**
 * A chunk of whole lines of one input, decoded as latin1 so that every byte is one char
 * and `Buffer.from(text, 'latin1')` gives the original bytes back. `bytes` is the Buffer
 * the text came from (same offsets), for byte-exact pass-through.
 */
export interface LineChunk {
  text: string;
  /** The bytes `text` was decoded from: offsets in one are offsets in the other. */
  bytes: Buffer;
  /** Whether this is the last chunk of the input (its last line may lack a newline). */
  last: boolean;
}

/**
 * Splits byte chunks into chunks of whole lines. One string per chunk, never per line:
 * the cores scan each chunk with indexOf/charCodeAt, synchronously.
 *
 * This is written by hand rather than with split2: split2 pushes one stream item per line,
 * and that per-line step costs more than parsing the line (see docs/development.md, "Dependencies").
 */
export async function* readLineChunks(source: AsyncIterable<Buffer>, inputName: string): AsyncGenerator<LineChunk> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  for await (const buf of source) {
    const nl = buf.lastIndexOf(10);
    if (nl < 0) {
      // Copies, here and for the tail below: the source may reuse its Buffer (ReadOptions.reuse).
      carry.push(Buffer.from(buf));
      carryLen += buf.length;
      if (carryLen > MAX_LINE_BYTES) {
        throw new DataError(`a line is longer than ${MAX_LINE_BYTES >> 20} MiB; is this text?`, inputName);
      }
      continue;
    }
    let from = 0;
    if (carryLen > 0) {
      // The line cut by the last read, on its own: concatenating it with the whole of this
      // read would copy a megabyte to complete one line.
      const first = buf.indexOf(10);
      carry.push(buf.subarray(0, first + 1));
      yield* splitLines(Buffer.concat(carry));
      from = first + 1;
    }
    if (from <= nl) yield* splitLines(buf.subarray(from, nl + 1));
    carry = nl + 1 < buf.length ? [Buffer.from(buf.subarray(nl + 1))] : [];
    carryLen = buf.length - nl - 1;
  }
  const bytes = carryLen > 0 ? Buffer.concat(carry) : Buffer.alloc(0);
  yield { text: bytes.toString('latin1'), bytes, last: true };
}

/**
 * Whole lines of `bytes` (which ends with a line break) as chunks of at most about
 * LINE_CHUNK bytes. Why: a string of 1 MiB is allocated outside V8's young generation
 * (as an external string past ~1 MB, in large-object space before that), and hundreds of
 * them churn enough memory to trigger full collections of everything the tool keeps; a
 * 64 KiB string is young garbage that costs nearly nothing to collect.
 */
function* splitLines(bytes: Buffer): Generator<LineChunk> {
  let start = 0;
  while (bytes.length - start > LINE_CHUNK) {
    const nl = bytes.lastIndexOf(10, start + LINE_CHUNK - 1);
    if (nl < start) break;
    const part = bytes.subarray(start, nl + 1);
    yield { text: part.toString('latin1'), bytes: part, last: false };
    start = nl + 1;
  }
  const part = start === 0 ? bytes : bytes.subarray(start);
  yield { text: part.toString('latin1'), bytes: part, last: false };
}

const LINE_CHUNK = 64 * 1024;

// --- progress -------------------------------------------------------------------------

/**
 * A progress line on stderr for long runs: bytes read, samples, and an ETA when the input
 * size is known. Only on a terminal (never into a pipe or a file, never on stdout), only
 * once the run has taken a second (FLAMEKIT_PROGRESS_AFTER_MS sets another delay), redrawn
 * at most 4 times a second, and wiped at the end.
 * The tools' --quiet turns it off.
 */
export class Progress {
  private readonly on: boolean;
  private readonly t0: number;
  /** How long a run goes before the line appears: 1 s, or FLAMEKIT_PROGRESS_AFTER_MS (tests: 0). */
  private readonly after: number;
  private last = -Infinity;
  private shown = false;

  constructor(
    private readonly io: IO,
    private readonly prog: string,
    /** Bytes to read in all, when known (regular files, not compressed). */
    private readonly total: number | null,
    quiet: boolean,
    /** Milliseconds from some origin; tests pass their own clock. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.on = !quiet && Boolean(io.stderr.isTTY) && io.env.TERM !== 'dumb';
    this.t0 = now();
    const after = Number(io.env.FLAMEKIT_PROGRESS_AFTER_MS);
    this.after = io.env.FLAMEKIT_PROGRESS_AFTER_MS !== undefined && Number.isFinite(after) && after >= 0 ? after : 1000;
  }

  /** Sizes for `total`: known when every input is a regular file that is not gzip by name. */
  static totalOf(inputs: Input[]): number | null {
    if (inputs.some((i) => i.size === null || /\.gz$/i.test(i.name))) return null;
    return inputs.reduce((a, i) => a + i.size!, 0);
  }

  update(bytes: number, samples: number | null): void {
    if (!this.on) return;
    const now = this.now();
    const elapsed = now - this.t0;
    if (elapsed < this.after || now - this.last < 250) return;
    this.last = now;
    let line = `${this.prog}: ${mb(bytes)}`;
    if (this.total !== null && this.total > 0) {
      const f = Math.min(1, bytes / this.total);
      line += ` of ${mb(this.total)} (${Math.floor(f * 100)}%)`;
      if (f > 0.01) line += `, ETA ${Math.ceil(((1 - f) * elapsed) / f / 1000)} s`;
    }
    if (samples !== null) line += `, ${samples.toLocaleString('en-US')} samples`;
    this.io.stderr.write(`\r${line}\x1b[K`);
    this.shown = true;
  }

  /** Wipes the line, before any other message. */
  done(): void {
    if (this.shown) this.io.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e8 ? 1 : 0)} MB`;
}

// --- output ---------------------------------------------------------------------------

/**
 * Buffers output and writes it in large pieces, honouring back-pressure. A closed pipe
 * (EPIPE) turns into BrokenPipe, which the tools treat as a quiet success.
 */
export class OutputSink {
  private parts: (string | Buffer)[] = [];
  private pending = 0;
  private broken = false;
  private failure: Error | null = null;
  private static readonly FLUSH_AT = 1 << 18;

  constructor(
    private readonly stream: Writable,
    private readonly encoding: BufferEncoding = 'latin1',
  ) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') this.broken = true;
      else this.failure = e;
    });
  }

  get isBroken(): boolean {
    return this.broken;
  }

  /** Queues text (in the sink's encoding). Call `flush()` now and then to write it. */
  write(s: string): void {
    if (s.length === 0) return;
    this.parts.push(s);
    this.pending += s.length;
  }

  writeBytes(b: Buffer): void {
    if (b.length === 0) return;
    this.parts.push(b);
    this.pending += b.length;
  }

  /** Writes what is queued once enough has built up (or always, with `force`). */
  async flush(force = false): Promise<void> {
    this.check();
    if (this.pending === 0 || (!force && this.pending < OutputSink.FLUSH_AT)) return;
    const parts = this.parts;
    this.parts = [];
    this.pending = 0;
    // Runs of strings are joined into one Buffer; Buffers go out as they are, since
    // copying them together (range-perf passes whole files through) costs more than a
    // write each.
    let ok = true;
    let run: string[] = [];
    for (const p of parts) {
      if (typeof p === 'string') run.push(p);
      else {
        if (run.length > 0) ok = this.stream.write(Buffer.from(run.join(''), this.encoding));
        run = [];
        ok = this.stream.write(p);
      }
    }
    if (run.length > 0) ok = this.stream.write(Buffer.from(run.join(''), this.encoding));
    if (!ok) await this.waitDrain();
    this.check();
  }

  private waitDrain(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }

  private check(): void {
    if (this.broken) throw new BrokenPipe();
    if (this.failure) throw new OutputError(writeFailure(this.failure));
  }

  /** Flushes everything and waits until it has been handed to the OS. */
  async end(): Promise<void> {
    await this.flush(true);
    await new Promise<void>((resolve) => {
      // process.stdout cannot be ended; a final empty write with a callback waits for it.
      this.stream.write('', () => resolve());
    });
    this.check();
  }
}

/** The one message for a failed write to stdout. */
function writeFailure(e: unknown): string {
  return `cannot write output: ${describeFsError(e)}`;
}

/** A closed pipe, in the forms a stream reports it. */
function isBrokenPipe(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * Waits until what was written to `stream` has been handed to the OS (or failed), so that
 * a write error of the last writes (--help's, say) is known before the exit status is.
 */
function settle(stream: Writable): Promise<void> {
  if (stream.destroyed || !stream.writable) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('error', done);
    stream.on('close', done);
    stream.write('', () => done());
  });
}

// --- commander --------------------------------------------------------------------------

/**
 * A commander program set up the flamekit way: output to the given streams, usage errors
 * as `prog: message` plus the usage line, and exit codes in --help.
 */
export function makeProgram(prog: string, io: IO, version: string): Command {
  const program = new Command(prog);
  program
    .configureHelp({
      // Wrap descriptions even in a narrow terminal (commander's own floor is 40 columns).
      minWidthToWrap: 20,
      // Descriptions are written as prose: a single line break inside one is a space, so that
      // commander wraps the text at the terminal's width rather than at ours as well. A blank
      // line still starts a new paragraph.
      boxWrap(this: Help, str: string, width: number): string {
        return Help.prototype.boxWrap.call(this, unwrapProse(str), width);
      },
    })
    .version(version, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .exitOverride()
    .configureOutput({
      // The help fits the terminal it is printed on; 80 columns into a pipe or a file.
      getOutHelpWidth: () => helpWidth(io.stdout, io.env),
      getErrHelpWidth: () => helpWidth(io.stderr, io.env),
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {
        /* printed by runMain, with the usage line */
      },
    })
    .allowExcessArguments(false)
    .addHelpText('after', EXIT_CODES_HELP);
  return program;
}

/** Joins the lines of each paragraph of `str` (single line breaks become spaces). */
export function unwrapProse(str: string): string {
  return str.replace(/([^\n])\n(?=[^\n\s])/g, '$1 ');
}

/** Columns for --help: the terminal's width, else COLUMNS, else 80. */
function helpWidth(stream: Writable & { isTTY?: boolean; columns?: number }, env: Record<string, string | undefined>): number {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const cols = Number(env.COLUMNS);
  return Number.isInteger(cols) && cols > 0 ? cols : 80;
}

/** Parses an option value strictly, turning failures into usage errors. */
export function parseNumberOption(name: string, value: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
  const re = opts.integer ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  if (!re.test(value.trim())) {
    throw new UsageError(`option '${name}' wants ${opts.integer ? 'a whole number' : 'a number'}, not ${JSON.stringify(value)}`);
  }
  const n = Number(value);
  if (opts.min !== undefined && n < opts.min) throw new UsageError(`option '${name}' must be at least ${opts.min}, not ${value}`);
  if (opts.max !== undefined && n > opts.max) throw new UsageError(`option '${name}' must be at most ${opts.max}, not ${value}`);
  return n;
}

export interface RunContext {
  io: IO;
  msgs: Messages;
}

/**
 * Runs a tool body and maps what it throws to messages and exit codes (exitCodeOf). A
 * write error of stdout, on any path (--help and --version too), ends the same way
 * everywhere: a closed pipe (EPIPE) exits 0 quietly, anything else exits 1 with one message.
 */
export async function runMain(
  prog: string,
  io: IO,
  usage: () => string,
  body: (ctx: RunContext) => Promise<number | void>,
): Promise<number> {
  const msgs = new Messages(prog, io, await loadPainter(io));
  // Every write error of stdout lands here, whoever wrote (commander's --help, an
  // OutputSink): none becomes an unhandled 'error' event with a stack trace, and the end of
  // the run says it once.
  let writeError: Error | null = null;
  io.stdout.on('error', (e: Error) => {
    writeError ??= e;
  });
  // Diagnostics that cannot be written (stderr on a full disk or a closed pipe) are lost;
  // they must not crash the run and change its exit status.
  io.stderr.on('error', () => {});
  let reported = false;
  let code: number;
  try {
    code = (await body({ io, msgs })) ?? EXIT_OK;
  } catch (e) {
    if (e instanceof OutputError) reported = true;
    code = exitCodeOf(e, prog, io, usage, msgs);
  }
  await settle(io.stdout);
  const failed = writeError ?? io.stdout.errored ?? null;
  if (failed !== null && !isBrokenPipe(failed) && !reported) {
    msgs.error(writeFailure(failed));
    return code === EXIT_OK ? EXIT_DATA : code;
  }
  return code;
}

/**
 * What a tool body threw, as an exit code, with its message: usage errors exit 2 with the
 * usage line, data errors exit 1, a closed pipe exits 0, and anything else is an internal
 * error, with a stack trace only under DEBUG=1.
 */
function exitCodeOf(e: unknown, prog: string, io: IO, usage: () => string, msgs: Messages): number {
  if (e instanceof BrokenPipe) return EXIT_OK;
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
    msgs.error(e.message.replace(/^error: /, ''));
    io.stderr.write(`${usage()}\nTry '${prog} --help' for more information.\n`);
    return EXIT_USAGE;
  }
  if (e instanceof UsageError) {
    msgs.error(e.message);
    io.stderr.write(`${usage()}\nTry '${prog} --help' for more information.\n`);
    return EXIT_USAGE;
  }
  if (e instanceof DataError) {
    msgs.error(e.message, e.where);
    return EXIT_DATA;
  }
  if (isBrokenPipe(e)) return EXIT_OK;
  msgs.error(`internal error: ${(e as Error)?.message ?? String(e)}${io.env.DEBUG ? '' : ' (set DEBUG=1 for a stack trace)'}`);
  if (io.env.DEBUG) io.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
  return EXIT_DATA;
}

/**
 * Refuses to wait silently on a terminal: with no file named and stdin a terminal, the
 * user most likely forgot the input.
 */
export function refuseTerminalStdin(inputs: Input[], io: IO, what: string): void {
  if (inputs.some((i) => i.path === null) && io.stdin.isTTY) {
    throw new UsageError(`no input: name a file, or pipe ${what} into it`);
  }
}

// --- named output files -----------------------------------------------------------------

/** Temporary files being written; removed if the process is interrupted. */
const tempFiles = new Set<string>();
let signalsHooked = false;
let tempSeq = 0;

/**
 * On Ctrl-C (or SIGTERM/SIGHUP), removes the temporary files of writes in progress, then
 * dies of the same signal. Completed files were renamed into place whole, so what is left
 * in an output directory is whole files only.
 */
function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const f of tempFiles) {
        try {
          unlinkSync(f);
        } catch {
          /* already gone */
        }
      }
      process.kill(process.pid, sig);
    });
  }
}

/** Writes a file whole: to a temporary name beside it, then renamed into place. */
export async function writeFileAtomic(path: string, data: Buffer | string): Promise<void> {
  hookSignals();
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${tempSeq++}.tmp`);
  tempFiles.add(tmp);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw new DataError(`cannot write: ${describeFsError(e)}`, path);
  } finally {
    tempFiles.delete(tmp);
  }
}
