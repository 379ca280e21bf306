// heatmap-svg: cells against ../shared/conformance/heatmap, chunking, filters, messages,
// the embedded data, and the range flame graph layout against flamegraph.pl's frames.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { main } from '../src/heatmap/cli.js';
import { HeatmapBuilder, formatCellsTsv, nearestRows } from '../src/heatmap/heatmap.js';
import { layoutFlame, flameColor, hotFunctions } from '../src/flamegraph/viewer/layout.js';
import { decodeVarints } from '../src/heatmap/viewer/varints.js';
import { encodeHeatmap, encodeVarints } from '../src/heatmap/embed.js';
import { CONFORMANCE, HAVE_CONFORMANCE, ROOT, runMain, spawnBin } from './helpers.js';

const PERF = join(CONFORMANCE, 'perf');
const conf = describe.skipIf(!HAVE_CONFORMANCE);

function readInput(name: string): Buffer {
  const b = readFileSync(join(PERF, name));
  return name.endsWith('.gz') ? gunzipSync(b) : b;
}

function inputFor(stem: string): string {
  return readdirSync(PERF).find((f) => f === `${stem}.txt` || f === `${stem}.txt.gz`)!;
}

/** A tiny perf script profile: one sample per (sec, ns, comm, frames leaf first). */
function perf(samples: [number, number, string, string[], string?][]): string {
  return samples
    .map(([sec, ns, comm, frames, event]) => {
      const head = `${comm} 1234 [000] ${sec}.${String(ns).padStart(9, '0')}: 10101010 ${event ?? 'cpu-clock'}:\n`;
      return head + frames.map((f, i) => `\t${(0x1000 + i).toString(16)} ${f} (/usr/bin/x)\n`).join('') + '\n';
    })
    .join('');
}

conf('conformance: cells of ../shared/conformance/heatmap', () => {
  const cases = existsSync(join(CONFORMANCE, 'heatmap')) ? readdirSync(join(CONFORMANCE, 'heatmap')).filter((f) => f.endsWith('.cells.tsv')) : [];
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(22));
  for (const c of cases) {
    const m = /^(.*)\.rows(\d+)\.cells\.tsv$/.exec(c)!;
    it(`${c}`, async () => {
      const expected = readFileSync(join(CONFORMANCE, 'heatmap', c), 'latin1');
      const file = join(PERF, inputFor(m[1]));
      const r = await runMain(main, ['--format', 'tsv', '--rows', m[2], file]);
      expect(r.code).toBe(0);
      expect(r.stdout.toString('latin1')).toBe(expected);
    });
  }
});

conf('chunking and modes', () => {
  for (const name of ['flamescope-perf-test01.txt', 'perf-numa-stacks-01.txt', 'example-perf-stacks.txt.gz']) {
    it(`${name}: chunks of 1, 7 and 4096 bytes give the same SVG`, async () => {
      const input = readInput(name);
      // 1-byte chunks of a large file take long: cut it to its first 30 kB of samples.
      const small = input.length > 40000 ? input.subarray(0, input.indexOf('\n\n', 30000) + 2) : input;
      const whole = await runMain(main, [], small, 0);
      expect(whole.code).toBe(0);
      for (const size of [1, 7, 4096]) {
        const r = await runMain(main, [], small, size);
        expect(r.stdout.equals(whole.stdout), `chunk size ${size}`).toBe(true);
      }
      const tsv = await runMain(main, ['--format', 'tsv'], small, 0);
      for (const size of [1, 7]) expect((await runMain(main, ['--format', 'tsv'], small, size)).stdout.toString()).toBe(tsv.stdout.toString());
    });
  }

  it('gives the same cells with and without the stack table', () => {
    const input = readInput('example-perf-stacks.txt.gz').toString('latin1');
    const cells = (stacks: boolean) => {
      const b = new HeatmapBuilder({ stacks });
      b.push(input);
      b.endInput();
      return formatCellsTsv(b.result());
    };
    expect(cells(false)).toBe(cells(true));
  });

  it('counts every sample once: cells + idle + other = samples read', () => {
    for (const name of readdirSync(PERF)) {
      const b = new HeatmapBuilder({});
      b.push(readInput(name).toString('latin1'));
      b.endInput();
      const hm = b.result();
      let cells = 0;
      for (const col of hm.columns.values()) for (const n of col) cells += n;
      let other = 0;
      for (const n of hm.stats.otherEvents.values()) other += n;
      expect(cells).toBe(hm.stats.samples);
      expect(cells + hm.stats.idle + other + hm.stats.untimed).toBe(hm.stats.read);
    }
  });

  it('is byte-identical run to run', async () => {
    const input = readInput('perf-numa-stacks-01.txt');
    const a = await runMain(main, [], input);
    const b = await runMain(main, [], input);
    expect(a.stdout.equals(b.stdout)).toBe(true);
  });
});

