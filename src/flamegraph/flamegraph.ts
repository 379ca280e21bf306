// The flame graph core: folded stacks in (chunks of whole lines), one SVG out.
//
// Reads what stackcollapse and difffolded.pl write:
//   java;start_thread;java_start;GCTaskThread::run;StealTask::do_it;SpinPause 7
//   swapper;start_secondary;cpu_idle 1315
//   perl;Perl_pp_entersub 12.5
//   ab;[unknown];__write_nocancel;sys_write_[k] 0 4       (differential: before after)
// and follows flamegraph.pl (FlameGraph 41fee1f) for the graph it draws. With two profiles
// (`--diff before after`) it does difffolded.pl's job first: counts per stack from each
// side, optionally with hex addresses masked (-s) and "before" scaled to the "after" total (-n).
//
// Pure: no files, no process state. The CLI feeds chunks, then writes `finish().svg`.
import { parseFoldedTail, splitFrames, type FoldedTail } from '../parse/folded.js';
import { StackMerger } from './merge.js';
import type { FlamegraphOptions } from './options.js';
import { renderErrorSvg, renderFlamegraph } from './render.js';

export interface DiffOptions {
  /** difffolded.pl -n: scale "before" counts by total(after)/total(before), truncating. Default false. */
  normalize: boolean;
  /** difffolded.pl -s: replace hex numbers (0x1f2e) in stacks with "0x...". Default false. */
  stripHex: boolean;
}

export interface FlamegraphResult {
  /** The SVG in pieces (see svgOf to join them). */
  chunks: () => Iterable<string>;
  /** Set when there was nothing to draw: the SVG then states the error. */
  error?: string;
  warnings: string[];
  frames: number;
  /** Total of the width counts. */
  total: number;
}

/**
 * Called for each line left out: where is `NAME:LINE`. The reason is 'format' for a line
 * that is not `stack count`, 'overflow' for a count (or a running total) too large for a
 * double (over about 1.8e308), which would make every width infinite.
 */
export type InvalidLineHandler = (where: string, text: string, reason: 'format' | 'overflow') => void;

export const NO_INPUT_MESSAGE = 'ERROR: No valid input provided to flamegraph-svg.';

/** flamegraph.pl's chain-graph hack: frames after a `--` separator are marked as wakers (`_[w]`). */
export function annotateWakers(stack: string): string {
  const parts = stack.split(';--;');
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1) return stack;
  return parts[0] + ';--;' + parts.slice(1).map((p) => p.replace(/;/g, '_[w];') + '_[w]').join(';--;');
}

export class FlamegraphBuilder {
  private merger: StackMerger;
  private tail: FoldedTail = { stackEnd: 0, count: 0, before: NaN };
  private inputName = 'stdin';
  private line = 0;
  private side: 'before' | 'after' | null = null;
  private beforeTotal = 0;
  private afterTotal = 0;

  constructor(
    private readonly o: FlamegraphOptions,
    private readonly diff?: DiffOptions,
    private readonly onInvalid?: InvalidLineHandler,
    /** Total bytes of input, when known (sizes the frame tree up front). */
    sizeHint = 0,
  ) {
    this.merger = new StackMerger(o.flamechart, sizeHint);
  }

  /** Starts a new input (for line numbers); with --diff, says which profile it is. */
  beginInput(name: string, side?: 'before' | 'after'): void {
    this.inputName = name;
    this.line = 0;
    this.side = side ?? null;
  }

  /** Consumes a chunk of whole lines (latin1: one char per byte). The last chunk may lack its newline. */
  addChunk(text: string): void {
    const t = this.tail;
    const len = text.length;
    const single = this.diff !== undefined;
    let pos = 0;
    while (pos < len) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = len;
      this.line++;
      let end = nl;
      if (end > pos && text.charCodeAt(end - 1) === 13) end--;
      if (end > pos) {
        if (parseFoldedTail(text, pos, end, t) && !this.overflows(t)) {
          if (single && t.before === t.before) {
            // difffolded.pl reads one count per line: an earlier number belongs to the stack.
            let ws = end - 1;
            while (!(text.charCodeAt(ws) === 32 || (text.charCodeAt(ws) >= 9 && text.charCodeAt(ws) <= 13))) ws--;
            this.addStackAt(text, pos, ws, t.count, NaN);
          } else {
            this.addStackAt(text, pos, t.stackEnd, t.count, t.before);
          }
        } else if (this.onInvalid) {
          this.onInvalid(`${this.inputName}:${this.line}`, text.slice(pos, end), this.lastOverflow ? 'overflow' : 'format');
        }
        this.lastOverflow = false;
      }
      pos = nl + 1;
    }
  }

  private lastOverflow = false;

  /** Whether a parsed line's counts would make the total infinite (then the line is left out). */
  private overflows(t: FoldedTail): boolean {
    const sum = this.side === 'before' ? this.beforeTotal : this.merger.time;
    const bad = !Number.isFinite(sum + t.count) || (this.diff === undefined && t.before === t.before && !Number.isFinite(t.before));
    this.lastOverflow = bad;
    return bad;
  }

  /** Adds one stack (raw, latin1) with its count, and a "before" count on differential lines. */
  addStack(stack: string, count: number, before = NaN): void {
    this.addStackAt(stack, 0, stack.length, count, before);
  }

  private addStackAt(text: string, from: number, to: number, count: number, before: number): void {
    if (!this.diff && this.o.palette !== 'chain' && !this.o.reverse) {
      this.merger.add(text, from, to, count, before);
      return;
    }
    let s = text.slice(from, to);
    if (this.diff) {
      if (this.diff.stripHex) s = s.replace(/0x[0-9a-fA-F]+/g, '0x...');
      if (this.side === 'before') {
        this.beforeTotal += count;
        before = count;
        count = 0;
      } else {
        this.afterTotal += count;
        before = 0;
      }
    }
    if (this.o.palette === 'chain') s = annotateWakers(s);
    if (this.o.reverse) s = splitFrames(s).reverse().join(';');
    this.merger.add(s, 0, s.length, count, before);
  }

  finish(): FlamegraphResult {
    const o = this.o;
    const m = this.merger;
    let normalize: ((b: number) => number) | undefined;
    if (this.diff?.normalize && this.beforeTotal > 0 && this.beforeTotal !== this.afterTotal) {
      const t1 = this.beforeTotal;
      const t2 = this.afterTotal;
      normalize = (b) => Math.trunc((b * t2) / t1);
    }
    const warnings: string[] = [];
    const time = m.time;
    // With nothing to draw, the error says it all.
    if (o.countName === 'samples' && time > 0 && time < 100) warnings.push(`stack count is low (${time}); did something go wrong?`);
    if (time === 0 || !(time > 0)) {
      const svg = renderErrorSvg(o, NO_INPUT_MESSAGE);
      return { chunks: () => [svg], error: 'no stack counts found', warnings, frames: 0, total: 0 };
    }
    if (time > Number.MAX_SAFE_INTEGER) warnings.push('the total count exceeds 2^53: counts are shown approximately');
    const { maxDelta } = m.finish(normalize);
    const r = renderFlamegraph({ tree: m.tree, time, differential: m.differential, maxDelta: Math.max(1, maxDelta) }, o);
    return { chunks: r.chunks, warnings: [...warnings, ...r.warnings], frames: r.frames, total: time };
  }
}

/** The whole SVG of a result as one string (tests, small graphs). */
export function svgOf(r: FlamegraphResult): string {
  let s = '';
  for (const c of r.chunks()) s += c;
  return s;
}
