// The flame graph's layout and colour rules, shared by Node and the browser: flamegraph-svg's
// colours (src/flamegraph/colors.ts) and heatmap-svg's range flame graph import this one
// module, and esbuild bundles it into the viewer (src/flamegraph/viewer/, src/heatmap/viewer/).
// So it uses neither Node APIs nor the DOM.
//
// layoutFlame lays a graph out exactly as flamegraph.pl (FlameGraph 41fee1f, ../shared/reference §3)
// does for the folded lines `range-perf --timezerosecs S E | stackcollapse --weight samples`
// would give for the selected cells:
//   - frames in flamegraph-svg's order: flamegraph.pl's whole-line sort, but one box per
//     function (flamegraph.pl splits `foo` in two given `foo`, `foo2`, `foo;bar`),
//   - flow() merging adjacent equal prefixes, the 0.1 px minimum width,
//   - titles `name (N samples, P%)`, labels cut to int(width / (fontsize * 0.59)) chars,
//   - default (hot) colours: drand48 seeded with the name's code-point sum.
// A test compares it frame for frame with flamegraph-svg and with flamegraph.pl's frames.
//
// Input is a stack tree (node i = frame `frame[i]` under node `parent[i]`, -1 for roots)
// whose names are sorted byte-wise (name id order = byte order), and self counts per node.

/** unpack("%32W*", name): the sum of the code points, modulo 2^32. */
export function sumCodePoints(name: string): number {
  let sum = 0;
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < name.length) {
      const d = name.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
        i++;
      }
    }
    sum += c;
  }
  return sum % 4294967296;
}

/**
 * One drand48 step: x' = (0x5DEECE66D * x + 0xB) mod 2^48, with 0x5DEECE66D split at bit 24
 * so that every product stays below 2^53. Also used by flamegraph-svg's colours
 * (src/flamegraph/colors.ts).
 */
export function drand48Step(x: number): number {
  const T24 = 0x1000000;
  const xHi = Math.floor(x / T24);
  const xLo = x - xHi * T24;
  const mid = (0x5de * xLo + 0xece66d * xHi) % T24;
  return (0xece66d * xLo + mid * T24 + 0xb) % (T24 * T24);
}

/** flamegraph.pl's default hot colour for a name: drand48 seeded with the code-point sum. */
export function flameColor(name: string): string {
  if (name === '--') return 'rgb(160,160,160)';
  if (name === '-') return 'rgb(200,200,200)';
  // perlSeededRand(sumCodePoints(name)) in src/flamegraph/colors.ts.
  const v = drand48Step(sumCodePoints(name) * 0x10000 + 0x330e) / (0x1000000 * 0x1000000);
  return `rgb(${205 + Math.trunc(50 * v)},${Math.trunc(230 * v)},${Math.trunc(55 * v)})`;
}

/** C's printf("%.<d>f"): ties (exact in binary) round to even, unlike toFixed. */
export function printfFixed(x: number, d: number): string {
  const t = Math.abs(x) * 2 ** (d + 1);
  if (Number.isInteger(t) && t % 2 === 1 && t < 2 ** 53) {
    let n = Math.floor(Math.abs(x) * 10 ** d);
    if (n % 2 === 1) n += 1;
    let s = String(n);
    if (d > 0) {
      s = s.padStart(d + 1, '0');
      s = s.slice(0, s.length - d) + '.' + s.slice(s.length - d);
    }
    return (x < 0 ? '-' : '') + s;
  }
  return x.toFixed(d);
}

/** "1315" -> "1,315"; a whole number past 2^53 in digits too (1e+40 -> "10,000,…,752"). */
export function groupDigits(n: number): string {
  const text = Number.isInteger(n) && !Number.isSafeInteger(n) ? BigInt(n).toString() : String(n);
  return text.replace(/\B(?=(\d{3})+$)/g, ',');
}

