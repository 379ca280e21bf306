// heatmap-svg --match/--exclude against `range-perf | stackcollapse | grep` on the same
// seconds (tsv and the SVG's embedded grid), the counts of samples left out, the reproduce
// command's grep stage; and the default idle pattern on an idle profile recorded on a VM.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../src/heatmap/cli.js';
import { main as rangeMain } from '../src/range/cli.js';
import { main as collapseMain } from '../src/collapse/cli.js';
import { HeatmapBuilder } from '../src/heatmap/heatmap.js';
import { FLAMESCOPE_IDLE, FLAMESCOPE_IDLE_NAMES, IDLE_NAMES } from '../src/heatmap/idle.js';
import { HeatmapData, type Payload } from '../src/heatmap/viewer/data.js';
import { burstyProfile, SECONDS } from './heatmap-search-profile.js';
import { shellQuote } from '../src/shell-word.js';
import { FIXTURES, runMain } from './helpers.js';

const PROFILE = burstyProfile();
const IDLE_VM = join(FIXTURES, 'perf', 'idle-vm.txt');

/** Folded lines of second s (as the page's reproduce command selects it), through grep's args. */
async function grepped(s: number, grep: string[][]): Promise<number> {
  const r = await runMain(rangeMain, ['--timezerosecs', String(s), `${s}.999999999`], PROFILE);
  expect(r.code).toBe(0);
  const c = await runMain(collapseMain, ['--weight', 'samples'], r.stdout);
  expect(c.code).toBe(0);
  let folded = c.stdout.toString('latin1');
  for (const args of grep) folded = spawnSync('grep', args, { input: folded, encoding: 'latin1' }).stdout;
  let n = 0;
  for (const line of folded.split('\n')) if (line !== '') n += Number(line.slice(line.lastIndexOf(' ') + 1));
  return n;
}

/** Samples per second (relative to the origin) of `heatmap-svg --format tsv`. */
function tsvSeconds(tsv: string): Map<number, number> {
  const m = new Map<number, number>();
  for (const line of tsv.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [s, , n] = line.split('\t').map(Number);
    m.set(s, (m.get(s) ?? 0) + n);
  }
  return m;
}

/** The embedded payload of a heatmap-svg SVG. */
function payloadOf(svg: string): Payload {
  const m = /<script type="application\/json" id="heatmap-data"><!\[CDATA\[\n([\s\S]*?)\n\]\]><\/script>/.exec(svg);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]) as Payload;
}

const CASES: [string, string[], string[][]][] = [
  ['--match a process', ['--match', '^sha256sum;'], [['-E', '^sha256sum;']]],
  ['--match a function', ['--match', 'memcpy'], [['-E', 'memcpy']]],
  ['--exclude a function', ['--exclude', 'sha256_(update|block)'], [['-v', '-E', 'sha256_(update|block)']]],
  ['--match and --exclude', ['--match', 'memcpy|write', '--exclude', '^db;'], [['-E', 'memcpy|write'], ['-v', '-E', '^db;']]],
];