conf('flamescope-perf-test01: STACK-N_at_time_Xs_and_offset_Yms', () => {
  it('puts each named sample in the cell its name gives', () => {
    const text = readInput('flamescope-perf-test01.txt').toString('latin1');
    for (const rows of [50, 49, 100]) {
      const b = new HeatmapBuilder({ rows });
      b.push(text);
      b.endInput();
      const hm = b.result();
      const tree = hm.tree!;
      let found = 0;
      for (const [sec, st] of hm.cellStacks) {
        for (const [key, n] of st) {
          const row = key % rows;
          const node = (key - row) / rows;
          const m = /^STACK-\d+_at_time_(\d+)s_and_offset_(\d+)ms$/.exec(tree.names[tree.frame[node]]);
          if (!m) continue;
          found += n;
          expect(sec - hm.origin!).toBe(Number(m[1]));
          expect(row).toBe(Math.floor((Number(m[2]) * rows) / 1000));
        }
      }
      expect(found).toBe(5);
    }
  });
});

describe('core rules', () => {
  it('buckets exact decimals (5086.200000 is in the 200-220 ms bucket)', () => {
    const b = new HeatmapBuilder({ rows: 50 });
    b.push(perf([[5086, 200000000, 'a', ['f']], [5086, 199999999, 'a', ['f']], [5087, 999999999, 'a', ['f']]]));
    b.endInput();
    expect(formatCellsTsv(b.result())).toBe('#origin\t5086\n#samples\t3\n#idle\t0\n#other\t0\n0\t9\t1\n0\t10\t1\n1\t49\t1\n');
  });

  it.each([
    ['swapper with cpu_idle in a frame', 'swapper', ['cpu_idle'], 1],
    ['swapper with native_safe_halt', 'swapper', ['native_safe_halt+0x6', 'default_idle'], 1],
    ['swapper doing softirq work only', 'swapper', ['net_rx_action'], 0],
    ['cpu_idle without swapper', 'java', ['cpu_idle'], 0],
  ])('idle filter: %s', (_what, comm, frames, idle) => {
    const b = new HeatmapBuilder({});
    b.push(perf([[1, 0, comm as string, frames as string[]]]));
    b.endInput();
    expect(b.result().stats.idle).toBe(idle);
  });

  it('idle filter: --idle-regex and off', () => {
    const text = perf([[1, 0, 'swapper', ['cpu_idle']], [1, 5, 'java', ['GC_work']]]);
    const run = (idle: RegExp | null) => {
      const b = new HeatmapBuilder({ idle });
      b.push(text);
      b.endInput();
      return b.result().stats;
    };
    expect(run(/GC_work/).idle).toBe(1);
    expect(run(/GC_work/).samples).toBe(1);
    expect(run(null).idle).toBe(0);
    expect(run(null).samples).toBe(2);
  });

  it('keeps the first event, and --event-filter picks another', () => {
    const text = perf([[1, 0, 'a', ['f'], 'cycles'], [1, 5, 'a', ['f'], 'instructions'], [2, 5, 'a', ['f'], 'instructions']]);
    const b = new HeatmapBuilder({});
    b.push(text);
    b.endInput();
    expect(b.result().stats.samples).toBe(1);
    const c = new HeatmapBuilder({ eventFilter: 'instructions' });
    c.push(text);
    c.endInput();
    expect(c.result().stats.samples).toBe(2);
    expect(c.result().stats.otherEvents.get('cycles')).toBe(1);
  });

  it('merges several inputs on one timeline whatever their order', () => {
    const a = perf([[100, 0, 'a', ['f']]]);
    const b = perf([[98, 500000000, 'a', ['g']]]);
    const run = (xs: string[]) => {
      const h = new HeatmapBuilder({});
      for (const x of xs) {
        h.push(x);
        h.endInput();
      }
      return formatCellsTsv(h.result());
    };
    expect(run([a, b])).toBe(run([b, a]));
    expect(run([a, b])).toContain('#origin\t98\n');
    expect(run([a, b])).toContain('\n2\t0\t1\n');
  });

  it('rows auto: from perf record -F in the header, else measured', () => {
    const head = '# cmdline : /usr/bin/perf record -F 99 -a -g -- sleep 10\n';
    const b = new HeatmapBuilder({ rows: 'auto' });
    b.push(head + perf([[1, 0, 'a', ['f']]]));
    b.endInput();
    expect(b.result().rows).toBe(99);
    // 49 Hz on one CPU, measured.
    const samples: [number, number, string, string[]][] = [];
    for (let i = 0; i < 200; i++) {
      const t = Math.round((i * 1e9) / 49);
      samples.push([10 + Math.floor(t / 1e9), t % 1e9, 'a', ['f']]);
    }
    const m = new HeatmapBuilder({ rows: 'auto' });
    m.push(perf(samples));
    m.endInput();
    const hm = m.result();
    expect(hm.rows).toBe(49);
    expect(hm.rate?.source).toBe('measured');
    expect(hm.stats.samples).toBe(200);
    expect(nearestRows(4000)).toBe(100);
  });
});

