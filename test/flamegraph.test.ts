import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BGCOLOR_RE, deltaColor, frameColor, nameHash, perlSeededRand, sumCodePoints, Drand48 } from '../src/flamegraph/colors.js';
import { annotateWakers, FlamegraphBuilder, svgOf, type DiffOptions } from '../src/flamegraph/flamegraph.js';
import { withDefaults, type FlamegraphOptions } from '../src/flamegraph/options.js';
import { formatPaletteMap, parsePaletteMap } from '../src/flamegraph/cli.js';
import { parseNameAttributes } from '../src/flamegraph/name-attributes.js';
import { bigProfile, run, xmlProblem } from './flamegraph-io.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'flamegraph');
const EXPECTED = join(import.meta.dirname, '..', 'fixtures', 'expected', 'flamegraph');
const fixture = (name: string) => join(FIX, name);

interface Frame {
  title: string;
  x: number;
  y: number;
  width: number;
  height: string;
  fill: string;
  label: string;
  tag: string;
}

const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)));

/** The frames of a flame graph SVG, in document order. */
function framesOf(svg: string): Frame[] {
  const re =
    /<(g|a)\b[^>]*><title>([^<]*)<\/title><rect x="([^"]*)" y="([^"]*)" width="([^"]*)" height="([^"]*)" fill="([^"]*)"\/>(?:<text x="[^"]*" y="[^"]*">([^<]*)<\/text>)?<\/\1>/g;
  const out: Frame[] = [];
  for (const m of svg.matchAll(re)) {
    out.push({ tag: m[1], title: unescape(m[2]), x: Number(m[3]), y: Number(m[4]), width: Number(m[5]), height: m[6], fill: m[7], label: unescape(m[8] ?? '') });
  }
  return out;
}

/** Renders folded text with the core directly. */
function render(folded: string | Buffer, o: Partial<FlamegraphOptions> = {}, diff?: { before: string; after: string; opts: DiffOptions }) {
  const opts = withDefaults(o);
  const invalid: string[] = [];
  const b = new FlamegraphBuilder(opts, diff?.opts, (where) => invalid.push(where));
  if (diff) {
    b.beginInput('before', 'before');
    b.addChunk(Buffer.from(diff.before).toString('latin1'));
    b.beginInput('after', 'after');
    b.addChunk(Buffer.from(diff.after).toString('latin1'));
  } else {
    b.beginInput('stdin');
    b.addChunk((typeof folded === 'string' ? Buffer.from(folded) : folded).toString('latin1'));
  }
  const r = b.finish();
  const svg = svgOf(r);
  return { svg, frames: framesOf(svg), result: r, invalid, options: opts };
}

const byTitle = (frames: Frame[], prefix: string) => frames.filter((f) => f.title.startsWith(prefix + ' ('));

