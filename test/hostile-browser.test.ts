// Every SVG made from the hostile-input corpus (test/gen/hostile.ts), opened from file://
// in headless Chromium: flamegraph-svg's (folded cases, and perf cases through stackcollapse,
// and its error SVG) and heatmap-svg's (perf cases). On each page: no dialog opens, nothing
// is fetched, no script error, the document is SVG that Chromium's XML parser accepts, and
// no element or attribute came from a name (a fixed set of tags, the tool's own scripts
// only, no on* attributes, nothing outside the SVG namespace). Then hover, search and the
// heat map's range flame graph run over the hostile names, and a name in the input reads
// back intact from its tooltip: valid UTF-8 exactly, invalid bytes as U+FFFD (and the code
// points XML cannot carry dropped, as in flamegraph-svg).
//
// One browser for the file (started while the SVGs are made), one page per tool, reused
// from SVG to SVG. Each SVG is opened once, in beforeAll, and everything the tests check of
// it is read on that one open: the document as loaded (Chromium's XML parser's verdict, its
// shape, the records of dialogs, requests and errors), the flame graphs' tooltips, and each
// heat map's range flame graph of the whole profile (then the shape and records again). The
// two pages visit their SVGs at the same time. The tests of interaction open their SVG again.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main as collapse } from '../src/collapse/cli.js';
import { main as flamegraph } from '../src/flamegraph/cli.js';
import { main as heatmap } from '../src/heatmap/cli.js';
import { smallCases } from './gen/hostile.js';
import { haveChromium, launchChromium, openWatchedPage, type Watched } from './browser/chromium.js';
import { FIXTURES, runMain } from './helpers.js';
import { hostileOutput } from './hostile-outputs.js';

if (!haveChromium) console.warn('hostile-input browser tests skipped: no Chromium at /usr/bin/chromium');

const DIR = join(FIXTURES, 'hostile');
/** The large cases, made once per run by test/global-setup.ts (not in the source tree). */
const LARGE = inject('hostileLarge');
/** The runs on the largest inputs that the global setup started (test/hostile-outputs.ts). */
const RUNS = inject('hostileRuns');
const SMALL: string[] = Object.keys(smallCases()).sort();

/** Tags each kind of SVG may hold, before and after interaction; nothing else may appear. */
const FG_TAGS = ['defs', 'g', 'linearGradient', 'rect', 'script', 'stop', 'style', 'svg', 'text', 'title'];
const FG_ERROR_TAGS = ['svg', 'text'];
const HM_TAGS = ['g', 'image', 'rect', 'script', 'style', 'svg', 'text', 'title'];

interface Svg {
  /** Where it came from, for messages. */
  what: string;
  tool: 'flamegraph' | 'flamegraph-error' | 'heatmap';
  file: string;
  text: string;
}

/** Names that must read back intact from a flame graph's tooltips, by SVG. */
const FG_NAMES: Record<string, string[]> = {
  'flamegraph-svg folded-markup.folded': ['</script><script>alert(1)</script>', '"><script>alert(2)</script>', "'): alert(3)://", ']]>', '-->', '&nbsp:', '<img src=x onerror=alert(4)>', 'a&b<c>d"e\'f'],
  'flamegraph-svg folded-invalid-utf8.folded': ['bad_\uFFFD\uFFFD', 'caf\uFFFD'],
  'flamegraph-svg folded-controls.folded': ['nulbyte', 'ctl[31m\x7f', 'nonchar', 'surrogate\uFFFD\uFFFD\uFFFD', 'tab\there'],
  'stackcollapse latin1-names.txt | flamegraph-svg': ['caf\uFFFD', 'na\uFFFDve_r\uFFFDsum\uFFFD'],
  'stackcollapse invalid-utf8.txt | flamegraph-svg': ['bad_\uFFFD\uFFFD_\uFFFD'],
  'stackcollapse markup-names.txt | flamegraph-svg': ['</script><script>alert1</script>', '><script>alert2</script>', ']]>', '<img src=x onerror=alert4>', 'a&b<c>def'],
  'flamegraph-svg large/long-line-10mb.folded': ['x'.repeat(10 << 20)],
};

