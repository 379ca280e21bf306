// Comparing two ranges in heatmap-svg's page (issue 12, items 1 and 3), in headless
// Chromium with the SVG opened from file://, at 1280x800 and 1920x1080:
//   - `--select B --baseline A` opens the differential flame graph of B against A, frame for
//     frame as `flamegraph-svg --diff --normalize` draws the folded stacks of the two printed
//     `range-perf | stackcollapse` pipelines (both read from the SVGs' DOM);
//   - the elided view holds exactly the frames B has and A lacks;
//   - the process table's numbers are the folded stacks' per-process sums, for B and A;
//   - picking a process recolours the map by its samples and filters the graph;
//   - pinning by key, a flip, a reload and a change of order keep A and B.
//
// One Chromium for the file and one page, reused from test to test (reusedPage). The SVGs
// are made once, and each printed pipeline run once, by the tools' main() in this process
// (runTool): the same command gives the same stacks, whichever test reads it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium, reusedPage, type Watched } from './browser/chromium.js';
import { runTool, type Tool } from './helpers.js';

if (!haveChromium) console.warn('NOTE: heatmap compare browser tests skipped (no Chromium)');

/**
 * Ten seconds of at most 64 samples a second. Seconds 5 and 6 (B) against 1 and 2 (A):
 * `hot` doubles, `cold` halves, `other` and postgres's `query` stay, cron runs only in B
 * and app's `gc` only in A (no width in B, but its change sets the colour scale).
 */
function profile(): string {
  const stacks: Record<string, [string, string, string[]]> = {
    hot: ['app', '10', ['hot', 'work', 'main']],
    cold: ['app', '10', ['cold', 'work', 'main']],
    other: ['app', '11', ['other', 'main']],
    db: ['postgres', '20', ['query', 'db_main']],
    cron: ['cron', '30', ['gzip_compress', 'cron_main']],
    gc: ['app', '10', ['gc', 'main']],
  };
  let out = '';
  for (let s = 0; s < 10; s++) {
    const inB = s === 5 || s === 6;
    const mix: Record<string, number> = inB ? { hot: 20, cold: 5, other: 10, db: 8, cron: 7, gc: 0 } : { hot: 10, cold: 10, other: 10, db: 8, cron: 0, gc: 14 };
    let i = 0;
    for (const k of Object.keys(mix)) {
      const [comm, pid, frames] = stacks[k];
      for (let j = 0; j < mix[k]; j++, i++) {
        out += `${comm} ${pid}/${pid} [000] ${(100 + s + i / 64 + 0.001).toFixed(6)}: 1 cpu-clock:\n`;
        frames.forEach((f, d) => (out += `\t${(d + 1).toString(16)} ${f} (/bin/${comm})\n`));
        out += '\n';
      }
    }
  }
  return out;
}

/** Splits a shell command line as heatmap-svg prints it (words, or '...' quoted). */
function shellWords(s: string): string[] {
  return [...s.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]));
}

