// stackcollapse --per-window W --output-dir DIR: the files side of per-window collapsing
// (the windows themselves are cut by Collapser, see WindowOptions in collapse.ts).
//
// One folded file per window, named by the window's start (src/window-name.ts):
//   DIR/000000.000.folded  DIR/000001.000.folded  ...  DIR/000599.000.folded
// The file for start S holds what
//   range-perf --timezerosecs S S+W-0.000000001 FILE | stackcollapse
// prints (README, "One folded file per window"). Files are written whole to a temporary name in DIR, then
// renamed, so a reader never sees half a file.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSeconds } from '../parse/perf-script.js';
import { windowFileName } from '../window-name.js';
import type { Collapser, ClosedWindow } from './collapse.js';

/** Window files being written at once, at most. */
const MAX_PENDING = 16;

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, '': 1e9 };

/**
 * A window length such as '1s', '500ms', '2.5s', '250us' or '2' (seconds), in whole
 * nanoseconds; null when it is not one.
 */
export function parseWindowLength(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ns|us|µs|ms|s|)\s*$/.exec(text);
  if (!m) return null;
  const t = parseSeconds(m[1]);
  if (t === null) return null;
  const unit = UNITS[m[2]];
  // t.sec + t.ns/1e9 units, in ns: exact while it is a whole number.
  const frac = (t.ns * unit) / 1e9;
  if (!Number.isInteger(frac)) return null;
  const ns = t.sec * unit + frac;
  return ns > 0 && Number.isSafeInteger(ns) ? ns : null;
}

export { formatWindowStart, windowDecimals, windowFileName } from '../window-name.js';

/**
 * Writes a file whole (to a temporary name, then renamed), as the CLI edge's
 * writeFileAtomic does: the edge passes it in, since removing half-written files on a
 * signal is process state, which this module never touches.
 */
export type WriteWhole = (path: string, data: Buffer) => Promise<void>;

/** Writes windows to `dir` as they close. */
export class WindowWriter {
  /** Files written (a reopened window counts once). */
  readonly written = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly lengthNs: number,
    private readonly collapser: Collapser,
    private readonly writeWhole: WriteWhole,
  ) {}

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /**
   * Starts writing `windows`. Writes run in libuv's thread pool while the caller parses on:
   * awaiting each one stopped the parse for about a third of the run. At most MAX_PENDING
   * are in flight; `flush` waits for all of them.
   */
  async write(windows: ClosedWindow[]): Promise<void> {
    for (const w of windows) {
      const name = windowFileName(w.index, this.lengthNs);
      const path = join(this.dir, name);
      if (w.reopened) {
        // The file must be complete before it is read back.
        await this.pending.get(name);
        await this.mergeWritten(path, w);
      }
      // As strings: the byte writer (foldedChunks) encodes every name of the shared
      // dictionary per call, which for hundreds of small windows cost a third more time.
      const lines = [...this.collapser.foldedLines(w.table)];
      const bytes = Buffer.from(lines.length > 0 ? lines.join('\n') + '\n' : '', 'latin1');
      // Written whole, then renamed: readers see the old file or the new one, never half.
      const done = (this.pending.get(name) ?? Promise.resolve()).then(() => this.writeWhole(path, bytes));
      this.pending.set(name, done);
      this.inFlight.add(done);
      // The first failure is kept and thrown by the next write or flush.
      done.then(
        () => this.inFlight.delete(done),
        (e) => {
          this.inFlight.delete(done);
          this.failure ??= e;
        },
      );
      this.written.add(name);
      if (this.inFlight.size >= MAX_PENDING) await Promise.race(this.inFlight).catch(() => {});
      if (this.failure) throw this.failure;
    }
  }

  /** Waits until every window started is on disk. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    if (this.failure) throw this.failure;
  }

  private pending = new Map<string, Promise<void>>();
  private inFlight = new Set<Promise<void>>();
  private failure: unknown = null;

  /**
   * A late sample reopened a window that was written: add what the file holds. (Input
   * from perf is in time order, so this is rare; the slack of open windows absorbs the
   * usual jitter between CPUs.)
   */
  private async mergeWritten(path: string, w: ClosedWindow): Promise<void> {
    let old: string;
    try {
      old = await readFile(path, 'latin1');
    } catch {
      return;
    }
    for (const line of old.split('\n')) {
      const sp = line.lastIndexOf(' ');
      if (sp <= 0) continue;
      const ids = line.slice(0, sp).split(';').map((f) => w.table.intern(f));
      w.table.addSequence(ids, Number(line.slice(sp + 1)));
    }
  }
}
