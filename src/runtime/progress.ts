// The progress line on stderr for long runs (a terminal only).
import type { IO } from './io.js';
import type { Input } from './input.js';

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
    /**
     * Milliseconds from some origin; tests pass their own clock. Default Date.now: the first
     * read of `performance` loads node:perf_hooks (~50 page faults, 2-3 ms of a node start,
     * on every run into a terminal), and a line redrawn 4 times a second needs no finer clock.
     */
    private readonly now: () => number = Date.now,
  ) {
    this.on = !quiet && Boolean(io.stderr.isTTY) && io.env.TERM !== 'dumb';
    this.t0 = this.on ? now() : 0;
    const after = Number(io.env.FLAMEKIT_PROGRESS_AFTER_MS);
    this.after = io.env.FLAMEKIT_PROGRESS_AFTER_MS !== undefined && Number.isFinite(after) && after >= 0 ? after : 1000;
  }

  /**
   * Sizes for `total`: known when every input is a regular file that is not gzip (by its
   * content, as Input.gzip says, whatever its name), since a gzip file's size is not the
   * size of what is read.
   */
  static totalOf(inputs: Input[]): number | null {
    if (inputs.some((i) => i.size === null || i.gzip !== false)) return null;
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
