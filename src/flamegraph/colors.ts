// Frame colours, as flamegraph.pl picks them (FlameGraph 41fee1f, sub color / color_scale),
// plus inferno's python and rust schemes.
//
// Three ways to get the values (v1, v2, v3) in [0, 1) that a palette turns into a colour:
//   default   drand48 seeded with the sum of the name's code points, re-seeded for each
//             value, so v1 = v2 = v3 (flamegraph.pl since 2023): hot `foo` = rgb(220,71,17)
//   --hash    namehash(name) and namehash(reversed name), weighting the first 3 characters
//   --random  three successive values of a drand48 stream; flamegraph.pl seeds it randomly,
//             flamekit with a fixed seed (`--seed`), so output stays reproducible
// Names here are text (decoded UTF-8), so the sums are of code points, as in Perl.
//
// sumCodePoints and drand48Step live in the layout module that Node and the browser viewer
// share (./viewer/layout.ts), so that there is one copy of each.
import { drand48Step, sumCodePoints } from './viewer/layout.js';

export { sumCodePoints };

export const PALETTES = [
  'hot',
  'mem',
  'io',
  'wakeup',
  'chain',
  'java',
  'js',
  'perl',
  'python',
  'rust',
  'red',
  'green',
  'blue',
  'aqua',
  'yellow',
  'purple',
  'orange',
] as const;
export type Palette = (typeof PALETTES)[number];

type Flat = 'red' | 'green' | 'blue' | 'aqua' | 'yellow' | 'purple' | 'orange';

// --- drand48 -----------------------------------------------------------------------------

const TWO48 = 0x1000000 * 0x1000000;

/** Perl's `srand(seed); rand(1)` with drand48 (Perl 5.20 and later). */
export function perlSeededRand(seed: number): number {
  const s = seed >>> 0;
  const x0 = s * 0x10000 + 0x330e;
  return drand48Step(x0) / TWO48;
}

/** A drand48 stream, as Perl's rand() after srand(seed). */
export class Drand48 {
  private x: number;
  constructor(seed: number) {
    this.x = (seed >>> 0) * 0x10000 + 0x330e;
  }
  next(): number {
    this.x = drand48Step(this.x);
    return this.x / TWO48;
  }
}