describe('embedded data', () => {
  it('varints round-trip', () => {
    const ns = [0, 1, 31, 32, 33, 1023, 1024, 123456789, 2 ** 40 + 7];
    const s = encodeVarints(ns);
    expect(s).not.toMatch(/[<>&"\\\]]/);
    expect(decodeVarints(s, [])).toEqual(ns);
  });

  it('cell stacks decode back to the samples', () => {
    const text = perf([[1, 0, 'a', ['f', 'main']], [1, 1, 'a', ['g', 'main']], [1, 2, 'a', ['f', 'main']], [3, 500000000, 'b', ['h']]]);
    const b = new HeatmapBuilder({ rows: 10 });
    b.push(text);
    b.endInput();
    const data = encodeHeatmap(b.result(), true);
    expect(data.ncols).toBe(3);
    expect(data.names).toEqual(['a', 'b', 'f', 'g', 'h', 'main']);
    const cells = decodeVarints(data.cells.text(), []);
    // Two non-empty cells: (0, 0) with two stacks (f x2, g x1), (2, 5) with one.
    expect(cells[0]).toBe(2);
    expect(cells[2] + cells[4]).toBe(3);
    expect(cells[5]).toBe(1);
  });
});

describe('range flame graph layout', () => {
  /** Builds a stack tree from folded lines, names in byte order, as embed.ts does. */
  function treeOf(folded: string) {
    const lines = folded.split('\n').filter((l) => l !== '');
    const nameSet = new Set<string>();
    const parsed = lines.map((l) => {
      const i = l.lastIndexOf(' ');
      const fr = l.slice(0, i).split(';');
      fr.forEach((f) => nameSet.add(f));
      return { fr, n: Number(l.slice(i + 1)) };
    });
    const names = [...nameSet].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const id = new Map(names.map((n, i) => [n, i]));
    const parent: number[] = [];
    const frame: number[] = [];
    const kids = new Map<string, number>();
    const self = new Map<number, number>();
    for (const { fr, n } of parsed) {
      let node = -1;
      for (const f of fr) {
        const key = `${node}:${id.get(f)}`;
        let k = kids.get(key);
        if (k === undefined) {
          k = parent.length;
          parent.push(node);
          frame.push(id.get(f)!);
          kids.set(key, k);
        }
        node = k;
      }
      self.set(node, (self.get(node) ?? 0) + n);
    }
    return { names: names.map((n) => Buffer.from(n, 'latin1').toString('utf8')), parent, frame, self };
  }

  function frameTable(frames: { x: string; y: number; width: string; fill: string; title: string; label: string }[]): string[] {
    return frames
      .map((f) => ({ y: f.y, x: Number(f.x), line: [f.x, f.y.toFixed(1), f.width, '15.0', f.fill, f.title, f.label].join('\t') }))
      .sort((a, b) => a.y - b.y || a.x - b.x)
      .map((r) => r.line);
  }

  conf('flamegraph.pl frames', () => {
    for (const [cse, input] of [
      ['example-default', 'example-perf-stacks.default.folded'],
    ]) {
      it(`${cse} equals flamegraph.pl frame for frame`, () => {
        const t = treeOf(readFileSync(join(CONFORMANCE, 'collapse', input), 'latin1'));
        const lay = layoutFlame(t.names, t.parent, t.frame, t.self, 1200, 'alpha');
        const expected = readFileSync(join(CONFORMANCE, 'flamegraph', `${cse}.frames.tsv`), 'utf8').split('\n');
        expect(expected[0]).toBe(`#size\t1200\t${lay.height}`);
        const rows = expected.slice(3).filter((l) => l !== '');
        expect(frameTable(lay.frames)).toEqual(rows);
      });
    }
  });

  it('draws one box per function, as flamegraph-svg (flamegraph.pl splits foo given foo, foo2, foo;bar)', async () => {
    const folded = 'main;foo 1\nmain;foo2 1\nmain;foo;bar 1\n';
    const t = treeOf(folded);
    const lay = layoutFlame(t.names, t.parent, t.frame, t.self, 1200, 'alpha');
    expect(lay.frames.filter((f) => f.title.startsWith('foo (')).length).toBe(1);
    // Frame for frame what flamegraph-svg draws for the same folded lines.
    const fg = await import('../src/flamegraph/cli.js');
    const r = await runMain(fg.main, [], folded);
    const svg = r.stdout.toString('utf8');
    const drawn = [...svg.matchAll(/<title>([^<]*)<\/title><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g)].map((m) => `${m[1]}|${Number(m[2]).toFixed(1)}|${Number(m[4]).toFixed(1)}`);
    expect(drawn.length).toBe(lay.frames.length);
    const mine = lay.frames.map((f) => `${f.title}|${Number(f.x).toFixed(1)}|${Number(f.width).toFixed(1)}`);
    expect(mine.sort()).toEqual(drawn.sort());
    const hot = layoutFlame(t.names, t.parent, t.frame, t.self, 1200, 'hot');
    expect(hot.frames.filter((f) => f.title.startsWith('foo (')).length).toBe(1);
    // Hottest first: foo (2 samples) left of foo2 (1 sample).
    const x = (name: string) => Number(hot.frames.find((f) => f.title.startsWith(name + ' ('))!.x);
    expect(x('foo')).toBeLessThan(x('foo2'));
    // Alphabetical as flamegraph.pl's line sort puts a parent: foo2 (a leaf, 'foo2 ') before foo ('foo;').
    const ax = (name: string) => Number(lay.frames.find((f) => f.title.startsWith(name + ' ('))!.x);
    expect(ax('foo2')).toBeLessThan(ax('foo'));
  });

  it("keeps flamegraph-svg's frame budget: the same frames as flamegraph-svg --max-frames", async () => {
    const folded = Array.from({ length: 20 }, (_, i) => `a;b${i + 1} ${i + 1}`).join('\n') + '\n';
    const t = treeOf(folded);
    const lay = layoutFlame(t.names, t.parent, t.frame, t.self, 1200, 'alpha', 10);
    expect(lay.framesBeforeBudget).toBe(22);
    expect(lay.frames).toHaveLength(10);
    const fg = await import('../src/flamegraph/cli.js');
    const r = await runMain(fg.main, ['--max-frames', '10'], folded);
    const drawn = [...r.stdout.toString('utf8').matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(lay.frames.map((f) => f.title).sort()).toEqual(drawn.sort());
    expect(layoutFlame(t.names, t.parent, t.frame, t.self, 1200, 'alpha', 0).frames).toHaveLength(22);
  });

  it("builds each sample's stack root first, sharing a frame line between stacks", () => {
    const text = [
      'app 1 [000] 1.100000: 1 cycles:\n\t    1 a (/x)\n\t    2 b (/x)\n\t    3 c (/x)\n\t    4 d (/x)\n\t    5 e (/x)\n\n',
      'app 1 [000] 1.200000: 1 cycles:\n\t    6 f (/x)\n\t    2 b (/x)\n\t    7 g (/x)\n\n',
    ].join('');
    const stacksOf = () => {
      const b = new HeatmapBuilder({});
      b.push(text);
      b.endInput();
      const t = b.result().tree!;
      const parents = Array.from(t.parent.subarray(0, t.size));
      const out: string[] = [];
      for (let n = 0; n < t.size; n++) {
        if (parents.indexOf(n) >= 0) continue; // leaves only
        const path: string[] = [];
        for (let k = n; k >= 0; k = t.parent[k]) path.unshift(t.names[t.frame[k]]);
        out.push(path.join(';'));
      }
      return out.sort();
    };
    expect(stacksOf()).toEqual(['app;e;d;c;b;a', 'app;g;b;f']);
  });

  it('colours as flamegraph.pl (hot, seeded)', () => {
    expect(flameColor('foo')).toBe('rgb(220,71,17)');
    expect(flameColor('main')).toBe('rgb(243,179,42)');
    expect(flameColor('')).toBe('rgb(213,39,9)');
  });

  it('ranks hot functions by self, counting recursion once in total', () => {
    const t = treeOf('m;a;a 2\nm;b 3\nm 1\n');
    const h = hotFunctions(t.parent, t.frame, t.self).map((r) => [t.names[r.id], r.self, r.total]);
    expect(h).toEqual([
      ['b', 3, 3],
      ['a', 2, 2],
      ['m', 1, 6],
    ]);
  });
});

describe('messages and exit codes', () => {
  it('input without timestamps: exit 1 and says to record time', async () => {
    const r = await runMain(main, [], 'java 123 cpu-clock:\n\t1000 f (/x)\n\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'heatmap-svg: samples have no timestamps: record them with perf script -F comm,pid,tid,cpu,time,event,ip,sym,dso (time is needed)\n',
    );
  });

  it('no samples left after filtering: exit 1 with a hint', async () => {
    const r = await runMain(main, [], perf([[1, 0, 'swapper', ['cpu_idle']]]));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('heatmap-svg: no samples left to draw: 1 idle, 0 of other events (keep idle ones with --no-idle-filter)\n');
    const k = await runMain(main, ['--no-idle-filter', '--format', 'tsv'], perf([[1, 0, 'swapper', ['cpu_idle']]]));
    expect(k.code).toBe(0);
  });

  it('empty input: exit 1', async () => {
    const r = await runMain(main, [], '');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('heatmap-svg: no samples in input\n');
  });

  it('bad --rows: usage error, exit 2', async () => {
    const r = await runMain(main, ['--rows', 'x'], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--rows' wants a whole number");
  });

  it('warns once about other events', async () => {
    const r = await runMain(main, ['--format', 'tsv'], perf([[1, 0, 'a', ['f'], 'cycles'], [1, 5, 'a', ['f'], 'instr'], [1, 9, 'a', ['f'], 'instr']]));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('heatmap-svg: warning: kept events of type cycles; left out 2 samples of other types (instr); choose with --event-filter\n');
  });

  it('--max-embed 0 leaves stacks out and says so on stderr and in the SVG', async () => {
    const r = await runMain(main, ['--max-embed', '0'], perf([[1, 0, 'a', ['f']]]));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^heatmap-svg: warning: stack data \(0\.0 MB\) is over --max-embed 0 MB: the SVG carries no stacks/);
    expect(r.stdout.toString()).toContain('is over --max-embed 0 MB');
    expect(r.stdout.toString()).toContain('"names":null');
  });
});

describe('SVG safety', () => {
  it('escapes names and keeps embedded data inside its element', async () => {
    const evil = ['<script>alert(1)</script>', ']]>', '</script>', 'a&b"c\'d', '-->'];
    const r = await runMain(main, ['--title', '<b>&"'], perf([[1, 0, 'x<y>', evil]]));
    expect(r.code).toBe(0);
    const svg = r.stdout.toString('utf8');
    expect(svg).not.toContain('<script>alert');
    expect(svg).not.toContain('<b>');
    // One CDATA end per script element (style, data, code), nothing from the input.
    expect(svg.split(']]>').length - 1).toBe(3);
    expect(svg.match(/<\/script>/g)!.length).toBe(2);
    const json = /<script type="application\/json" id="heatmap-data"><!\[CDATA\[\n([^]*?)\n\]\]><\/script>/.exec(svg)![1];
    // Names as stackcollapse tidies them (arguments cut, '->' splits inlined frames).
    expect(JSON.parse(json).names).toEqual(expect.arrayContaining(['x<y>', '<script>alert', ']]>', '</script>', 'a&bcd']));
  });

  it('--no-stacks writes a plain heat map', async () => {
    const r = await runMain(main, ['--no-stacks'], perf([[1, 0, 'a', ['f']]]));
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain('"names":null');
    expect(r.stdout.toString()).toContain('with --no-stacks');
  });
});

describe('the real binary', () => {
  const haveDist = existsSync(join(ROOT, 'dist', 'heatmap', 'cli.js'));
  it.skipIf(!haveDist)('reads a file and stdin alike, and prints --help', async () => {
    const input = perf([[1, 0, 'a', ['f']], [2, 500000000, 'b', ['g']]]);
    const viaStdin = await spawnBin('heatmap-svg', ['--format', 'tsv'], input);
    expect(viaStdin.code).toBe(0);
    expect(viaStdin.stdout.toString()).toBe('#origin\t1\n#samples\t2\n#idle\t0\n#other\t0\n0\t0\t1\n1\t25\t1\n');
    const help = await spawnBin('heatmap-svg', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toContain('--rows <n>');
    const bad = await spawnBin('heatmap-svg', ['--bogus']);
    expect(bad.code).toBe(2);
  });
});

describe('two-column input (trace2heatmap.pl)', () => {
  const input = 'time latency\n0.1 5\n0.5 12\n1.2 40\n1.9 40\n2.0 100\n';
  const cells = (svg: string) => [...svg.matchAll(/<rect x="(\d+)" y="([\d.]+)" width="8" height="8" fill="([^"]+)"><title>([^<]*)<\/title>/g)].map((m) => [m[1], m[2], m[3], m[4]]);

  it('buckets as trace2heatmap.pl, drawing the last column and the top row', async () => {
    const r = await runMain(main, ['--rows', '10', '--unitslabel', 'us', '--accstats'], input);
    expect(r.code).toBe(0);
    const svg = r.stdout.toString();
    expect(svg).toContain('>Latency Heat Map</text>');
    // maxlat 100, steplat 10: rows 0-10 (11 rows) and columns 0-1 are drawn; the image is
    // 11 * 8 + 36 + 54 = 178 high and row l sits at 178 - 54 - (l + 1) * 8.
    expect(cells(svg)).toEqual([
      ['10', '116', 'rgb(255,120,110)', 'time 0s, range 0-10us, count: 1, colpct: 50%, acc: 1, acc pct: 50%'],
      ['10', '108', 'rgb(255,120,110)', 'time 0s, range 10-20us, count: 1, colpct: 50%, acc: 2, acc pct: 100%'],
      ['18', '84', 'rgb(255,0,0)', 'time 1s, range 40-50us, count: 2, colpct: 66%, acc: 2, acc pct: 66%'],
      ['18', '36', 'rgb(255,120,110)', 'time 1s, range 100-110us, count: 1, colpct: 33%, acc: 3, acc pct: 100%'],
    ]);
  });

  it('takes --unitstime, --stepsec, --maxlat, --maxcol and --grid', async () => {
    const ms = '0 1\n1500 2\n2500 3\n9000 50\n';
    const r = await runMain(main, ['--input', 'columns', '--unitstime', 'ms', '--stepsec', '2', '--maxlat', '10', '--steplat', '1', '--maxcol', '1', '--grid'], ms);
    expect(r.code).toBe(0);
    const svg = r.stdout.toString();
    expect(cells(svg).map((c) => c[3])).toEqual([
      'time 0-2s, range 1-2, count: 1, colpct: 50%',
      'time 0-2s, range 2-3, count: 1, colpct: 50%',
      'time 2-4s, range 3-4, count: 1, colpct: 100%',
    ]);
    expect(svg).toContain('<g id="grid"');
    expect(r.stderr).toBe('heatmap-svg: warning: left out 1 value outside --minlat/--maxlat or past --maxcol\n');
  });

  it('tells two columns from perf script by the first lines, however stdin is cut', async () => {
    // Cut into 1- and 7-byte reads, the comment line arrives alone; the kind is told from
    // the first 64 KiB (or all) of the input, not from its first read.
    const text = '# read latency, us\n0.1 5\n0.5 12\n1.2 40\n1.9 40\n2.0 100\n';
    const whole = await runMain(main, ['--rows', '10'], text);
    expect(whole.code).toBe(0);
    expect(whole.stdout.toString()).toContain('>Latency Heat Map</text>');
    for (const size of [1, 7]) {
      const cut = await runMain(main, ['--rows', '10'], text, size);
      expect(cut.stderr).toBe(whole.stderr);
      expect(cut.stdout.toString()).toBe(whole.stdout.toString());
    }
    const samples = perf([[1, 0, 'a', ['f', 'g']], [1, 250000000, 'b', ['g']], [2, 500000000, 'a', ['f', 'g']]]);
    // With stacks (the default), perf script goes to the core as bytes, read by read.
    const perfWhole = await runMain(main, [], samples);
    expect(perfWhole.code).toBe(0);
    expect(perfWhole.stdout.toString()).toContain('<svg');
    for (const size of [1, 7]) expect((await runMain(main, [], samples, size)).stdout.toString()).toBe(perfWhole.stdout.toString());
  });

  it('says when the row resolution is too high', async () => {
    const r = await runMain(main, ['--rows', '50'], '0 1\n1 2\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('heatmap-svg: row resolution too high: give --steplat, or fewer --rows\n');
  });
});

describe('raster cells', () => {
  it('--cells png draws one pixel per cell in the scale colours', async () => {
    const { inflateSync } = await import('node:zlib');
    const text = perf([[1, 0, 'a', ['f']], [1, 1, 'a', ['f']], [3, 999999999, 'a', ['f']]]);
    const r = await runMain(main, ['--rows', '4', '--cells', 'png'], text);
    expect(r.code).toBe(0);
    const svg = r.stdout.toString();
    expect(svg).not.toMatch(/<g id="cells">\n<rect/);
    const png = Buffer.from(/href="data:image\/png;base64,([^"]+)"/.exec(svg)![1], 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect([width, height]).toEqual([3, 4]);
    const idat = png.subarray(png.indexOf('IDAT') + 4, png.indexOf('IEND') - 8);
    const raw = inflateSync(idat);
    const pixel = (x: number, y: number) => [...raw.subarray(y * (width * 3 + 1) + 1 + x * 3, y * (width * 3 + 1) + 4 + x * 3)];
    // Column 0 row 0 (bottom line) holds 2 samples, the maximum: red. Column 2 row 3 (top) 1.
    expect(pixel(0, 3)).toEqual([255, 0, 0]);
    expect(pixel(2, 0)).toEqual([255, 120, 110]);
    expect(pixel(1, 1)).toEqual([255, 255, 255]);
  });
});