describe('colours (flamegraph.pl color())', () => {
  it('reproduces Perl drand48 seeded by the code-point sum (reference values)', () => {
    expect(frameColor('hot', { kind: 'name' }, 'foo')).toBe('rgb(220,71,17)');
    expect(frameColor('hot', { kind: 'name' }, 'main')).toBe('rgb(243,179,42)');
    expect(frameColor('hot', { kind: 'name' }, '')).toBe('rgb(213,39,9)');
  });
  it('sums code points, not bytes, for non-ASCII names', () => {
    expect(sumCodePoints('é')).toBe(0xe9);
    expect(sumCodePoints('🔥')).toBe(0x1f525);
    expect(perlSeededRand(0)).toBeCloseTo(0.17082803610628972, 15);
  });
  it('--hash: root "" is 1.0 on every value', () => {
    expect(nameHash('')).toBe(1);
    expect(frameColor('hot', { kind: 'hash' }, '')).toBe('rgb(255,230,55)');
    expect(nameHash('libc.so`malloc')).toBe(nameHash('malloc'));
  });
  it('--random draws from a seeded stream: the same seed gives the same colours', () => {
    const a = new Drand48(0);
    const b = new Drand48(0);
    const c = new Drand48(1);
    const seqA = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(seqA);
    expect(c.next()).not.toBe(seqA[0]);
    expect(seqA.every((v) => v >= 0 && v < 1)).toBe(true);
  });
  it.each([
    ['java', 'java/lang/Thread:.run_[j]', 'green'],
    ['java', 'Interpreter_[i]', 'aqua'],
    ['java', 'Lorg/foo/Bar;::baz', 'green'],
    ['java', 'JavaThread::run', 'yellow'],
    ['java', 'native_write_msr_safe_[k]', 'orange'],
    ['java', 'read', 'red'],
    ['js', 'v8::internal::Execution::Call', 'yellow'],
    ['js', '/app/server.js:42', 'green'],
    ['js', 'LazyCompile:~foo', 'aqua'],
    ['js', ' ', 'green'],
    ['perl', 'Perl_pp_entersub', 'green'],
    ['python', '/usr/lib/python3.11/json/decoder.py:raw_decode', 'yellow'],
    ['python', '/srv/venv/site-packages/flask/app.py:run', 'aqua'],
    ['rust', 'core::ptr::drop_in_place', 'orange'],
    ['rust', 'myapp::server::run', 'aqua'],
    ['rust', 'malloc', 'yellow'],
    ['chain', 'waker_[w]', 'aqua'],
    ['chain', 'schedule', 'blue'],
    ['wakeup', 'anything', 'aqua'],
  ] as const)('%s palette: %j is %s', (palette, name, flat) => {
    expect(frameColor(palette, { kind: 'name' }, name)).toBe(frameColor(flat, { kind: 'name' }, name));
  });
  it('differential scale: red grew, blue shrank, white unchanged; --negate swaps', () => {
    expect(deltaColor(1, 35, false)).toBe('rgb(255,204,204)');
    expect(deltaColor(-2, 35, false)).toBe('rgb(198,198,255)');
    expect(deltaColor(0, 35, false)).toBe('rgb(255,255,255)');
    expect(deltaColor(1, 35, true)).toBe('rgb(204,204,255)');
  });
  it('accepts the bgcolors flamegraph.pl knows, and only hex for flat colours', () => {
    expect(['yellow', 'blue', 'green', 'grey', '#a0B1c2'].every((c) => BGCOLOR_RE.test(c))).toBe(true);
    expect(['#abc', 'red', '#12345g', 'url(#x)'].some((c) => BGCOLOR_RE.test(c))).toBe(false);
  });
});

