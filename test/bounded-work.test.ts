// Work bounded by the samples, not by the time between them (issue 16, item 1): a corrupt
// timestamp far from the rest must not make heatmap-svg or `stackcollapse --per-window`
// visit every empty second. The heat map's time axis breaks at long empty stretches
// (src/heatmap/viewer/time-axis.ts); per-window writes no file for an empty window.
// Timings are printed, never asserted; the bounds asserted are sizes and counts, which the
// old code (a column per empty second, a file per empty window) exceeds by millions.
// heatmap-svg and range-perf run in this process (runTool); stackcollapse --per-window is
// spawned, as it writes files and installs its signal handler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { axisSegments, MIN_EMPTY, TimeAxis } from '../src/heatmap/viewer/time-axis.js';
import { haveChromium, launchChromium, openWatchedPage } from './browser/chromium.js';
import { runTool, spawnBin } from './helpers.js';

const sample = (t: string, fn: string, comm = 'app') => `${comm} 100 [000] ${t}: 1 cpu-clock:\n\tffff ${fn} (/usr/bin/app)\n\tffff main (/usr/bin/app)\n\n`;

/** 300 samples over 15 s from second 100, then `stray` far-out ones. */
function profile(stray: string[]): string {
  let text = '';
  for (let i = 0; i < 300; i++) text += sample((100 + i * 0.05).toFixed(6), `f${i % 7}`);
  for (const t of stray) text += sample(t, 'stray');
  return text;
}

/** The heat map's embedded data (the JSON block of the SVG). */
function payload(svg: string): { ncols: number; segs: number[] } {
  const m = /<script type="application\/json" id="heatmap-data"><!\[CDATA\[\n([\s\S]*?)\n\]\]><\/script>/.exec(svg);
  if (!m) throw new Error('no heatmap-data block');
  return JSON.parse(m[1]);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bounded-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the time axis', () => {
  it('has no break while at most max(3600, seconds with samples) seconds are empty', () => {
    expect(axisSegments([0, 1, 2, 3602])).toEqual([0, 3603]); // 3599 empty: kept
    expect(axisSegments([0, 1, 2, 3700])).toEqual([0, 3, 3700, 1]); // 3697 empty: cut
    expect(axisSegments([5])).toEqual([5, 1]);
    expect(axisSegments([])).toEqual([]);
  });

  it('keeps every second with samples, draws a bounded number of columns, and maps columns and seconds both ways', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 1e12 })), { minLength: 1, maxLength: 60 }), (raw) => {
        const secs = [...raw].sort((a, b) => a - b);
        const axis = new TimeAxis(axisSegments(secs, 50));
        // Bounded: the seconds with samples, plus at most max(50, their number) empty ones.
        expect(axis.ncols).toBeLessThanOrEqual(secs.length + Math.max(50, secs.length));
        const drawn = new Set<number>();
        for (let c = 0; c < axis.ncols; c++) {
          const s = axis.secOf(c);
          expect(axis.colOf(s, 'start')).toBe(c);
          expect(axis.colOf(s, 'end')).toBe(c);
          // Inside a run, seconds follow one another; a break says how many it cut out.
          if (c > 0 && axis.breakColumns().includes(c)) expect(axis.gapBefore(c)).toBe(s - axis.secOf(c - 1) - 1);
          else if (c > 0) expect([s, axis.gapBefore(c)]).toEqual([axis.secOf(c - 1) + 1, 0]);
          drawn.add(s);
        }
        for (const s of secs) expect(drawn.has(s)).toBe(true);
        // A second cut out starts a range at the column after the break, ends it before.
        for (const c of axis.breakColumns()) {
          const missing = axis.secOf(c) - 1;
          expect(axis.colOf(missing, 'start')).toBe(c);
          expect(axis.colOf(missing, 'end')).toBe(c - 1);
        }
      }),
      { seed: 16, numRuns: 300 },
    );
    expect(MIN_EMPTY).toBe(3600);
  });
});

