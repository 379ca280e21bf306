// heatmap-svg in headless Chromium, the SVG opened from file://: hover, selection by drag
// and by two clicks (both orders) with the preview, Esc, the range flame graph (zoom,
// search, hot functions, hottest first), whole profile, URL state, and the flame graph of
// a range against `range-perf | stackcollapse | flamegraph-svg` on the same range.
//
// One Chromium for the file and one page, reused from test to test (reusedPage); each SVG
// is made once, by the tools' main() in this process (runTool).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium, reusedPage, type Watched } from './browser/chromium.js';
import { CONFORMANCE, HAVE_CONFORMANCE, runTool, type Tool } from './helpers.js';
import { DEFAULT_IDLE } from '../src/heatmap/idle.js';

const TEST01 = join(CONFORMANCE, 'perf', 'flamescope-perf-test01.txt');
const EXAMPLE = join(CONFORMANCE, 'perf', 'example-perf-stacks.txt.gz');
const run = haveChromium && HAVE_CONFORMANCE;
if (!run) console.warn('NOTE: heatmap-svg browser tests skipped (no Chromium or no ../shared/conformance)');

let browser: Browser;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'heatmap-browser-'));
  if (haveChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});
/** The file's one page, afresh for each test. */
const freshPage = reusedPage(() => browser);

