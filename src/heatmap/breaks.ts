// What heatmap-svg says about breaks in its time axis (viewer/time-axis.ts): where long
// runs of empty seconds were cut out, and, when one side of the longest is a handful of
// samples, that they look like corrupt timestamps and how to leave them out.
import type { Heatmap } from './heatmap.js';
import { secondText, type TimeAxis } from './viewer/time-axis.js';
import { shellQuote } from '../shell-word.js';

/** A side of the longest break at most this share of the samples looks like corrupt timestamps. */
const STRAY_SHARE = 0.01;

export interface BreakReport {
  /** A warning about stray samples, or null. */
  warning: string | null;
  /** For the SVG's notes: how many breaks, or ''. */
  note: string;
}

/** 4.3e9 -> '4,300,000,000'. */
function group(n: number): string {
  return BigInt(Math.round(n)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function describeBreaks(hm: Heatmap, axis: TimeAxis, files: string[]): BreakReport {
  if (axis.breaks === 0) return { warning: null, note: '' };
  const origin = hm.origin ?? 0;
  // The longest break, and the samples on each side of it.
  let at = 0;
  let longest = 0;
  for (const c of axis.breakColumns()) {
    const gap = axis.gapBefore(c);
    if (gap > longest) [at, longest] = [c, gap];
  }
  const split = origin + axis.secOf(at);
  const beforeEnd = origin + axis.secOf(at - 1);
  let before = 0;
  let after = 0;
  let firstSec = Infinity;
  let lastSec = -Infinity;
  for (const [s, col] of hm.columns) {
    let n = 0;
    for (let r = 0; r < col.length; r++) n += col[r];
    if (s < split) before += n;
    else after += n;
    if (n > 0) [firstSec, lastSec] = [Math.min(firstSec, s), Math.max(lastSec, s)];
  }
  const total = before + after;
  const note = `${axis.breaks} long ${axis.breaks === 1 ? 'stretch' : 'stretches'} without samples cut out of the time axis (the longest ${group(longest)} s)`;
  const stray = Math.min(before, after);
  if (stray > STRAY_SHARE * total) return { warning: null, note };
  // Keep the larger side: from its first second to the end of its last.
  const [from, to] = before >= after ? [firstSec, beforeEnd] : [split, lastSec];
  const where = before >= after ? 'after' : 'before';
  const what = stray === 1 ? '1 sample lies' : `${stray} samples lie`;
  const input = files.length > 0 ? files.map(shellQuote).join(' ') : 'FILE';
  return {
    note,
    warning:
      `${what} ${group(longest)} s ${where} the other ${total - stray} (second ${group(before >= after ? split : beforeEnd)}): corrupt timestamps? ` +
      `The heat map's time axis breaks there. To leave them out: range-perf --timeraw ${secondText(from)} ${secondText(to)}.999999999 ${input} | heatmap-svg`,
  };
}