/** Names that must show intact in a heat map's range flame graph, by input. */
const HM_NAMES: Record<string, string[]> = {
  'markup-names.txt': ['</script><script>alert1</script>', '><script>alert2</script>', ': alert3://', ']]>', '-', '&nbsp:', '<img src=x onerror=alert4>', 'a&b<c>def', 'ctl[31m\x7f'],
  'invalid-utf8.txt': ['bad_\uFFFD\uFFFD_\uFFFD'],
  'latin1-names.txt': ['caf\uFFFD', 'na\uFFFDve_r\uFFFDsum\uFFFD'],
  'xml-invalid-chars.txt': ['nonchar', 'ctl', 'surrogate\uFFFD\uFFFD\uFFFD'],
  'nul-bytes.txt': ['app', 'leaf'],
  'large/long-line-10mb.txt': ['x'.repeat(10 << 20)],
  // 10,003 frames: flamegraph-svg's frame budget (10,000) drops the deepest tip only.
  'large/deep-10000.txt': ['f4', 'f9999'],
};

/** What a document holds that a name could have put there, and what the page did. */
interface Clean {
  shape: {
    root: string;
    scripts: number;
    tags: string[];
    foreign: string[];
    handlers: string[];
    links: string[];
  };
  dialogs: Watched['dialogs'];
  network: string[];
  errors: string[];
}

/** What one open of an SVG showed. */
interface Seen {
  /** The document's type as loaded: image/svg+xml, so Chromium's XML parser read it. */
  contentType: string;
  /** That parser's error (the parsererror element it puts in a document it rejects), or null. */
  parseError: string | null;
  /** Once loaded (and, for a heat map, ready). */
  loaded: Clean;
  /** The flame graph's tooltip names (for the SVGs of FG_NAMES). */
  fgNames?: string[];
  /** The heat map's range flame graph of the whole profile. */
  hm?: { titles: string[]; note: string | null; after: Clean };
}