/** flamegraph.pl's namehash: the first three characters (after a DTrace `module\`` prefix), weighted. */
export function nameHash(name: string): number {
  const s = name.replace(/[^\n][^\n]*?`/, '');
  let vector = 0;
  let weight = 1;
  let max = 1;
  let mod = 10;
  for (const ch of s) {
    const i = ch.codePointAt(0)! % mod;
    vector += (i / (mod - 1)) * weight;
    mod++;
    max += weight;
    weight *= 0.7;
    if (mod > 12) break;
  }
  return 1 - vector / max;
}

// --- palettes --------------------------------------------------------------------------

function flatPalette(type: Flat, v1: number): string {
  switch (type) {
    case 'red': {
      const r = 200 + Math.trunc(55 * v1);
      const x = 50 + Math.trunc(80 * v1);
      return `rgb(${r},${x},${x})`;
    }
    case 'green': {
      const g = 200 + Math.trunc(55 * v1);
      const x = 50 + Math.trunc(60 * v1);
      return `rgb(${x},${g},${x})`;
    }
    case 'blue': {
      const r = 80 + Math.trunc(60 * v1);
      const b = 205 + Math.trunc(50 * v1);
      return `rgb(${r},${r},${b})`;
    }
    case 'yellow': {
      const x = 175 + Math.trunc(55 * v1);
      const b = 50 + Math.trunc(20 * v1);
      return `rgb(${x},${x},${b})`;
    }
    case 'purple': {
      const x = 190 + Math.trunc(65 * v1);
      const g = 80 + Math.trunc(60 * v1);
      return `rgb(${x},${g},${x})`;
    }
    case 'aqua': {
      const r = 50 + Math.trunc(60 * v1);
      const g = 165 + Math.trunc(55 * v1);
      return `rgb(${r},${g},${g})`;
    }
    case 'orange': {
      const r = 190 + Math.trunc(65 * v1);
      const g = 90 + Math.trunc(65 * v1);
      return `rgb(${r},${g},0)`;
    }
  }
}

function javaType(name: string): Flat {
  if (/_\[j\]$/.test(name)) return 'green'; // JIT annotation
  if (/_\[i\]$/.test(name)) return 'aqua'; // inline annotation
  if (/^L?(java|javax|jdk|net|org|com|io|sun)\//.test(name)) return 'green';
  if (name.includes(':::')) return 'green'; // perf-map-agent method separator
  if (name.includes('::')) return 'yellow'; // C++
  if (/_\[k\]$/.test(name)) return 'orange'; // kernel annotation
  return 'red';
}

function perlType(name: string): Flat {
  if (name.includes('::')) return 'yellow';
  if (name.includes('Perl') || name.includes('.pl')) return 'green';
  if (/_\[k\]$/.test(name)) return 'orange';
  return 'red';
}

function jsType(name: string): Flat {
  if (/_\[j\]$/.test(name)) return name.includes('/') ? 'green' : 'aqua';
  if (name.includes('::')) return 'yellow';
  if (/\/.*\.js/.test(name)) return 'green';
  if (name.includes(':')) return 'aqua';
  if (name === ' ') return 'green'; // missing symbol
  if (name.includes('_[k]')) return 'orange';
  return 'red';
}

// inferno's python scheme (src/flamegraph/color/palettes.rs): site-packages aqua, the
// standard library yellow, the rest red.
function pythonType(name: string): Flat {
  const parts = name.split(/[/\\]/);
  if (parts.includes('site-packages')) return 'aqua';
  if (parts.some((p) => p.startsWith('python') || p.startsWith('Python')) || /^<(built-in|method|frozen)/.test(name)) {
    return 'yellow';
  }
  return 'red';
}

// inferno's rust scheme: core/std/alloc orange, other `::` paths aqua, the rest yellow.
function rustType(name: string): Flat {
  const tick = name.indexOf('`');
  const n = tick >= 0 ? name.slice(tick + 1) : name;
  if (
    n.startsWith('core::') ||
    n.startsWith('std::') ||
    n.startsWith('alloc::') ||
    (n.startsWith('<core::') && !n.startsWith('<core::future::from_generator::GenFuture<T>')) ||
    n.startsWith('<std::') ||
    n.startsWith('<alloc::')
  ) {
    return 'orange';
  }
  if (n.includes('::')) return 'aqua';
  return 'yellow';
}

/** How the v1..v3 values are chosen. */
export type ColorMode = { kind: 'name' } | { kind: 'hash' } | { kind: 'random'; rng: Drand48 };

/**
 * flamegraph.pl's color(): the colour of a frame called `name` (raw, annotation included).
 * For `--random`, each call draws three values from the stream.
 */
export function frameColor(palette: Palette, mode: ColorMode, name: string): string {
  let v1: number, v2: number, v3: number;
  if (mode.kind === 'hash') {
    v1 = nameHash(name);
    v2 = v3 = nameHash(Array.from(name).reverse().join(''));
  } else if (mode.kind === 'random') {
    v1 = mode.rng.next();
    v2 = mode.rng.next();
    v3 = mode.rng.next();
  } else {
    v1 = v2 = v3 = perlSeededRand(sumCodePoints(name));
  }
  switch (palette) {
    case 'hot':
      return `rgb(${205 + Math.trunc(50 * v3)},${Math.trunc(230 * v1)},${Math.trunc(55 * v2)})`;
    case 'mem':
      return `rgb(0,${190 + Math.trunc(50 * v2)},${Math.trunc(210 * v1)})`;
    case 'io': {
      const r = 80 + Math.trunc(60 * v1);
      return `rgb(${r},${r},${190 + Math.trunc(55 * v2)})`;
    }
    case 'java':
      return flatPalette(javaType(name), v1);
    case 'perl':
      return flatPalette(perlType(name), v1);
    case 'js':
      return flatPalette(jsType(name), v1);
    case 'python':
      return flatPalette(pythonType(name), v1);
    case 'rust':
      return flatPalette(rustType(name), v1);
    case 'wakeup':
      return flatPalette('aqua', v1);
    case 'chain':
      return flatPalette(name.includes('_[w]') ? 'aqua' : 'blue', v1);
    default:
      return flatPalette(palette, v1);
  }
}

/**
 * flamegraph.pl's color_scale: white for no change, red for growth, blue for shrinkage,
 * deeper as |delta| nears maxDelta. `negate` swaps the hues.
 */
export function deltaColor(delta: number, maxDelta: number, negate: boolean): string {
  const v = negate ? -delta : delta;
  if (v > 0) {
    const x = Math.trunc((210 * (maxDelta - v)) / maxDelta);
    return `rgb(255,${x},${x})`;
  }
  if (v < 0) {
    const x = Math.trunc((210 * (maxDelta + v)) / maxDelta);
    return `rgb(${x},${x},255)`;
  }
  return 'rgb(255,255,255)';
}

/** Background gradient stops by --bgcolors name, or the palette's default. */
export function backgroundStops(bgcolors: string | undefined, palette: Palette): [string, string] {
  let bg = bgcolors;
  if (bg === undefined || bg === '') {
    if (palette === 'mem') bg = 'green';
    else if (palette === 'io' || palette === 'wakeup' || palette === 'chain') bg = 'blue';
    else if (['red', 'green', 'blue', 'aqua', 'yellow', 'purple', 'orange'].includes(palette)) bg = 'grey';
    else bg = 'yellow';
  }
  switch (bg) {
    case 'yellow':
      return ['#eeeeee', '#eeeeb0'];
    case 'blue':
      return ['#eeeeee', '#e0e0ff'];
    case 'green':
      return ['#eef2ee', '#e0ffe0'];
    case 'grey':
      return ['#f8f8f8', '#e8e8e8'];
    default:
      return [bg, bg];
  }
}

export const BGCOLOR_RE = /^(yellow|blue|green|grey|#[0-9a-fA-F]{6})$/;