/** A frame of a laid-out flame graph, in flamegraph.pl's coordinates. */
export interface FlameFrame {
  /** Name id, or -1 for the root ('all'). */
  id: number;
  /** The name as shown: the frame's name without its `_[k]`-style annotation ('' for the root). */
  name: string;
  depth: number;
  start: number;
  end: number;
  x: string;
  y: number;
  width: string;
  title: string;
  label: string;
  fill: string;
  /** A representative stack node (for hot-function totals and zoom); -1 for the root. */
  node: number;
  /** An ancestor of the zoomed frame (drawn full width, dimmed). */
  parent: boolean;
}

export interface FlameLayout {
  frames: FlameFrame[];
  /** Samples laid out (the zoomed frame's when zoomed). */
  total: number;
  height: number;
  depthMax: number;
  /** Frames that passed the minimum width, before the frame budget cut. */
  framesBeforeBudget: number;
}

/** How layoutFlame draws, beyond the width and order. */
export interface LayoutOptions {
  /** Icicle: root at the top. Default false (root at the bottom, as flamegraph.pl). */
  inverted?: boolean;
  /**
   * Lay out only the stacks through this tree node, which then fills the width; its
   * ancestors are drawn full width and marked `parent`. Titles keep their counts and
   * percentages of the whole graph. Default -1: no zoom.
   */
  zoomNode?: number;
}

/**
 * Lays out the flame graph of the stacks with a self count, as flamegraph.pl draws the
 * folded lines of those stacks. `order` 'alpha' sorts lines as flamegraph.pl;
 * 'hot' puts the heaviest sibling first (FlameScope's order).
 */