describe.skipIf(!haveChromium)('SVGs made from hostile input, in Chromium', () => {
  let browser: Browser;
  let dir: string;
  const svgs: Svg[] = [];
  let fgPage: Watched;
  let hmPage: Watched;

  function keep(what: string, tool: Svg['tool'], out: Buffer): Svg {
    const file = join(dir, `${svgs.length}.svg`);
    writeFileSync(file, out);
    const s = { what, tool, file, text: out.toString('utf8') };
    svgs.push(s);
    return s;
  }

  /** Tooltip texts as the browser reads them. */
  const fgTitles = (w: Watched) => w.page.$$eval('.fg-frames > * > title', (ts) => ts.map((t) => t.textContent ?? ''));
  const fgName = (t: string) => t.replace(/ \([\d,]+ samples, [\d.]+%\)$/, '');
  /** The range flame graph's tooltip texts (kept on the elements until hovered). */
  const hmTitles = (w: Watched) => w.page.$$eval('#flame > g', (gs) => gs.map((g) => (g as unknown as { _f: { title: string } })._f.title));
  const hmName = (t: string) => t.replace(/ \(\d+ samples, [\d.]+%\)$/, '');

  /** The document's shape, and the page's records since the document was asked for. */
  async function record(w: Watched): Promise<Clean> {
    const shape = await w.page.evaluate(() => {
      const all = [...document.querySelectorAll('*')];
      return {
        root: document.documentElement.localName,
        scripts: document.querySelectorAll('script').length,
        tags: [...new Set(all.map((e) => e.localName))].sort(),
        foreign: all.filter((e) => e.namespaceURI !== 'http://www.w3.org/2000/svg').map((e) => e.localName),
        handlers: all.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.localName}[${a.name}]`)),
        links: all.flatMap((e) => [...e.attributes].filter((a) => /href$/i.test(a.name) && !a.value.startsWith('data:image/png;base64,')).map((a) => a.value)),
      };
    });
    return { shape, dialogs: [...w.dialogs], network: [...w.network], errors: [...w.errors] };
  }

  /** Loads an SVG from file:// into a page whose records start empty. */
  async function load(s: Svg, w: Watched, hash = ''): Promise<void> {
    w.dialogs.length = 0;
    w.network.length = 0;
    w.errors.length = 0;
    await w.page.goto(pathToFileURL(s.file).href + hash);
    // A document the XML parser rejected has no ready heat map: it has the parser's error.
    if (s.tool === 'heatmap') await w.page.waitForSelector('svg[data-ready="1"], parsererror');
  }

  /** Opens an SVG once and reads all the tests check of it. */
  async function visit(s: Svg, w: Watched): Promise<Seen> {
    await load(s, w);
    const doc = await w.page.evaluate(() => ({
      contentType: document.contentType,
      parseError: document.getElementsByTagName('parsererror')[0]?.textContent ?? null,
    }));
    const seen: Seen = { ...doc, loaded: await record(w) };
    if (doc.parseError !== null) return seen;
    if (FG_NAMES[s.what]) seen.fgNames = (await fgTitles(w)).map(fgName);
    if (s.tool === 'heatmap') {
      await w.page.click('#wholebtn');
      const titles = await hmTitles(w);
      const note = s.what.endsWith('deep-10000.txt') ? await w.page.textContent('#flame-note') : null;
      seen.hm = { titles, note, after: await record(w) };
    }
    return seen;
  }

  const seen = new Map<Svg, Seen>();
  /** A document that is not well-formed, seen as the SVGs are: the check can fail. */
  let broken: Seen;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hostile-browser-'));
    // Chromium starts (or the run's is connected to) while the SVGs are made.
    const launching = launchChromium();
    try {
      const cases = [...SMALL.map((n) => join(DIR, n)), ...['deep-10000.folded', 'long-line-10mb.folded', 'distinct-1m.folded', 'deep-10000.txt', 'long-line-10mb.txt'].map((n) => join(LARGE, n))];
      for (const f of cases) {
        const name = f.startsWith(LARGE) ? `large/${f.slice(LARGE.length + 1)}` : f.slice(DIR.length + 1);
        // flamegraph-svg: folded input directly (an SVG, or the error SVG: also for a few perf
        // cases given directly), perf input through stackcollapse.
        if (f.endsWith('.folded') || ['binary-garbage.bin', 'empty.txt', 'only-comments.txt', 'markup-names.txt'].includes(name)) {
          // The million-stack SVG is bin/flamegraph-svg.js's, run once for this file and
          // hostile-svg (test/hostile-outputs.ts); the rest run in this process.
          const r = name === 'large/distinct-1m.folded' ? await hostileOutput(LARGE, RUNS, 'flamegraph-svg distinct-1m.folded') : await runMain(flamegraph, [f]);
          if (r.stdout.length > 0) keep(`flamegraph-svg ${name}`, r.code === 0 ? 'flamegraph' : 'flamegraph-error', r.stdout);
        }
        if (!f.endsWith('.folded')) {
          const c = await runMain(collapse, [f]);
          if (c.code === 0 && c.stdout.length > 0) {
            const r = await runMain(flamegraph, [], c.stdout);
            expect(r.code).toBe(0);
            keep(`stackcollapse ${name} | flamegraph-svg`, 'flamegraph', r.stdout);
          }
          const h = await runMain(heatmap, [f]);
          if (h.code === 0) keep(`heatmap-svg ${name}`, 'heatmap', h.stdout);
        }
      }
    } finally {
      browser = await launching;
    }
    fgPage = await openWatchedPage(browser);
    hmPage = await openWatchedPage(browser);
    await hmPage.page.setViewportSize({ width: 1900, height: 1200 });
    // Each page visits its SVGs in turn, the two pages at once.
    const visitAll = async (w: Watched, list: Svg[]) => {
      for (const s of list) seen.set(s, await visit(s, w));
    };
    await Promise.all([visitAll(fgPage, svgs.filter((s) => s.tool !== 'heatmap')), visitAll(hmPage, svgs.filter((s) => s.tool === 'heatmap'))]);
    // Well-formed but for one '&': the parser must reject it.
    const bad = join(dir, 'broken.svg');
    writeFileSync(bad, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>a & b</text></svg>\n');
    broken = await visit({ what: 'broken', tool: 'flamegraph-error', file: bad, text: '' }, fgPage);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const pageFor = (s: Svg) => (s.tool === 'heatmap' ? hmPage : fgPage);
  /** Opens an SVG afresh for a test of interaction. */
  async function open(s: Svg, hash = ''): Promise<Watched> {
    const w = pageFor(s);
    // Through about:blank: going to the same file with another fragment would not reload it.
    await w.page.goto('about:blank');
    await load(s, w, hash);
    return w;
  }
  function expectClean(s: Svg, got: Clean) {
    const tags = s.tool === 'heatmap' ? HM_TAGS : s.tool === 'flamegraph' ? FG_TAGS : FG_ERROR_TAGS;
    expect(got.shape.root, s.what).toBe('svg');
    expect(got.shape.scripts, s.what).toBe(s.tool === 'heatmap' ? 2 : s.tool === 'flamegraph' ? 1 : 0);
    expect(tags, s.what).toEqual(expect.arrayContaining(got.shape.tags));
    expect(got.shape.foreign, s.what).toEqual([]);
    expect(got.shape.handlers, s.what).toEqual([]);
    expect(got.shape.links, s.what).toEqual([]);
    expect(got.dialogs, s.what).toEqual([]);
    expect(got.network, s.what).toEqual([]);
    expect(got.errors, s.what).toEqual([]);
  }

  it('made an SVG of every case that has one', () => {
    const count = (t: Svg['tool']) => svgs.filter((s) => s.tool === t).length;
    // Folded cases and the perf cases stackcollapse turns into stacks, plus the three large
    // folded ones and two perf ones; error SVGs for input with no valid folded line; heat
    // maps of the perf cases with samples, plus two large ones (the million-stack heat map
    // is left to test/hostile-svg.test.ts: 26 MB is a long open for a shared 2-core machine).
    expect({ fg: count('flamegraph'), error: count('flamegraph-error'), hm: count('heatmap') }).toEqual({ fg: 5 + 13 + 3 + 2, error: 4, hm: 13 + 2 });
  });

  it('every SVG opens from file:// as well-formed SVG: no dialog, no request, no error, nothing injected', () => {
    expect(seen.size).toBe(svgs.length);
    for (const s of svgs) {
      const got = seen.get(s)!;
      expect(got.contentType, s.what).toBe('image/svg+xml');
      expect(got.parseError, s.what).toBeNull();
      expectClean(s, got.loaded);
    }
  });

  it('the well-formedness check sees a document Chromium rejects', () => {
    expect(broken.contentType).toBe('image/svg+xml');
    expect(broken.parseError).toMatch(/error/i);
    expect(broken.loaded.shape.root).not.toBe('svg');
  });

  // --- flame graphs ------------------------------------------------------------------------

  const fgFile = (what: string) => svgs.find((s) => s.what === what)!;

  it('flamegraph-svg: names read back intact from the tooltips', () => {
    for (const [what, want] of Object.entries(FG_NAMES)) {
      const got = seen.get(fgFile(what))!.fgNames!;
      for (const n of want) expect(got, `${what}: ${JSON.stringify(n.slice(0, 40))}`).toContain(n);
    }
  });

  it('flamegraph-svg: hover, zoom and search over hostile frames run no script and inject nothing', async () => {
    const s = fgFile('flamegraph-svg folded-markup.folded');
    const w = await open(s);
    const { page } = w;
    const frames = page.locator('.fg-frames > *');
    const index = async (name: string) => (await fgTitles(w)).findIndex((t) => fgName(t) === name);
    for (const name of ['</script><script>alert(1)</script>', '<img src=x onerror=alert(4)>', '"><script>alert(2)</script>', ']]>']) {
      const i = await index(name);
      expect(i).toBeGreaterThan(0);
      await frames.nth(i).hover();
      expect(await page.locator('.fg-details').textContent()).toMatch(new RegExp(`^Function: ${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(\\d+ samples, [\\d.]+%\\)$`));
      await frames.nth(i).locator('rect').click({ force: true });
      await page.locator('.fg-unzoom').click();
    }
    // Search for a hostile name: found as text, nothing runs.
    await page.keyboard.press('Control+f');
    await page.fill('.fk-searchbox input', '<img src=x onerror');
    const matched = await page.$$eval('.fg-frames > .fg-m > title', (ts) => ts.map((t) => t.textContent));
    expect(matched).toEqual(['<img src=x onerror=alert(4)> (7 samples, 15.56%)']);
    await page.keyboard.press('Escape');
    // A crafted link: zoom and search parameters that are not what they should be.
    await open(s, '?x=1);alert(1)//&y=%3Cscript%3E&s=' + encodeURIComponent('</script><script>alert(1)</script>'));
    expect(w.dialogs.filter((d) => d.type !== 'prompt')).toEqual([]);
    expectClean(s, await record(w));
  });

  // --- heat maps ---------------------------------------------------------------------------

  const hmFile = (name: string) => svgs.find((s) => s.what === `heatmap-svg ${name}`)!;

  it('heatmap-svg: the range flame graph of every heat map shows the names intact; hover makes the same tooltip', async () => {
    for (const s of svgs.filter((x) => x.tool === 'heatmap')) {
      const { titles, note, after } = seen.get(s)!.hm!;
      const got = titles.map(hmName);
      expect(got.length, s.what).toBeGreaterThan(1);
      for (const n of HM_NAMES[s.what.replace('heatmap-svg ', '')] ?? []) expect(got, `${s.what}: ${JSON.stringify(n.slice(0, 40))}`).toContain(n);
      if (s.what.endsWith('deep-10000.txt')) {
        expect(got).toHaveLength(10000);
        expect(got).not.toContain('f0');
        expect(note).toBe('drew the 10,000 widest of 10,004 frames (zoom in for the rest)');
      }
      expectClean(s, after);
    }
    // Hover builds a <title> from the text: it reads back exactly.
    const w = await open(hmFile('markup-names.txt'));
    await w.page.click('#wholebtn');
    const titles = await hmTitles(w);
    for (const name of ['</script><script>alert1</script>', '<img src=x onerror=alert4>', '&nbsp:']) {
      const i = titles.findIndex((t) => hmName(t) === name);
      expect(i).toBeGreaterThanOrEqual(0);
      await w.page.locator('#flame > g').nth(i).hover();
      expect(await w.page.locator('#flame > g').nth(i).locator('title').textContent()).toBe(titles[i]);
      expect(await w.page.textContent('#flame-details')).toBe(`Function: ${titles[i]}`);
    }
    expectClean(hmFile('markup-names.txt'), await record(w));
  });

  it('heatmap-svg: search for a hostile name, from the search box and from a link', async () => {
    const s = hmFile('markup-names.txt');
    let w = await open(s);
    await w.page.click('#wholebtn');
    const purple = () => w.page.$$eval('#flame > g', (gs) => gs.filter((g) => g.querySelector('rect')!.getAttribute('fill') === 'rgb(230,0,230)').map((g) => (g as unknown as { _f: { title: string } })._f.title));
    // A valid regex typed in the search box.
    await w.page.click('#searchbtn');
    await w.page.fill('.fk-searchbox input', '<img src=x');
    expect(await purple()).toEqual(['<img src=x onerror=alert4> (1 samples, 11.11%)']);
    expect(await w.page.textContent('#matched')).toBe('Matched: 11.1%');
    // Not a regex ('[' unclosed): searched as text.
    await w.page.fill('.fk-searchbox input', 'ctl[');
    expect(await purple()).toEqual(['ctl[31m\x7f (1 samples, 11.11%)']);
    // From a link: literal text, so '(' and '+' are plain characters, and a crafted
    // backtracking pattern costs nothing; malformed escapes are ignored.
    w = await open(s, '#sel=0.0-8.49&s=' + encodeURIComponent('(a+)+$'));
    expect(await w.page.textContent('#selection')).toMatch(/^selected 0 s up to 9 s after 1 s: 9 samples$/);
    expect(await purple()).toEqual([]);
    w = await open(s, '#sel=0.0-8.49&s=' + encodeURIComponent(']]>'));
    expect(await purple()).toEqual([']]> (1 samples, 11.11%)']);
    w = await open(s, '#s=%E0%A4%A&sel=0.0-8.49&z=%3Cscript%3E&drill=%');
    expect(await w.page.textContent('#selection')).toMatch(/^selected 0 s up to 9 s after 1 s: 9 samples$/);
    expect(w.dialogs).toEqual([]);
    expectClean(s, await record(w));
  });
});

// Fail loudly if the corpus is missing rather than testing nothing.
if (haveChromium) readFileSync(join(DIR, 'markup-names.txt'));
