// Lays out a merged frame tree and writes the SVG, following flamegraph.pl (FlameGraph
// 41fee1f) for everything a reader can see: geometry, tooltip titles, labels and colours.
//
//   x1 = 10 + start * (width - 20) / total       rect x, width: %.1f; width from the
//   x2 = 10 + end   * (width - 20) / total         formatted x1 and x2
//   y1 = height - ypad2 - (depth + 1) * frameheight + 1     (inverted: ypad1 + depth * fh)
//   title "name (1,234 samples, 5.67%)", root "all (N samples, 100%)",
//         differential "name (N samples, P%; +D%)"
//   label: int((x2 - x1) / (fontsize * fontwidth)) characters, ".." when cut, none under 3
//
// Deliberate differences (README, "Differences from FlameGraph"): one box per function at each position
// (flamegraph.pl's whole-line sort can split one into two), frames in a fixed order
// (depth-first) so the bytes never change, every text escaped, per-file ids and scoped
// CSS/JS, and a smaller markup per frame.
import { createHash } from 'node:crypto';
import {
  codePointLength,
  cssFontFamily,
  decodeUtf8Bytes,
  escapeXml,
  escapeXmlAscii,
  formatFixed,
  formatPerlNumber,
  formatScaled,
  groupThousands,
  jsonForScript,
  roundScaled,
  scriptCdata,
  truncateLabel,
} from '../svg.js';
import { backgroundStops, deltaColor, Drand48, frameColor, type ColorMode } from './colors.js';
import type { FrameTree } from './merge.js';
import type { FlamegraphOptions } from './options.js';
import { viewerBundle } from './bundle.js';
import { grownTo } from '../typed-arrays.js';

const XPAD = 10;
const FRAMEPAD = 1;
const ANNOTATION = /_\[[kwij]\]$/;
/**
 * Frames per piece of markup: ~40 KB, which V8 keeps in its young generation. Pieces of
 * 2,000 frames (~400 KB) went to its large-object space, fresh pages for every piece.
 */
const FRAMES_PER_PIECE = 200;

export interface RenderInput {
  tree: FrameTree;
  /** Sum of all width counts. */
  time: number;
  /** Colour frames by self delta (self - before). */
  differential: boolean;
  /** max(1, largest |self delta|). */
  maxDelta: number;
}

export interface RenderResult {
  /** The SVG, in pieces of a few hundred KiB, so a big graph never becomes one string. */
  chunks: () => Generator<string>;
  /** Frames drawn. */
  frames: number;
  /** Frames left out for being narrower than --minwidth. */
  pruned: number;
  warnings: string[];
}

interface NameInfo {
  /** Escaped name for the title, annotation removed. */
  title: string;
  /** Decoded name for labels, annotation removed (escaped after truncation). */
  label: string;
  /** Code points in the label (what truncation counts). */
  labelLength: number;
  /** Decoded name as in the input (colour and palette.map key). */
  text: string;
  /** Fill of every frame of the name, when it depends on the name only. */
  colour: string | null;
}

/**
 * Children in flamegraph.pl's order. It sorts whole lines, byte-wise: a leaf line goes on
 * "name count" and a parent's lines go on "name;child", so the sorting key of a frame is
 * its name plus ';' (it has children) or ' ' (it has none).
 */
function sortedKids(t: FrameTree, node: number): number[] {
  const kids = t.kidsOf(node);
  if (kids.length < 2) return kids;
  // Compared without making the keys: siblings' names differ, so two keys differ within
  // the shorter name, or one name is a prefix of the other and its ';' or ' ' meets the
  // longer name's next char (the key that ends there sorts first on a tie).
  const firstKid = t.firstKid;
  const before = (a: number, b: number): number => {
    const na = t.name(a);
    const nb = t.name(b);
    if (na === nb) return (firstKid[a] !== 0 ? 59 : 32) - (firstKid[b] !== 0 ? 59 : 32);
    if (na.length < nb.length && nb.startsWith(na)) return (firstKid[a] !== 0 ? 59 : 32) <= nb.charCodeAt(na.length) ? -1 : 1;
    if (nb.length < na.length && na.startsWith(nb)) return (firstKid[b] !== 0 ? 59 : 32) <= na.charCodeAt(nb.length) ? 1 : -1;
    return na < nb ? -1 : na > nb ? 1 : 0;
  };
  return kids.sort(before);
}

