// stdin and stdout at the file-descriptor level. The process's own streams cost a node
// start more than they do: process.stdin or process.stdout on a pipe loads node:net
// (stream_wrap, pipe_wrap and the rest, ~65 page faults and a few ms of CPU), and each of
// the three processes of the per-second loop (`range-perf | stackcollapse | flamegraph-svg`)
// has a pipe on stdin or stdout. Here a pipe, a socket or a regular file on fd 0 is read
// with readSync, and one on fd 1 is written with writeSync behind what a Writable offers
// the tools (FdWriter: 'error' events, write callbacks, back-pressure, settle). A terminal, or a
// character device like /dev/null, keeps node's stream, as does a descriptor that is
// non-blocking (EAGAIN), which a blocking read or write cannot serve. docs/speed.md,
// "stdin and stdout without node's streams".
import { EventEmitter } from 'node:events';
import { fstatSync, readSync, writeSync } from 'node:fs';

/**
 * Whether `fd` is a pipe, a socket or a regular file: what plain read(2) and write(2)
 * serve, and never a terminal. False for a character device (a terminal, /dev/null) and
 * for a descriptor that is not open.
 */
export function isPlainFd(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket() || st.isFile();
  } catch {
    return false;
  }
}

/**
 * The pooled Buffers of readFdSync: 64 KiB, a pipe's capacity, as node's streams read. A
 * larger pool (1 MiB, the tools' chunk) is memory from mmap, fresh pages each time; 64 KiB
 * comes from malloc and is used again once V8 has freed the last.
 */
const POOL = 64 * 1024;
/** A pool with less room than this left is replaced. */
const MIN_READ = 16 * 1024;

/**
 * The bytes of `fd` by blocking reads, in chunks of at most `chunkSize` (or 64 KiB) cut
 * from pooled Buffers (each chunk its own bytes, never overwritten: a consumer may keep it),
 * or null when the first read says the descriptor is non-blocking (EAGAIN): nothing was
 * read, and the caller reads it as a stream. Later EAGAINs (a descriptor made non-blocking
 * mid-run) hand over the same way: `onAgain` gives the rest as an async iterator.
 *
 * With `reuse`, every read goes into the same Buffer of `chunkSize` bytes instead: for a
 * consumer that is done with a chunk's bytes before it asks for the next (ReadOptions.reuse).
 * Why: pooled Buffers are freed only when V8 next collects its young generation, so nearly
 * every read of a short run lands in fresh pages, each a page fault (~15-20 us on some
 * machines): 14 % of stackcollapse's page faults on a per-second window from a pipe.
 */
export function readFdSync(fd: number, chunkSize: number, onAgain: () => AsyncIterator<Buffer>, reuse = false): AsyncGenerator<Buffer> | null {
  let pool = reuse ? Buffer.allocUnsafeSlow(chunkSize) : Buffer.allocUnsafe(POOL);
  let at = 0;
  const read = (): number => {
    if (reuse) at = 0;
    else if (pool.length - at < MIN_READ) {
      pool = Buffer.allocUnsafe(POOL);
      at = 0;
    }
    return readSync(fd, pool, at, Math.min(chunkSize, pool.length - at), null);
  };
  let first: number;
  try {
    first = read();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return null;
    // Reported on the first next(), as a stream reports it.
    return (async function* () {
      throw e;
    })();
  }
  return (async function* () {
    let got = first;
    for (;;) {
      if (got === 0) return;
      const chunk = pool.subarray(at, at + got);
      at += got;
      yield chunk;
      try {
        got = read();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        const rest = onAgain();
        for (;;) {
          const r = await rest.next();
          if (r.done) return;
          yield typeof r.value === 'string' ? Buffer.from(r.value, 'latin1') : r.value;
        }
      }
    }
  })();
}

/** Bytes waiting behind a write that met EAGAIN past which write() says to wait for 'drain' (a Writable's default). */
const HIGH_WATER = 16 * 1024;

