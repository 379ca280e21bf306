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
// One browser for the file, one page per tool, reused from SVG to SVG.
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
import { haveChromium, launchChromium, openWatchedPage, xmlFileParseError, type Watched } from './browser/chromium.js';
import { FIXTURES, runMain } from './helpers.js';

if (!haveChromium) console.warn('hostile-input browser tests skipped: no Chromium at /usr/bin/chromium');

const DIR = join(FIXTURES, 'hostile');
/** The large cases, made once per run by test/global-setup.ts (not in the source tree). */
const LARGE = inject('hostileLarge');
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

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hostile-browser-'));
    const cases = [...SMALL.map((n) => join(DIR, n)), ...['deep-10000.folded', 'long-line-10mb.folded', 'distinct-1m.folded', 'deep-10000.txt', 'long-line-10mb.txt'].map((n) => join(LARGE, n))];
    for (const f of cases) {
      const name = f.startsWith(LARGE) ? `large/${f.slice(LARGE.length + 1)}` : f.slice(DIR.length + 1);
      // flamegraph-svg: folded input directly (an SVG, or the error SVG: also for a few perf
      // cases given directly), perf input through stackcollapse.
      if (f.endsWith('.folded') || ['binary-garbage.bin', 'empty.txt', 'only-comments.txt', 'markup-names.txt'].includes(name)) {
        const r = await runMain(flamegraph, [f]);
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
    browser = await launchChromium();
    fgPage = await openWatchedPage(browser);
    hmPage = await openWatchedPage(browser);
    await hmPage.page.setViewportSize({ width: 1900, height: 1200 });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const pageFor = (s: Svg) => (s.tool === 'heatmap' ? hmPage : fgPage);
  async function open(s: Svg, hash = ''): Promise<Watched> {
    const w = pageFor(s);
    w.dialogs.length = 0;
    w.network.length = 0;
    w.errors.length = 0;
    // Through about:blank: going to the same file with another fragment would not reload it.
    await w.page.goto('about:blank');
    await w.page.goto(pathToFileURL(s.file).href + hash);
    if (s.tool === 'heatmap') await w.page.waitForSelector('svg[data-ready="1"]');
    return w;
  }
  /** What the document holds that a name could have put there. */
  async function shape(w: Watched) {
    return w.page.evaluate(() => {
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
  }
  async function expectClean(s: Svg, w: Watched) {
    const got = await shape(w);
    const tags = s.tool === 'heatmap' ? HM_TAGS : s.tool === 'flamegraph' ? FG_TAGS : FG_ERROR_TAGS;
    expect(got.root, s.what).toBe('svg');
    expect(got.scripts, s.what).toBe(s.tool === 'heatmap' ? 2 : s.tool === 'flamegraph' ? 1 : 0);
    expect(tags, s.what).toEqual(expect.arrayContaining(got.tags));
    expect(got.foreign, s.what).toEqual([]);
    expect(got.handlers, s.what).toEqual([]);
    expect(got.links, s.what).toEqual([]);
    expect(w.dialogs, s.what).toEqual([]);
    expect(w.network, s.what).toEqual([]);
    expect(w.errors, s.what).toEqual([]);
  }

  it('made an SVG of every case that has one', () => {
    const count = (t: Svg['tool']) => svgs.filter((s) => s.tool === t).length;
    // Folded cases and the perf cases stackcollapse turns into stacks, plus the three large
    // folded ones and two perf ones; error SVGs for input with no valid folded line; heat
    // maps of the perf cases with samples, plus two large ones (the million-stack heat map
    // is left to test/hostile-svg.test.ts: 26 MB is a long open for a shared 2-core machine).
    expect({ fg: count('flamegraph'), error: count('flamegraph-error'), hm: count('heatmap') }).toEqual({ fg: 5 + 13 + 3 + 2, error: 4, hm: 13 + 2 });
  });

  it('every SVG opens from file:// as well-formed SVG: no dialog, no request, no error, nothing injected', async () => {
    for (const s of svgs) {
      const w = await open(s);
      expect(await xmlFileParseError(w.page, pathToFileURL(s.file).href), s.what).toBeNull();
      await expectClean(s, w);
    }
  }, 240_000);

  // --- flame graphs ------------------------------------------------------------------------

  const fgFile = (what: string) => svgs.find((s) => s.what === what)!;
  /** Tooltip texts as the browser reads them. */
  const fgTitles = (w: Watched) => w.page.$$eval('.fg-frames > * > title', (ts) => ts.map((t) => t.textContent ?? ''));
  const fgName = (t: string) => t.replace(/ \([\d,]+ samples, [\d.]+%\)$/, '');

  it('flamegraph-svg: names read back intact from the tooltips', async () => {
    const cases: [string, string[]][] = [
      [
        'flamegraph-svg folded-markup.folded',
        ['</script><script>alert(1)</script>', '"><script>alert(2)</script>', "'): alert(3)://", ']]>', '-->', '&nbsp:', '<img src=x onerror=alert(4)>', 'a&b<c>d"e\'f'],
      ],
      ['flamegraph-svg folded-invalid-utf8.folded', ['bad_\uFFFD\uFFFD', 'caf\uFFFD']],
      ['flamegraph-svg folded-controls.folded', ['nulbyte', 'ctl[31m\x7f', 'nonchar', 'surrogate\uFFFD\uFFFD\uFFFD', 'tab\there']],
      ['stackcollapse latin1-names.txt | flamegraph-svg', ['caf\uFFFD', 'na\uFFFDve_r\uFFFDsum\uFFFD']],
      ['stackcollapse invalid-utf8.txt | flamegraph-svg', ['bad_\uFFFD\uFFFD_\uFFFD']],
      ['stackcollapse markup-names.txt | flamegraph-svg', ['</script><script>alert1</script>', '><script>alert2</script>', ']]>', '<img src=x onerror=alert4>', 'a&b<c>def']],
      ['flamegraph-svg large/long-line-10mb.folded', ['x'.repeat(10 << 20)]],
    ];
    for (const [what, want] of cases) {
      const s = fgFile(what);
      const w = await open(s);
      const got = (await fgTitles(w)).map(fgName);
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
    await expectClean(s, w);
  });

  // --- heat maps ---------------------------------------------------------------------------

  const hmFile = (name: string) => svgs.find((s) => s.what === `heatmap-svg ${name}`)!;
  /** The range flame graph's tooltip texts (kept on the elements until hovered). */
  const hmTitles = (w: Watched) => w.page.$$eval('#flame > g', (gs) => gs.map((g) => (g as unknown as { _f: { title: string } })._f.title));
  const hmName = (t: string) => t.replace(/ \(\d+ samples, [\d.]+%\)$/, '');

  it('heatmap-svg: the range flame graph of every heat map shows the names intact; hover makes the same tooltip', async () => {
    const want: Record<string, string[]> = {
      'markup-names.txt': ['</script><script>alert1</script>', '><script>alert2</script>', ': alert3://', ']]>', '-', '&nbsp:', '<img src=x onerror=alert4>', 'a&b<c>def', 'ctl[31m\x7f'],
      'invalid-utf8.txt': ['bad_\uFFFD\uFFFD_\uFFFD'],
      'latin1-names.txt': ['caf\uFFFD', 'na\uFFFDve_r\uFFFDsum\uFFFD'],
      'xml-invalid-chars.txt': ['nonchar', 'ctl', 'surrogate\uFFFD\uFFFD\uFFFD'],
      'nul-bytes.txt': ['app', 'leaf'],
      'large/long-line-10mb.txt': ['x'.repeat(10 << 20)],
      // 10,003 frames: flamegraph-svg's frame budget (10,000) drops the deepest tip only.
      'large/deep-10000.txt': ['f4', 'f9999'],
    };
    for (const s of svgs.filter((x) => x.tool === 'heatmap')) {
      const w = await open(s);
      await w.page.click('#wholebtn');
      const got = (await hmTitles(w)).map(hmName);
      expect(got.length, s.what).toBeGreaterThan(1);
      for (const n of want[s.what.replace('heatmap-svg ', '')] ?? []) expect(got, `${s.what}: ${JSON.stringify(n.slice(0, 40))}`).toContain(n);
      if (s.what.endsWith('deep-10000.txt')) {
        expect(got).toHaveLength(10000);
        expect(got).not.toContain('f0');
        expect(await w.page.textContent('#flame-note')).toBe('drew the 10,000 widest of 10,004 frames (zoom in for the rest)');
      }
      await expectClean(s, w);
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
    await expectClean(hmFile('markup-names.txt'), w);
  }, 240_000); // seven heat maps, two of them 10 MB: minutes on a loaded machine

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
    await expectClean(s, w);
  });
});

// Fail loudly if the corpus is missing rather than testing nothing.
if (haveChromium) readFileSync(join(DIR, 'markup-names.txt'));