/** CSS with non-ASCII characters as CSS hex escapes. */
function asciiCss(s: string): string {
  return s.replace(/[^\x00-\x7f]/gu, (c) => `\\${c.codePointAt(0)!.toString(16)} `);
}

function attrList(attrs: Record<string, string> | undefined, esc: (s: string) => string): string {
  if (!attrs) return '';
  let s = '';
  for (const [k, v] of Object.entries(attrs)) s += ` ${k}="${esc(v)}"`;
  return s;
}

export function titleText(o: FlamegraphOptions): string {
  if (o.title !== '') return o.title;
  if (o.flamechart) return 'Flame Chart';
  return o.inverted ? 'Icicle Graph' : 'Flame Graph';
}

function subtitleText(o: FlamegraphOptions): string {
  if (o.subtitle !== '' || !o.diffLabels) return o.subtitle;
  const [grew, shrank] = o.negate ? ['blue', 'red'] : ['red', 'blue'];
  return `before: ${o.diffLabels.before}, after: ${o.diffLabels.after}; widths are after, ${grew} grew, ${shrank} shrank`;
}

/** The fixed greys flamegraph.pl gives the separator frames `--` and `-`, else null. */
function separatorColour(text: string): string | null {
  return text === '--' ? 'rgb(160,160,160)' : text === '-' ? 'rgb(200,200,200)' : null;
}

/** The error document flamegraph.pl writes for empty input, with flamekit's name. */
export function renderErrorSvg(o: FlamegraphOptions, message: string): string {
  const esc = o.encoding ? escapeXmlAscii : escapeXml;
  const h = o.fontSize * 5;
  const enc = o.encoding ? ` encoding="${esc(o.encoding)}"` : '';
  return (
    `<?xml version="1.0"${enc} standalone="no"?>\n` +
    `<svg version="1.1" width="${o.width}" height="${formatPerlNumber(h)}" viewBox="0 0 ${o.width} ${formatPerlNumber(h)}" xmlns="http://www.w3.org/2000/svg">\n` +
    `<text x="${formatFixed(Math.trunc(o.width / 2), 2)}" y="${formatPerlNumber(o.fontSize * 2)}" text-anchor="middle" ` +
    `font-family="${esc(cssFontFamily(o.fontType))}" font-size="${formatPerlNumber(o.fontSize)}">${esc(message)}</text>\n` +
    `</svg>\n`
  );
}