describe('graph layout (flamegraph.pl geometry and titles)', () => {
  const simple = readFileSync(fixture('simple.folded'), 'utf8');

  it('draws the root as "all" with thousands separators, 100%, no label', () => {
    const { frames } = render('a;b 1000\na;c 315\n');
    const root = frames[0];
    expect(root.title).toBe('all (1,315 samples, 100%)');
    expect(root).toMatchObject({ x: 10, width: 1180, label: '' });
  });

  it('merges one function into one box even where whole-line sorting would split it', () => {
    // flamegraph.pl sorts lines, so "main;foo 1" < "main;foo2 1" < "main;foo;bar 1" and
    // draws foo twice. flamekit merges frames, not lines (README, "Differences from FlameGraph").
    const { frames } = render(simple);
    const foo = byTitle(frames, 'foo');
    expect(foo).toHaveLength(1);
    expect(foo[0].title).toBe('foo (5 samples, 23.81%)'); // of 21
    const foo2 = byTitle(frames, 'foo2')[0];
    // The merged foo sits where its children's lines sort: after foo2 ("foo2;" < "foo;").
    expect(foo2.x).toBeLessThan(foo[0].x);
    // foo's self sample comes first, then its child bar.
    const bar = byTitle(frames, 'bar')[0];
    expect(bar.x).toBeGreaterThan(foo[0].x);
  });

  it('keeps fractional counts, rounding half to even, and bases % on the rounded count', () => {
    const { frames } = render('a;b 1.5\na;c 2.25\n');
    expect(byTitle(frames, 'a')[0].title).toBe('a (4 samples, 106.67%)');
    expect(byTitle(frames, 'b')[0].title).toBe('b (2 samples, 53.33%)');
  });

  it('strips _[kwij] annotations from titles and labels but colours by the raw name', () => {
    const { frames } = render('main;qux_[k] 50\n', { palette: 'java' });
    const q = byTitle(frames, 'qux')[0];
    expect(q.label).toBe('qux');
    expect(q.fill).toBe(frameColor('java', { kind: 'name' }, 'qux_[k]'));
  });

  it('sizes the image from the depth, and places frames bottom-up (or top-down inverted)', () => {
    const { svg, frames } = render('a;b;c 1\n');
    expect(svg).toMatch(/<svg [^>]*width="1200" height="134"/); // (3+1)*16 + 36 + 34
    expect(frames.map((f) => f.y)).toEqual([85, 69, 53, 37]);
    expect(frames.every((f) => f.height === '15.0')).toBe(true);
    const inv = render('a;b;c 1\n', { inverted: true });
    expect(inv.frames.map((f) => f.y)).toEqual([36, 52, 68, 84]);
    expect(inv.svg).toContain('>Icicle Graph</text>');
  });

  it('leaves out frames narrower than --minwidth (pixels or percent), strictly less', () => {
    const folded = 'a;big 9990\na;small 10\n';
    // 10 of 10000 samples = 1.18 px
    expect(byTitle(render(folded, { minWidth: 1.18 }).frames, 'small')).toHaveLength(1);
    expect(byTitle(render(folded, { minWidth: 1.19 }).frames, 'small')).toHaveLength(0);
    expect(byTitle(render(folded, { minWidth: 0.1, minWidthPercent: true }).frames, 'small')).toHaveLength(1);
    expect(byTitle(render(folded, { minWidth: 0.2, minWidthPercent: true }).frames, 'small')).toHaveLength(0);
  });

  it('--total widens the scale; a smaller --total is ignored with a warning', () => {
    const wide = render('a 50\n', { total: 100 });
    expect(wide.frames[0].width).toBe(590);
    const small = render('a 50\n', { total: 10 });
    expect(small.frames[0].width).toBe(1180);
    expect(small.result.warnings).toContain('specified --total 10 is less than the actual total 50, so it is ignored');
  });

  it('--factor scales the displayed counts only', () => {
    const { frames } = render('a;b 30\na;c 10\n', { factor: 2.5 });
    expect(frames[0].title).toBe('all (100 samples, 100%)');
    expect(byTitle(frames, 'b')[0].title).toBe('b (75 samples, 75.00%)');
  });

  it('--reverse merges from the leaf', () => {
    const { frames } = render('a;x;leaf 2\nb;y;leaf 3\n', { reverse: true });
    expect(byTitle(frames, 'leaf')).toHaveLength(1);
    expect(byTitle(frames, 'leaf')[0].title).toBe('leaf (5 samples, 100.00%)');
    expect(byTitle(frames, 'a')[0].y).toBeLessThan(byTitle(frames, 'leaf')[0].y);
  });

  it('--flamechart keeps input order and merges only adjacent stacks', () => {
    const { frames, svg } = render('a;b 1\na;c 1\na;b 1\n', { flamechart: true });
    const b = byTitle(frames, 'b');
    expect(b.map((f) => f.x)).toEqual([10, 796.7]);
    expect(byTitle(frames, 'a')).toHaveLength(1);
    expect(svg).toContain('>Flame Chart</text>');
    // and a stack that returns to its parent splits the parent's later children
    const gap = render('a;b 1\na 1\na;b 1\n', { flamechart: true });
    expect(byTitle(gap.frames, 'b')).toHaveLength(2);
  });

  it('chain graphs mark frames after a "--" separator as wakers, and nothing else', () => {
    expect(annotateWakers('s;schedule;--;w;wake')).toBe('s;schedule;--;w_[w];wake_[w]');
    expect(annotateWakers('s;schedule;io')).toBe('s;schedule;io');
    const { frames } = render(readFileSync(fixture('chain.folded'), 'utf8'), { palette: 'chain' });
    expect(byTitle(frames, '--')[0].fill).toBe('rgb(160,160,160)');
    expect(byTitle(frames, 'waker')[0].fill).toBe(frameColor('aqua', { kind: 'name' }, 'waker_[w]'));
    expect(byTitle(frames, 'io_schedule')[0].fill).toBe(frameColor('blue', { kind: 'name' }, 'io_schedule'));
  });

  it('is byte-identical run to run and whatever the input line order', () => {
    const a = render(simple).svg;
    const lines = simple.trim().split('\n');
    const shuffled = [...lines.slice(4), ...lines.slice(0, 4).reverse()].join('\n') + '\n';
    expect(render(simple).svg).toBe(a);
    expect(render(shuffled).svg).toBe(a);
  });

  it('gives each graph its own id prefix, derived from the content', () => {
    const prefixOf = (svg: string) => /class="(fg[0-9a-f]{8})"/.exec(svg)![1];
    const a = render('a;b 1\n').svg;
    const b = render('a;c 1\n').svg;
    expect(prefixOf(a)).not.toBe(prefixOf(b));
    expect(a).toContain(`id="${prefixOf(a)}-bg"`);
    expect(a).toContain(`fill="url(#${prefixOf(a)}-bg)"`);
  });
});

