// Names of per-window folded files: `stackcollapse --per-window` writes them, and
// `flamegraph-svg --output-dir` reads them back to title each graph with its window. The
// name is the window's start in seconds from time 0 of `range-perf --timezerosecs`,
// zero-padded so that names sort in time order, with a '-' for a window before the origin
// (a late sample from another CPU can fall there):
//   000000.000.folded  000012.500.folded  000000.000250.folded  -000001.000.folded
// Shared by both tools, so it lives beside them rather than in either.
import { parseSeconds } from './parse/perf-script.js';

const SUFFIX = '.folded';

/**
 * The digits after the point in window names: 3, or more when the window length needs
 * them (a 250us window starts at 0.000250 s).
 */
export function windowDecimals(lengthNs: number): number {
  return lengthNs % 1e6 === 0 ? 3 : lengthNs % 1e3 === 0 ? 6 : 9;
}

/** A window's start in seconds, exactly, e.g. '000012.000' (6 integer digits at least, '-' before the origin). */
export function formatWindowStart(index: number, lengthNs: number): string {
  const start = index * lengthNs;
  const sign = start < 0 ? '-' : '';
  const abs = Math.abs(start);
  const sec = Math.floor(abs / 1e9);
  const ns = abs - sec * 1e9;
  return `${sign}${String(sec).padStart(6, '0')}.${String(ns).padStart(9, '0').slice(0, windowDecimals(lengthNs))}`;
}

/** The file name of window `index` of windows of `lengthNs`: the writer. */
export function windowFileName(index: number, lengthNs: number): string {
  return `${formatWindowStart(index, lengthNs)}${SUFFIX}`;
}

/**
 * A window's start in nanoseconds from its file name (the base name: `-000001.500.folded`
 * -> -1.5e9), or null for a name that is not a window's: the reader.
 */
export function parseWindowFileName(name: string): number | null {
  const m = /^(-?)(\d+(?:\.\d+)?)\.folded$/.exec(name);
  const t = m ? parseSeconds(m[2]) : null;
  if (!m || !t) return null;
  const ns = t.sec * 1e9 + t.ns;
  return m[1] === '-' && ns !== 0 ? -ns : ns;
}

/** Nanoseconds as seconds for a title: `12.5`, `-1`, `0.00025`. */
export function formatSeconds(ns: number): string {
  const sign = ns < 0 ? '-' : '';
  const abs = Math.abs(ns);
  const s = Math.floor(abs / 1e9);
  const f = String(abs - s * 1e9).padStart(9, '0').replace(/0+$/, '');
  return sign + (f ? `${s}.${f}` : String(s));
}