export function layoutFlame(
  names: string[],
  parent: Int32Array | number[],
  frame: Int32Array | number[],
  self: Map<number, number>,
  width: number,
  order: string,
  maxFrames = 10000,
  lo: LayoutOptions = {},
): FlameLayout {
  const zoomNode = lo.zoomNode ?? -1;
  const fontsize = 12;
  const fontwidth = 0.59;
  const frameheight = 16;
  const xpad = 10;
  // Paths (root first) of the stacks that have samples.
  const leaves: number[] = [];
  const paths = new Map<number, number[]>();
  let total = 0;
  // Whole-graph totals: what titles show, zoomed or not.
  let wholeTotal = 0;
  let zoomDepth = -1;
  const wholeSub = new Map<number, number>();
  if (zoomNode >= 0) {
    zoomDepth = 0;
    for (let k = parent[zoomNode]; k >= 0; k = parent[k]) zoomDepth++;
    zoomDepth++; // frame depth: the root 'all' is depth 0
  }
  for (const [node, n] of self) {
    if (n <= 0) continue;
    wholeTotal += n;
    if (zoomNode >= 0) {
      let under = false;
      for (let k = node; k >= 0; k = parent[k]) {
        wholeSub.set(k, (wholeSub.get(k) ?? 0) + n);
        if (k === zoomNode) under = true;
      }
      if (!under) continue;
    }
    leaves.push(node);
    total += n;
    const p: number[] = [];
    for (let k = node; k >= 0; k = parent[k]) p.push(frame[k]);
    p.reverse();
    paths.set(node, p);
  }
  // Each stack's tree nodes, root first: both orders compare stacks node by node.
  const nodePath = new Map<number, number[]>();
  for (const node of leaves) {
    const p: number[] = [];
    for (let k = node; k >= 0; k = parent[k]) p.push(k);
    p.reverse();
    nodePath.set(node, p);
  }
  if (order === 'hot') {
    // Subtree totals per path prefix decide the order, heaviest first, then by name.
    const sub = new Map<number, number>();
    for (const node of leaves) for (let k = node; k >= 0; k = parent[k]) sub.set(k, (sub.get(k) ?? 0) + self.get(node)!);
    leaves.sort((a, b) => {
      const pa = nodePath.get(a)!;
      const pb = nodePath.get(b)!;
      const n = Math.min(pa.length, pb.length);
      for (let i = 0; i < n; i++) {
        if (pa[i] !== pb[i]) {
          const d = sub.get(pb[i])! - sub.get(pa[i])!;
          return d !== 0 ? d : frame[pa[i]] - frame[pb[i]];
        }
      }
      return pa.length - pb.length;
    });
  } else {
    // flamegraph-svg's order: siblings by name plus ';' (has children) or ' ' (has none),
    // which is where flamegraph.pl's whole-line sort puts them, but with every stack under
    // a frame kept together, so a function is one box (flamegraph.pl can split it in two).
    const internal = new Set<number>();
    for (const node of leaves) for (let k = parent[node]; k >= 0; k = parent[k]) internal.add(k);
    leaves.sort((a, b) => compareStackPaths(names, frame, internal, nodePath.get(a)!, nodePath.get(b)!));
  }
  // flow(): open and close frames as adjacent lines share or leave a prefix.
  type Open = { id: number; start: number; node: number };
  const frames: { id: number; depth: number; start: number; end: number; node: number }[] = [];
  let open: Open[] = [];
  let last: number[] = [];
  let time = 0;
  for (const leaf of leaves) {
    const path = paths.get(leaf)!;
    let same = 0;
    while (same < path.length && same < last.length && path[same] === last[same]) same++;
    for (let i = last.length - 1; i >= same; i--) {
      const o = open[i];
      frames.push({ id: o.id, depth: i + 1, start: o.start, end: time, node: o.node });
    }
    open = open.slice(0, same);
    const nodes: number[] = [];
    for (let k = leaf; k >= 0; k = parent[k]) nodes.push(k);
    nodes.reverse();
    for (let i = same; i < path.length; i++) open.push({ id: path[i], start: time, node: nodes[i] });
    last = path;
    time += self.get(leaf)!;
  }
  for (let i = last.length - 1; i >= 0; i--) {
    const o = open[i];
    frames.push({ id: o.id, depth: i + 1, start: o.start, end: time, node: o.node });
  }
  frames.push({ id: -1, depth: 0, start: 0, end: time, node: -1 });
  const wpt = (width - 2 * xpad) / (total || 1);
  const minTime = 0.1 / wpt;
  let kept = frames.filter((f) => f.end - f.start >= minTime);
  const framesBeforeBudget = kept.length;
  // flamegraph-svg's frame budget (--max-frames, default 10,000): a browser spends ~50 us
  // per frame, and past the budget frames are fractions of a pixel. The widest are kept;
  // frames as wide as the narrowest kept go shallowest first, then leftmost, so a parent is
  // never left out while its child stays.
  if (maxFrames > 0 && kept.length > maxFrames) {
    const widths = kept.map((f) => f.end - f.start).sort((x, y) => y - x);
    const cut = widths[maxFrames - 1];
    let room = maxFrames;
    for (const w of widths) if (w > cut) room--;
    const tied = kept.filter((f) => f.end - f.start === cut).sort((x, y) => x.depth - y.depth || x.start - y.start);
    const keepTied = new Set(tied.slice(0, room));
    kept = kept.filter((f) => f.end - f.start > cut || keepTied.has(f));
  }
  let depthMax = 0;
  for (const f of kept) if (f.depth > depthMax) depthMax = f.depth;
  const ypad1 = fontsize * 3;
  const ypad2 = fontsize * 2 + 10;
  const height = (depthMax + 1) * frameheight + ypad1 + ypad2;
  const out: FlameFrame[] = [];
  for (const f of kept) {
    const name = f.id < 0 ? '' : names[f.id];
    const x1 = xpad + f.start * wpt;
    const x2 = xpad + f.end * wpt;
    const y1 = lo.inverted ? ypad1 + f.depth * frameheight : height - ypad2 - (f.depth + 1) * frameheight + 1;
    const isParent = f.depth < zoomDepth;
    // Zoomed: the zoomed frame and its ancestors show their whole-graph counts.
    const samples = zoomNode >= 0 && f.depth <= zoomDepth ? (f.id < 0 ? wholeTotal : wholeSub.get(f.node) ?? 0) : f.end - f.start;
    const pctOf = zoomNode >= 0 ? wholeTotal : total;
    const plain = name.replace(/_\[[kwij]\]$/, '');
    const title =
      f.id < 0
        ? `all (${groupDigits(samples)} samples, 100%)`
        : `${plain} (${groupDigits(samples)} samples, ${printfFixed((100 * samples) / pctOf, 2)}%)`;
    const label = fitLabel(plain, Math.trunc((x2 - x1) / (fontsize * fontwidth)));
    const xs = printfFixed(x1, 1);
    const ws = printfFixed(Number(printfFixed(x2, 1)) - Number(xs), 1);
    out.push({ id: f.id, name: plain, depth: f.depth, start: f.start, end: f.end, x: xs, y: y1, width: ws, title, label, fill: flameColor(name), node: f.node, parent: isParent });
  }
  return { frames: out, total, height, depthMax, framesBeforeBudget };
}

