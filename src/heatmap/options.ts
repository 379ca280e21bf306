// heatmap-svg's options: its flags as commander parses them, one table of their defaults
// (which --help reads: src/heatmap/cli.ts passes them to commander), and toOptions, which
// turns the flags into typed options: HeatmapOptions for the core (heatmap.ts), and what the
// renderer and the printed reproduce command need. As flamegraph-svg (options.ts) and
// stackcollapse (collapse/cli.ts, toOptions) do; the frame naming and event filter flags are
// the shared groups of runtime/flag-groups.ts.
import { parseSeconds } from '../parse/perf-script.js';
import { UsageError } from '../runtime/errors.js';
import { parseNumberOption } from '../runtime/program.js';
import { toEventFilter, toFrameNaming, type EventFilterFlags, type FrameNaming, type FrameNamingFlags } from '../runtime/flag-groups.js';
import type { StackFilter } from './filter.js';
import type { HeatmapOptions } from './heatmap.js';
import { LATENCY_DEFAULTS, type LatencyOptions } from './latency.js';

export type OutputFormat = 'svg' | 'tsv';
export type CellDrawing = 'auto' | 'rect' | 'png';
export type InputKind = 'auto' | 'perf' | 'columns';
/** The idle samples left out: by the default pattern, by a regex, or none (null). */
export type IdleFilter = 'flamescope' | RegExp | null;

/** heatmap-svg's flags as commander parses them (strings until toOptions checks them). */
export interface HeatmapFlags extends FrameNamingFlags, EventFilterFlags {
  rows: string;
  format: OutputFormat;
  idleRegex?: string;
  /** false with --no-idle-filter. */
  idleFilter: boolean;
  match?: string;
  exclude?: string;
  title?: string;
  subtitle?: string;
  width: string;
  enhanced?: boolean;
  /** false with --no-stacks. */
  stacks: boolean;
  maxEmbed: string;
  maxColumns?: string;
  fonttype: string;
  cells: CellDrawing;
  input: InputKind;
  unitstime: LatencyOptions['unitstime'];
  unitslabel: string;
  minlat: string;
  maxlat?: string;
  steplat?: string;
  stepsec: string;
  maxcol?: string;
  boxsize: string;
  fontsize: string;
  grid?: boolean;
  accstats?: boolean;
  select?: string;
  baseline?: string;
  quiet?: boolean;
}

/**
 * Cells the main view draws as rectangles at most (measured, see README, "heatmap-svg" under
 * "Speed"): the default of --max-columns is this over the rows.
 */
export const MAX_RECTS = 36000;

/** The defaults of heatmap-svg's flags; --help shows these. */
export const HEATMAP_DEFAULTS = {
  rows: 50,
  format: 'svg' as OutputFormat,
  title: 'Heat Map',
  width: 1200,
  /** MB of stack data. */
  maxEmbed: 64,
  fonttype: 'Verdana',
  cells: 'auto' as CellDrawing,
  input: 'auto' as InputKind,
  // Two-column input, as trace2heatmap.pl.
  unitstime: LATENCY_DEFAULTS.unitstime,
  unitslabel: LATENCY_DEFAULTS.unitslabel,
  minlat: LATENCY_DEFAULTS.minlat,
  stepsec: LATENCY_DEFAULTS.stepsec,
  boxsize: LATENCY_DEFAULTS.boxsize,
  fontsize: LATENCY_DEFAULTS.fontsize,
} as const;

/** A time as range-perf --timezerosecs counts it: whole seconds and nanoseconds. */
export interface Seconds {
  sec: number;
  ns: number;
}

/** START,END of --select or --baseline. */
export interface TimeRange {
  start: Seconds;
  end: Seconds;
}

/** What heatmap-svg runs with, checked and typed. */
export interface HeatmapCliOptions {
  /** Offset buckets per second, or 'auto'. Default 50. */
  rows: number | 'auto';
  /** Default 'svg'. */
  format: OutputFormat;
  /** The SVG embeds stacks: not for tsv, nor with --no-stacks. Default true. */
  wantStacks: boolean;
  /** The flame graph's width in px. Default 1200. */
  width: number;
  /** Most stack data embedded, in MB. Default 64. */
  maxEmbed: number;
  /** Most columns of the main view; null: MAX_RECTS / rows. Default null. */
  maxColumns: number | null;
  /** The idle samples left out: the default pattern, a --idle-regex, or none (null). Default 'flamescope'. */
  idle: IdleFilter;
  /** --select and --baseline. Default null. */
  select: TimeRange | null;
  baseline: TimeRange | null;
  /** --match and --exclude. Default null each. */
  filter: StackFilter;
  /** Root frame naming and frame annotations (the printed stackcollapse command repeats them). */
  naming: FrameNaming;
  /** The core's options. */
  heatmap: HeatmapOptions;
}