describe('differential graphs', () => {
  it('colours two-count lines by the self delta and writes it in the title', () => {
    const { frames } = render(readFileSync(fixture('diff.folded'), 'utf8'));
    // maxdelta = 5; b grew by 5, c shrank by 5, d is new (+4), e is gone (0 wide: pruned)
    expect(byTitle(frames, 'b')[0]).toMatchObject({ title: 'b (16 samples, 64.00%; +20.00%)', fill: 'rgb(255,0,0)' });
    expect(byTitle(frames, 'c')[0]).toMatchObject({ title: 'c (5 samples, 20.00%; -20.00%)', fill: 'rgb(0,0,255)' });
    expect(byTitle(frames, 'd')[0]).toMatchObject({ title: 'd (4 samples, 16.00%; +16.00%)', fill: 'rgb(255,42,42)' });
    expect(byTitle(frames, 'x')[0]).toMatchObject({ title: 'x (1 samples, 4.00%; 0.00%)', fill: 'rgb(255,255,255)' });
    expect(byTitle(frames, 'a')[0].fill).toBe('rgb(255,255,255)');
    expect(byTitle(frames, 'e')).toHaveLength(0);
    expect(frames[0].title).toBe('all (25 samples, 100%)');
  });

  it('--negate flips the colours and the sign', () => {
    const { frames } = render(readFileSync(fixture('diff.folded'), 'utf8'), { negate: true });
    expect(byTitle(frames, 'b')[0]).toMatchObject({ title: 'b (16 samples, 64.00%; -20.00%)', fill: 'rgb(0,0,255)' });
  });

  it('--diff does difffolded.pl in-process: widths from AFTER, delta AFTER - BEFORE', () => {
    const before = readFileSync(fixture('before.folded'), 'utf8');
    const after = readFileSync(fixture('after.folded'), 'utf8');
    const plain = render('', {}, { before, after, opts: { normalize: false, stripHex: false } });
    expect(byTitle(plain.frames, 'parse')[0].title).toBe('parse (30 samples, 50.00%; +33.33%)');
    expect(byTitle(plain.frames, 'idle')[0].title).toBe('idle (12 samples, 20.00%; -13.33%)');
    expect(byTitle(plain.frames, 'new_feature')[0].title).toContain('; +10.00%)');
    // hex addresses differ between the profiles: without -s each is its own frame
    expect(byTitle(plain.frames, '0x7f55ee')[0].title).toBe('0x7f55ee (12 samples, 20.00%; +20.00%)');

    const stripped = render('', {}, { before, after, opts: { normalize: false, stripHex: true } });
    expect(byTitle(stripped.frames, '0x...')[0].title).toBe('0x... (12 samples, 20.00%; +3.33%)');

    // -n: before (44 samples) scaled to after (60): count1 = int(count1 * 60 / 44)
    const norm = render('', {}, { before, after, opts: { normalize: true, stripHex: true } });
    expect(byTitle(norm.frames, 'parse')[0].title).toBe('parse (30 samples, 50.00%; +28.33%)'); // 10 -> 13
    expect(byTitle(norm.frames, '0x...')[0].title).toBe('0x... (12 samples, 20.00%; -1.67%)'); // 10 -> 13
    expect(byTitle(norm.frames, 'idle')[0].title).toBe('idle (12 samples, 20.00%; -25.00%)'); // 20 -> 27
  });
});