/**
 * A frame label of at most `chars` characters (code points), as flamegraph.pl cuts them:
 * '' under 3, else the name, or its first chars - 2 and '..' (`left`: '..' and the last).
 */
export function fitLabel(name: string, chars: number, left = false): string {
  if (chars < 3) return '';
  // Counted in code points, but only split into them when there is a surrogate pair.
  const cps: string | string[] = /[\uD800-\uDFFF]/.test(name) ? Array.from(name) : name;
  if (cps.length <= chars) return name;
  const k = chars - 2;
  const part = left ? cps.slice(cps.length - k) : cps.slice(0, k);
  const text = typeof part === 'string' ? part : part.join('');
  return left ? '..' + text : text + '..';
}

/**
 * Orders two stacks, given as tree node paths (root first), as flamegraph-svg orders its
 * frames: at the first differing node, siblings sort by name plus ';' when the node has
 * children (is in `internal`) or ' ' when it has none, byte-wise; name ids are in byte
 * order, so only a name that is a prefix of the other needs the strings. An ancestor's own
 * stack comes before its descendants' (' ' sorts before ';').
 */
export function compareStackPaths(names: string[], frame: Int32Array | number[], internal: Set<number>, a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    const fa = frame[a[i]];
    const fb = frame[b[i]];
    const na = names[fa];
    const nb = names[fb];
    if (nb.startsWith(na) || na.startsWith(nb)) {
      // Beyond ASCII, UTF-16 order and byte order agree except for surrogates, which
      // names here rarely hold.
      const ka = na + (internal.has(a[i]) ? ';' : ' ');
      const kb = nb + (internal.has(b[i]) ? ';' : ' ');
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    }
    return fa - fb;
  }
  return a.length - b.length;
}

/** Self and total samples per function (name id; ids are in name order) over the stacks with a self count. */
export function hotFunctions(
  parent: Int32Array | number[],
  frame: Int32Array | number[],
  self: Map<number, number>,
): { id: number; self: number; total: number }[] {
  const selfBy = new Map<number, number>();
  const totalBy = new Map<number, number>();
  for (const [node, n] of self) {
    if (n <= 0) continue;
    selfBy.set(frame[node], (selfBy.get(frame[node]) ?? 0) + n);
    // A function counts once per stack however often it recurses.
    const seen = new Set<number>();
    for (let k = node; k >= 0; k = parent[k]) {
      const f = frame[k];
      if (seen.has(f)) continue;
      seen.add(f);
      totalBy.set(f, (totalBy.get(f) ?? 0) + n);
    }
  }
  const rows = [...totalBy.keys()].map((id) => ({ id, self: selfBy.get(id) ?? 0, total: totalBy.get(id)! }));
  rows.sort((x, y) => y.self - x.self || y.total - x.total || x.id - y.id);
  return rows;
}