type WriteCallback = (e?: Error | null) => void;

/**
 * A writable stream over a blocking descriptor (a pipe, socket or file on fd 1 or 2): each
 * chunk goes out with writeSync, so a chunk's Buffer may be reused once its write's callback
 * has run, as with process.stdout. EPIPE and other errors fail the write (its callback, then
 * an 'error' event with the errno's code and 'close', as node's stream gives; a socket's
 * ECONNRESET is reported as EPIPE); later writes fail with ERR_STREAM_DESTROYED. EAGAIN (a
 * non-blocking descriptor) is waited out, retried every millisecond, with later writes queued
 * behind it (writableLength, 'drain').
 *
 * Not a stream.Writable: node:stream is a stack of ~20 of node's modules (3-5 ms of every
 * start, docs/speed.md), and this is all of a Writable the tools use (OutStream in io.ts).
 * Callbacks run after the write returns (a microtask), as a Writable's run on the next tick.
 */
export class FdWriter extends EventEmitter {
  destroyed = false;
  errored: Error | null = null;
  /** Bytes not yet written: the rest of a chunk that met EAGAIN and those queued behind it. */
  writableLength = 0;
  private queue: { chunk: Uint8Array; cb: WriteCallback | undefined }[] = [];
  private busy = false;
  private needDrain = false;

  constructor(private readonly fd: number) {
    super();
  }

  get writable(): boolean {
    return !this.destroyed;
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, cb?: WriteCallback): boolean {
    if (typeof encoding === 'function') {
      cb = encoding;
      encoding = undefined;
    }
    if (this.destroyed) {
      const e = Object.assign(new Error('Cannot call write after a stream was destroyed'), { code: 'ERR_STREAM_DESTROYED' });
      queueMicrotask(() => cb?.(e));
      return false;
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : chunk;
    if (this.busy) {
      this.queue.push({ chunk: bytes, cb });
      this.writableLength += bytes.length;
    } else this.writeFrom(bytes, 0, cb);
    if (this.writableLength < HIGH_WATER) return true;
    this.needDrain = true;
    return false;
  }

  private writeFrom(chunk: Uint8Array, at: number, cb: WriteCallback | undefined): void {
    while (at < chunk.length) {
      let n: number;
      try {
        n = writeSync(this.fd, chunk, at, chunk.length - at);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          if (!this.busy) this.writableLength += chunk.length - at;
          this.busy = true;
          setTimeout(() => this.writeFrom(chunk, at, cb), 1);
          return;
        }
        // A socket whose reader closed with data unread says ECONNRESET: for a writer,
        // as for node's stream, the reader went away (EPIPE, a quiet end).
        if ((e as NodeJS.ErrnoException).code === 'ECONNRESET') (e as NodeJS.ErrnoException).code = 'EPIPE';
        this.fail(e as Error, cb);
        return;
      }
      at += n;
      if (this.busy) this.writableLength -= n;
    }
    if (cb) queueMicrotask(() => cb());
    if (!this.busy) return;
    const next = this.queue.shift();
    if (next !== undefined) {
      this.writeFrom(next.chunk, 0, next.cb);
      return;
    }
    this.busy = false;
    this.writableLength = 0;
    if (this.needDrain) {
      this.needDrain = false;
      queueMicrotask(() => this.emit('drain'));
    }
  }

  /** A write failed: its callback, those of the writes queued behind it, then 'error' and 'close'. */
  private fail(e: Error, cb: WriteCallback | undefined): void {
    this.errored = e;
    this.destroyed = true;
    const queued = this.queue;
    this.queue = [];
    this.busy = false;
    this.writableLength = 0;
    queueMicrotask(() => {
      cb?.(e);
      for (const q of queued) q.cb?.(Object.assign(new Error('Cannot call write after a stream was destroyed'), { code: 'ERR_STREAM_DESTROYED' }));
      this.emit('error', e);
      this.emit('close');
    });
  }
}