/** A tool run in this process that must succeed; its stdout. */
async function tool(name: Tool, args: string[], input?: Buffer | string): Promise<Buffer> {
  const r = await runTool(name, args, input);
  expect(r.code, `${name}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** heatmap-svg's SVG of these arguments (and stdin), made once for the file; its path. */
const made = new Map<string, Promise<string>>();
function heatmapSvg(name: string, args: string[], input?: string): Promise<string> {
  let p = made.get(name);
  if (p === undefined) {
    p = tool('heatmap-svg', args, input).then((out) => {
      const file = join(dir, name);
      writeFileSync(file, out);
      return file;
    });
    made.set(name, p);
  }
  return p;
}
/** The example profile's heat map, idle kept. */
const exampleSvg = () => heatmapSvg('example.svg', ['--no-idle-filter', EXAMPLE]);

interface Layout {
  x0: number;
  y0: number;
  cw: number;
  rh: number;
}

describe.skipIf(!run)('heatmap-svg in Chromium', () => {
  let test01: string;
  let example: string;
  let w: Watched;
  let page: Page;

  beforeAll(async () => {
    test01 = await heatmapSvg('test01.svg', [TEST01]);
    example = await exampleSvg();
  });

  async function open(file: string, hash = ''): Promise<{ L: Layout; rows: number }> {
    w = await freshPage();
    page = w.page;
    await page.setViewportSize({ width: 1900, height: 1200 });
    await page.goto(`file://${file}${hash}`);
    await page.waitForSelector('svg[data-ready="1"]');
    return page.evaluate(() => {
      const d = JSON.parse(document.getElementById('heatmap-data')!.textContent!);
      return { L: d.layout, rows: d.rows };
    });
  }
  const at = (g: { L: Layout; rows: number }, c: number, r: number) => ({
    x: g.L.x0 + c * g.L.cw + g.L.cw / 2,
    y: g.L.y0 + (g.rows - 1 - r) * g.L.rh + g.L.rh / 2,
  });
  async function click(p: { x: number; y: number }) {
    await page.mouse.click(p.x, p.y);
  }
  const text = (sel: string) => page.textContent(sel);
  // The page's own location: Playwright's page.url() learns of replaceState a moment later.
  const href = () => page.evaluate(() => location.href);
  // Frames keep their tooltip text on the element (`_f.title`); <title> is made on hover.
  const titles = () => page.$$eval('#flame > g', (gs) => gs.map((g) => (g as unknown as { _f: { title: string } })._f.title));
  async function frameRect(re: string) {
    const i = await page.$$eval('#flame > g', (gs, r) => gs.findIndex((g) => new RegExp(r).test((g as unknown as { _f: { title: string } })._f.title)), re);
    expect(i).toBeGreaterThanOrEqual(0);
    return page.locator('#flame > g').nth(i).locator('rect');
  }
  async function done() {
    expect(w.errors).toEqual([]);
    expect(w.network).toEqual([]);
    await w.close();
  }

  it('shows second, offset range, count and column share on hover', async () => {
    const g = await open(test01);
    const p = at(g, 20, 15);
    await page.mouse.move(p.x, p.y);
    expect(await text('#details')).toBe('second 20, offset 300-320 ms, count 1, 100.0% of the column');
    const q = at(g, 20, 16);
    await page.mouse.move(q.x, q.y);
    expect(await text('#details')).toBe('second 20, offset 320-340 ms, count 0, 0.0% of the column');
    await done();
  });

  it('each STACK-N cell shows that frame and only that stack', async () => {
    const g = await open(test01);
    for (const [n, sec, ms] of [
      [1, 0, 100],
      [2, 10, 200],
      [3, 20, 300],
      [4, 30, 400],
      [5, 40, 500],
    ]) {
      const p = at(g, sec, ms / 20);
      await click(p);
      await click(p);
      const ts = await titles();
      expect(ts).toContain(`STACK-${n}_at_time_${sec}s_and_offset_${ms}ms (1 samples, 100.00%)`);
      // The name is the leaf and also appears lower in the same stack: no other STACK-N.
      const named = ts.filter((t) => t.startsWith('STACK-'));
      expect(named.length).toBeGreaterThan(0);
      expect(named.every((t) => t.startsWith(`STACK-${n}_`))).toBe(true);
      expect(ts).toContain('all (1 samples, 100%)');
      // A single stack: one frame per depth.
      const ys = await page.$$eval('#flame rect', (rs) => rs.map((r) => r.getAttribute('y')));
      expect(new Set(ys).size).toBe(ys.length);
      // The real input file, named as heatmap-svg was given it.
      // The whole command (the line shown is cut to the width with an ellipsis).
      expect(await page.getAttribute('#command', 'data-full')).toBe(
        `range-perf --timezerosecs ${sec}.${ms / 100} ${sec}.${String(ms / 10 + 1).padStart(2, '0')}9999999 ${TEST01} | stackcollapse --weight samples | grep -v -E '${DEFAULT_IDLE.source}' | flamegraph-svg`,
      );
    }
    await done();
  });

  it('selects by two clicks in either order, with a preview between them', async () => {
    const g = await open(test01);
    const a = at(g, 5, 10);
    const b = at(g, 30, 20);
    await click(a);
    const m = at(g, 25, 3);
    await page.mouse.move(m.x, m.y);
    expect(await page.$$eval('#preview rect', (rs) => rs.length)).toBeGreaterThan(0);
    await click(b);
    expect(await page.$$eval('#preview rect', (rs) => rs.length)).toBe(0);
    const forward = await text('#selection');
    const cmd = await text('#command');
    expect(forward).toBe('selected 5.2 s up to 30.42 s after 5076 s: 3 samples');
    expect(await page.$$eval('#hl-main rect', (rs) => rs.length)).toBe(3);
    await click(b);
    await click(a);
    expect(await text('#selection')).toBe(forward);
    expect(await text('#command')).toBe(cmd);
    expect(await titles()).toContain('all (3 samples, 100%)');
    await done();
  });

  it('selects by dragging, and Esc clears', async () => {
    const g = await open(test01);
    const a = at(g, 40, 30);
    const b = at(g, 0, 0);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, a.y, { steps: 3 });
    expect(await page.$$eval('#preview rect', (rs) => rs.length)).toBeGreaterThan(0);
    await page.mouse.move(b.x, b.y, { steps: 3 });
    await page.mouse.up();
    expect(await text('#selection')).toBe('selected 0 s up to 40.62 s after 5076 s: 5 samples');
    expect(await href()).toContain('#sel=0.0-40.30');
    await page.keyboard.press('Escape');
    expect((await text('#selection'))!.trim()).toBe('');
    expect(await titles()).toEqual([]);
    expect(await page.$$eval('#hl-main rect', (rs) => rs.length)).toBe(0);
    expect(await href()).not.toContain('#sel');
    await done();
  });

  it('whole profile, zoom, search, hot functions, hottest first, and URL state', async () => {
    await open(test01);
    await page.click('#wholebtn');
    expect(await titles()).toContain('all (5 samples, 100%)');
    // Hot functions: ranked by self samples, each leaf once.
    const hot = await page.$$eval('#hot text', (ts) => ts.map((t) => t.textContent ?? ''));
    expect(hot[0]).toMatch(/^\s*self/);
    expect(hot.slice(1, 6).every((l) => /^\s+1\s+20\.00\s+1\s+20\.00\s+STACK-\d/.test(l))).toBe(true);
    expect(hot[6]).toMatch(/^\s+0\s+0\.00\s+5\s+100\.00\s/);
    const all = (await titles()).length;
    // The graph's full width (the hot functions sit beside it).
    const full = Number(await page.getAttribute('#flame-bg', 'width')) - 20;
    // Zoom on STACK-3's parent: laid out again for its stacks only.
    await (await frameRect('^STACK-3')).click();
    expect(Number(await (await frameRect('^STACK-3')).getAttribute('width'))).toBeCloseTo(full, 0);
    // Hover details and a tooltip made on demand: counts of the whole graph.
    await (await frameRect('^STACK-3')).hover();
    expect(await text('#flame-details')).toMatch(/^Function: STACK-3_at_time_20s_and_offset_300ms \(1 samples, 20\.00%\)$/);
    expect((await titles()).length).toBeLessThan(all);
    expect(await href()).toMatch(/z=/);
    // Search, in the inline box.
    await page.click('#searchbtn');
    await page.fill('.fk-searchbox input', 'STACK-[34]');
    expect(w.dialogs).toEqual([]);
    expect(await text('#matched')).toBe('Matched: 100%');
    expect(await page.textContent('.fk-count')).toBe('2 matches');
    const purple = await page.$$eval('#flame rect[fill="rgb(230,0,230)"]', (rs) => rs.length);
    expect(purple).toBe(2); // the name is in its stack twice; STACK-4 is outside the zoom
    const url = await href();
    // A regex typed at the prompt is kept as /regex/: a link searches literally unless so written.
    expect(url).toMatch(/s=%2FSTACK-%5B34%5D%2F/);
    // Reload from the URL: same selection, zoom and search.
    await w.close();
    await open(test01, url.slice(url.indexOf('#')));
    expect(await text('#selection')).toBe('selected 0 s up to 41 s after 5076 s: 5 samples');
    expect(Number(await (await frameRect('^STACK-3')).getAttribute('width'))).toBeCloseTo(full, 0);
    expect(await page.$$eval(`#flame rect[fill="rgb(230,0,230)"]`, (rs) => rs.length)).toBe(2);
    // Hottest first keeps the zoom (a stack node, whatever the order).
    await page.click('#orderbtn');
    expect(await text('#orderbtn')).toBe('Order: hottest first');
    expect(await href()).toContain('o=hot');
    expect(await href()).toMatch(/z=\d+/);
    expect(Number(await (await frameRect('^STACK-3')).getAttribute('width'))).toBeCloseTo(full, 0);
    // Reset zoom: every frame again, and the matches outside the old zoom.
    await page.click('#unzoom');
    expect((await titles()).length).toBe(all);
    expect(await page.$$eval(`#flame rect[fill="rgb(230,0,230)"]`, (rs) => rs.length)).toBe(4);
    expect(await href()).not.toMatch(/z=/);
    await done();
  });

  it('draws a range exactly as range-perf | stackcollapse | flamegraph-svg', async () => {
    const g = await open(example);
    const a = at(g, 3, 12);
    const b = at(g, 6, 40);
    await click(a);
    await click(b);
    const cmd = (await text('#command'))!;
    // The command as printed: the real file (range-perf reads .gz), and --unsorted only
    // when the input was out of time order. Run as printed, by the tools' main() (bins.test.ts
    // runs the binaries themselves).
    const m = /^range-perf (--timezerosecs \S+ \S+(?: --unsorted)?) (\S+) \| stackcollapse --weight samples \| flamegraph-svg$/.exec(cmd)!;
    expect(m).not.toBeNull();
    expect(m[2]).toBe(EXAMPLE);
    const sh = async (bin: Tool, args: string[], input?: Buffer) => {
      const out = await tool(bin, args, input);
      expect(out.length).toBeGreaterThan(0);
      return out;
    };
    const ranged = await sh('range-perf', [...m[1].split(' '), m[2]]);
    const folded = await sh('stackcollapse', ['--weight', 'samples'], ranged);
    // The page draws an icicle by default: flamegraph-svg --inverted places frames the same.
    // and at the width the page gave its graph.
    const width = await page.getAttribute('#flame-bg', 'width');
    const svg = (await sh('flamegraph-svg', ['--inverted', '--width', width!], folded)).toString('utf8');
    const cli = [...svg.matchAll(/<g[^>]*><title>([^<]*)<\/title><rect x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)" fill="([^"]+)"[^>]*\/>(?:<text[^>]*>([^<]*)<\/text>)?<\/g>/g)]
      .map((x) => [x[2], x[3], x[4], x[5], x[6], unescape(x[1]), unescape(x[7] ?? '')].join('\t'))
      .sort();
    const ours = (
      await page.$$eval('#flame > g', (gs) =>
        gs.map((gg) => {
          const r = gg.querySelector('rect')!;
          const title = (gg as unknown as { _f: { title: string } })._f.title;
          return [r.getAttribute('x'), r.getAttribute('y'), r.getAttribute('width'), r.getAttribute('height'), r.getAttribute('fill'), title, gg.querySelector('text')?.textContent ?? ''].join('\t');
        }),
      )
    ).sort();
    expect(cli.length).toBeGreaterThan(20);
    expect(ours).toEqual(cli);
    await done();
  });
});

