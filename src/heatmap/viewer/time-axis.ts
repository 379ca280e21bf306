// The heat map's time axis: which seconds have a column. Node (src/heatmap/embed.ts,
// render.ts) and the page (data.ts, page.ts) both use it, so it uses neither Node nor DOM.
//
// Empty seconds are drawn as empty columns, as FlameScope does, while they are a modest
// part of the axis. Past that, the longest runs of empty seconds are cut out and the axis
// breaks there: what heatmap-svg stores, draws and embeds is bounded by the samples, not
// by the time between them. A corrupt timestamp days after a profile of minutes would
// otherwise mean millions of empty columns (and a hang at gigabytes of memory).
//
// The rule: the axis keeps at most max(MIN_EMPTY, seconds with samples) empty columns; the
// longest gaps are cut first. A profile of an hour or less, or one at most half empty, has
// no break.

/** Empty columns every axis may keep, whatever its samples. */
export const MIN_EMPTY = 3600;

/**
 * Runs of columns: [first second, length, first second, length, ...], seconds relative to
 * the origin, in time order. `secs` are the seconds with samples, sorted, distinct.
 */
export function axisSegments(secs: ArrayLike<number>, minEmpty = MIN_EMPTY): number[] {
  const n = secs.length;
  if (n === 0) return [];
  const gaps: { at: number; len: number }[] = [];
  let empty = 0;
  for (let i = 1; i < n; i++) {
    const len = secs[i] - secs[i - 1] - 1;
    if (len > 0) {
      gaps.push({ at: i, len });
      empty += len;
    }
  }
  const budget = Math.max(minEmpty, n);
  const cut = new Set<number>();
  if (empty > budget) {
    // Longest first; ties: the later gap first, so the result does not depend on sort stability.
    gaps.sort((a, b) => b.len - a.len || b.at - a.at);
    for (const g of gaps) {
      if (empty <= budget) break;
      cut.add(g.at);
      empty -= g.len;
    }
  }
  const segs: number[] = [secs[0], 1];
  for (let i = 1; i < n; i++) {
    if (cut.has(i)) segs.push(secs[i], 1);
    else segs[segs.length - 1] = secs[i] - segs[segs.length - 2] + 1;
  }
  return segs;
}

/** Maps columns (0 to ncols - 1, as drawn) to seconds after the origin, and back. */
export class TimeAxis {
  readonly ncols: number;
  /** The first column of each run. */
  private readonly starts: number[] = [];

  constructor(readonly segs: readonly number[]) {
    let c = 0;
    for (let i = 0; i < segs.length; i += 2) {
      this.starts.push(c);
      c += segs[i + 1];
    }
    this.ncols = c;
  }

  /** Number of breaks (cut-out runs of empty seconds). */
  get breaks(): number {
    return Math.max(0, this.starts.length - 1);
  }

  private run(c: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= c) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The second (after the origin) of column c; columns past the ends go on in whole seconds. */
  secOf(c: number): number {
    if (this.starts.length === 0) return c;
    const i = this.run(c);
    return this.segs[2 * i] + (c - this.starts[i]);
  }

  /**
   * The column of second s. A second cut out of the axis maps to the column after the break
   * ('start' of a range) or before it ('end'); seconds outside give -1 or ncols.
   */
  colOf(s: number, side: 'start' | 'end'): number {
    const segs = this.segs;
    if (segs.length === 0 || s < segs[0]) return -1;
    for (let i = 0; i < segs.length; i += 2) {
      const first = segs[i];
      const last = first + segs[i + 1] - 1;
      if (s <= last) {
        if (s >= first) return this.starts[i / 2] + (s - first);
        return side === 'start' ? this.starts[i / 2] : this.starts[i / 2] - 1;
      }
    }
    return this.ncols;
  }

  /** Seconds cut out just before column c (0: no break there). */
  gapBefore(c: number): number {
    if (c <= 0 || c >= this.ncols) return 0;
    const i = this.run(c);
    if (this.starts[i] !== c || i === 0) return 0;
    return this.segs[2 * i] - (this.segs[2 * i - 2] + this.segs[2 * i - 1]);
  }

  /** The columns that start a run after a break. */
  breakColumns(): number[] {
    return this.starts.slice(1);
  }
}

/** A whole number of seconds in digits, never in exponent form (a corrupt timestamp's 1e+26). */
export function secondText(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}
