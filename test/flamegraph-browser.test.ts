// The flame graph's embedded viewer, in a real headless Chromium (Debian's /usr/bin/chromium
// through playwright-core): hover, zoom, search (regex, literal, ignore case), Matched %, URL
// state, two graphs on one page, hostile names, and timings on a 100,000-stack profile.
// Every page runs with the network blocked and recorded, and with dialogs recorded.
// One Chromium and one page for the file (reusedPage): each open() loads a fresh document,
// after checking that the last one fetched nothing and threw nothing.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, launchChromium, reusedPage, xmlParseError, type Watched } from './browser/chromium.js';
import { bigProfile, run } from './flamegraph-io.js';

if (!haveChromium) console.warn('flamegraph browser tests skipped: no Chromium at /usr/bin/chromium');

const FIX = join(import.meta.dirname, '..', 'fixtures', 'flamegraph');

// 21 samples: main 17 (foo 5, Foo 2, FOO 1, operator[](int) 3, bar 6 = self 2 + baz 4), other 4 (baz 4)
const VIEW = ['main;foo 5', 'main;Foo 2', 'main;FOO 1', 'main;operator[](int) 3', 'main;bar;baz 4', 'main;bar 2', 'other;baz 4'].join('\n') + '\n';

describe.skipIf(!haveChromium)('flame graph viewer in Chromium', () => {
  let browser: Browser;
  let dir: string;
  const files: Record<string, string> = {};
  /** The page's last document, not yet checked. */
  let last: Watched | undefined;
  const freshPage = reusedPage(() => browser);
  /** Nothing fetched, nothing thrown, on the last document. */
  function checkLast() {
    if (last === undefined) return;
    expect(last.network).toEqual([]);
    expect(last.errors).toEqual([]);
    last = undefined;
  }

  async function svgFile(name: string, args: string[], input: string | Buffer): Promise<string> {
    const r = await run(args, input);
    expect(r.code).toBe(0);
    const f = join(dir, name);
    writeFileSync(f, r.stdout);
    files[name] = r.stdout;
    return pathToFileURL(f).href;
  }
  async function open(url?: string): Promise<Watched> {
    checkLast();
    const w = await freshPage();
    await w.page.setViewportSize({ width: 1300, height: 900 });
    last = w;
    if (url) await w.page.goto(url);
    return w;
  }
  const frame = (page: Page, name: string) => page.locator('.fg-frames > *', { has: page.locator(`title:text-matches("^${name.replace(/[[\]()]/g, '\\$&')} \\\\(")`) });
  const rectAttrs = (page: Page) =>
    page.evaluate(() => [...document.querySelectorAll('.fg-frames > * > rect')].map((r) => `${r.getAttribute('x')},${r.getAttribute('width')}`));
  const visibleTitles = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll('.fg-frames > *')]
        .filter((g) => getComputedStyle(g).display !== 'none')
        .map((g) => g.querySelector('title')!.textContent!.split(' (')[0]),
    );
  const matchedNames = (page: Page) =>
    page.evaluate(() => [...document.querySelectorAll('.fg-frames > .fg-m')].map((g) => g.querySelector('title')!.textContent!.split(' (')[0]));
  // The page's own location: Playwright's page.url() learns of replaceState a moment later.
  const href = (page: Page) => page.evaluate(() => location.href);
  const text = (page: Page, cls: string) => page.evaluate((c) => document.querySelector('.fg-' + c)!.textContent, cls);
  // The inline search box (an <input> in a <foreignObject>), of the first graph or of `root`.
  const box = (page: Page, root = page.locator(':root')) => root.locator('.fk-searchbox input');
  const count = (page: Page) => page.locator('.fk-searchbox .fk-count').textContent();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flamegraph-browser-'));
    browser = await launchChromium();
  });
  afterEach(checkLast);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hover shows the details line; leaving clears it', async () => {
    const { page } = await open(await svgFile('view.svg', [], VIEW));
    await frame(page, 'foo').locator('rect').hover();
    expect(await text(page, 'details')).toBe('Function: foo (5 samples, 23.81%)');
    await page.mouse.move(5, 5);
    expect(await text(page, 'details')).toBe(' ');
  });

  it.each([
    [1280, 800],
    [1920, 1080],
  ])('at %ix%i: no horizontal scrolling, the title in view, and the search box in view when scrolled down', async (vw, vh) => {
    const { page } = await open();
    await page.setViewportSize({ width: vw, height: vh });
    // A deep graph: taller than the window.
    const deep = Array.from({ length: 60 }, (_, i) => `f${i}`).join(';');
    await page.goto(await svgFile('deep.svg', [], `${deep} 3\nmain;samples_of_nothing 1\n`));
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth)).toBe(true);
    const title = (await page.locator('#title').boundingBox())!;
    expect(title.x >= 0 && title.x + title.width <= vw && title.y >= 0).toBe(true);
    await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight));
    await page.keyboard.press('Control+f');
    const b = (await box(page).boundingBox())!;
    expect(b.y >= 0 && b.y + b.height <= vh && b.x + b.width <= vw).toBe(true);
    // Names only: "samples" is in every tooltip, and in no name but one.
    await page.keyboard.type('samples');
    expect(await matchedNames(page)).toEqual(['samples_of_nothing']);
  });

  it('click zooms: the frame fills the width, its parents dim, others hide; Reset Zoom restores', async () => {
    const url = await svgFile('view.svg', [], VIEW);
    const { page } = await open(url);
    const before = await rectAttrs(page);
    expect(await page.locator('.fg-unzoom').evaluate((e) => getComputedStyle(e).display)).toBe('none');
    await frame(page, 'bar').locator('rect').click();
    expect(await frame(page, 'bar').locator('rect').getAttribute('x')).toBe('10.0');
    expect(await frame(page, 'bar').locator('rect').getAttribute('width')).toBe('1180.0');
    // baz is bar's child: 4 of bar's 6 samples, after bar's 2 self samples
    expect(await frame(page, 'baz').first().locator('rect').getAttribute('x')).toBe('403.3');
    expect(await frame(page, 'baz').first().locator('rect').getAttribute('width')).toBe('786.7');
    expect(await frame(page, 'baz').first().locator('text').textContent()).toBe('baz');
    expect(await visibleTitles(page)).toEqual(['all', 'main', 'bar', 'baz']);
    expect(await frame(page, 'main').getAttribute('class')).toBe('fg-parent');
    expect(new URL(await href(page)).searchParams.get('x')).toBe(before[await page.evaluate(() => [...document.querySelectorAll('.fg-frames > *')].findIndex((g) => g.querySelector('title')!.textContent!.startsWith('bar (')))].split(',')[0]);
    await page.locator('.fg-unzoom').click();
    expect(await rectAttrs(page)).toEqual(before);
    expect((await visibleTitles(page)).length).toBe(before.length);
    expect(new URL(await href(page)).search).toBe('');
    // clicking the root also unzooms
    await frame(page, 'baz').first().locator('rect').click();
    await frame(page, 'all').locator('rect').click();
    expect(await rectAttrs(page)).toEqual(before);
    // and Esc, once no search is open
    await frame(page, 'bar').locator('rect').click();
    await page.keyboard.press('Control+f');
    await box(page).fill('baz');
    await page.keyboard.press('Escape');
    expect(await matchedNames(page)).toEqual([]);
    expect(await visibleTitles(page)).toEqual(['all', 'main', 'bar', 'baz']);
    await page.keyboard.press('Escape');
    expect(await rectAttrs(page)).toEqual(before);
  });

  it('inverted flame chart: zoom keeps input order and grows downwards', async () => {
    const { page } = await open(await svgFile('chart.svg', ['--inverted', '--flamechart'], 'a;b 1\na;c;d 2\na;b 1\n'));
    expect(await page.locator('#title').textContent()).toBe('Flame Chart');
    expect((await visibleTitles(page)).join()).toBe('all,a,b,c,d,b');
    await frame(page, 'c').locator('rect').click();
    expect(await visibleTitles(page)).toEqual(['all', 'a', 'c', 'd']);
    const y = async (n: string) => Number(await frame(page, n).locator('rect').getAttribute('y'));
    expect(await y('d')).toBeGreaterThan(await y('c'));
    expect(await y('a')).toBeLessThan(await y('c'));
    expect(await frame(page, 'd').locator('rect').getAttribute('width')).toBe('1180.0');
  });

  it('search: a regex, an invalid regex searched literally, Matched % of the view', async () => {
    const w = await open(await svgFile('view.svg', [], VIEW));
    const { page } = w;
    await page.keyboard.press('Control+f');
    // An inline box, focused: no dialog.
    expect(await box(page).evaluate((e) => e === document.activeElement)).toBe(true);
    await page.keyboard.type('^ba[rz]$');
    expect(w.dialogs).toEqual([]);
    expect(await matchedNames(page)).toEqual(['bar', 'baz', 'baz']);
    expect(await count(page)).toBe('3 matches');
    // bar (6) holds one baz: counted once; the other baz (4) is under "other": 10 of 21
    expect(await text(page, 'matched')).toBe('Matched: 47.6%');
    expect(await frame(page, 'bar').locator('rect').evaluate((r) => getComputedStyle(r).fill)).toBe('rgb(230, 0, 230)');
    expect(await page.locator('.fg-search').textContent()).toBe('Reset Search');
    expect(new URL(await href(page)).searchParams.get('s')).toBe('/^ba[rz]$/');
    // Enter outlines the matches in turn and shows each one's details
    await page.keyboard.press('Enter');
    expect(await text(page, 'details')).toBe('Function: bar (6 samples, 28.57%)');
    await page.keyboard.press('Enter');
    expect(await text(page, 'details')).toBe('Function: baz (4 samples, 19.05%)');
    expect(await page.locator('.fg-cur').count()).toBe(1);
    // zoomed into main (17): only bar's 6 count
    await frame(page, 'main').locator('rect').click();
    expect(await text(page, 'matched')).toBe('Matched: 35.3%');
    await page.locator('.fg-unzoom').click();
    // Search again resets; then an invalid regex falls back to literal text
    await page.locator('.fg-search').click();
    expect(await matchedNames(page)).toEqual([]);
    expect(await page.locator('.fg-search').textContent()).toBe('Search');
    await page.locator('.fg-search').click();
    await box(page).fill('operator[');
    expect(await matchedNames(page)).toEqual(['operator[](int)']);
    expect(await text(page, 'matched')).toBe('Matched: 14.3%');
    expect(new URL(await href(page)).searchParams.get('s')).toBe('/operator\\[/');
    // Names only: the tooltip's "(3 samples, 14.29%)" is not searched
    await box(page).fill('samples');
    expect(await matchedNames(page)).toEqual([]);
    expect(await text(page, 'matched')).toBe('Matched: 0.0%');
    await box(page).fill('operator[');
    await page.keyboard.press('Escape');
    expect(await matchedNames(page)).toEqual([]);
    expect(await box(page).count()).toBe(0);
  });

  it('ignore case: the ic button and Ctrl-I toggle it and re-run the search', async () => {
    const w = await open(await svgFile('view.svg', [], VIEW));
    const { page } = w;
    await page.locator('.fg-search').click();
    await box(page).fill('foo');
    expect(await matchedNames(page)).toEqual(['foo']);
    await page.keyboard.press('Control+i');
    expect(await matchedNames(page)).toEqual(['FOO', 'Foo', 'foo']);
    expect(await page.locator('.fg-ic').getAttribute('class')).toBe('fg-ic fg-show');
    expect(await text(page, 'matched')).toBe('Matched: 38.1%'); // 8 of 21
    expect(new URL(await href(page)).searchParams.get('s')).toBe('/foo/i');
    await page.locator('.fg-ic').click();
    expect(await matchedNames(page)).toEqual(['foo']);
  });

  it('URL parameters restore zoom and search; malformed ones are ignored', async () => {
    const url = await svgFile('view.svg', [], VIEW);
    const first = await open(url);
    await frame(first.page, 'bar').locator('rect').click();
    await first.page.keyboard.press('F3');
    await box(first.page).fill('baz');
    const saved = await href(first.page);
    expect(saved).toMatch(/\?x=[\d.]+&y=\d+&s=baz$/);

    const { page } = await open(saved);
    expect(await visibleTitles(page)).toEqual(['all', 'main', 'bar', 'baz']);
    expect(await matchedNames(page)).toEqual(['baz', 'baz']);
    expect(await text(page, 'matched')).toBe('Matched: 66.7%');

    const regex = await open(url + '?s=' + encodeURIComponent('/^F/i'));
    expect(await matchedNames(regex.page)).toEqual(['FOO', 'Foo', 'foo']);
    const literal = await open(url + '?s=' + encodeURIComponent('operator[](int)'));
    expect(await matchedNames(literal.page)).toEqual(['operator[](int)']);

    const bad = await open(url + '?x=1);alert(1)//&y=[object]&s=' + encodeURIComponent('/(a/'));
    expect((await visibleTitles(bad.page)).length).toBe(10);
    expect(bad.dialogs).toEqual([]);
    const junk = await open(url + '?%E0%A4%A=1&x=&s=%');
    expect((await visibleTitles(junk.page)).length).toBe(10);
  });

  it('two graphs inlined in one HTML page keep their ids, styles and state apart', async () => {
    const a = (await run(['--search-color', '#00ff00'], VIEW)).stdout;
    const b = (await run(['--colors', 'blue'], readFileSync(join(FIX, 'simple.folded')))).stdout;
    const strip = (s: string) => s.replace(/^<\?xml[^>]*>\n/, '');
    const w = await open();
    await w.page.goto('about:blank');
    await w.page.setContent(`<!doctype html><html><body><p>two graphs</p>${strip(a)}<div>${strip(b)}${strip(b)}</div></body></html>`);
    const { page } = w;
    const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((i) => i.startsWith('frames'))).toEqual(['frames', 'frames-2', 'frames-3']);
    // each background still points at its own gradient
    expect(await page.evaluate(() => [...document.querySelectorAll('svg > rect')].map((r) => document.querySelector(r.getAttribute('fill')!.slice(4, -1))!.closest('svg') === r.closest('svg')))).toEqual([true, true, true]);
    const svgs = page.locator('body svg');
    // zoom in graph 1 only
    await svgs.nth(0).locator('.fg-frames > *', { has: page.locator('title:text-matches("^bar \\\\(")') }).locator('rect').click();
    const hidden = () => page.evaluate(() => [...document.querySelectorAll('svg')].map((s) => s.querySelectorAll('.fg-frames > .fg-hide').length));
    expect(await hidden()).toEqual([6, 0, 0]);
    // search in graph 2 only (its button), with its own colour rule
    await svgs.nth(1).locator('.fg-search').click();
    await box(page, svgs.nth(1)).fill('^main$');
    expect(await page.evaluate(() => [...document.querySelectorAll('svg')].map((s) => s.querySelectorAll('.fg-m').length))).toEqual([0, 1, 0]);
    expect(await svgs.nth(1).locator('.fg-m rect').evaluate((r) => getComputedStyle(r).fill)).toBe('rgb(230, 0, 230)');
    // Ctrl-F goes to the graph last clicked, and only to it
    await svgs.nth(0).locator('.fg-frames > *').first().locator('rect').click();
    await page.keyboard.press('Control+f');
    expect(await box(page, svgs.nth(2)).count()).toBe(0);
    await box(page, svgs.nth(0)).fill('baz');
    expect(await page.evaluate(() => [...document.querySelectorAll('svg')].map((s) => s.querySelectorAll('.fg-m').length))).toEqual([2, 1, 0]);
    expect(await svgs.nth(0).locator('.fg-m rect').first().evaluate((r) => getComputedStyle(r).fill)).toBe('rgb(0, 255, 0)');
    // the host page's own text is not restyled by the graphs' CSS
    expect(await page.locator('p').evaluate((p) => getComputedStyle(p).fontFamily)).not.toContain('Verdana');
  });

  it('hostile names: the XML parses, nothing runs, nothing is injected, the viewer still works', async () => {
    const url = await svgFile('hostile.svg', [], readFileSync(join(FIX, 'hostile.folded')));
    const w = await open(url);
    const { page } = w;
    expect(await xmlParseError(page, files['hostile.svg'])).toBeNull();
    const shape = await page.evaluate(() => ({
      scripts: document.querySelectorAll('script').length,
      foreign: [...document.querySelectorAll('*')].filter((e) => e.namespaceURI !== 'http://www.w3.org/2000/svg').map((e) => e.localName),
      tags: [...new Set([...document.querySelectorAll('*')].map((e) => e.localName))].sort(),
      handlers: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => a.name)),
    }));
    expect(shape).toEqual({ scripts: 1, foreign: [], tags: ['defs', 'g', 'linearGradient', 'rect', 'script', 'stop', 'style', 'svg', 'text', 'title'].sort(), handlers: [] });
    for (const name of ['&lt;/script&gt;', ']]&gt;', '&amp;nbsp']) expect(shape.tags.join()).not.toContain(name);
    // hover, zoom and search over the hostile frames
    const hostileFrame = frame(page, '</script><script>alert\\(1\\)</script>');
    await hostileFrame.hover(); // its label covers the rect: hover the frame
    expect(await text(page, 'details')).toBe('Function: </script><script>alert(1)</script> (3 samples, 4.62%)');
    await page.locator('.fg-frames > *').nth(1).locator('rect').click();
    await page.keyboard.press('Control+f');
    await box(page).fill('<script>');
    expect(await matchedNames(page)).toEqual(['"><script>alert(2)</script>', '</script><script>alert(1)</script>']);
    expect(w.dialogs.filter((d) => d.type !== 'prompt')).toEqual([]);

    // the same, inlined in an HTML page
    const inl = await open();
    await inl.page.goto('about:blank');
    await inl.page.setContent(`<!doctype html><body>${files['hostile.svg'].replace(/^<\?xml[^>]*>\n/, '')}</body>`);
    expect(await inl.page.evaluate(() => document.querySelectorAll('script').length)).toBe(1);
    expect(await inl.page.evaluate(() => document.querySelectorAll('img, iframe, object, embed').length)).toBe(0);
    expect(inl.dialogs).toEqual([]);
  });

  it('a 100,000-stack profile opens, searches and zooms (times printed, not asserted)', async () => {
    const folded = bigProfile(100_000);
    const t0 = performance.now();
    const url = await svgFile('big.svg', [], folded);
    const genMs = performance.now() - t0;
    const bytes = statSync(join(dir, 'big.svg')).size;
    const frames = (files['big.svg'].match(/<g>/g) ?? []).length;
    // Opened three times, each a fresh document: the machine may be busy (CI runs two suites
    // at once), so all three are printed.
    const opens: number[] = [];
    let w: Watched | undefined;
    for (let k = 0; k < 3; k++) {
      w = await open();
      await w.page.goto(url, { waitUntil: 'load' });
      // In the page's own clock (0 = navigation start): the second frame after load is painted.
      opens.push(await w.page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))));
    }
    const openMs = Math.min(...opens);
    const { page } = w!;
    // Search, timed inside the page from the click to the second frame after it (painted).
    await page.locator('.fg-search').click();
    const searchMs = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const t = performance.now();
          const input = document.querySelector('.fk-searchbox input') as HTMLInputElement;
          input.value = 'mod_1[0-9]';
          input.dispatchEvent(new Event('input', { bubbles: true }));
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t)));
        }),
    );
    expect(await text(page, 'matched')).toMatch(/^Matched: \d+\.\d%$/);
    const zoomMs = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const t = performance.now();
          const g = document.querySelectorAll('.fg-frames > *')[1].querySelector('rect')!;
          g.dispatchEvent(new MouseEvent('click', { bubbles: true }));
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t)));
        }),
    );
    console.log(
      `flamegraph-svg browser timings, 100,000 distinct stacks: ${frames} frames drawn, SVG ${(bytes / 1e6).toFixed(2)} MB ` +
        `(generated in ${genMs.toFixed(0)} ms); Chromium open ${opens.map((x) => x.toFixed(0)).join(' / ')} ms, search + repaint ${searchMs.toFixed(0)} ms, ` +
        `zoom + repaint ${zoomMs.toFixed(0)} ms`,
    );
    expect(frames).toBeLessThanOrEqual(10000);
    // Times are printed, not asserted: the machine is shared and a timed test only measures
    // its load (npm run bench is where speed is measured). What is asserted is that the page
    // opened, searched and zoomed at this size.
    expect(openMs).toBeGreaterThan(0);
    expect(Number.isFinite(searchMs) && Number.isFinite(zoomMs)).toBe(true);
    expect(await page.locator('.fg-unzoom').evaluate((e) => getComputedStyle(e).display)).not.toBe('none');
  });
});
