// heatmap-svg's page in headless Chromium, opened from file:// at 1280x800 and 1920x1080:
//   - the search recolours the heat map: on a busy host where sha256sum runs in bursts,
//     searching for it leaves exactly its cells coloured, with the counts that
//     `range-perf | stackcollapse | grep` gives for each cell; the toggle and Esc restore;
//   - callers and callees of a function (hot-table click, Ctrl-click on a frame) equal the
//     selection's folded stacks cut at that function;
//   - the idle samples of a VM recording are left out, and the page says how many.
//
// One Chromium and one page for the file (reusedPage); SVGs made by heatmap-svg's main() in
// this process (runTool); each range's folded stacks computed once for the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium, reusedPage, type Watched } from './browser/chromium.js';
import { main as rangeMain } from '../src/range/cli.js';
import { main as collapseMain } from '../src/collapse/cli.js';
import { BURST_COMM, BURSTS, burstyProfile, SECONDS } from './heatmap-search-profile.js';
import { FIXTURES, runMain, runTool } from './helpers.js';

if (!haveChromium) console.warn('NOTE: heat-map search browser tests skipped (no Chromium)');

const SIZES: [number, number][] = [
  [1280, 800],
  [1920, 1080],
];

/**
 * Folded lines (`stack count`) of range-perf START END | stackcollapse --weight samples, through
 * grep -E when given. Each is computed once for the file: both window sizes ask for the same cells.
 */
const foldedMemo = new Map<string, Promise<string[]>>();
function folded(file: string, start: string, end: string, grep?: string): Promise<string[]> {
  const key = JSON.stringify([file, start, end, grep]);
  let p = foldedMemo.get(key);
  if (p === undefined) foldedMemo.set(key, (p = foldedOnce(file, start, end, grep)));
  return p;
}
async function foldedOnce(file: string, start: string, end: string, grep?: string): Promise<string[]> {
  const r = await runMain(rangeMain, ['--timezerosecs', start, end, file]);
  expect(r.code).toBe(0);
  const c = await runMain(collapseMain, ['--weight', 'samples'], r.stdout);
  expect(c.code).toBe(0);
  let text = c.stdout.toString('latin1');
  if (grep !== undefined) text = spawnSync('grep', ['-E', grep], { input: text, encoding: 'latin1' }).stdout;
  return text.split('\n').filter((l) => l !== '');
}
const sum = (lines: string[]) => lines.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

/** Path (names joined by ';') -> samples, of every prefix of the given cut stacks. */
function prefixTotals(stacks: [string[], number][]): Map<string, number> {
  const m = new Map<string, number>();
  for (const [path, n] of stacks) for (let i = 1; i <= path.length; i++) m.set(path.slice(0, i).join(';'), (m.get(path.slice(0, i).join(';')) ?? 0) + n);
  return m;
}