describe('--nameattr, --cp files', () => {
  it('parses attributes and drops script links and event handlers', () => {
    const kinds: string[] = [];
    const m = parseNameAttributes(readFileSync(fixture('nameattr.tsv'), 'utf8'), 'nameattr.tsv', (k) => kinds.push(k));
    expect(m.get('main')).toEqual({ href: 'https://example.com/main', title: 'main() entry point', class: 'entry' });
    expect(m.get('bar')).toEqual({});
    expect(m.get('baz')).toEqual({ gExtra: { 'data-x': '1' }, id: 'baz-frame' });
    expect(kinds.sort()).toEqual(['attribute', 'unsafe', 'unsafe']);
    const { svg, frames } = render('main;bar;baz 3\n', { nameAttributes: m });
    const main = frames.find((f) => f.tag === 'a')!;
    expect(main.title).toBe('main() entry point');
    expect(svg).toContain('<a xlink:href="https://example.com/main" target="_top" class="entry">');
    expect(svg).toContain('<g id="baz-frame" data-x="1">');
    expect(svg).not.toMatch(/onclick|javascript:/);
  });

  it('drops palette.map colours and --nameattr extras that could fetch or run something', () => {
    const bad: number[] = [];
    const m = parsePaletteMap('a->url(http://example.com/x.svg#p)\nb->rgb(1,2,3)\nc->red;}\nnoarrow\n', (l) => bad.push(l));
    expect([...m]).toEqual([['b', 'rgb(1,2,3)']]);
    expect(bad).toEqual([1, 3, 4]);
    const kinds: string[] = [];
    const attrs = parseNameAttributes('f\tg_extra=style="fill:url(http://x/y)" filter="url(#f)" data-ok="1"\n', 'n.tsv', (k) => kinds.push(k));
    expect(attrs.get('f')).toEqual({ gExtra: { 'data-ok': '1' } });
    expect(kinds).toEqual(['unsafe', 'unsafe']);
  });

  it('reads and writes palette.map as flamegraph.pl does (name->colour, sorted)', () => {
    const m = parsePaletteMap('main->rgb(1,2,3)\nfoo->rgb(4,5,6)\n');
    const { frames } = render('main;foo;new 1\n', { paletteMap: m });
    expect(byTitle(frames, 'main')[0].fill).toBe('rgb(1,2,3)');
    expect(byTitle(frames, 'new')[0].fill).toBe(frameColor('hot', { kind: 'name' }, 'new'));
    expect(formatPaletteMap(m)).toBe(`->${frameColor('hot', { kind: 'name' }, '')}\nfoo->rgb(4,5,6)\nmain->rgb(1,2,3)\nnew->${frameColor('hot', { kind: 'name' }, 'new')}\n`);
  });
});

describe('safety', () => {
  const hostile = readFileSync(fixture('hostile.folded'));

  it('escapes every hostile name: well-formed XML, no markup, names only in titles and labels', () => {
    const { svg, frames } = render(hostile);
    expect(xmlProblem(svg)).toBeNull();
    const script = svg.slice(svg.indexOf('<script'), svg.indexOf('</script>'));
    expect(script).not.toMatch(/alert|onerror|nbsp|long_name/);
    expect(svg.match(/<script/g)).toHaveLength(1);
    expect(svg).not.toMatch(/<img|<!\[CDATA\[x|&nbsp;|&amp;/);
    const titles = frames.map((f) => f.title);
    // of 65 samples: 3 = 4.62%, 2 = 3.08%, 1 = 1.54%
    expect(titles).toContain('</script><script>alert(1)</script> (3 samples, 4.62%)');
    expect(titles).toContain(']]> (2 samples, 3.08%)');
    // ';' separates frames even inside "entities": &nbsp;&amp; is the frames "&nbsp" and "&amp"
    expect(titles).toContain('&nbsp (2 samples, 3.08%)');
    expect(titles).toContain('&#xD800 (2 samples, 3.08%)');
    expect(titles).toContain("') (2 samples, 3.08%)");
    expect(titles).toContain('ctl[31m\u007f (1 samples, 1.54%)'); // C0 controls dropped
    expect(titles).toContain('bad\uFFFD\uFFFDutf8\uFFFD (1 samples, 1.54%)'); // invalid UTF-8
    expect(titles).toContain('\uFFFD\uFFFD\uFFFD (1 samples, 1.54%)'); // U+FFFE and a UTF-16 surrogate in UTF-8: not XML
    expect(titles).toContain('🔥fire (2 samples, 3.08%)');
    expect(titles).toContain('x\ty (1 samples, 1.54%)');
  });

  it('escapes every option text, and keeps names out of the script', () => {
    const evil = '</text><script>alert(1)</script>]]>&nbsp;--';
    const { svg } = render('a 1\n', {
      title: evil,
      subtitle: evil,
      notes: evil,
      countName: evil,
      nameType: `"); alert(1); ("${evil}`,
      fontType: `x;}</style><script>alert(1)</script>`,
    });
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).not.toMatch(/<script>alert|&nbsp;/);
    expect(svg).toContain('<desc>&#60;/text&#62;&#60;script&#62;alert(1)&#60;/script&#62;]]&#62;&#38;nbsp;--</desc>');
    // Options reach the viewer as data (an attribute, escaped), never as script.
    const attr = /data-viewer="([^"]*)"/.exec(svg)![1];
    const config = JSON.parse(attr.replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d))).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
    expect(config.nameType).toBe(`"); alert(1); ("${evil}`);
    const script = svg.slice(svg.indexOf('<script'), svg.indexOf('</script>'));
    expect(script).not.toMatch(/alert/);
  });

  it('--encoding declares the encoding and writes pure ASCII', () => {
    const { svg } = render(hostile, { encoding: 'ISO-8859-1', nameType: 'Función:' });
    expect(svg.startsWith('<?xml version="1.0" encoding="ISO-8859-1" standalone="no"?>')).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(/[^\x00-\x7f]/.test(svg)).toBe(false);
    expect(svg).toContain('&#128293;fire');
    expect(xmlProblem(svg)).toBeNull();
  });
});