/** A tool run in this process that must succeed; its stdout. */
async function bin(name: Tool, args: string[], input?: Buffer | string): Promise<Buffer> {
  const r = await runTool(name, args, input);
  expect(r.code, `${name}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** Runs a printed `range-perf ARGS | stackcollapse ARGS > X.folded` line (once for the file); returns the folded text. */
const pipelines = new Map<string, Promise<string>>();
function runPipeline(line: string): Promise<string> {
  const m = /^(range-perf .*) \| (stackcollapse .*) > ([ab])\.folded$/.exec(line);
  expect(m, line).not.toBeNull();
  const key = `${m![1]} | ${m![2]}`;
  let p = pipelines.get(key);
  if (p === undefined) {
    const r = shellWords(m![1]);
    const c = shellWords(m![2]);
    p = bin('range-perf', r.slice(1)).then(async (ranged) => (await bin('stackcollapse', c.slice(1), ranged)).toString('utf8'));
    pipelines.set(key, p);
  }
  return p;
}

/** Samples per process (the folded stacks' first field). */
function perProcess(folded: string): Map<string, number> {
  const by = new Map<string, number>();
  for (const line of folded.split('\n')) {
    const m = /^([^;]*)(?:;.*)? (\d+)$/.exec(line);
    if (m) by.set(m[1], (by.get(m[1]) ?? 0) + Number(m[2]));
  }
  return by;
}

/** Every frame (stack prefix) of folded stacks. */
function framesOf(folded: string): Set<string> {
  const out = new Set<string>();
  for (const line of folded.split('\n')) {
    const m = /^(.*) (\d+)$/.exec(line);
    if (!m || Number(m[2]) === 0) continue;
    const parts = m[1].split(';');
    for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join(';'));
  }
  return out;
}

interface Frame {
  x: string;
  y: number;
  width: string;
  fill: string;
  title: string;
  label: string;
  depth: number;
}

/** The page's flame frames, each with its path (from the geometry: a parent spans its children). */
async function pageFrames(page: Page): Promise<(Frame & { path: string })[]> {
  const frames = await page.$$eval('#flame > g', (gs) =>
    gs.map((g) => {
      const f = (g as unknown as { _f: { title: string; name: string; depth: number; start: number; end: number } })._f;
      const r = g.querySelector('rect')!;
      return {
        x: r.getAttribute('x')!,
        y: Number(r.getAttribute('y')),
        width: r.getAttribute('width')!,
        fill: r.getAttribute('fill')!,
        title: f.title,
        label: g.querySelector('text')?.textContent ?? '',
        depth: f.depth,
        name: f.name,
        start: f.start,
        end: f.end,
      };
    }),
  );
  return frames.map((f) => {
    const path: string[] = [];
    let cur = f;
    while (cur.depth > 0) {
      path.unshift(cur.name);
      cur = frames.find((p) => p.depth === cur.depth - 1 && p.start <= cur.start && cur.end <= p.end)!;
    }
    return { ...f, path: path.join(';') };
  });
}

describe('heatmap-svg --baseline', () => {
  it('is checked as --select is, and documented in --help', async () => {
    const bad = await runTool('heatmap-svg', ['--baseline', '3,1'], profile());
    expect(bad.code).toBe(2);
    expect(bad.stderr.toString()).toMatch(/^heatmap-svg: bad --baseline "3,1": give START,END in seconds after the first sample's whole second, START <= END \(e\.g\. --baseline 12\.5,14\)\n/);
    const help = await runTool('heatmap-svg', ['--help']);
    expect(help.stdout.toString()).toMatch(/--baseline <start,end> +open with this range pinned as the baseline A/);
  });
});

let browser: Browser;
let dir: string;
let compared: string;
let comparedPid: string;
let plain: string;
beforeAll(async () => {
  if (!haveChromium) return;
  dir = mkdtempSync(join(tmpdir(), 'heatmap-compare-'));
  const text = profile();
  writeFileSync(join(dir, 'p.txt'), text);
  const make = async (name: string, args: string[]) => {
    writeFileSync(join(dir, name), await bin('heatmap-svg', [...args, join(dir, 'p.txt')]));
    return join(dir, name);
  };
  compared = await make('compared.svg', ['--select', '5,6.999999999', '--baseline', '1,2.999999999']);
  comparedPid = await make('compared-pid.svg', ['--pid', '--select', '5,6.999999999', '--baseline', '1,2.999999999']);
  plain = await make('plain.svg', []);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
/** The file's one page, afresh for each test. */
const freshPage = reusedPage(() => browser);

for (const [vw, vh] of [
  [1280, 800],
  [1920, 1080],
]) {
  describe.skipIf(!haveChromium)(`comparing two ranges in heatmap-svg's page at ${vw}x${vh}`, () => {
    async function open(file: string, hash = ''): Promise<Watched> {
      const w = await freshPage();
      await w.page.setViewportSize({ width: vw, height: vh });
      await w.page.goto(`file://${file}${hash}`);
      await w.page.waitForSelector('svg[data-ready="1"]');
      await w.page.waitForSelector('svg:not([data-busy])');
      return w;
    }
    async function done(w: Watched) {
      expect(w.errors).toEqual([]);
      expect(w.network).toEqual([]);
      await w.close();
    }
    const href = (page: Page) => page.evaluate(() => location.href);
    /** The three printed lines of a comparison, and the folded stacks of A and B they give. */
    async function commands(page: Page) {
      const lines = [await page.textContent('#command'), await page.textContent('#command-b'), await page.textContent('#command-diff')] as string[];
      expect(lines[2]).toBe('flamegraph-svg --diff --normalize a.folded b.folded > diff.svg');
      return { lines, a: await runPipeline(lines[0]), b: await runPipeline(lines[1]) };
    }
    /** flamegraph-svg --diff --normalize BEFORE AFTER's frames, read from its DOM in the browser. */
    async function cliFrames(w: Watched, before: string, after: string, width: string): Promise<Frame[]> {
      writeFileSync(join(dir, 'a.folded'), before);
      writeFileSync(join(dir, 'b.folded'), after);
      const svg = await bin('flamegraph-svg', ['--diff', '--normalize', '--inverted', '--width', width, join(dir, 'a.folded'), join(dir, 'b.folded')]);
      writeFileSync(join(dir, 'diff.svg'), svg);
      const p = await w.context.newPage();
      await p.goto(`file://${join(dir, 'diff.svg')}`);
      const frames = await p.$$eval('g', (gs) =>
        gs
          .filter((g) => g.firstElementChild?.localName === 'title' && g.querySelector(':scope > rect'))
          .map((g) => {
            const r = g.querySelector(':scope > rect')!;
            return {
              x: r.getAttribute('x')!,
              y: Number(r.getAttribute('y')),
              width: r.getAttribute('width')!,
              fill: r.getAttribute('fill')!,
              title: g.firstElementChild!.textContent!,
              label: g.querySelector(':scope > text')?.textContent ?? '',
              depth: 0,
            };
          }),
      );
      await p.close();
      return frames;
    }
    const key = (f: Frame, dy = 0) => [f.x, f.y + dy, f.width, f.fill, f.title, f.label].join('\t');

    it('--select/--baseline opens the differential graph: frame for frame flamegraph-svg --diff --normalize', async () => {
      const w = await open(compared);
      const page = w.page;
      expect(await href(page)).toMatch(/#sel=5\.0-6\.49&base=1\.0-2\.49$/);
      const { a, b } = await commands(page);
      const ours = await pageFrames(page);
      const hot = ours.find((f) => f.path === 'app;main;work;hot')!;
      const cold = ours.find((f) => f.path === 'app;main;work;cold')!;
      // Red grew, blue shrank: rgb(255,x,x) and rgb(x,x,255).
      expect(hot.fill).toMatch(/^rgb\(255,(\d+),\1\)$/);
      expect(hot.title).toMatch(/; \+\d+\.\d\d%\)$/);
      expect(cold.fill).toMatch(/^rgb\((\d+),\1,255\)$/);
      expect(cold.title).toMatch(/; -\d+\.\d\d%\)$/);
      const width = (await page.getAttribute('#flame-bg', 'width'))!;
      const cli = await cliFrames(w, a, b, width);
      expect(cli.length).toBe(13);
      // flamegraph-svg's differential subtitle ("before: ..., after: ...") moves its frames 24 px down.
      expect(ours.map((f) => key(f, 24)).sort()).toEqual(cli.map((f) => key(f)).sort());
      // The hot functions: self samples in B and in A, as the folded stacks' leaves give.
      const leaves = (folded: string) => {
        const by = new Map<string, number>();
        for (const m of folded.matchAll(/^(?:.*;)?([^;\n]*) (\d+)$/gm)) by.set(m[1], (by.get(m[1]) ?? 0) + Number(m[2]));
        return by;
      };
      const hotRows = await page.$$eval('#hot text.hotrow', (ts) =>
        ts.map((t) => ({ name: t.querySelector('title')!.textContent!.replace(/: B .*$/, ''), b: Number(t.getAttribute('data-self-b')), a: Number(t.getAttribute('data-self-a')) })),
      );
      const [la, lb] = [leaves(a), leaves(b)];
      expect(hotRows.find((r) => r.name === 'gc')).toEqual({ name: 'gc', b: 0, a: la.get('gc') });
      for (const name of new Set([...la.keys(), ...lb.keys()])) expect(hotRows.find((r) => r.name === name), name).toEqual({ name, b: lb.get(name) ?? 0, a: la.get(name) ?? 0 });
      await done(w);
    });

    it('the elided view holds exactly the frames B has and A lacks (the frames A has are grey context)', async () => {
      const w = await open(compared);
      const page = w.page;
      const { a, b } = await commands(page);
      await page.click('#elidebtn');
      await page.waitForSelector('svg:not([data-busy])');
      expect(await href(page)).toContain('cv=elided');
      const ours = await pageFrames(page);
      const inA = framesOf(a);
      const want = [...framesOf(b)].filter((p) => !inA.has(p)).sort();
      expect(want.length).toBeGreaterThan(0);
      const coloured = ours.filter((f) => f.fill !== 'rgb(215,215,215)').map((f) => f.path);
      expect(coloured.sort()).toEqual(want);
      // The rest is context: the ancestors of what B alone has, and A has them.
      for (const f of ours.filter((x) => x.fill === 'rgb(215,215,215)' && x.depth > 0)) {
        expect(inA.has(f.path)).toBe(true);
        expect(want.some((p) => p.startsWith(f.path + ';'))).toBe(true);
      }
      // Its counts are B's.
      const bCounts = new Map(b.trim().split('\n').map((l) => [l.replace(/ \d+$/, ''), Number(/ (\d+)$/.exec(l)![1])] as [string, number]));
      for (const f of ours.filter((x) => want.includes(x.path))) {
        let n = 0;
        for (const [s, c] of bCounts) if (s === f.path || s.startsWith(f.path + ';')) n += c;
        expect(f.title).toContain(`(${n} samples,`);
      }
      // Back to the differential view.
      await page.click('#elidebtn');
      expect(await href(page)).not.toContain('cv=');
      await done(w);
    });

    for (const pid of [false, true]) {
      it(`the process table's numbers are the folded stacks' per-process sums, for B and A${pid ? ' (--pid)' : ''}`, async () => {
        const w = await open(pid ? comparedPid : compared);
        const page = w.page;
        const { lines, a, b } = await commands(page);
        if (pid) expect(lines[0]).toContain('stackcollapse --weight samples --pid');
        const rows = await page.$$eval('#procs text.procrow', (ts) =>
          ts.map((t) => ({ name: t.getAttribute('data-proc')!, b: Number(t.getAttribute('data-samples')), a: Number(t.getAttribute('data-base')), text: t.firstChild!.textContent! })),
        );
        const byB = perProcess(b);
        const byA = perProcess(a);
        const names = new Set([...byB.keys(), ...byA.keys()]);
        expect(rows.map((r) => r.name).sort()).toEqual([...names].sort());
        if (pid) expect([...names].sort()).toEqual(['app-10', 'app-11', 'cron-30', 'postgres-20']);
        const tB = [...byB.values()].reduce((s, n) => s + n, 0);
        const tA = [...byA.values()].reduce((s, n) => s + n, 0);
        for (const r of rows) {
          expect(r.b).toBe(byB.get(r.name) ?? 0);
          expect(r.a).toBe(byA.get(r.name) ?? 0);
          // As printed: samples, % of B, A's samples, % of A.
          const pct = (n: number, t: number) => ((100 * n) / t).toFixed(2);
          expect(r.text.trim().split(/\s+/).slice(0, 5)).toEqual([String(r.b), pct(r.b, tB), String(r.a), pct(r.a, tA), r.name]);
        }
        await done(w);
      });
    }

    it('picking a process recolours the map by its samples and filters the graph; again, or Esc, puts all back', async () => {
      const w = await open(compared);
      const page = w.page;
      const { b } = await commands(page);
      await page.click('#procs text[data-proc="cron"]');
      expect(await page.getAttribute('#cells', 'display')).toBe('none');
      // cron runs in seconds 5 and 6 only: 7 samples a second, one per cell.
      const cells = await page.$$eval('#cells-proc rect', (rs) => rs.map((r) => ({ x: Number(r.getAttribute('x')), n: Number(r.getAttribute('data-count')) })));
      const L = await page.evaluate(() => JSON.parse(document.getElementById('heatmap-data')!.textContent!).layout as { x0: number; cw: number });
      expect(cells.reduce((s, c) => s + c.n, 0)).toBe(14);
      expect(new Set(cells.map((c) => Math.round((c.x - L.x0) / L.cw)))).toEqual(new Set([5, 6]));
      const paths = (await pageFrames(page)).map((f) => f.path);
      expect(paths.filter((p) => p !== '').every((p) => p.startsWith('cron'))).toBe(true);
      expect((await pageFrames(page)).find((f) => f.depth === 0)!.title).toBe(`all (${perProcess(b).get('cron')} samples, 100%)`);
      // Click again: all back.
      await page.click('#procs text[data-proc="cron"]');
      expect(await page.getAttribute('#cells', 'display')).toBeNull();
      expect(await page.$$eval('#cells-proc rect', (rs) => rs.length)).toBe(0);
      expect((await pageFrames(page)).some((f) => f.path.startsWith('postgres'))).toBe(true);
      // Esc puts all back too (and keeps the selection).
      await page.click('#procs text[data-proc="postgres"]');
      expect((await pageFrames(page)).every((f) => f.depth === 0 || f.path.startsWith('postgres'))).toBe(true);
      await page.keyboard.press('Escape');
      expect(await page.getAttribute('#cells', 'display')).toBeNull();
      expect((await pageFrames(page)).some((f) => f.path.startsWith('app'))).toBe(true);
      expect(await href(page)).toContain('sel=5.0-6.49');
      await done(w);
    });

    it('pin by key, select B, flip; A and B survive a reload and a change of order', async () => {
      const w = await open(plain);
      const page = w.page;
      const cell = async (c: number, r: number) =>
        page.evaluate(
          ([c, r]) => {
            const d = JSON.parse(document.getElementById('heatmap-data')!.textContent!);
            const b = document.getElementById('map-frame')!.getBoundingClientRect();
            return { x: b.left + ((c + 0.5) * b.width) / d.layout.dcols, y: b.top + ((d.rows - 1 - r + 0.5) * b.height) / d.rows };
          },
          [c, r],
        );
      const click = async (c: number, r: number) => {
        await page.evaluate(() => window.scrollTo(0, 0));
        const p = await cell(c, r);
        await page.mouse.click(p.x, p.y);
        await page.waitForSelector('svg:not([data-busy])');
      };
      // A: seconds 1-2, clicked end first.
      await click(2, 49);
      await click(1, 0);
      expect(await page.isVisible('#pinbtn')).toBe(true);
      await page.keyboard.press('b');
      expect(await href(page)).toMatch(/#base=1\.0-2\.49$/);
      expect(await page.$$eval('#hl-base rect', (rs) => rs.length)).toBeGreaterThan(0);
      expect(await page.$$eval('#flame > g', (gs) => gs.length)).toBe(0);
      // B: seconds 5-6, clicked in time order.
      await click(5, 0);
      await click(6, 49);
      expect(await href(page)).toMatch(/#sel=5\.0-6\.49&base=1\.0-2\.49$/);
      const { a, b } = await commands(page);
      const diff = (await pageFrames(page)).map((f) => key(f)).sort();
      const width = (await page.getAttribute('#flame-bg', 'width'))!;
      const cli = await cliFrames(w, a, b, width);
      expect(diff.length).toBe(cli.length);
      // A change of order redraws the same comparison (frames move, A and B stay).
      await page.click('#orderbtn');
      await page.waitForSelector('svg:not([data-busy])');
      expect(await href(page)).toMatch(/sel=5\.0-6\.49&base=1\.0-2\.49&o=hot/);
      const hotOrder = await pageFrames(page);
      expect(hotOrder.map((f) => f.title).sort()).toEqual(cli.map((f) => f.title).sort());
      await page.click('#orderbtn');
      // A reload keeps both, and draws the same.
      await page.reload();
      await page.waitForSelector('svg[data-ready="1"]');
      await page.waitForSelector('svg:not([data-busy])');
      expect(await href(page)).toMatch(/#sel=5\.0-6\.49&base=1\.0-2\.49$/);
      expect((await pageFrames(page)).map((f) => key(f)).sort()).toEqual(diff);
      // Flip: A is now seconds 5-6, B seconds 1-2; the graph is flamegraph-svg --diff --normalize b.folded a.folded.
      await page.click('#flipbtn');
      await page.waitForSelector('svg:not([data-busy])');
      expect(await href(page)).toMatch(/#sel=1\.0-2\.49&base=5\.0-6\.49$/);
      const flipped = await commands(page);
      expect(flipped.a).toBe(b);
      expect(flipped.b).toBe(a);
      const cliFlipped = await cliFrames(w, b, a, width);
      expect((await pageFrames(page)).map((f) => key(f, 24)).sort()).toEqual(cliFlipped.map((f) => key(f)).sort());
      // `cold` shrank from A to B, so after the flip it grew: red.
      expect((await pageFrames(page)).find((f) => f.path === 'app;main;work;cold')!.fill).toMatch(/^rgb\(255,/);
      // Esc: clears the selection, then unpins A.
      await page.keyboard.press('Escape');
      expect(await href(page)).toMatch(/#base=5\.0-6\.49$/);
      await page.keyboard.press('Escape');
      expect(await page.$$eval('#hl-base rect', (rs) => rs.length)).toBe(0);
      await done(w);
    });

    it('fits: map, compare row, process and hot-function tables inside the window, beside the graph', async () => {
      const w = await open(compared);
      const page = w.page;
      expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth)).toBe(true);
      const box = (sel: string) => page.evaluate((s) => {
        const b = document.querySelector(s)!.getBoundingClientRect();
        return { left: b.left, right: b.right, top: b.top, bottom: b.bottom };
      }, sel);
      const flame = await box('#flame-bg');
      const procs = await box('#procs');
      const hot = await box('#hot');
      expect(procs.left).toBeGreaterThanOrEqual(flame.right);
      expect(hot.left).toBeGreaterThanOrEqual(flame.right);
      expect(procs.right).toBeLessThanOrEqual(vw);
      expect(hot.right).toBeLessThanOrEqual(vw);
      // The process table is above the hot functions, not over them.
      expect(procs.bottom).toBeLessThanOrEqual(hot.top);
      const note = await box('#compare-note');
      expect(note.right).toBeLessThanOrEqual(vw);
      for (const id of ['#command', '#command-b', '#command-diff']) expect((await box(id)).right).toBeLessThanOrEqual(vw);
      await done(w);
    });
  });
}