describe.skipIf(!haveChromium)('heat-map search, callers and callees, VM idle: in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let profile: string;
  let svg: string;
  /** 100 s of the same host. */
  let long: string;
  let w: Watched;
  let page: Page;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heatmap-search-'));
    profile = join(dir, 'busy.perf');
    writeFileSync(profile, burstyProfile(), 'latin1');
    const r = await runTool('heatmap-svg', [profile]);
    expect(r.code).toBe(0);
    svg = join(dir, 'busy.svg');
    writeFileSync(svg, r.stdout);
    long = join(dir, 'long.perf');
    writeFileSync(long, burstyProfile(100), 'latin1');
    browser = await launchChromium();
  });
  const freshPage = reusedPage(() => browser);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string, size: [number, number], hash = '') {
    w = await freshPage();
    page = w.page;
    await page.setViewportSize({ width: size[0], height: size[1] });
    await page.goto(`file://${file}${hash}`);
    await page.waitForSelector('svg[data-ready="1"]');
    return page.evaluate(() => {
      const d = JSON.parse(document.getElementById('heatmap-data')!.textContent!);
      return { L: d.layout as { x0: number; y0: number; cw: number; rh: number; k: number }, rows: d.rows as number, c0: d.c0 as number };
    });
  }
  async function done() {
    expect(w.errors).toEqual([]);
    expect(w.network).toEqual([]);
    await w.close();
  }
  const idle = () => page.waitForSelector('svg:not([data-busy])');
  async function search(term: string) {
    await page.keyboard.press('Control+f');
    await page.keyboard.type(term);
    await idle();
  }
  /** The coloured cells of the searched map: absolute column, row, and the rect's centre on screen. */
  function colouredCells(g: { L: { x0: number; y0: number; cw: number; rh: number }; rows: number }) {
    return page.$$eval(
      '#heat-search-main rect',
      (rs, g) =>
        rs
          .filter((r) => r.getAttribute('fill') !== 'rgb(255,255,255)')
          .map((r) => {
            const b = r.getBoundingClientRect();
            return {
              c: Math.round((Number(r.getAttribute('x')) - g.L.x0) / g.L.cw),
              r: g.rows - 1 - Math.round((Number(r.getAttribute('y')) - g.L.y0) / g.L.rh),
              x: b.x + b.width / 2,
              y: b.y + b.height / 2,
            };
          }),
      g,
    );
  }

  for (const size of SIZES) {
    it(`${size.join('x')}: searching a process that runs in bursts colours exactly its cells, with grep's counts`, async () => {
      const g = await open(svg, size);
      expect(g.L.k).toBe(1);
      await search(BURST_COMM);
      const cells = await colouredCells(g);
      expect(cells.length).toBeGreaterThan(0);
      // Every coloured cell holds exactly the samples grep finds in its time range.
      const perSecond = new Map<number, number>();
      const ms = 1000 / g.rows;
      for (const cell of cells) {
        const sec = g.c0 + cell.c;
        const a = `${sec}.${String(cell.r * ms).padStart(3, '0')}`;
        const b = `${sec}.${String((cell.r + 1) * ms - 1).padStart(3, '0')}999999`;
        const want = sum(await folded(profile, a, b, `^${BURST_COMM};`));
        expect(want, `cell ${sec}s row ${cell.r}`).toBeGreaterThan(0);
        await page.mouse.move(cell.x, cell.y);
        const d = (await page.textContent('#details'))!;
        const m = /count (\d+), [\d.]+% of the column; (\d+) matching \(([\d.]+)% of the cell\)$/.exec(d);
        expect(m, d).not.toBeNull();
        expect(Number(m![2])).toBe(want);
        expect(m![3]).toBe(((100 * want) / Number(m![1])).toFixed(1));
        perSecond.set(sec, (perSecond.get(sec) ?? 0) + want);
      }
      // No matching sample lies outside the coloured cells: per second, grep agrees.
      let all = 0;
      for (let s = 0; s < SECONDS; s++) {
        const want = sum(await folded(profile, String(s), `${s}.999999999`, `^${BURST_COMM};`));
        expect(perSecond.get(s) ?? 0, `second ${s}`).toBe(want);
        all += want;
      }
      // The bursts' seconds, and only those, are coloured.
      expect([...perSecond.keys()].sort((a, b) => a - b)).toEqual([...new Set(BURSTS.map(([a]) => Math.floor(a / 1000)))]);
      expect(await page.textContent('#heat-search-share')).toMatch(new RegExp(`^search: ${all.toLocaleString('en-US')} of [\\d,]+ samples match`));
      // The legend and the toggle fit the window.
      const right = await page.$eval('#heat-search-toggle', (e) => e.getBoundingClientRect().right);
      expect(right).toBeLessThanOrEqual(size[0]);
      // The toggle shows all samples again, and back.
      await page.click('#heat-search-toggle');
      expect(await colouredCells(g)).toEqual([]);
      expect(await page.getAttribute('#legend', 'display')).toBe('inline');
      await page.click('#heat-search-toggle');
      expect((await colouredCells(g)).length).toBe(cells.length);
      // Esc closes the search: the map is the plain one again.
      await page.keyboard.press('Escape');
      await idle();
      expect(await page.$$eval('#heat-search-main rect', (rs) => rs.length)).toBe(0);
      expect(await page.$('#heat-search-share')).toBeNull();
      await page.mouse.move(cells[0].x, cells[0].y);
      expect(await page.textContent('#details')).not.toContain('matching');
      await done();
    });
  }

  it('a search in the URL recolours the map on load', async () => {
    const g = await open(svg, SIZES[0], '#s=sha256_block');
    const cells = await colouredCells(g);
    expect(cells.length).toBeGreaterThan(0);
    let n = 0;
    for (let s = 0; s < SECONDS; s++) n += sum(await folded(profile, String(s), `${s}.999999999`, 'sha256_block'));
    expect(await page.textContent('#heat-search-share')).toMatch(new RegExp(`^search: ${n} of `));
    await done();
  });

  it("with a process picked, the search counts and colours that process's matching samples only", async () => {
    // memcpy runs in db, web and sha256sum; the selection (the whole map) lists all three.
    const g = await open(svg, SIZES[0], `#sel=0.0-${SECONDS - 1}.49&s=memcpy`);
    expect(g.rows).toBe(50);
    const whole = (grep: string) => folded(profile, '0', `${SECONDS - 1}.999999999`, grep);
    const all = sum(await whole('memcpy'));
    const burst = sum(await whole(`^${BURST_COMM};.*memcpy`));
    expect(burst).toBeGreaterThan(0);
    expect(all).toBeGreaterThan(burst);
    const share = () => page.textContent('#heat-search-share');
    expect(await share()).toMatch(new RegExp(`^search: ${all.toLocaleString('en-US')} of `));
    const allCells = (await colouredCells(g)).length;
    // Picked: sha256sum's memcpy only, in its bursts' seconds only.
    await page.click(`#procs text[data-proc="${BURST_COMM}"]`);
    await idle();
    expect(await share()).toMatch(new RegExp(`^search, ${BURST_COMM} only: ${burst} of `));
    const cells = await colouredCells(g);
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.length).toBeLessThan(allCells);
    const burstSeconds = new Set(BURSTS.map(([a]) => Math.floor(a / 1000)));
    for (const cell of cells) expect(burstSeconds.has(g.c0 + cell.c), `second ${g.c0 + cell.c}`).toBe(true);
    await page.mouse.move(cells[0].x, cells[0].y);
    expect(await page.textContent('#details')).toMatch(/; [1-9]\d* matching/);
    // A link keeps both: reloading it gives the same counts.
    expect(page.url()).toContain(`p=${BURST_COMM}`);
    await page.reload();
    await page.waitForSelector('svg[data-ready="1"]');
    await idle();
    expect(await share()).toMatch(new RegExp(`^search, ${BURST_COMM} only: ${burst} of `));
    // A second click puts all processes back, and the search counts them all again.
    await page.click(`#procs text[data-proc="${BURST_COMM}"]`);
    await idle();
    expect(await share()).toMatch(new RegExp(`^search: ${all.toLocaleString('en-US')} of `));
    await done();
  });

  /** The frames of a sandwich graph as path -> samples, from their layout (depth and sample span). */
  async function graphPaths(id: string): Promise<Map<string, number>> {
    const frames = await page.$$eval(`#sandwich-${id} > g`, (gs) =>
      gs.map((g) => {
        const f = (g as unknown as { _f: { name: string; depth: number; start: number; end: number } })._f;
        return { name: f.name, depth: f.depth, start: f.start, end: f.end };
      }),
    );
    const m = new Map<string, number>();
    const byDepth = (d: number) => frames.filter((f) => f.depth === d);
    const pathOf = (f: (typeof frames)[number]): string[] => {
      if (f.depth <= 1) return f.depth === 1 ? [f.name] : [];
      const p = byDepth(f.depth - 1).find((q) => q.start <= f.start && f.end <= q.end)!;
      return [...pathOf(p), f.name];
    };
    for (const f of frames) if (f.depth > 0) m.set(pathOf(f).join(';'), (m.get(pathOf(f).join(';')) ?? 0) + f.end - f.start);
    return m;
  }

  for (const size of SIZES) {
    it(`${size.join('x')}: callers and callees of a function equal the selection's folded stacks cut at it`, async () => {
      await open(svg, size, '#sel=2.0-2.14');
      const cmd = (await page.getAttribute('#command', 'data-full'))!;
      const [, a, b] = /--timezerosecs (\S+) (\S+)/.exec(cmd)!;
      const lines = await folded(profile, a, b);
      const stacks: [string[], number][] = lines.map((l) => [l.slice(0, l.lastIndexOf(' ')).split(';'), Number(l.slice(l.lastIndexOf(' ') + 1))]);
      for (const [fn, how] of [
        ['memcpy', 'hot'],
        ['sha256_update', 'ctrl'],
      ] as const) {
        if (how === 'hot') {
          // A row's tooltip names its function in full.
          const i = await page.$$eval('#hot text.hotrow', (ts, n) => ts.findIndex((t) => t.querySelector('title')?.textContent?.startsWith(`${n}: `)), fn);
          expect(i).toBeGreaterThanOrEqual(0);
          await page.locator('#hot text.hotrow').nth(i).click();
        } else {
          const i = await page.$$eval('#flame > g', (gs, n) => gs.findIndex((g) => (g as unknown as { _f: { name: string } })._f.name === n), fn);
          expect(i).toBeGreaterThanOrEqual(0);
          await page.locator('#flame > g').nth(i).locator('rect').click({ modifiers: ['Control'] });
        }
        await page.waitForSelector('#sandwich');
        const cut = stacks.filter(([p]) => p.includes(fn));
        const callers = prefixTotals(cut.map(([p, n]) => [p.slice(0, p.indexOf(fn) + 1).reverse(), n]));
        const callees = prefixTotals(cut.map(([p, n]) => [p.slice(p.indexOf(fn)), n]));
        expect(callers.size).toBeGreaterThan(1);
        expect(await graphPaths('callers')).toEqual(callers);
        expect(await graphPaths('callees')).toEqual(callees);
        // It fits the window: the title and Close are on screen, the two graphs side by side within the width.
        for (const sel of ['#sandwich-title', '#sandwich-close', '#sandwich-callers', '#sandwich-callees']) {
          const r = await page.$eval(sel, (e) => e.getBoundingClientRect().toJSON());
          expect(r.right, sel).toBeLessThanOrEqual(size[0]);
          expect(r.top, sel).toBeGreaterThanOrEqual(0);
          expect(r.top, sel).toBeLessThan(size[1]);
        }
        expect(await page.textContent('#sandwich-title')).toMatch(new RegExp(`^${fn}: ${cut.reduce((t, [, n]) => t + n, 0)} of ${sum(lines)} samples`));
        // Esc returns to the page, the selection kept.
        await page.keyboard.press('Escape');
        expect(await page.$('#sandwich')).toBeNull();
        expect(await page.getAttribute('#command', 'data-full')).toBe(cmd);
      }
      // Close does too.
      await page.locator('#hot text.hotrow').first().click();
      await page.click('#sandwich-close');
      expect(await page.$('#sandwich')).toBeNull();
      await done();
    });
  }

  it('a search that colours thousands of cells draws them as one image, cell for cell', async () => {
    const out = join(dir, 'long.svg');
    const r = await runTool('heatmap-svg', [long]);
    expect(r.code).toBe(0);
    writeFileSync(out, r.stdout);
    const RE = 'start_thread|main';
    // The cells --match keeps (the same counts as grep: heatmap-filter.test.ts).
    const t = await runTool('heatmap-svg', ['--format', 'tsv', '--match', RE, long]);
    const want = t.stdout
      .toString()
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split('\t').slice(0, 2).join(','))
      .sort();
    expect(want.length).toBeGreaterThan(4000);
    const g = await open(out, SIZES[0], `#s=${encodeURIComponent(`/${RE}/`)}`);
    await idle();
    expect(await page.$$eval('#heat-search-main rect', (rs) => rs.length)).toBe(0);
    const got = await page.evaluate(async (rows) => {
      const im = document.querySelector('#heat-search-main image')!;
      const img = new Image();
      img.src = im.getAttribute('href')!;
      await img.decode();
      const c = document.createElementNS('http://www.w3.org/1999/xhtml', 'canvas') as HTMLCanvasElement;
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      const cells: string[] = [];
      for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) if (px[4 * (y * c.width + x) + 1] !== 255) cells.push(`${x},${rows - 1 - y}`);
      return cells.sort();
    }, g.rows);
    expect(got).toEqual(want);
    await done();
  });

  it('an overview: the drill-down view is recoloured too', async () => {
    const out = join(dir, 'overview.svg');
    const r = await runTool('heatmap-svg', ['--max-columns', '20', long]);
    expect(r.code).toBe(0);
    writeFileSync(out, r.stdout);
    const g = await open(out, SIZES[0], '#drill=0-9');
    expect(g.L.k).toBeGreaterThan(1);
    await search(BURST_COMM);
    // The drill-down holds seconds 0-9: its coloured cells are sha256sum's, in the burst seconds.
    const cols = await page.$$eval('#heat-search-detail rect', (rs) => rs.filter((r) => r.getAttribute('fill') !== 'rgb(255,255,255)').map((r) => Number(r.getAttribute('x'))));
    expect(cols.length).toBeGreaterThan(0);
    const x0 = g.L.x0;
    const cw = await page.$eval('#heat-search-detail rect', (r) => Number(r.getAttribute('width')) / 10);
    const secs = [...new Set(cols.map((x) => Math.round((x - x0) / cw)))].sort((a, b) => a - b);
    expect(secs).toEqual([...new Set(BURSTS.map(([a]) => Math.floor(a / 1000)))]);
    await done();
  });

  it("in a comparison, a click on the comparison's hot table opens the selection's callers and callees", async () => {
    await open(svg, SIZES[0], '#sel=2.0-2.14&base=5.0-5.49');
    const i = await page.$$eval('#hot text.hotrow', (ts) => ts.findIndex((t) => t.querySelector('title')?.textContent?.startsWith('memcpy: B ')));
    expect(i).toBeGreaterThanOrEqual(0);
    await page.locator('#hot text.hotrow').nth(i).click();
    await page.waitForSelector('#sandwich');
    // The selection (B): cells 2.0 to 2.14, 2 s up to 2.3 s.
    const n = sum(await folded(profile, '2', '2.299999999', 'memcpy'));
    expect(await page.textContent('#sandwich-title')).toMatch(new RegExp(`^memcpy: ${n} of `));
    await page.keyboard.press('Escape');
    expect(await page.$('#sandwich')).toBeNull();
    await done();
  });

  it('a VM idle recording: idle left out by default, the count shown in the page', async () => {
    const file = join(FIXTURES, 'perf', 'idle-vm.txt');
    const r = await runTool('heatmap-svg', [file]);
    expect(r.code).toBe(0);
    const n = Number(/left out (\d+) idle samples \(default idle pattern\)/.exec(r.stderr)![1]);
    const text = readFileSync(file, 'latin1');
    expect(n).toBe((text.match(/^swapper /gm) ?? []).length);
    const out = join(dir, 'idle.svg');
    writeFileSync(out, r.stdout);
    await open(out, SIZES[0]);
    const subs = await page.$$eval('text.sub', (ts) => ts.map((t) => t.textContent ?? ''));
    expect(subs.some((s) => s.includes(`; ${n} idle left out (default idle pattern)`))).toBe(true);
    await done();
  });
});