describe('--match and --exclude', () => {
  for (const [what, flags, grep] of CASES) {
    it(`${what}: tsv and SVG cells per second equal range-perf | stackcollapse | grep`, async () => {
      const all = await runMain(main, ['--format', 'tsv'], PROFILE);
      const tsv = await runMain(main, ['--format', 'tsv', ...flags], PROFILE);
      expect(tsv.code).toBe(0);
      const svg = await runMain(main, flags, PROFILE);
      expect(svg.code).toBe(0);
      const D = payloadOf(svg.stdout.toString('utf8'));
      const data = new HeatmapData(D);
      const perSec = tsvSeconds(tsv.stdout.toString());
      let kept = 0;
      for (let s = 0; s < SECONDS; s++) {
        const want = await grepped(s, grep);
        kept += want;
        expect(perSec.get(s) ?? 0, `second ${s}`).toBe(want);
        let inSvg = 0;
        const c = s - D.c0;
        if (c >= 0 && c < D.ncols) for (let r = 0; r < D.rows; r++) inSvg += data.count(c, r);
        expect(inSvg, `second ${s} in the SVG`).toBe(want);
      }
      expect(kept).toBeGreaterThan(0);
      const total = Number(/#samples\t(\d+)/.exec(all.stdout.toString())![1]);
      expect(Number(/#samples\t(\d+)/.exec(tsv.stdout.toString())![1])).toBe(kept);
      // Every sample left out is counted, in the words of the other counts.
      let unmatched = 0;
      let excluded = 0;
      const m = /left out (\d+) samples? not matching --match\n/.exec(tsv.stderr);
      const x = /left out (\d+) samples? matching --exclude\n/.exec(tsv.stderr);
      if (flags.includes('--match')) unmatched = Number(m![1]);
      else expect(m).toBeNull();
      if (flags.includes('--exclude')) excluded = Number(x![1]);
      else expect(x).toBeNull();
      expect(unmatched + excluded).toBe(total - kept);
      expect(svg.stderr).toBe(tsv.stderr);
      // The page says so too, and its reproduce command greps the same lines.
      expect(svg.stdout.toString()).toContain(`${kept} samples of cpu-clock`);
      const stages = grep.map((a) => ` | grep ${a.slice(0, -1).join(' ')} ${shellQuote(a[a.length - 1])}`).join('');
      expect(D.reproduce.collapseFlags).toBe(` --weight samples${stages}`);
    });
  }

  it('keeps names of left-out stacks out of the SVG', async () => {
    const r = await runMain(main, ['--exclude', 'sha256'], PROFILE);
    expect(r.code).toBe(0);
    const D = payloadOf(r.stdout.toString());
    expect(D.names!.filter((n) => /sha256/.test(n))).toEqual([]);
    expect(D.names).toContain('hash_join');
  });

  it('--no-stacks: the same cells, no stacks embedded', async () => {
    const a = payloadOf((await runMain(main, ['--match', 'memcpy'], PROFILE)).stdout.toString());
    const b = payloadOf((await runMain(main, ['--match', 'memcpy', '--no-stacks'], PROFILE)).stdout.toString());
    expect(b.grid).toBe(a.grid);
    expect(b.names).toBeNull();
  });

  it('nothing left: exit 1 with every count', async () => {
    const r = await runMain(main, ['--match', 'no_such_function'], PROFILE);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `heatmap-svg: left out ${SECONDS * 200} samples not matching --match\nheatmap-svg: no samples left to draw: 0 idle, 0 of other events, ${SECONDS * 200} not matching --match\n`,
    );
  });

  it('a bad regex is a usage error', async () => {
    const r = await runMain(main, ['--exclude', '(oops'], PROFILE);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^heatmap-svg: bad --exclude: Invalid regular expression/);
  });
});

describe('idle on a VM (fixtures/perf/idle-vm.txt, recorded here with perf record -a -g -F 99)', () => {
  const text = readFileSync(IDLE_VM, 'latin1');
  const samples = text.split(/\n\n+/).filter((s) => s.trim() !== '');
  // Counted from the text: swapper samples with an idle name on a line after 'swapper'.
  const idleByText = samples.filter((s) => {
    const p = s.indexOf('swapper');
    return p >= 0 && IDLE_NAMES.some((n) => s.indexOf(n, p + 7) >= 0);
  }).length;

  it('holds idle samples that FlameScope\'s pattern misses', () => {
    expect(idleByText).toBeGreaterThan(0);
    expect(samples.filter((s) => FLAMESCOPE_IDLE.test(s.replace(/\n/g, ' '))).length).toBe(0);
    expect(text).toContain('pvm_safe_halt_hc');
  });

  it("keeps FlameScope's names as a subset", () => {
    for (const n of FLAMESCOPE_IDLE_NAMES) expect(IDLE_NAMES).toContain(n);
  });

  it('leaves them out by default, and says so on stderr and in the page', async () => {
    const b = new HeatmapBuilder();
    b.push(text);
    b.endInput();
    const st = b.result().stats;
    expect(st.idle).toBe(idleByText);
    expect(st.samples).toBe(samples.length - idleByText);
    const r = await runMain(main, [IDLE_VM]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`heatmap-svg: left out ${idleByText} idle samples (default idle pattern); --no-idle-filter keeps them\n`);
    expect(r.stdout.toString()).toContain(`${samples.length - idleByText} samples of cpu-clock:ppp; ${idleByText} idle left out (default idle pattern)`);
    const kept = await runMain(main, ['--no-idle-filter', '--format', 'tsv', IDLE_VM]);
    expect(kept.stdout.toString()).toContain(`#samples\t${samples.length}\n#idle\t0\n`);
  });
});
