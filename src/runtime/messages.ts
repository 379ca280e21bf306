// Diagnostics on stderr, in GNU form, coloured only where stderr wants it:
//   range-perf: no such file or directory: missing.txt
//   stackcollapse: stdin:1207: line longer than 256 MiB
//   stackcollapse: warning: ignored 3 malformed lines (first at stdin:1207: "foo bar")
import type { IO } from './io.js';

/**
 * The colour depth stderr should get (chalk's levels: 0 none, 1 basic, 2 256, 3 truecolor):
 * - NO_COLOR set and not empty: none, whatever else says (https://no-color.org);
 * - FORCE_COLOR set: its level (`0`/`false` none, empty/`1`/`true` basic, `2`, `3`), on a
 *   terminal or not, as chalk reads it;
 * - otherwise basic colour when stderr is a terminal (not TERM=dumb), else none.
 */
export function colourLevel(io: IO): 0 | 1 | 2 | 3 {
  const env = io.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '' || force === 'true') return 1;
    if (force === 'false') return 0;
    const n = Number(force);
    return Number.isInteger(n) ? (Math.min(3, Math.max(0, n)) as 0 | 1 | 2 | 3) : 1;
  }
  return io.stderr.isTTY && env.TERM !== 'dumb' ? 1 : 0;
}

/** Paints a piece of a message; the identity when there is no colour. */
export interface Painter {
  error(s: string): string;
  warning(s: string): string;
  prog(s: string): string;
}

const PLAIN: Painter = { error: (s) => s, warning: (s) => s, prog: (s) => s };

/**
 * chalk at the level `colourLevel` gives, or no painter at all without colour. Why the
 * dynamic import: loading chalk costs 21-30 ms here (a quarter of Node's start-up), which a
 * run into a pipe or a file should not pay.
 */
export async function loadPainter(io: IO): Promise<Painter> {
  const level = colourLevel(io);
  if (level === 0) return PLAIN;
  const { Chalk } = await import('chalk');
  const c = new Chalk({ level });
  return { error: (s) => c.red(s), warning: (s) => c.yellow(s), prog: (s) => c.bold(s) };
}

/**
 * Writes diagnostics to stderr, coloured by the painter (none by default; runMain loads
 * chalk when stderr wants colour). `quiet` silences warnings and notes, never errors.
 */
export class Messages {
  /** Set by a tool's -q/--quiet: no warnings, no notes. */
  quiet = false;
  constructor(
    readonly prog: string,
    private readonly io: IO,
    private readonly paint: Painter = PLAIN,
  ) {}
  error(message: string, where?: string): void {
    const loc = where ? `${where}: ` : '';
    this.io.stderr.write(`${this.paint.prog(`${this.prog}:`)} ${loc}${this.paint.error(message)}\n`);
  }
  warn(message: string): void {
    if (this.quiet) return;
    this.io.stderr.write(`${this.paint.prog(`${this.prog}:`)} ${this.paint.warning('warning:')} ${message}\n`);
  }
  info(message: string): void {
    if (this.quiet) return;
    this.io.stderr.write(`${this.paint.prog(`${this.prog}:`)} ${message}\n`);
  }
}

/**
 * Counts warnings by kind, so that each kind is printed once, with a count and the first
 * place it happened.
 */
export class WarningTally {
  private kinds = new Map<string, { count: number; first: string }>();
  add(kind: string, where: string, n = 1): void {
    const k = this.kinds.get(kind);
    if (k) k.count += n;
    else this.kinds.set(kind, { count: n, first: where });
  }
  get size(): number {
    return this.kinds.size;
  }
  /** e.g. `ignored 3 malformed lines (first at stdin:1207)` */
  flush(msgs: Messages, describe: (kind: string, count: number) => string): void {
    for (const [kind, { count, first }] of this.kinds) {
      msgs.warn(`${describe(kind, count)} (first at ${first})`);
    }
    this.kinds.clear();
  }
}

/** A name from the input (an event, say) for a message: quoted if it holds control or high bytes. */
export function showName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f-\xff]/.test(name) ? quoteInput(name) : name;
}

/** Quotes a piece of input for a message: at most 60 characters, control bytes escaped. */
export function quoteInput(text: string): string {
  let s = text.length > 60 ? text.slice(0, 60) : text;
  // eslint-disable-next-line no-control-regex
  s = s.replace(/[\x00-\x1f\x7f-\xff"\\]/g, (c) => {
    if (c === '"' || c === '\\') return '\\' + c;
    if (c === '\t') return '\\t';
    return '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
  });
  if (s.length > 80) s = s.slice(0, 77).replace(/\\x?[0-9a-f]?$/, '');
  return text.length > 60 || s.length > 77 ? `"${s}..."` : `"${s}"`;
}