/** The flags as typed options; throws UsageError for a bad value, naming the flag. */
export function toOptions(o: HeatmapFlags): HeatmapCliOptions {
  let rows: number | 'auto';
  if (o.rows === 'auto') rows = 'auto';
  else rows = parseNumberOption('--rows', o.rows, { integer: true, min: 1, max: 10000 });
  const width = parseNumberOption('--width', o.width, { integer: true, min: 200, max: 100000 });
  const maxEmbed = parseNumberOption('--max-embed', o.maxEmbed, { min: 0 });
  const maxColumns = o.maxColumns === undefined ? null : parseNumberOption('--max-columns', o.maxColumns, { integer: true, min: 10 });
  let idle: IdleFilter = 'flamescope';
  if (o.idleFilter === false) idle = null;
  else if (o.idleRegex !== undefined) {
    try {
      idle = new RegExp(o.idleRegex);
    } catch (e) {
      throw new UsageError(`bad --idle-regex: ${(e as Error).message}`);
    }
  }
  const select = parseRange('--select', o.select);
  const baseline = parseRange('--baseline', o.baseline);
  const filter: StackFilter = { match: stackRegex('--match', o.match), exclude: stackRegex('--exclude', o.exclude) };
  const filtering = filter.match !== null || filter.exclude !== null;
  const wantStacks = o.format !== 'tsv' && o.stacks !== false;
  const naming = toFrameNaming(o);
  return {
    rows,
    format: o.format,
    wantStacks,
    width,
    maxEmbed,
    maxColumns,
    idle,
    select,
    baseline,
    filter,
    naming,
    heatmap: {
      rows,
      eventFilter: toEventFilter(o),
      idle,
      // --match and --exclude test stacks: built even for tsv or --no-stacks, then dropped.
      stacks: wantStacks || filtering,
      ...naming,
    },
  };
}

/** trace2heatmap.pl's options, for two-column input (checked only when the input is two columns). */
export function toLatencyOptions(o: HeatmapFlags, rows: number | 'auto'): LatencyOptions {
  const num = (name: string, v: string | boolean | undefined, integer = true) => (typeof v === 'string' ? parseNumberOption(name, v, { integer }) : null);
  return {
    ...LATENCY_DEFAULTS,
    unitstime: o.unitstime,
    unitslabel: String(o.unitslabel ?? ''),
    rows: rows === 'auto' ? LATENCY_DEFAULTS.rows : rows,
    steplat: num('--steplat', o.steplat),
    minlat: num('--minlat', o.minlat) ?? LATENCY_DEFAULTS.minlat,
    maxlat: num('--maxlat', o.maxlat),
    stepsec: num('--stepsec', o.stepsec, false) ?? LATENCY_DEFAULTS.stepsec,
    maxcol: num('--maxcol', o.maxcol),
    title: typeof o.title === 'string' ? o.title : LATENCY_DEFAULTS.title,
    boxsize: num('--boxsize', o.boxsize) ?? LATENCY_DEFAULTS.boxsize,
    fontsize: num('--fontsize', o.fontsize) ?? LATENCY_DEFAULTS.fontsize,
    fonttype: String(o.fonttype ?? LATENCY_DEFAULTS.fonttype),
    grid: Boolean(o.grid),
    accstats: Boolean(o.accstats),
  };
}

/** --select and --baseline: START,END as range-perf --timezerosecs counts them; null when not given. */
function parseRange(flag: string, v: unknown): TimeRange | null {
  if (v === undefined) return null;
  const [a, b, extra] = String(v).split(',');
  const start = a === undefined ? null : parseSeconds(a);
  const end = b === undefined ? null : parseSeconds(b);
  if (extra !== undefined || !start || !end || start.sec < 0 || end.sec < 0 || start.sec > end.sec || (start.sec === end.sec && start.ns > end.ns)) {
    throw new UsageError(`bad ${flag} ${JSON.stringify(v)}: give START,END in seconds after the first sample's whole second, START <= END (e.g. ${flag} 12.5,14)`);
  }
  return { start, end };
}

/** A --match/--exclude regex, or null when not given. */
function stackRegex(flag: string, v: string | undefined): RegExp | null {
  if (v === undefined) return null;
  try {
    return new RegExp(v);
  } catch (e) {
    throw new UsageError(`bad ${flag}: ${(e as Error).message}`);
  }
}
