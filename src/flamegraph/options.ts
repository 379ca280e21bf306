// Typed options of the flame graph core, with flamegraph.pl's defaults.
// src/flamegraph/cli.ts maps command-line flags onto these; tests build them directly.
import type { Palette } from './colors.js';

/** Attributes for the frames of one function, from a `--nameattr` file. */
export interface NameAttributes {
  /** Replaces the tooltip text. */
  title?: string;
  id?: string;
  class?: string;
  /** Turns the frame into a link (`<a xlink:href>`). */
  href?: string;
  /** Link target; default `_top`, so a link opens outside an `<object>` embedding. */
  target?: string;
  /** Extra `name="value"` attributes for the `<g>` or the `<a>`. */
  gExtra?: Record<string, string>;
  aExtra?: Record<string, string>;
}

export interface FlamegraphOptions {
  /** Default '' = "Flame Graph", or "Icicle Graph" (--inverted), or "Flame Chart" (--flamechart). */
  title: string;
  /** Default '': none. A subtitle adds fontSize * 2 to the height. */
  subtitle: string;
  /** Image width in px. Default 1200. */
  width: number;
  /** Frame height in px. Default 16. */
  frameHeight: number;
  /** Frames narrower than this are left out. Default 0.1 (px); with `percent`, % of the total. */
  minWidth: number;
  minWidthPercent: boolean;
  /** CSS font family list. Default "Verdana". */
  fontType: string;
  /** Default 12. */
  fontSize: number;
  /** Average character width as a fraction of the font size, for fitting labels. Default 0.59. */
  fontWidth: number;
  /** Default "samples". */
  countName: string;
  /** Prefix of the details line shown on hover. Default "Function:". */
  nameType: string;
  /** Free text stored in the SVG's <desc>. Default ''. */
  notes: string;
  /** Default 'hot'. */
  palette: Palette;
  /** 'yellow' | 'blue' | 'green' | 'grey' | '#rrggbb'; default by palette. */
  bgColors?: string;
  /** 'name' (default: drand48 seeded by the name), 'hash' (--hash) or 'random' (--random). */
  colorMode: 'name' | 'hash' | 'random';
  /** Seed of the --random colour stream. Default 0. */
  seed: number;
  /**
   * --cp: colours by function name (palette.map). Names found here keep their colour; new
   * names are added to the map, which the caller writes back. Default undefined: off.
   */
  paletteMap?: Map<string, string>;
  /** Reverse each stack (leaf first) before merging. Default false. */
  reverse: boolean;
  /** Icicle graph: root at the top. Default false. */
  inverted: boolean;
  /** Keep input order as the x axis; merge only adjacent stacks. Default false. */
  flamechart: boolean;
  /** Swap the differential hues and the sign of the delta. Default false. */
  negate: boolean;
  /** Width total, when larger than the real total (a smaller one is ignored with a warning). Default undefined. */
  total?: number;
  /** Scales the displayed counts. Default 1. */
  factor: number;
  /** Attributes by function name (text), from --nameattr. Default undefined. */
  nameAttributes?: Map<string, NameAttributes>;
  /**
   * Written into the XML declaration. Output is then pure ASCII (other characters become
   * numeric references), so any ASCII-compatible encoding name is truthful. Default undefined.
   */
  encoding?: string;
  /** Fill of frames matched by a search. Default 'rgb(230,0,230)'. */
  searchColor: string;
  /**
   * Draw at most this many frames, the widest (0: no limit, as flamegraph.pl). Frames past
   * the budget are sub-pixel slivers that would cost a browser seconds. Default 10000.
   */
  maxFrames: number;
  /** Truncate labels on the left (`..tail`) instead of the right. Default false. */
  truncateLeft: boolean;
  /**
   * Embed the viewer script (hover, zoom, search). Default true; false (--no-javascript)
   * writes a static SVG, as the golden tests do, so viewer changes leave them alone.
   */
  script: boolean;
  /** Input is two profiles merged by --diff: the legend subtitle names them. Default undefined. */
  diffLabels?: { before: string; after: string };
}

export const DEFAULT_OPTIONS: FlamegraphOptions = {
  title: '',
  subtitle: '',
  width: 1200,
  frameHeight: 16,
  minWidth: 0.1,
  minWidthPercent: false,
  fontType: 'Verdana',
  fontSize: 12,
  fontWidth: 0.59,
  countName: 'samples',
  nameType: 'Function:',
  notes: '',
  palette: 'hot',
  colorMode: 'name',
  seed: 0,
  reverse: false,
  inverted: false,
  flamechart: false,
  negate: false,
  factor: 1,
  searchColor: 'rgb(230,0,230)',
  truncateLeft: false,
  maxFrames: 10000,
  script: true,
};

export function withDefaults(o: Partial<FlamegraphOptions> = {}): FlamegraphOptions {
  return { ...DEFAULT_OPTIONS, ...o };
}
