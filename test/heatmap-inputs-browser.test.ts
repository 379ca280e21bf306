// heatmap-svg of a V8 .cpuprofile (node --cpu-prof of a program with two phases, recorded
// here) in headless Chromium at 1280x800, the SVG opened from file://: the range that
// --select opens with holds phaseA's samples only, and its flame graph shows phaseA's
// functions and not phaseB's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { haveChromium, launchChromium, openWatchedPage } from './browser/chromium.js';
import { runTool } from './helpers.js';
import { cpuProfileSamples, recordTwoPhases } from './profile-recordings.js';

if (!haveChromium) console.warn('NOTE: heatmap-svg browser test of a .cpuprofile skipped (no Chromium)');

describe.skipIf(!haveChromium)('heatmap-svg of a .cpuprofile in Chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heatmap-inputs-browser-'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('selects phaseA and draws its functions, not phaseB\'s', async () => {
    const { file, json } = recordTwoPhases(dir, 'two-phases');
    const samples = cpuProfileSamples(json);
    const rows = 50;
    const origin = Math.floor(Math.min(...samples.map((s) => s.us)) / 1e6);
    // From the start up to the cell before the one of phaseB's first sample.
    const firstB = Math.min(...samples.filter((s) => s.names.includes('phaseB')).map((s) => s.us));
    const rowUs = 1e6 / rows;
    const endUs = Math.floor(firstB / rowUs) * rowUs - 1;
    const want = samples.filter((s) => s.us <= endUs && s.names[0] !== '(idle)');
    expect(want.some((s) => s.names.includes('phaseA'))).toBe(true);
    const end = ((endUs - origin * 1e6) / 1e6).toFixed(6);

    const r = await runTool('heatmap-svg', ['--rows', String(rows), '--select', `0,${end}`, file]);
    expect(r.code).toBe(0);
    const svg = join(dir, 'profile.svg');
    writeFileSync(svg, r.stdout);

    const w = await openWatchedPage(browser);
    const page = w.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`file://${svg}`);
    await page.waitForSelector('svg[data-ready="1"]');
    expect(await page.textContent('#selection')).toMatch(new RegExp(`: ${want.length.toLocaleString('en-US')} samples$`));
    const titles = await page.$$eval('#flame > g', (gs) => gs.map((g) => (g as unknown as { _f: { title: string } })._f.title));
    expect(titles.some((t) => t.startsWith('phaseA '))).toBe(true);
    expect(titles.some((t) => t.startsWith('(root) '))).toBe(true);
    expect(titles.filter((t) => t.startsWith('phaseB '))).toEqual([]);
    expect(w.errors).toEqual([]);
    expect(w.network).toEqual([]);
    await w.close();
  });
});
