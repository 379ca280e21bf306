// heatmap-svg's page in headless Chromium, at 1280x800 and 1920x1080:
//   - "Copy command": the printed command is cut to the window's width (a long file path,
//     the idle stage), and the button puts all of it on the clipboard, every line of a
//     comparison included;
//   - a picked process is kept in the URL, so that a link (or a reload) opens with it picked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium } from './browser/chromium.js';
import { ROOT } from './helpers.js';

if (!haveChromium) console.warn('NOTE: heatmap page (copy command, process in the URL) browser tests skipped (no Chromium)');

/** Six seconds of 20 samples a second, two processes. */
function profile(): string {
  let out = '';
  for (let s = 0; s < 6; s++) {
    for (let i = 0; i < 20; i++) {
      const [comm, pid, frames] = i % 3 === 0 ? ['db', '20', ['query', 'db_main']] : ['app', '10', ['work', 'main']];
      out += `${comm} ${pid}/${pid} [000] ${(200 + s + i / 20 + 0.001).toFixed(6)}: 1 cpu-clock:\n`;
      frames.forEach((f, d) => (out += `\t${(d + 1).toString(16)} ${f} (/bin/${comm})\n`));
      out += '\n';
    }
  }
  return out;
}

describe.skipIf(!haveChromium)('heatmap-svg page: Copy command, the process in the URL', () => {
  let dir: string;
  let browser: Browser;
  let single: string;
  let compare: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flamekit-copy-'));
    // A path long enough that the command is cut at 1920 px too.
    const sub = join(dir, 'a-rather-long-directory-name-for-the-recordings-of-the-night-of-the-incident'.repeat(2));
    spawnSync('mkdir', ['-p', sub]);
    file = join(sub, `perf script of the api server's spike.txt`);
    writeFileSync(file, profile());
    const run = (out: string, args: string[]) => {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'heatmap-svg.js'), ...args, file], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      writeFileSync(join(dir, out), r.stdout);
      return join(dir, out);
    };
    single = run('single.svg', ['--select', '3,4']);
    compare = run('compare.svg', ['--select', '3,4', '--baseline', '1,2']);
    // A Chromium of its own: the clipboard is the browser's, and other test files use the shared one at the same time.
    browser = await launchChromium({ own: true });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(svg: string, width: number, height: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const page = await context.newPage();
    await page.goto(`file://${svg}`);
    await page.waitForFunction(() => (document.getElementById('command')?.getAttribute('data-full') ?? '') !== '');
    return page;
  }

  /** What the page shows of the command lines, and their full texts. */
  async function shown(page: Page): Promise<{ shown: string[]; full: string; button: { x: number; right: number; y: number; visible: boolean } }> {
    return page.evaluate(() => {
      // The drawn text: the first text node (a cut line carries its whole text in a <title>).
      const text = (id: string) => document.getElementById(id)?.firstChild?.textContent ?? '';
      const b = document.getElementById('copybtn') as unknown as SVGGraphicsElement;
      const r = b.getBoundingClientRect();
      return {
        shown: ['command', 'command-b', 'command-diff'].map(text),
        full: document.getElementById('command')!.getAttribute('data-full') ?? '',
        button: { x: r.left, right: r.right, y: r.top, visible: getComputedStyle(b).display !== 'none' && r.width > 0 },
      };
    });
  }

  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ]) {
    it(`copies the whole single-range command at ${width}x${height}`, async () => {
      const page = await open(single, width, height);
      const s = await shown(page);
      // The page cuts the line; the button sits inside the window.
      expect(s.shown[0].endsWith('\u2026'), s.shown[0]).toBe(true);
      expect(s.full.startsWith('range-perf --timezerosecs 3 4.'), s.full).toBe(true);
      expect(s.full).toContain(file.replace(/'/g, "'\\''"));
      expect(s.full.endsWith(' | flamegraph-svg')).toBe(true);
      expect(s.button.visible).toBe(true);
      expect(s.button.x).toBeGreaterThan(0);
      expect(s.button.right).toBeLessThanOrEqual(width);
      await page.click('#copybtn');
      await page.waitForFunction(() => document.getElementById('copybtn')?.firstChild?.textContent === 'Copied');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(`${s.full}\n`);
      await page.context().close();
    });
  }

  it('copies all three lines of a comparison, in order', async () => {
    const page = await open(compare, 1280, 800);
    await page.waitForFunction(() => (document.getElementById('command-diff')?.textContent ?? '').trim() !== '');
    const s = await shown(page);
    await page.click('#copybtn');
    await page.waitForFunction(() => document.getElementById('copybtn')?.firstChild?.textContent === 'Copied');
    const lines = (await page.evaluate(() => navigator.clipboard.readText())).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[0]).toBe(s.full);
    expect(lines[0].startsWith('range-perf --timezerosecs 1 2.'), lines[0]).toBe(true);
    expect(lines[0].endsWith(' > a.folded')).toBe(true);
    expect(lines[1].startsWith('range-perf --timezerosecs 3 4.'), lines[1]).toBe(true);
    expect(lines[1].endsWith(' > b.folded')).toBe(true);
    expect(lines[2]).toBe('flamegraph-svg --diff --normalize a.folded b.folded > diff.svg');
    // Each shown line is the start of its copied line (cut with an ellipsis) or all of it.
    s.shown.forEach((t, i) => expect(lines[i].startsWith(t.replace(/\u2026$/, ''))).toBe(true));
    await page.context().close();
  });

  it('is hidden while nothing is selected, and after Clear', async () => {
    const page = await open(single, 1280, 800);
    await page.click('#clearbtn');
    const s = await shown(page);
    expect(s.button.visible).toBe(false);
    expect(s.full).toBe('');
    await page.context().close();
  });

  /** The process table's rows: name, samples, and whether picked. */
  async function processRows(page: Page): Promise<{ name: string; samples: number; on: boolean }[]> {
    return page.evaluate(() =>
      Array.from(document.querySelectorAll('#procs .procrow')).map((r) => ({
        name: r.getAttribute('data-proc') ?? '',
        samples: Number(r.getAttribute('data-samples')),
        on: (r.getAttribute('class') ?? '').split(' ').includes('on'),
      })),
    );
  }
  /** The names of the flame graph's frames as drawn. */
  async function frameNames(page: Page): Promise<string[]> {
    return page.$$eval('#flame > g', (gs) => gs.map((g) => (g as unknown as { _f: { name: string } })._f.name));
  }

  it('keeps a picked process in the URL: a reload opens with it picked, Esc drops it', async () => {
    const page = await open(single, 1280, 800);
    const before = await processRows(page);
    expect(before.map((r) => r.name).sort()).toEqual(['app', 'db']);
    expect(before.every((r) => !r.on)).toBe(true);
    const all = await frameNames(page);
    expect(all).toContain('work');
    expect(all).toContain('query');
    await page.click('#procs text[data-proc="db"]');
    await page.waitForFunction(() => /(^#|&)p=db(&|$)/.test(window.location.hash));
    const picked = await frameNames(page);
    expect(picked).toContain('query');
    expect(picked).not.toContain('work');
    // The link, opened again: the same process is picked, the graph has its stacks only.
    const url = page.url();
    await page.goto('about:blank');
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('#procs .procrow.on') !== null);
    const again = await processRows(page);
    expect(again.filter((r) => r.on).map((r) => r.name)).toEqual(['db']);
    expect(await frameNames(page)).toEqual(picked);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !/(^#|&)p=/.test(window.location.hash));
    expect((await processRows(page)).every((r) => !r.on)).toBe(true);
    expect((await frameNames(page)).sort()).toEqual([...all].sort());
    await page.context().close();
  });

  it('ignores a process the selection does not have, and one named without a selection', async () => {
    const page = await open(single, 1280, 800);
    const url = page.url().replace(/#.*$/, '');
    await page.goto('about:blank');
    await page.goto(`${url}#sel=${encodeURIComponent('3.0-4.49')}&p=nosuch`);
    await page.waitForFunction(() => document.querySelectorAll('#procs .procrow').length > 0);
    expect((await processRows(page)).every((r) => !r.on)).toBe(true);
    expect(page.url()).not.toContain('p=nosuch');
    await page.goto('about:blank');
    await page.goto(`${url}#p=db`);
    await page.waitForFunction(() => document.documentElement.getAttribute('data-ready') === '1');
    expect(await processRows(page)).toEqual([]);
    await page.context().close();
  });
});