describe('heatmap-svg with a corrupt far-out timestamp', () => {
  for (const [label, t] of [
    ['1e8 s later', '100000115.500000'],
    ['1e10 s later', '10000000115.500000'],
  ] as const) {
    it(`draws a break, not every empty second (${label})`, async () => {
      const file = join(dir, `far-${label.replace(/\W/g, '')}.perf`);
      writeFileSync(file, profile([t]));
      const t0 = performance.now();
      const r = await runTool('heatmap-svg', [file]);
      console.log(`heatmap-svg, one sample ${label}: ${(performance.now() - t0).toFixed(0)} ms, ${r.stdout.length} bytes`);
      expect(r.code, r.stderr).toBe(0);
      const svg = r.stdout.toString('utf8');
      const data = payload(svg);
      // The 15 s with samples (100 to 114) and the stray one's second: 16 columns, one break.
      expect(data.ncols).toBe(15 + 1);
      expect(data.segs).toEqual([0, 15, Number(t.split('.')[0]) - 100, 1]);
      expect(r.stdout.length).toBeLessThan(200_000);
      expect(svg).toContain('<g class="break">');
      expect(svg).toMatch(/class="axis brk"[^>]*>\d+s</);
      // One sample of 301 is a stray: said once, with a range-perf command that leaves it out.
      const warn = r.stderr.split('\n').filter((l) => l.includes('corrupt timestamps?'));
      expect(warn).toHaveLength(1);
      const cmd = /range-perf (--timeraw \S+ \S+) /.exec(warn[0]);
      expect(cmd).not.toBeNull();
      const cut = await runTool('range-perf', [...cmd![1].split(' '), file]);
      const cells = await runTool('heatmap-svg', ['--format', 'tsv'], cut.stdout);
      expect(cells.stdout.toString()).toContain('#samples\t300\n');
      expect(cells.stderr).not.toContain('corrupt');
    });
  }

  it('prints the cells of a 26-digit second in digits, not 1e+26', async () => {
    const r = await runTool('heatmap-svg', ['--format', 'tsv', '-q'], profile(['99999999999999999999999999.5']));
    expect(r.code, r.stderr).toBe(0);
    const last = r.stdout.toString().trim().split('\n').pop()!;
    // 99999999999999999999999999.5 is 1e26 as a double: 27 digits.
    expect(last).toMatch(/^1\d{26}\t25\t1$/);
  });

  it('does not warn when both sides of a break are real (two recordings a day apart)', async () => {
    let text = profile([]);
    for (let i = 0; i < 300; i++) text += sample((86500 + i * 0.05).toFixed(6), 'later');
    const r = await runTool('heatmap-svg', [], text);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('corrupt');
    expect(payload(r.stdout.toString()).segs).toHaveLength(4);
    expect(r.stdout.toString()).toContain('1 long stretch without samples cut out of the time axis');
  });

  it.skipIf(!haveChromium)('shows the break in the page, and a selection across it names the real seconds (1280x800)', async () => {
    const file = join(dir, 'far-browser.svg');
    const r = await runTool('heatmap-svg', ['-q'], profile(['4300000115.500000']));
    writeFileSync(file, r.stdout);
    let browser: Browser | null = null;
    try {
      browser = await launchChromium();
      const w = await openWatchedPage(browser);
      await w.page.setViewportSize({ width: 1280, height: 800 });
      await w.page.goto(`file://${file}`);
      await w.page.click('#wholebtn');
      const text = await w.page.locator('#selection').textContent();
      expect(text).toContain('up to 4300000016 s after 100 s: 301 samples');
      const cmd = await w.page.locator('#command').getAttribute('data-full');
      expect(cmd).toContain('range-perf --timezerosecs 0 4300000015.999999999');
      // The break's tick is shown; the dashed line is inside the map.
      const ticks = await w.page.$$eval('#xaxis text.brk', (ts) => ts.map((t) => [t.textContent, t.getAttribute('display')]));
      expect(ticks).toEqual([['4300000015s', 'inline']]);
      expect(await w.page.locator('#map g.break line').count()).toBe(1);
      await w.page.screenshot({ path: join(dir, 'far.png') });
      expect(w.errors).toEqual([]);
      await w.close();
    } finally {
      await browser?.close();
    }
  });
});

describe('stackcollapse --per-window with a corrupt far-out timestamp', () => {
  it('writes a file per window with samples, none for the empty ones between', async () => {
    const file = join(dir, 'far-window.perf');
    writeFileSync(file, profile(['4300000115.500000']));
    const out = join(dir, 'windows');
    const t0 = performance.now();
    const r = await spawnBin('stackcollapse', ['--per-window', '1s', '--output-dir', out, file]);
    console.log(`stackcollapse --per-window, one sample 4.3e9 s later: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(16);
    expect(files.at(-1)).toBe('4300000015.000.folded');
    expect(readFileSync(join(out, '4300000015.000.folded'), 'latin1')).toBe('app;main;stray 1\n');
    let total = 0;
    for (const f of files) for (const line of readFileSync(join(out, f), 'latin1').trim().split('\n')) total += Number(line.split(' ').pop());
    expect(total).toBe(301);
  });
});