/** The centre of cell (c, r) of the main view, in the window, from where the map is drawn now. */
async function cellPoint(page: Page, c: number, r: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([c, r]) => {
      const d = JSON.parse(document.getElementById('heatmap-data')!.textContent!);
      const b = document.getElementById('map-frame')!.getBoundingClientRect();
      return { x: b.left + ((c + 0.5) * b.width) / d.layout.dcols, y: b.top + ((d.rows - 1 - r + 0.5) * b.height) / d.rows };
    },
    [c, r],
  );
}

/** Whether an element's box is inside the window. */
function inWindow(page: Page, selector: string, index = 0): Promise<boolean> {
  return page.evaluate(
    ([sel, i]) => {
      const e = document.querySelectorAll(sel)[i as number];
      if (!e) return false;
      const b = e.getBoundingClientRect();
      return b.width > 0 && b.left >= 0 && b.right <= window.innerWidth && b.top >= 0 && b.bottom <= window.innerHeight;
    },
    [selector, index] as const,
  );
}

const noHorizontalScroll = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth);

for (const [vw, vh] of [
  [1280, 800],
  [1920, 1080],
]) {
  describe.skipIf(!run)(`heatmap-svg page at ${vw}x${vh}`, () => {
    let example: string;
    let wide: string;
    beforeAll(async () => {
      example = await exampleSvg();
      // 700 one-second columns: drawn 1,400 px wide, wider than a 1280 px window.
      let text = '';
      for (let sec = 0; sec < 700; sec++) text += `app 7 [000] ${100 + sec}.${sec % 2 ? '6' : '1'}00000: cpu-clock:\n\t1 ${sec === 600 ? 'at_600' : 'work'} (/bin/app)\n\t2 main (/bin/app)\n\n`;
      wide = await heatmapSvg('wide.svg', ['--rows', '4'], text);
    });
    async function open(file: string, hash = ''): Promise<Watched> {
      const w = await freshPage();
      await w.page.setViewportSize({ width: vw, height: vh });
      await w.page.goto(`file://${file}${hash}`);
      await w.page.waitForSelector('svg[data-ready="1"]');
      return w;
    }
    async function done(w: Watched) {
      expect(w.errors).toEqual([]);
      expect(w.network).toEqual([]);
      await w.close();
    }
    async function select(page: Page, a: [number, number], b: [number, number]) {
      const p = await cellPoint(page, ...a);
      await page.mouse.click(p.x, p.y);
      const q = await cellPoint(page, ...b);
      await page.mouse.click(q.x, q.y);
      await page.waitForSelector('svg:not([data-busy])');
    }

    it('fits the window: no horizontal scrolling, title and subtitle inside', async () => {
      for (const file of [example, wide]) {
        const w = await open(file);
        expect(await noHorizontalScroll(w.page)).toBe(true);
        expect(await inWindow(w.page, '#title')).toBe(true);
        expect(await inWindow(w.page, '#subtitle')).toBe(true);
        expect(await inWindow(w.page, '.sub', 1)).toBe(true);
        // The subtitle says what a person needs; the embedding's sizes are a hover away.
        expect(await w.page.textContent('#subtitle')).toMatch(/^1315 samples of cycles; idle kept$|^700 samples of cpu-clock; 0 idle left out/);
        expect(await w.page.textContent('#about title')).toMatch(/^embedded: \d+ distinct stacks/);
        await done(w);
      }
    });

    it('a map wider than the window is scaled to fit, and cells are still found under the pointer', async () => {
      const w = await open(wide);
      const { page } = w;
      const box = (await page.locator('#map-frame').boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(vw);
      const p = await cellPoint(page, 600, 0);
      await page.mouse.move(p.x, p.y);
      expect(await page.textContent('#details')).toBe('second 600, offset 0-250 ms, count 1, 100.0% of the column');
      await select(page, [600, 0], [600, 3]);
      expect(await page.textContent('#selection')).toBe('selected 600 s up to 601 s after 100 s: 1 samples');
      expect(await page.$$eval('#flame > g', (gs) => gs.map((g) => (g as unknown as { _f: { name: string } })._f.name))).toContain('at_600');
      expect(await noHorizontalScroll(page)).toBe(true);
      await done(w);
    });

    it('after a selection, the top rows of the graph and the hot functions are in view', async () => {
      const w = await open(example);
      const { page } = w;
      await select(page, [1, 10], [4, 40]);
      expect(await page.textContent('#selection')).toMatch(/^selected .* samples$/);
      // Icicle by default: the root and the rows under it.
      expect(await page.textContent('#layoutbtn')).toBe('Layout: icicle');
      for (let depth = 0; depth < 3; depth++) {
        const i = await page.$$eval('#flame > g', (gs, d) => gs.findIndex((g) => (g as unknown as { _f: { depth: number } })._f.depth === d), depth);
        expect(await inWindow(page, '#flame > g > rect', i), `depth ${depth}`).toBe(true);
      }
      for (let row = 0; row < 3; row++) expect(await inWindow(page, '#hot .hotrow', row), `hot row ${row}`).toBe(true);
      // Long names are cut with an ellipsis and shown whole on hover.
      const rows = await page.$$eval('#hot .hotrow', (ts) => ts.map((t) => [t.firstChild!.textContent!, t.querySelector('title')!.textContent!]));
      const cut = rows.filter(([shown]) => shown.endsWith('\u2026'));
      expect(cut.length).toBeGreaterThan(0);
      for (const [shown, full] of cut) expect(full.startsWith(shown.slice(30, -1))).toBe(true);
      expect(await noHorizontalScroll(page)).toBe(true);
      await done(w);
    });

    it('search matches names only; Esc closes the search first, then the selection', async () => {
      const w = await open(example);
      const { page } = w;
      await select(page, [1, 10], [4, 40]);
      await page.keyboard.press('Control+f');
      await page.keyboard.type('samples');
      expect(await page.textContent('.fk-count')).toBe('0 matches');
      expect(await page.textContent('#matched')).toBe('Matched: 0.0%');
      await page.fill('.fk-searchbox input', '^java$');
      expect(await page.textContent('.fk-count')).toBe('1 match');
      expect(await page.textContent('#matched')).toMatch(/^Matched: \d+\.\d%$/);
      await page.keyboard.press('Escape');
      expect(await page.locator('.fk-searchbox').count()).toBe(0);
      expect(await page.textContent('#matched')).toBe(' ');
      expect(await page.textContent('#selection')).toMatch(/^selected /);
      await page.keyboard.press('Escape');
      expect((await page.textContent('#selection'))!.trim()).toBe('');
      await done(w);
    });

    it('zoom survives a change of order and of layout, and lays the graph out again', async () => {
      const w = await open(example);
      const { page } = w;
      await select(page, [1, 10], [4, 40]);
      const full = Number(await page.getAttribute('#flame-bg', 'width')) - 20;
      const zoomOn = async () => {
        const i = await page.$$eval('#flame > g', (gs) => gs.findIndex((g) => (g as unknown as { _f: { name: string } })._f.name === 'thread_entry'));
        expect(i).toBeGreaterThanOrEqual(0);
        return page.locator('#flame > g').nth(i).locator('rect');
      };
      await (await zoomOn()).click();
      const url = await page.evaluate(() => location.href);
      expect(url).toMatch(/z=\d+/);
      expect(Number(await (await zoomOn()).getAttribute('width'))).toBeCloseTo(full, 0);
      await page.click('#orderbtn');
      await page.click('#layoutbtn');
      expect(await page.textContent('#layoutbtn')).toBe('Layout: flame');
      expect(await page.evaluate(() => location.href)).toMatch(/z=\d+/);
      expect(Number(await (await zoomOn()).getAttribute('width'))).toBeCloseTo(full, 0);
      expect(await page.getAttribute('#unzoom', 'class')).toBe('btn');
      await page.click('#unzoom');
      expect(await page.evaluate(() => location.href)).not.toMatch(/z=/);
      await done(w);
    });

    it('Esc or a click outside the map cancels a pending first click', async () => {
      const w = await open(example);
      const { page } = w;
      const a = await cellPoint(page, 2, 5);
      const b = await cellPoint(page, 5, 20);
      await page.mouse.click(a.x, a.y);
      expect(await page.$$eval('#preview rect', (rs) => rs.length)).toBeGreaterThan(0);
      await page.keyboard.press('Escape');
      expect(await page.$$eval('#preview rect', (rs) => rs.length)).toBe(0);
      // The next click starts a range: nothing is selected yet.
      await page.mouse.click(b.x, b.y);
      expect((await page.textContent('#selection'))!.trim()).toBe('');
      // A click outside the map (on the title) cancels it too.
      const t = (await page.locator('#title').boundingBox())!;
      await page.mouse.click(t.x + 2, t.y + 2);
      expect(await page.$$eval('#preview rect', (rs) => rs.length)).toBe(0);
      await page.mouse.click(a.x, a.y);
      expect((await page.textContent('#selection'))!.trim()).toBe('');
      await page.mouse.click(b.x, b.y);
      expect(await page.textContent('#selection')).toMatch(/^selected /);
      await done(w);
    });

    it('lays itself out again when the window is resized', async () => {
      const w = await open(example);
      const { page } = w;
      await select(page, [1, 10], [4, 40]);
      const before = Number(await page.getAttribute('#flame-bg', 'width'));
      await page.setViewportSize({ width: vw === 1280 ? 1600 : 1280, height: vh });
      await page.waitForFunction((b) => Number(document.getElementById('flame-bg')!.getAttribute('width')) !== b, before);
      expect(await noHorizontalScroll(page)).toBe(true);
      await page.evaluate(() => window.scrollTo(0, 0));
      expect(await inWindow(page, '#title')).toBe(true);
      await done(w);
    });
  });
}

/** The selection's folded stacks as the page draws them: each frame's self samples under its path. */
async function pageFolded(page: Page): Promise<Map<string, number>> {
  const frames = await page.$$eval('#flame > g', (gs) =>
    gs.map((g) => {
      const f = (g as unknown as { _f: { name: string; depth: number; start: number; end: number } })._f;
      return { name: f.name, depth: f.depth, start: f.start, end: f.end };
    }),
  );
  frames.sort((a, b) => a.depth - b.depth || a.start - b.start);
  const out = new Map<string, number>();
  const path = new Map<(typeof frames)[number], string>();
  for (const f of frames) {
    const parent = frames.find((p) => p.depth === f.depth - 1 && p.start <= f.start && f.end <= p.end);
    path.set(f, f.depth === 0 ? '' : parent && parent.depth > 0 ? `${path.get(parent)};${f.name}` : f.name);
  }
  for (const f of frames) {
    if (f.depth === 0) continue;
    let self = f.end - f.start;
    for (const k of frames) if (k.depth === f.depth + 1 && f.start <= k.start && k.end <= f.end) self -= k.end - k.start;
    if (self > 0) out.set(path.get(f)!, self);
  }
  return out;
}

/** Folded lines ("a;b;c 3") as a map. */
function foldedMap(text: string, into = new Map<string, number>()): Map<string, number> {
  for (const line of text.split('\n')) {
    const m = /^(.*) (\d+)$/.exec(line);
    if (m) into.set(m[1], (into.get(m[1]) ?? 0) + Number(m[2]));
  }
  return into;
}

/** Splits a shell command line as heatmap-svg prints it (words, or '...' quoted). */
function shellWords(s: string): string[] {
  return [...s.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]));
}

