// stdout with back-pressure: output is queued and written in large pieces; a closed pipe
// (EPIPE) becomes BrokenPipe, a quiet success.
import { BrokenPipe, OutputError, writeFailure } from './errors.js';
import { FdWriter } from './fd-io.js';
import type { OutStream } from './io.js';

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
  /**
   * The Buffer that strings are encoded into, filled again by the next flush: only on a
   * stream that hands each chunk to the OS before write() returns (FdWriter: writeSync on a
   * pipe, socket or file), and only once nothing is waiting in it. Why: a fresh Buffer a
   * flush is fresh pages, a page fault each (~15-20 us on some machines): ~120 of them for
   * a per-second window's 492 KB SVG, ~370 for heatmap-svg's 1.5 MB.
   */
  private scratch: Buffer | null = null;
  private readonly reusable: boolean;

  constructor(
    private readonly stream: OutStream,
    private readonly encoding: BufferEncoding = 'latin1',
  ) {
    this.reusable = stream instanceof FdWriter;
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') this.broken = true;
      else this.failure = e;
    });
  }

  get isBroken(): boolean {
    return this.broken;
  }

  /**
   * Whether every Buffer given to it has been handed to the OS (none queued here, none
   * buffered by the stream), so that the caller may fill them again.
   */
  get idle(): boolean {
    return this.pending === 0 && this.stream.writableLength === 0;
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
        if (run.length > 0) ok = this.stream.write(this.encode(run));
        run = [];
        ok = this.stream.write(p);
      }
    }
    if (run.length > 0) ok = this.stream.write(this.encode(run));
    if (!ok) await this.waitDrain();
    this.check();
  }

  /**
   * The strings' bytes in one Buffer, each encoded straight into it: joining them first
   * made a flat string as large as the Buffer (a few hundred KB of fresh memory a flush).
   */
  private encode(run: string[]): Buffer {
    const reuse = this.reusable && this.stream.writableLength === 0;
    if (run.length === 1 && !reuse) return Buffer.from(run[0], this.encoding);
    let size = 0;
    for (const s of run) size += Buffer.byteLength(s, this.encoding);
    let out: Buffer;
    if (reuse) {
      if (this.scratch === null || this.scratch.length < size) this.scratch = Buffer.allocUnsafeSlow(size);
      out = this.scratch.subarray(0, size);
    } else out = Buffer.allocUnsafe(size);
    let at = 0;
    for (const s of run) at += out.write(s, at, this.encoding);
    return out;
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

/**
 * Waits until what was written to `stream` has been handed to the OS (or failed), so that
 * a write error of the last writes (--help's, say) is known before the exit status is.
 */
export function settle(stream: OutStream): Promise<void> {
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
