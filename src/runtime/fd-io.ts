// stdin and stdout at the file-descriptor level. The process's own streams cost a node
// start more than they do: process.stdin or process.stdout on a pipe loads node:net
// (stream_wrap, pipe_wrap and the rest, ~65 page faults and a few ms of CPU), and each of
// the three processes of the per-second loop (`range-perf | stackcollapse | flamegraph-svg`)
// has a pipe on stdin or stdout. Here a pipe, a socket or a regular file on fd 0 is read
// with readSync, and one on fd 1 is written with writeSync behind a Writable (so every
// contract of a stream holds: 'error' events, write callbacks, settle). A terminal, or a
// character device like /dev/null, keeps node's stream, as does a descriptor that is
// non-blocking (EAGAIN), which a blocking read or write cannot serve. docs/speed.md,
// "stdin and stdout without node's streams".
import { fstatSync, readSync, writeSync } from 'node:fs';
import { Writable } from 'node:stream';

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

/**
 * A Writable over a blocking descriptor (a pipe, socket or file on fd 1): each chunk goes
 * out with writeSync before its callback runs, so a chunk's Buffer may be reused once its
 * write's callback has run, as with process.stdout. EPIPE and other errors fail the write
 * (an 'error' event with the errno's code, as node's stream gives; a socket's ECONNRESET
 * is reported as EPIPE); EAGAIN (a non-blocking descriptor) is waited out, retried every
 * millisecond.
 */
export class FdWriter extends Writable {
  constructor(private readonly fd: number) {
    super({ decodeStrings: true });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.writeFrom(chunk, 0, cb);
  }

  private writeFrom(chunk: Buffer, at: number, cb: (e?: Error | null) => void): void {
    while (at < chunk.length) {
      try {
        at += writeSync(this.fd, chunk, at, chunk.length - at);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          setTimeout(() => this.writeFrom(chunk, at, cb), 1);
          return;
        }
        // A socket whose reader closed with data unread says ECONNRESET: for a writer,
        // as for node's stream, the reader went away (EPIPE, a quiet end).
        if ((e as NodeJS.ErrnoException).code === 'ECONNRESET') (e as NodeJS.ErrnoException).code = 'EPIPE';
        cb(e as Error);
        return;
      }
    }
    cb();
  }
}