export function renderFlamegraph(input: RenderInput, o: FlamegraphOptions): RenderResult {
  const warnings: string[] = [];
  const esc = o.encoding ? escapeXmlAscii : escapeXml;
  const { tree: t, time } = input;
  const tTotal = t.total;
  const tSelf = t.self;
  const tBefore = t.before;

  let timeMax = time;
  if (o.total !== undefined && o.total > 0) {
    if (o.total < time) {
      if (o.total / time > 0.02) warnings.push(`specified --total ${o.total} is less than the actual total ${time}, so it is ignored`);
    } else {
      timeMax = o.total;
    }
  }
  const fullWidth = o.width - 2 * XPAD;
  const wpt = fullWidth / timeMax;
  let minTime = o.minWidthPercent ? (timeMax * o.minWidth) / 100 : o.minWidth / wpt;

  // Frame budget: a browser spends ~50 us per frame building and laying out the SVG, and
  // in a big profile the frames past the budget are fractions of a pixel wide. So when more
  // than maxFrames frames pass --minwidth, only the maxFrames widest are drawn. Frames as
  // wide as the narrowest one kept (ties: a 10,000-deep stack has 10,000 frames of one
  // width) are kept shallowest first, so the cut falls on the tips of the deepest stacks
  // and never on a frame whose parent is left out: a parent is never narrower than its
  // child, and is shallower.
  let cutWidth = -1;
  let tiedKept: Uint8Array | null = null;
  // (A tree of no more nodes than the budget cannot go over it: no need to look.)
  if (o.maxFrames > 0 && t.size > o.maxFrames) {
    const widths: number[] = [];
    const stack = [0];
    while (stack.length > 0) {
      const nd = stack.pop()!;
      if (tTotal[nd] < minTime) continue;
      widths.push(tTotal[nd]);
      for (let k = t.firstKid[nd]; k !== 0; k = t.nextSib[k]) stack.push(k);
    }
    if (widths.length > o.maxFrames) {
      const all = widths.length;
      widths.sort((x, y) => y - x);
      cutWidth = widths[o.maxFrames - 1];
      let wider = 0;
      while (widths[wider] > cutWidth) wider++;
      // The frames of the cut width, by depth then in tree order; the first `room` stay.
      const tied: number[] = [];
      const tiedDepth: number[] = [];
      const nodesD: number[] = [0];
      const depthsD: number[] = [0];
      while (nodesD.length > 0) {
        const nd = nodesD.pop()!;
        const d = depthsD.pop()!;
        if (tTotal[nd] < cutWidth) continue;
        if (tTotal[nd] === cutWidth) {
          tied.push(nd);
          tiedDepth.push(d);
        }
        for (let k = t.firstKid[nd]; k !== 0; k = t.nextSib[k]) {
          nodesD.push(k);
          depthsD.push(d + 1);
        }
      }
      const idx = tied.map((_, i) => i);
      idx.sort((a, b) => tiedDepth[a] - tiedDepth[b] || a - b);
      tiedKept = new Uint8Array(t.size);
      const room = o.maxFrames - wider;
      for (let i = 0; i < room; i++) tiedKept[tied[idx[i]]] = 1;
      const px = (cutWidth * wpt).toPrecision(2);
      warnings.push(
        `drew the ${o.maxFrames.toLocaleString('en-US')} widest of ${all.toLocaleString('en-US')} frames ` +
          `(the rest are at most ${px} px wide); --max-frames 0 draws them all`,
      );
    }
  }
  /** Whether the frame budget leaves a frame (that passed --minwidth) out. */
  const overBudget = (nd: number): boolean => tiedKept !== null && (tTotal[nd] < cutWidth || (tTotal[nd] === cutWidth && tiedKept[nd] === 0));

  // Pass 1: which frames are drawn, in depth-first order, with their start and depth.
  // A pruned frame still takes its place: its siblings after it start further right.
  // In typed arrays (no frame is drawn or stacked twice, so the tree's size bounds both),
  // which the garbage collector does not trace, grown by doubling from a few thousand.
  const initial = Math.min(t.size, 1 << 12);
  let nodes = new Int32Array(initial);
  let starts = new Float64Array(initial);
  let depths = new Int32Array(initial);
  let drawn = 0;
  let pruned = 0;
  let depthMax = 0;
  {
    let stackN = new Int32Array(initial);
    let stackS = new Float64Array(initial);
    let stackD = new Int32Array(initial);
    let top = 1; // the root, at 0, depth 0
    while (top > 0) {
      top--;
      const nd = stackN[top];
      const s = stackS[top];
      const d = stackD[top];
      if (tTotal[nd] < minTime || overBudget(nd)) {
        pruned++;
        continue;
      }
      if (drawn === nodes.length) {
        const n = Math.min(t.size, 2 * drawn);
        [nodes, starts, depths] = [grownTo(nodes, n), grownTo(starts, n), grownTo(depths, n)];
      }
      nodes[drawn] = nd;
      starts[drawn] = s;
      depths[drawn] = d;
      drawn++;
      if (d > depthMax) depthMax = d;
      if (t.firstKid[nd] === 0) continue;
      const more = top + t.kidCount[nd];
      if (more > stackN.length) {
        const n = Math.min(t.size, Math.max(more, 2 * stackN.length));
        [stackN, stackS, stackD] = [grownTo(stackN, n), grownTo(stackS, n), grownTo(stackD, n)];
      }
      if (o.flamechart) {
        const kids = t.kidsOf(nd);
        for (let i = kids.length - 1; i >= 0; i--) {
          stackN[top] = kids[i];
          stackS[top] = t.start![kids[i]];
          stackD[top] = d + 1;
          top++;
        }
      } else if (t.kidCount[nd] === 1) {
        // One child (most frames of deep stacks): nothing to sort.
        stackN[top] = t.firstKid[nd];
        stackS[top] = s + tSelf[nd];
        stackD[top] = d + 1;
        top++;
      } else {
        const kids = sortedKids(t, nd);
        // Stacked last first, so the first is drawn first: each starts after the parent's
        // self count and the widths of the children before it (summed in that order).
        const n = kids.length;
        let cursor = s + tSelf[nd];
        for (let i = 0; i < n; i++) {
          const at = top + n - 1 - i;
          stackN[at] = kids[i];
          stackS[at] = cursor;
          stackD[at] = d + 1;
          cursor += tTotal[kids[i]];
        }
        top += n;
      }
    }
  }

  // Vertical layout.
  const fs = o.fontSize;
  const fh = o.frameHeight;
  const subtitle = subtitleText(o);
  const ypad1 = fs * 3;
  const ypad2 = fs * 2 + 10;
  const ypad3 = subtitle !== '' ? fs * 2 : 0;
  const height = (depthMax + 1) * fh + ypad1 + ypad2 + ypad3;
  const H = formatPerlNumber(height);
  const charWidth = fs * o.fontWidth;

  // Per-name work (decoding, escaping, colour, label length) is done once per distinct
  // name, found by its id.
  const infos: (NameInfo | undefined)[] = new Array(t.names.length);
  const mode: ColorMode =
    o.colorMode === 'hash' ? { kind: 'hash' } : o.colorMode === 'random' ? { kind: 'random', rng: new Drand48(o.seed) } : { kind: 'name' };
  const fixedColours = mode.kind !== 'random' && !o.paletteMap && !input.differential;
  const infoOf = (nameId: number): NameInfo => {
    let info = infos[nameId];
    if (info === undefined) {
      const text = decodeUtf8Bytes(t.names[nameId]);
      const bare = text.replace(ANNOTATION, '');
      info = { title: esc(bare), label: bare, labelLength: codePointLength(bare), text, colour: null };
      if (fixedColours) info.colour = separatorColour(text) ?? frameColor(o.palette, mode, text);
      infos[nameId] = info;
    }
    return info;
  };
  const colourOf = (info: NameInfo, nd: number): string => {
    if (info.colour !== null) return info.colour;
    const separator = separatorColour(info.text);
    if (separator !== null) return separator;
    if (input.differential) return deltaColor(tSelf[nd] - (tBefore ? tBefore[nd] : 0), input.maxDelta, o.negate);
    if (o.paletteMap) {
      const c = o.paletteMap.get(info.text);
      if (c !== undefined) return esc(c); // palette.map is a user file: escape its colours
      const made = frameColor(o.palette, mode, info.text);
      o.paletteMap.set(info.text, made);
      return made;
    }
    return frameColor(o.palette, mode, info.text);
  };

  const countName = esc(o.countName);
  // The markup between a rect's x and its width, and between a label's x and its text, at
  // each depth: `" y="Y" width="` and `" y="Y">`.
  const rectY: string[] = new Array(depthMax + 1);
  const textY: string[] = new Array(depthMax + 1);
  for (let depth = 0; depth <= depthMax; depth++) {
    let y1: number, y2: number;
    if (o.inverted) {
      y1 = ypad1 + ypad3 + depth * fh;
      y2 = ypad1 + ypad3 + (depth + 1) * fh - FRAMEPAD;
    } else {
      y1 = height - ypad2 - (depth + 1) * fh + FRAMEPAD;
      y2 = height - ypad2 - depth * fh;
    }
    rectY[depth] = `" y="${formatPerlNumber(y1)}" width="`;
    textY[depth] = `" y="${formatPerlNumber(3 + (y1 + y2) / 2)}">`;
  }
  const rectHeightFill = `" height="${formatFixed(fh - FRAMEPAD, 1)}" fill="`;
  const scale = timeMax * o.factor;
  // Titles end in "(N samples, P%)", which depends on the width only: most widths repeat.
  const suffixes = new Map<number, string>();
  const suffixOf = (width: number): string => {
    let sfx = suffixes.get(width);
    if (sfx === undefined) {
      const samples = formatFixed(width * o.factor, 0);
      const pct = formatFixed((100 * Number(samples)) / scale, 2);
      sfx = `${groupThousands(samples)} ${countName}, ${pct}%`;
      suffixes.set(width, sfx);
    }
    return sfx;
  };
  // Rect x and width, in tenths of a pixel, repeat too (a frame's x is often its parent's,
  // its end its sibling's x): each string is made once.
  const tenthsCache: (string | undefined)[] = new Array(Math.min(o.width * 10 + 1, 1 << 16));
  const tenths = (n: number): string => {
    if (n >= tenthsCache.length) return formatScaled(n, 1);
    let str = tenthsCache[n];
    if (str === undefined) tenthsCache[n] = str = formatScaled(n, 1);
    return str;
  };

  // Viewer data (depth, gap from where the frame would start, width; all in samples) and
  // the per-file prefix, a hash of what is drawn, are known before any markup is written.
  const data = new Float64Array(3 * drawn);
  const next: number[] = [0];
  const hash = createHash('sha1');
  for (let j = 0; j < drawn; j++) {
    const depth = depths[j];
    const start = starts[j];
    const width = tTotal[nodes[j]];
    const gap = start - (next[depth] ?? 0);
    next[depth] = start + width;
    next[depth + 1] = start;
    data[3 * j] = depth;
    data[3 * j + 1] = gap;
    data[3 * j + 2] = width;
  }
  const config = {
    width: o.width,
    xpad: XPAD,
    fontSize: fs,
    fontWidth: o.fontWidth,
    frameHeight: fh,
    nameType: o.nameType,
    left: o.truncateLeft,
    timeMax,
    data: data.join(','),
  };
  hash.update(config.data);
  // The names drawn, one a line (no line break after the last): hashed a few hundred at a
  // time, which gives the digest of the whole text without making it (~170 KB on a
  // one-second window, a string of its own pages each run).
  const names: string[] = [];
  for (let j = 0; j < drawn; j += FRAMES_PER_PIECE) {
    const end = Math.min(drawn, j + FRAMES_PER_PIECE);
    names.length = 0;
    for (let i = j; i < end; i++) names.push(t.name(nodes[i]));
    if (j > 0) hash.update('\n');
    hash.update(names.join('\n'));
  }
  // Not the --cp palette map (it grows as a run adds names, and colours do not touch ids or
  // CSS), nor whether the script is embedded (the ids and CSS are the same without it).
  hash.update(JSON.stringify([{ ...o, paletteMap: undefined, script: undefined }, subtitle, input.differential, input.maxDelta], (_k, v) => (v instanceof Map ? [...v] : v)));
  const prefix = 'fg' + hash.digest('hex').slice(0, 8);

  // The markup of each frame goes into `parts` as the pieces it is made of, joined once per
  // piece of output: no string is built per frame (a cold run's young-generation garbage).
  function* frames(): Generator<string> {
    // One array for every piece, written by index and cut to length before the join: a
    // growing array of each piece's ~3,000 strings cost twice that in copies.
    const parts: string[] = [];
    let n = 0;
    let inPiece = 0;
    // What every frame reads, read once (cold code pays for each property load).
    const nameIds = t.nameId;
    const nameAttributes = o.nameAttributes;
    const differential = input.differential;
    for (let j = 0; j < drawn; j++) {
      const nd = nodes[j];
      const depth = depths[j];
      const start = starts[j];
      const width = tTotal[nd];
      const info = infos[nameIds[nd]] ?? infoOf(nameIds[nd]);

      // Geometry, formatted as flamegraph.pl's SVG package does: x and x2 to %.1f, the
      // width as the difference of those two numbers, again to %.1f.
      const x1 = XPAD + start * wpt;
      const x2 = XPAD + (start + width) * wpt;
      const n1 = roundScaled(x1, 1);
      const n2 = roundScaled(x2, 1);
      let x1s: string, ws: string;
      if (n1 === n1 && n2 === n2) {
        x1s = tenths(n1);
        ws = tenths(n2 - n1);
      } else {
        x1s = formatFixed(x1, 1);
        ws = formatFixed(Number(formatFixed(x2, 1)) - Number(x1s), 1);
      }

      const attrs = nameAttributes?.get(info.text);
      let open = '<g>';
      let close = '</g>\n';
      if (attrs) {
        const g = (attrs.id !== undefined ? ` id="${esc(attrs.id)}"` : '') + (attrs.class !== undefined ? ` class="${esc(attrs.class)}"` : '');
        if (attrs.href !== undefined) {
          open = `<a xlink:href="${esc(attrs.href)}" target="${esc(attrs.target ?? '_top')}"${attrList(attrs.aExtra, esc)}${g}${attrList(attrs.gExtra, esc)}>`;
          close = '</a>\n';
        } else {
          open = `<g${g}${attrList(attrs.gExtra, esc)}>`;
        }
      }

      // Tooltip.
      parts[n++] = open;
      if (attrs?.title !== undefined) {
        parts[n++] = '<title>';
        parts[n++] = esc(attrs.title);
      } else if (nd === 0) {
        parts[n++] = '<title>all (';
        parts[n++] = groupThousands(formatFixed(width * o.factor, 0));
        parts[n++] = ' ';
        parts[n++] = countName;
        parts[n++] = ', 100%)';
      } else {
        parts[n++] = '<title>';
        parts[n++] = info.title;
        parts[n++] = ' (';
        parts[n++] = suffixOf(width);
        if (differential) {
          const b = tBefore ? tBefore[nd] : 0;
          const dl = o.negate ? b - tSelf[nd] : tSelf[nd] - b;
          parts[n++] = dl > 0 ? '; +' : '; ';
          parts[n++] = formatFixed((100 * dl) / scale, 2);
          parts[n++] = '%)';
        } else {
          parts[n++] = ')';
        }
      }
      parts[n++] = '</title><rect x="';
      parts[n++] = x1s;
      parts[n++] = rectY[depth];
      parts[n++] = ws;
      parts[n++] = rectHeightFill;
      parts[n++] = colourOf(info, nd);
      parts[n++] = '"/>';

      // Label: the escaped title when the whole name fits.
      const chars = Math.trunc((x2 - x1) / charWidth);
      if (chars >= 3 && nd !== 0 && info.label !== '') {
        const n3 = roundScaled(x1 + 3, 2);
        const label = info.labelLength <= chars ? info.title : esc(truncateLabel(info.label, chars, o.truncateLeft));
        parts[n++] = '<text x="';
        parts[n++] = n3 === n3 ? formatScaled(n3, 2) : formatFixed(x1 + 3, 2);
        parts[n++] = textY[depth];
        parts[n++] = label;
        parts[n++] = '</text>';
      }
      parts[n++] = close;
      if (++inPiece >= FRAMES_PER_PIECE) {
        parts.length = n;
        yield parts.join('');
        n = 0;
        inPiece = 0;
      }
    }
    parts.length = n;
    if (inPiece > 0) yield parts.join('');
  }

  const [bg1, bg2] = backgroundStops(o.bgColors, o.palette);
  const P = `.${prefix}`;
  const css =
    `${P} text{font-family:${o.encoding ? asciiCss(cssFontFamily(o.fontType)) : cssFontFamily(o.fontType)};font-size:${formatPerlNumber(fs)}px;fill:rgb(0,0,0)}` +
    `${P} .fg-title{text-anchor:middle;font-size:${formatPerlNumber(fs + 5)}px}` +
    `${P} .fg-subtitle{text-anchor:middle}` +
    `${P} .fg-search,${P} .fg-ic{opacity:0.1;cursor:pointer}` +
    `${P} .fg-search:hover,${P} .fg-search.fg-show,${P} .fg-ic:hover,${P} .fg-ic.fg-show{opacity:1}` +
    `${P} .fg-unzoom{cursor:pointer}` +
    `${P} .fg-frames>*{cursor:pointer}` +
    `${P} .fg-frames rect{rx:2px;ry:2px}` +
    `${P} .fg-frames>*:hover>rect{stroke:black;stroke-width:0.5}` +
    `${P} .fg-frames>.fg-m>rect{fill:${o.searchColor}}` +
    `${P} .fg-frames>.fg-cur>rect{stroke:black;stroke-width:1.5}` +
    `${P} .fg-hide{display:none}` +
    `${P} .fg-parent{opacity:0.5}`;

  const W = o.width;
  const enc = o.encoding ? ` encoding="${esc(o.encoding)}"` : '';
  const head =
    `<?xml version="1.0"${enc} standalone="no"?>\n` +
    `<svg version="1.1" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="${prefix}">\n` +
    `<!-- Flame graph by flamekit flamegraph-svg (after Brendan Gregg's FlameGraph). Click a frame to zoom, Ctrl-F to search. -->\n` +
    (o.notes !== '' ? `<desc>${esc(o.notes)}</desc>\n` : '') +
    `<defs><linearGradient id="${prefix}-bg" y1="0" y2="1" x1="0" x2="0"><stop stop-color="${esc(bg1)}" offset="5%"/><stop stop-color="${esc(bg2)}" offset="95%"/></linearGradient></defs>\n` +
    `<style type="text/css"><![CDATA[${css}]]></style>\n` +
    `<rect x="0" y="0" width="${W}" height="${H}" fill="url(#${prefix}-bg)"/>\n` +
    `<text id="title" class="fg-title" x="${Math.trunc(W / 2)}" y="${formatPerlNumber(fs * 2)}">${esc(titleText(o))}</text>\n` +
    (subtitle !== '' ? `<text id="subtitle" class="fg-subtitle" x="${Math.trunc(W / 2)}" y="${formatPerlNumber(fs * 4)}">${esc(subtitle)}</text>\n` : '') +
    `<text class="fg-details" x="${XPAD}" y="${formatPerlNumber(height - ypad2 / 2)}"> </text>\n` +
    `<text class="fg-unzoom fg-hide" x="${XPAD}" y="${formatPerlNumber(fs * 2)}">Reset Zoom</text>\n` +
    `<text class="fg-search" x="${W - XPAD - 100}" y="${formatPerlNumber(fs * 2)}">Search</text>\n` +
    `<text class="fg-ic" x="${W - XPAD - 16}" y="${formatPerlNumber(fs * 2)}">ic</text>\n` +
    `<text class="fg-matched" x="${W - XPAD - 100}" y="${formatPerlNumber(height - ypad2 / 2)}"> </text>\n` +
    // The viewer's data: numbers and option strings (never a frame name), as an attribute.
    (o.script ? `<g id="frames" class="fg-frames" data-viewer="${esc(jsonForScript(config))}">\n` : `<g id="frames" class="fg-frames">\n`);
  // The script is the viewer bundle as built: nothing from the input or the options.
  const tail =
    `</g>\n<!-- ${drawn} frames drawn; ${pruned} ${tiedKept ? 'narrower than the minimum width or past the frame budget (max-frames)' : 'narrower than the minimum width'} left out, with their children -->\n` +
    (o.script ? `<script type="text/ecmascript">${scriptCdata(viewerBundle('flamegraph'))}</script>\n` : '') +
    `</svg>\n`;
  function* chunks(): Generator<string> {
    yield head;
    yield* frames();
    yield tail;
  }
  return { chunks, frames: drawn, pruned, warnings };
}