describe.skipIf(!run)('heatmap-svg --select and the reproduce command', () => {
  async function open(file: string, hash = ''): Promise<Watched> {
    const w = await freshPage();
    await w.page.setViewportSize({ width: 1440, height: 900 });
    await w.page.goto(`file://${file}${hash}`);
    await w.page.waitForSelector('svg[data-ready="1"]');
    await w.page.waitForSelector('svg:not([data-busy])');
    return w;
  }
  /** Runs `range-perf ARGS | stackcollapse ARGS` as printed, on the given files. */
  const reproduce = async (cmd: string, files?: string[]) => {
    const [range, collapse, fg] = cmd.split(' | ');
    expect(fg).toBe('flamegraph-svg');
    const r = shellWords(range);
    expect(r[0]).toBe('range-perf');
    const args = r.slice(1);
    const named = args.filter((a) => a.startsWith('/') || a.endsWith('.txt'));
    const flags = args.filter((a) => !named.includes(a));
    const c = shellWords(collapse);
    return foldedMap((await tool('stackcollapse', c.slice(1), await tool('range-perf', [...flags, ...(files ?? named)]))).toString('utf8'));
  };

  it('--select opens with the range selected and its flame graph drawn; a URL selection wins', async () => {
    const r = await runTool('heatmap-svg', ['--no-idle-filter', '--select', '1.08,3.919999999', EXAMPLE]);
    expect(r.code).toBe(0);
    const file = join(dir, 'selected.svg');
    writeFileSync(file, r.stdout);
    let w = await open(file);
    expect(await w.page.textContent('#selection')).toBe('selected 1.08 s up to 3.92 s after 7628263 s: 369 samples');
    expect(await w.page.$$eval('#hl-main rect', (rs) => rs.length)).toBeGreaterThan(0);
    const titles = await w.page.$$eval('#flame > g', (gs) => gs.map((g) => (g as unknown as { _f: { title: string } })._f.title));
    expect(titles).toContain('all (369 samples, 100%)');
    expect(await w.page.evaluate(() => location.href)).toContain('#sel=1.4-3.45');
    // What it draws is what the printed command gives.
    expect(await pageFolded(w.page)).toEqual(await reproduce((await w.page.textContent('#command'))!));
    expect(w.errors).toEqual([]);
    await w.close();
    w = await open(file, '#sel=0.0-0.49');
    expect(await w.page.textContent('#selection')).toMatch(/^selected 0 s up to 1 s after 7628263 s: \d+ samples$/);
    await w.close();
    // A bad range is a usage error.
    const bad = await runTool('heatmap-svg', ['--select', '3,1', EXAMPLE]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^heatmap-svg: bad --select "3,1": give START,END/);
  });

  it('--no-stacks: a selection still prints its command, and says why there is no graph', async () => {
    const r = await runTool('heatmap-svg', ['--no-stacks', '--no-idle-filter', '--select', '1,2', EXAMPLE]);
    expect(r.code).toBe(0);
    const file = join(dir, 'nostacks.svg');
    writeFileSync(file, r.stdout);
    const w = await open(file);
    expect(await w.page.textContent('#command')).toBe(`range-perf --timezerosecs 1 2.019999999 ${EXAMPLE} | stackcollapse --weight samples | flamegraph-svg`);
    expect(await w.page.textContent('#flame-note')).toBe('this heat map was drawn with --no-stacks: no flame graphs');
    await w.page.keyboard.press('Escape');
    expect((await w.page.textContent('#command'))!.trim()).toBe('');
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('a large selection shows that it is busy while its graph is drawn (time printed, not asserted)', async () => {
    // 30,000 distinct stacks in two seconds.
    let text = '';
    for (let i = 0; i < 30000; i++) {
      const t = (1 + i / 15000).toFixed(6);
      text += `app 7 [000] ${t}: cpu-clock:\n\t1 leaf_${i} (/bin/app)\n\t2 mid_${i % 97} (/bin/app)\n\t3 main (/bin/app)\n\n`;
    }
    const r = await runTool('heatmap-svg', [], text);
    expect(r.code).toBe(0);
    const file = join(dir, 'busy.svg');
    writeFileSync(file, r.stdout);
    const w = await open(file);
    // Record what the page shows between the click and the graph.
    await w.page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const busy = document.getElementById('busy')!;
      new MutationObserver(() => seen.push(`busy=${document.documentElement.getAttribute('data-busy')} shown=${busy.getAttribute('display') !== 'none'} frames=${document.querySelectorAll('#flame > g').length}`)).observe(
        document.documentElement,
        { attributes: true, subtree: true, attributeFilter: ['data-busy', 'display'] },
      );
    });
    const t0 = Date.now();
    await w.page.click('#wholebtn');
    await w.page.waitForSelector('svg:not([data-busy])');
    const seen = await w.page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    // The indicator shows before any frame is drawn, and goes once they are.
    expect(seen).toContain('busy=1 shown=true frames=0');
    expect(seen.at(-1)).toMatch(/^busy=null shown=false frames=\d{2,}$/);
    console.log(`heatmap-svg: 30,000-stack selection drawn in ${Date.now() - t0} ms (busy indicator shown meanwhile)`);
    expect(await w.page.getAttribute('#busy', 'display')).toBe('none');
    expect(await w.page.textContent('#selection')).toBe('selected 0 s up to 2 s after 1 s: 30,000 samples');
    expect(await w.page.$$eval('#flame > g', (gs) => gs.length)).toBeGreaterThan(90);
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('the printed command names the real files in time order and reproduces a multi-file selection in any subset', async () => {
    // The example profile cut in two by time, given to heatmap-svg in the wrong order.
    const text = gunzipSync(readFileSync(EXAMPLE)).toString('latin1');
    const samples = text.split(/\n\n+/).filter((x) => /^\S.* \d+\.\d+: /m.test(x));
    const cut = Math.floor(samples.length * 0.4);
    const early = join(dir, 'early.txt');
    const late = join(dir, 'late.txt');
    writeFileSync(early, samples.slice(0, cut).join('\n\n') + '\n\n', 'latin1');
    writeFileSync(late, samples.slice(cut).join('\n\n') + '\n\n', 'latin1');
    const r = await runTool('heatmap-svg', ['--no-idle-filter', '--select', '1,8.5', late, early]);
    expect(r.code).toBe(0);
    const file = join(dir, 'two.svg');
    writeFileSync(file, r.stdout);
    const w = await open(file);
    const cmd = (await w.page.textContent('#command'))!;
    // perf's own times, and the files in time order.
    expect(cmd).toMatch(new RegExp(`^range-perf --timeraw 7628264 7628271\\.519999999 ${early} ${late} \\| stackcollapse --weight samples \\| flamegraph-svg$`));
    const drawn = await pageFolded(w.page);
    expect([...drawn.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
    expect(await reproduce(cmd)).toEqual(drawn);
    // Run on each file alone, the same times select that file's part of the range.
    const parts = await reproduce(cmd, [early]);
    for (const [k, v] of await reproduce(cmd, [late])) parts.set(k, (parts.get(k) ?? 0) + v);
    expect(parts).toEqual(drawn);
    expect(w.errors).toEqual([]);
    await w.close();
  });
});

describe.skipIf(!haveChromium)('heatmap-svg overview of a long profile in Chromium', () => {
  it('drills from the overview to a 5-second window and its flame graph', async () => {
    // 2 hours, one sample every 250 ms; second 5000 runs a function of its own.
    let text = '';
    for (let s = 0; s < 7200; s++) {
      for (let q = 0; q < 4; q++) {
        const leaf = s >= 5000 && s < 5005 ? 'hot_window' : `work_${s % 7}`;
        text += `app 7 [000] ${1000 + s}.${String(q * 250 + 3).padStart(3, '0')}000: cpu-clock:\n\t1 ${leaf} (/bin/app)\n\t2 main (/bin/app)\n\n`;
      }
    }
    const r = await runTool('heatmap-svg', ['--rows', '4'], text);
    expect(r.code).toBe(0);
    const file = join(dir, 'long.svg');
    writeFileSync(file, r.stdout);
    {
      const w = await freshPage();
      const page = w.page;
      await page.setViewportSize({ width: 1900, height: 1200 });
      await page.goto(`file://${file}`);
      await page.waitForSelector('svg[data-ready="1"]');
      const L = await page.evaluate(() => JSON.parse(document.getElementById('heatmap-data')!.textContent!).layout);
      // 7200 s at 4 rows: 36000 / 4 = 9000 columns fit, so force nothing: check the step.
      expect(L.k).toBe(1);
      await w.close();
      // The overview drawn as one PNG image: cells are found from the pointer position.
      const r2 = await runTool('heatmap-svg', ['--rows', '4', '--max-columns', '500', '--cells', 'png'], text);
      writeFileSync(file, r2.stdout);
      const w2 = await freshPage();
      const p2 = w2.page;
      await p2.setViewportSize({ width: 1900, height: 1200 });
      await p2.goto(`file://${file}`);
      await p2.waitForSelector('svg[data-ready="1"]');
      const M = await p2.evaluate(() => JSON.parse(document.getElementById('heatmap-data')!.textContent!).layout);
      expect(M.k).toBe(15); // 7200 / 15 = 480 columns
      expect(await p2.$$eval('#cells rect', (rs) => rs.length)).toBe(0);
      expect(await p2.getAttribute('#cells-image', 'href')).toMatch(/^data:image\/png;base64,/);
      const cell = (x0: number, y0: number, cw: number, c: number, row: number) => ({ x: x0 + c * cw + cw / 2, y: y0 + (4 - 1 - row) * M.rh + M.rh / 2 });
      // Overview column 333 holds seconds 4995-5009.
      await p2.mouse.move(cell(M.x0, M.y0, M.cw, 333, 0).x, cell(M.x0, M.y0, M.cw, 333, 0).y);
      expect(await p2.textContent('#details')).toBe('seconds 4995-5009, offset 0-250 ms, count 15, 25.0% of the column');
      await p2.mouse.click(cell(M.x0, M.y0, M.cw, 333, 0).x, cell(M.x0, M.y0, M.cw, 333, 0).y);
      await p2.mouse.click(cell(M.x0, M.y0, M.cw, 333, 3).x, cell(M.x0, M.y0, M.cw, 333, 3).y);
      expect(await p2.getAttribute('#detail-frame', 'display')).toBe('inline');
      expect(await p2.evaluate(() => location.href)).toContain('drill=4995-5009');
      // The drill-down view: 15 one-second columns; select seconds 5000-5004.
      const dcw = Number(await p2.getAttribute('#detail rect:nth-child(2)', 'width'));
      const a = cell(M.x0, M.detailY, dcw, 5, 0);
      const b = cell(M.x0, M.detailY, dcw, 9, 3);
      await p2.mouse.click(a.x, a.y);
      await p2.mouse.click(b.x, b.y);
      expect(await p2.textContent('#selection')).toBe('selected 5000 s up to 5005 s after 1000 s: 20 samples');
      const titles = await p2.$$eval('#flame > g', (gs) => gs.map((g) => (g as unknown as { _f: { title: string } })._f.title));
      expect(titles).toContain('hot_window (20 samples, 100.00%)');
      expect(titles.some((t) => t.startsWith('work_'))).toBe(false);
      // The URL keeps drill-down and selection.
      const url = await p2.evaluate(() => location.href);
      await w2.close();
      const w3 = await freshPage();
      await w3.page.setViewportSize({ width: 1900, height: 1200 });
      await w3.page.goto(`file://${file}${url.slice(url.indexOf('#'))}`);
      await w3.page.waitForSelector('svg[data-ready="1"]');
      expect(await w3.page.textContent('#selection')).toBe('selected 5000 s up to 5005 s after 1000 s: 20 samples');
      expect(w3.errors).toEqual([]);
      expect(w3.network).toEqual([]);
      await w3.close();
    }
  });
});

function unescape(s: string): string {
  return s.replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d))).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

// Keep the reading of the conformance input here so a missing file fails loudly.
if (run) readFileSync(TEST01);