// --- the CLI: main() on in-memory streams -------------------------------------------------

const GOLDEN: [string, string[]][] = [
  ['simple.folded', []],
  ['simple.folded', ['--inverted', '--colors', 'java', '--hash', '--title', 'Java & C', '--subtitle', 'subtitle <1>']],
  ['simple.folded', ['--flamechart', '--width', '600', '--fontsize', '10', '--height', '18', '--minwidth', '1%']],
  ['simple.folded', ['--reverse', '--colors', 'mem', '--countname', 'bytes', '--truncate-text-left']],
  ['simple.folded', ['--random', '--seed', '7', '--bgcolors', '#ffeedd', '--search-color', '#00ff00']],
  ['hostile.folded', []],
  ['fractional.folded', ['--factor', '2', '--colors', 'perl']],
  ['diff.folded', ['--negate']],
];

function goldenName(input: string, args: string[]): string {
  const opts = args
    .filter((a) => a.startsWith('--'))
    .map((a) => a.slice(2))
    .join('+');
  return `${input.replace(/\.folded$/, '')}${opts ? '.' + opts : ''}.svg`;
}

describe('flamegraph-svg (main)', () => {
  it.each(GOLDEN)('%s %j matches its golden SVG, which is well-formed', async (input, args) => {
    // Without the script: viewer changes leave the goldens alone (test/svg-bundle.test.ts checks the script).
    const r = await run(['--no-javascript', ...args, fixture(input)]);
    expect(r.code).toBe(0);
    expect(xmlProblem(r.stdout)).toBeNull();
    expect(r.stdout).not.toContain('<script');
    await expect(r.stdout).toMatchFileSnapshot(join(EXPECTED, goldenName(input, args)));
  });

  it('--diff BEFORE AFTER matches its golden SVG', async () => {
    // Relative names: they appear in the legend, and the golden file must not depend on the checkout path.
    const rel = (f: string) => relative(process.cwd(), fixture(f));
    const r = await run(['--no-javascript', '--diff', '--normalize', '--strip-hex', rel('before.folded'), rel('after.folded')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('before: fixtures/flamegraph/before.folded, after: fixtures/flamegraph/after.folded; widths are after, red grew, blue shrank');
    expect(xmlProblem(r.stdout)).toBeNull();
    await expect(r.stdout).toMatchFileSnapshot(join(EXPECTED, 'before-after.diff+normalize+strip-hex.svg'));
  });

  it.each(['simple.folded', 'hostile.folded', 'diff.folded', 'invalid-lines.folded'])(
    '%s gives the same output fed in chunks of 1, 7 and 4096 bytes',
    async (input) => {
      const bytes = readFileSync(fixture(input));
      const whole = await run(['-'], bytes, bytes.length + 1);
      for (const size of [1, 7, 4096]) {
        const r = await run([], bytes, size);
        expect(r.stdout).toBe(whole.stdout);
        expect(r.stderr).toBe(whole.stderr);
        expect(r.code).toBe(whole.code);
      }
    },
  );

  it('merges several inputs as if concatenated', async () => {
    const text = readFileSync(fixture('simple.folded'), 'utf8').trim().split('\n');
    const dir = mkdtempSync(join(tmpdir(), 'flamegraph-svg-'));
    const first = join(dir, 'first.folded');
    writeFileSync(first, text.slice(0, 4).join('\n') + '\n');
    const whole = await run([fixture('simple.folded')]);
    const merged = await run([first, '-'], text.slice(4).join('\n') + '\n');
    expect(merged.code).toBe(0);
    expect(merged.stdout).toBe(whole.stdout);
    rmSync(dir, { recursive: true });
  });

  it('reports invalid lines once, with a count and the first place', async () => {
    const r = await run([fixture('invalid-lines.folded')]);
    expect(r.code).toBe(0);
    const f = fixture('invalid-lines.folded');
    expect(r.stderr).toBe(
      `flamegraph-svg: warning: ignored 6 lines with invalid format (first at ${f}:2: "a;c 3 ")\n` +
        'flamegraph-svg: warning: stack count is low (14); did something go wrong?\n',
    );
    expect(framesOf(r.stdout).map((x) => x.title.split(' (')[0])).toEqual(['all', 'a', 'b', 'e', 'h']);
  });

  it.each([
    ['empty input', ''],
    ['no valid line', 'just text\nmore text\n'],
    ['only zero counts', 'a;b 0\n'],
  ])('%s: an SVG stating the error on stdout, a message on stderr, exit 1', async (_what, input) => {
    const r = await run([], input);
    expect(r.code).toBe(1);
    expect(xmlProblem(r.stdout)).toBeNull();
    expect(r.stdout).toContain('>ERROR: No valid input provided to flamegraph-svg.</text>');
    expect(r.stderr).toMatch(/flamegraph-svg: no stack counts found\n$/);
  });

  it.each([
    [['--colors', 'neon'], /unknown palette "neon" for '--colors'/],
    [['--minwidth', '1.2.3'], /option '--minwidth' wants pixels or a percentage/],
    [['--minwidth', '-1'], /option '--minwidth'/],
    [['--width', 'wide'], /option '--width' wants a whole number/],
    [['--width', '10'], /option '--width' must be at least 21/],
    [['--height', '0'], /option '--height' must be at least 1/],
    [['--fontsize', '0'], /option '--fontsize' must be more than 0/],
    [['--bgcolors', 'pink'], /option '--bgcolors' wants yellow, blue, green, grey or #rrggbb/],
    [['--search-color', 'red;}'], /option '--search-color' wants/],
    [['--encoding', 'UTF-16'], /not ASCII-compatible/],
    [['--encoding', 'x"y'], /option '--encoding' wants an encoding name/],
    [['--hash', '--random'], /cannot be used together/],
    [['--seed', '3'], /only applies with '--random'/],
    [['--normalize'], /apply only with '--diff'/],
    [['--diff', 'one.folded'], /'--diff' wants two files/],
    [['--total', 'lots'], /option '--total' wants a number/],
    [['--no-such-flag'], /unknown option '--no-such-flag'/],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const r = await run(args as string[], 'a 1\n');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("Usage: flamegraph-svg [options] [file ...]\nTry 'flamegraph-svg --help' for more information.\n");
  });

  it('a missing file is a data error (exit 1) before any output', async () => {
    const r = await run(['/nonexistent/x.folded']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'flamegraph-svg: /nonexistent/x.folded: no such file or directory\n' });
  });

  it('--help lists every flamegraph.pl option', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--title', '--subtitle', '--width', '--height', '--minwidth', '--fonttype', '--fontsize', '--fontwidth',
      '--countname', '--nametype', '--notes', '--colors', '--bgcolors', '--hash', '--random', '--cp', '--reverse',
      '--inverted', '--flamechart', '--negate', '--total', '--factor', '--nameattr', '--encoding', '--search-color',
      '--truncate-text-right', '--diff', '--normalize', '--strip-hex',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });
});

describe('big profiles', () => {
  // flamegraph.pl's markup for one frame (FlameGraph 41fee1f, SVG package): <g> with a
  // title, a rect with rx/ry, and a text element even when the label is empty.
  const perlFrameBytes = (f: Frame, textX: string, textY: string) =>
    Buffer.byteLength(
      `<g >\n<title>${f.title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</title>` +
        `<rect x="${f.x.toFixed(1)}" y="${f.y}" width="${f.width.toFixed(1)}" height="${f.height}" fill="${f.fill}" rx="2" ry="2" />\n` +
        `<text  x="${textX}" y="${textY}" >${f.label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</text>\n</g>\n`,
    );

  it('--max-frames keeps the widest frames, whole subtrees, and says so', () => {
    const folded = Array.from({ length: 300 }, (_, i) => `app;m${i % 10};f${i} ${1 + (i % 5)}`).join('\n') + '\n';
    const all = render(folded, { maxFrames: 0 });
    expect(all.frames).toHaveLength(1 + 1 + 10 + 300);
    expect(all.result.warnings.some((w) => w.includes('widest'))).toBe(false);
    const capped = render(folded, { maxFrames: 100 });
    // Exactly the budget: frames as wide as the narrowest kept one are kept shallowest first.
    expect(capped.frames.length).toBe(100);
    expect(capped.result.warnings).toContain(
      `drew the 100 widest of 312 frames (the rest are at most ${/at most ([\d.]+) px/.exec(capped.result.warnings.join())![1]} px wide); --max-frames 0 draws them all`,
    );
    // every kept frame is at least as wide as every dropped one, and its parents are kept
    const kept = new Set(capped.frames.map((f) => f.title));
    const minKept = Math.min(...capped.frames.map((f) => Number(/\((\d+) samples/.exec(f.title)![1])));
    const maxDropped = Math.max(...all.frames.filter((f) => !kept.has(f.title)).map((f) => Number(/\((\d+) samples/.exec(f.title)![1])));
    expect(maxDropped).toBeLessThanOrEqual(minKept);
    for (const m of capped.frames.filter((f) => /^f\d+ /.test(f.title))) {
      const i = Number(/^f(\d+)/.exec(m.title)![1]);
      expect(kept.has(all.frames.find((f) => f.title.startsWith(`m${i % 10} (`))!.title)).toBe(true);
    }
  });

  it('100,000 distinct stacks: time, and SVG size against flamegraph.pl markup for the same frames', async () => {
    const folded = bigProfile(100_000);
    const t0 = performance.now();
    const def = await run([], folded);
    const ms = performance.now() - t0;
    const full = await run(['--max-frames', '0'], folded);
    expect(def.code).toBe(0);
    expect(full.code).toBe(0);
    const fullFrames = framesOf(full.stdout);
    const texts = [...full.stdout.matchAll(/<\/rect>|<rect [^>]*\/>(?:<text x="([^"]*)" y="([^"]*)">)?/g)];
    // flamegraph.pl writes a text element for every frame: x = x1 + 3 (%.2f), y = rect y + 10.5
    let perl = 0;
    fullFrames.forEach((f, i) => {
      perl += perlFrameBytes(f, texts[i]?.[1] ?? (f.x + 3).toFixed(2), texts[i]?.[2] ?? String(f.y + 10.5));
    });
    const PERL_FIXED = 14_000; // header, CSS and JavaScript of flamegraph.pl: about 14 KB (estimate)
    const ours = Buffer.byteLength(full.stdout);
    console.log(
      `flamegraph-svg on 100,000 distinct stacks (${(Buffer.byteLength(folded) / 1e6).toFixed(1)} MB folded): ${ms.toFixed(0)} ms in-process; ` +
        `SVG ${(Buffer.byteLength(def.stdout) / 1e6).toFixed(2)} MB with the default frame budget (${framesOf(def.stdout).length} frames); ` +
        `all ${fullFrames.length} frames: ${(ours / 1e6).toFixed(2)} MB, against about ${((perl + PERL_FIXED) / 1e6).toFixed(2)} MB of flamegraph.pl markup ` +
        `(${((100 * ours) / (perl + PERL_FIXED)).toFixed(0)}%)`,
    );
    expect(ours).toBeLessThan(perl + PERL_FIXED);
    // The time is printed, not asserted: `npm run bench` measures speed.
  });
});
