// Opening inputs: files, '-' for stdin, FIFOs, gzip (decided once, by content) and
// perf.data (read through perf script). Yields bytes; lines.ts cuts them into lines.
import { closeSync, constants, createReadStream, fstatSync, open, openSync, readSync, statSync, type Stats } from 'node:fs';
import { Socket } from 'node:net';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { isPerfData, perfScriptCommand, PerfScriptError, readPerfScript } from '../perf-data.js';
import { hasEscapedBytes, showArg, unescapeBytes } from '../argv.js';
import { DataError, describeFsError } from './errors.js';
import { isPlainFd, readFdSync } from './fd-io.js';
import { noteInput } from './jit.js';
import type { IO } from './io.js';

export interface Input {
  /** `stdin` for '-', the path otherwise: what messages call it. */
  name: string;
  path: string | null;
  /** Size in bytes when known (a regular file), for progress reports. */
  size: number | null;
  /**
   * Whether the input is gzip, decided once by its first bytes (isGzip): for a regular file
   * when it is resolved; undefined until read for stdin and pipes (readBytes then decides on
   * their first chunk).
   */
  gzip?: boolean;
  /** A regular file's first bytes (up to HEAD_BYTES), read when it is resolved, for sniffing. */
  head?: Buffer;
}

/** How much of a regular file resolveInputs reads ahead, for isGzip and sniffing. */
export const HEAD_BYTES = 4096;

/**
 * Whether bytes start a gzip member (magic `1f 8b`): the one test of gzip in flamekit. Two
 * bytes are needed; a one-byte input is never gzip.
 */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The first bytes of a regular file, or undefined when it cannot be read (its reader reports why). */
function readHead(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const b = Buffer.alloc(HEAD_BYTES);
    return b.subarray(0, readSync(fd, b, 0, b.length, 0));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
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
    if (!st.isFile()) return { name, path, size: null };
    // Only a regular file is opened here: opening a named pipe to look at it would let its
    // writer in, and closing it again could leave the writer with no reader (EPIPE).
    const head = readHead(path);
    return { name, path, size: st.size, head, gzip: head === undefined ? undefined : isGzip(head) };
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
   * Read every chunk of a regular file (with `blockingFile`) or of stdin on a pipe, socket
   * or file (fd-io.ts) into the same Buffer. Default false. Only for a consumer that is done
   * with a chunk's bytes (not its decoded text) before it asks for the next one:
   * heatmap-svg, not range-perf, which queues the bytes for output. Why: a fresh 1 MiB
   * Buffer per read is only freed when V8 next collects its young generation, and on a long
   * run those pending Buffers held ~30 MB of RSS (2 GB input, heatmap-svg); on a short one
   * each read's fresh pages cost a page fault apiece. gzip input is read as before (the
   * gunzip stream reads ahead).
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
  // Every tool's input passes here: how much it is decides when V8 optimises (jit.ts).
  noteInput(0, input.size);
  for await (const bytes of readDecodedBytes(input, io, chunkSize, opts)) {
    noteInput(bytes.length);
    yield bytes;
  }
}

async function* readDecodedBytes(input: Input, io: IO, chunkSize: number, opts: ReadOptions): AsyncGenerator<Buffer> {
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
  if (opts.blockingFile && input.path !== null && input.size !== null && input.gzip !== true) {
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
          // Decided when the file was resolved; here only for an Input made some other way.
          if (first && input.gzip === undefined && isGzip(buf.subarray(0, got))) {
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
  // The process's stdin on a pipe, socket or file: read with readSync, not process.stdin,
  // whose stream loads node:net on a pipe (fd-io.ts). A terminal or a non-blocking
  // descriptor gets the stream.
  let raw: Readable | null = null;
  const stdinStream = () => (raw ??= io.stdin);
  let it: AsyncIterator<Buffer> | null = null;
  if (input.path === null && io.stdinFd === 0 && isPlainFd(0)) {
    it = readFdSync(0, chunkSize, () => stdinStream()[Symbol.asyncIterator]() as AsyncIterator<Buffer>, opts.reuse === true);
  }
  if (it === null) {
    try {
      raw = input.path === null ? io.stdin : await openStream(input, chunkSize);
    } catch (e) {
      throw new DataError(describeFsError(e), input.name);
    }
    it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }
  const iter = it;
  const close = () => {
    if (raw !== null) raw.destroy();
    else void iter.return?.(undefined);
  };
  let source: AsyncIterable<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await it.next();
  } catch (e) {
    close();
    throw new DataError(describeFsError(e), input.name);
  }
  if (first.done) return;
  let head = first.value;
  if (typeof head === 'string') head = Buffer.from(head, 'latin1');
  // A gzip member can be recognised on its first two bytes; a one-byte first chunk is
  // too short to tell, which only happens on a one-byte input.
  const gz = input.gzip ?? isGzip(head);
  // gzip reads ahead of its reader (Readable.from), and a blocking read cannot be called
  // off: the rest of a gzip stdin comes through the stream, which a reader that stops
  // early (range-perf past END) can destroy while the writer stays open.
  let restIt = iter;
  if (gz && raw === null) {
    await iter.return?.(undefined);
    restIt = stdinStream()[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const r = await restIt.next();
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
      if (!complete) close();
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
    close();
  }
}
