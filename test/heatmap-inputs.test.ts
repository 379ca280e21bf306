// heatmap-svg on the inputs that are not perf script text: a V8 .cpuprofile from
// `node --cpu-prof`, a Chrome trace from headless Chromium (both recorded here, of a program
// with two phases) and nflxprofile's fixture. The heat-map cells and the folded stacks of a
// range are checked against counts computed from the raw files, without the project's readers.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/heatmap/cli.js';
import { HeatmapBuilder, type Heatmap } from '../src/heatmap/heatmap.js';
import { addProfileSamples } from '../src/heatmap/profile-samples.js';
import { readProfileBytes } from '../src/parse/profile-input.js';
import { CHROMIUM_PATH, haveChromium } from './browser/chromium.js';
import { CONFORMANCE, HAVE_CONFORMANCE, FIXTURES, runMain, spawnBin } from './helpers.js';
import { chromeTraceSamples, cpuProfileSamples, recordChromeTrace, recordTwoPhases, type RawSample } from './profile-recordings.js';

const tmp = mkdtempSync(join(tmpdir(), 'flamekit-heatmap-inputs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ROWS = 50;

/** `--format tsv` of raw samples, computed here: idle ((idle) leaf) left out, the origin the first sample's second. */
function cellsTsv(samples: RawSample[], rows: number): string {
  const origin = Math.floor(Math.min(...samples.map((s) => s.us)) / 1e6);
  const kept = samples.filter((s) => s.names[0] !== '(idle)');
  const cells = new Map<string, number>();
  for (const s of kept) {
    const sec = Math.floor(s.us / 1e6);
    const row = Math.floor(((s.us - sec * 1e6) * rows) / 1e6);
    const key = `${sec - origin}\t${row}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  const keys = [...cells.keys()].sort((a, b) => {
    const [ca, ra] = a.split('\t').map(Number);
    const [cb, rb] = b.split('\t').map(Number);
    return ca - cb || ra - rb;
  });
  return (
    `#origin\t${origin}\n#samples\t${kept.length}\n#idle\t${samples.length - kept.length}\n#other\t0\n` + keys.map((k) => `${k}\t${cells.get(k)}\n`).join('')
  );
}

/** A cell in time order: column (seconds after the origin), then row. */
type Cell = [number, number];
const before = (a: Cell, b: Cell) => a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);

/** Function names root first, without file:line, joined with ';'; `drop` root names left out. */
function shortKey(rootFirst: string[], drop: number): string {
  return rootFirst
    .slice(drop)
    .map((n) => (n === '' ? '(anonymous)' : n.split(' ')[0]))
    .join(';');
}

/** Folded counts of the raw samples in cells from..to, computed here. */
function rawRangeFolded(samples: RawSample[], rows: number, from: Cell, to: Cell, drop: number): Map<string, number> {
  const origin = Math.floor(Math.min(...samples.map((s) => s.us)) / 1e6);
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.names[0] === '(idle)') continue;
    const sec = Math.floor(s.us / 1e6);
    const cell: Cell = [sec - origin, Math.floor(((s.us - sec * 1e6) * rows) / 1e6)];
    if (!before(from, cell) || !before(cell, to)) continue;
    const key = shortKey([...s.names].reverse(), drop);
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** Folded counts of the heat map's stacks in cells from..to, from its tree and cell stacks. */
function heatmapRangeFolded(hm: Heatmap, from: Cell, to: Cell, drop: number, short = true): Map<string, number> {
  const t = hm.tree!;
  const out = new Map<string, number>();
  for (const [sec, st] of hm.cellStacks) {
    const pk = st.sorted();
    for (let p = 0; p < pk.length; p += 3) {
      const cell: Cell = [sec - hm.origin!, pk[p]];
      if (!before(from, cell) || !before(cell, to)) continue;
      const names: string[] = [];
      for (let n = pk[p + 1]; n >= 0; n = t.parent[n]) names.push(Buffer.from(t.names[t.frame[n]], 'latin1').toString('utf8'));
      names.reverse();
      const key = short ? shortKey(names, drop) : names.slice(drop).join(';');
      out.set(key, (out.get(key) ?? 0) + pk[p + 2]);
    }
  }
  return out;
}

function buildHeatmap(bytes: Buffer, kind: 'json' | 'nflxprofile'): Heatmap {
  const b = new HeatmapBuilder({ rows: ROWS });
  addProfileSamples(b, readProfileBytes(kind, bytes).profile);
  b.endInput();
  return b.result();
}

/** The cell of the last sample that has `fn` in its stack, and the first cell of a sample with `other` after it. */
function phaseCells(samples: RawSample[], rows: number, fn: string): Cell {
  const origin = Math.floor(Math.min(...samples.map((s) => s.us)) / 1e6);
  const last = Math.max(...samples.filter((s) => s.names.includes(fn)).map((s) => s.us));
  const sec = Math.floor(last / 1e6);
  return [sec - origin, Math.floor(((last - sec * 1e6) * rows) / 1e6)];
}

function checkRanges(hm: Heatmap, samples: RawSample[], dropHm: number, dropRaw: number): void {
  // The whole profile, and from the start to the end of phaseA.
  const end: Cell = [1e9, 0];
  const ranges: [Cell, Cell][] = [
    [[0, 0], end],
    [[0, 0], phaseCells(samples, hm.rows, 'phaseA')],
  ];
  for (const [from, to] of ranges) {
    const want = rawRangeFolded(samples, hm.rows, from, to, dropRaw);
    expect([...want.keys()].some((k) => k.includes('phaseA'))).toBe(true);
    expect(Object.fromEntries(heatmapRangeFolded(hm, from, to, dropHm))).toEqual(Object.fromEntries(want));
  }
}

describe('heatmap-svg on a V8 .cpuprofile from node --cpu-prof', () => {
  const { file, json } = recordTwoPhases(tmp, 'two-phases');
  const samples = cpuProfileSamples(json);

  it('draws the cells of its timed samples, idle left out (a file, and gzip on stdin)', async () => {
    const want = cellsTsv(samples, ROWS);
    const r = await runMain(main, ['--format', 'tsv', '--rows', String(ROWS), '-q', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(want);
    const z = await spawnBin('heatmap-svg', ['--format', 'tsv', '--rows', String(ROWS), '-q'], gzipSync(readFileSync(file)));
    expect(z.code).toBe(0);
    expect(z.stdout.toString()).toBe(want);
  });

  it('keeps the stacks of a range, rooted at (root), as the raw profile counts them', () => {
    checkRanges(buildHeatmap(readFileSync(file), 'json'), samples, 0, 0);
  });

  it('says in the page what draws a range of it, as range-perf reads perf script text only', async () => {
    const r = await runMain(main, [file]);
    expect(r.code).toBe(0);
    const svg = r.stdout.toString();
    expect(svg).toContain('samples of V8 .cpuprofile');
    expect(svg).toContain(`range-perf reads perf script text only: heatmap-svg --select START,END ${file} &#62; range.svg draws a range of this profile`);
  });

  it('refuses to mix a profile with perf script text, and says what is wrong with a broken one', async () => {
    const mixed = await runMain(main, [file, join(FIXTURES, 'perf', 'edge-cases.txt')]);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toBe(`heatmap-svg: ${file} is a profile (V8 .cpuprofile) and ${join(FIXTURES, 'perf', 'edge-cases.txt')} is text: draw them in separate runs\n`);
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"nodes": [{"id": 1}], "samples": [1, 1], "timeDeltas": [0]}');
    const r = await runMain(main, [bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`heatmap-svg: ${bad}: the profile: 2 samples but 1 timeDeltas\n`);
  });
});

describe('heatmap-svg on (idle) samples', () => {
  const frame = (functionName: string) => ({ functionName, url: '', lineNumber: -1, scriptId: 1, columnNumber: 0 });
  const profile = JSON.stringify({
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 3] },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('main') },
    ],
    startTime: 7_000_000,
    samples: [2, 3, 2, 3, 3],
    timeDeltas: [100_000, 100_000, 100_000, 100_000, 1_000_000],
  });

  it('leaves them out and counts them, or keeps them with --no-idle-filter', async () => {
    const r = await runMain(main, ['--format', 'tsv', '--rows', '10'], profile);
    expect(r.stdout.toString()).toBe('#origin\t7\n#samples\t3\n#idle\t2\n#other\t0\n0\t2\t1\n0\t4\t1\n1\t4\t1\n');
    const svg = await runMain(main, [], profile);
    expect(svg.stderr).toMatch(/left out 2 idle samples/);
    const all = await runMain(main, ['--format', 'tsv', '--rows', '10', '--no-idle-filter'], profile);
    expect(all.stdout.toString()).toBe('#origin\t7\n#samples\t5\n#idle\t0\n#other\t0\n0\t1\t1\n0\t2\t1\n0\t3\t1\n0\t4\t1\n1\t4\t1\n');
  });
});

describe.skipIf(!haveChromium)('heatmap-svg on a Chrome trace from headless Chromium', async () => {
  if (!haveChromium) console.warn(`NOTE: ${CHROMIUM_PATH} is missing: the Chrome trace heat-map test is skipped`);
  const trace = await recordChromeTrace();
  const file = join(tmp, 'trace.json');
  writeFileSync(file, JSON.stringify(trace));
  const samples = chromeTraceSamples(trace.traceEvents);

  it('draws the cells of every profile chunk', async () => {
    const r = await runMain(main, ['--format', 'tsv', '--rows', String(ROWS), '-q', file]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(cellsTsv(samples, ROWS));
  });

  it('keeps the stacks of a range, rooted at the process and thread names', () => {
    const hm = buildHeatmap(readFileSync(file), 'json');
    const roots = new Set<string>();
    const t = hm.tree!;
    for (let n = 0; n < t.size; n++) if (t.parent[n] < 0) roots.add(t.names[t.frame[n]]);
    expect(roots.has('Renderer')).toBe(true);
    // The trace's (root) node is where the process and thread names stand.
    checkRanges(hm, samples.map((s) => ({ ...s, names: s.names.filter((n, k) => !(n === '(root)' && k === s.names.length - 1)) })), 2, 0);
  });
});

/** nflxprofile's sample times in microseconds, decoded here from fields 1 (start_time) and 4 (time_deltas). */
function nflxTimes(bytes: Buffer): number[] {
  const r = new BinaryReader(bytes);
  let start = 0;
  const deltas: number[] = [];
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === WireType.Bit64) start = r.double();
    else if (field === 4 && wire === WireType.LengthDelimited) {
      const end = r.uint32() + r.pos;
      while (r.pos < end) deltas.push(r.double());
    } else r.skip(wire);
  }
  let t = start;
  return deltas.map((d) => Math.round((t += d) * 1e6));
}

describe.skipIf(!HAVE_CONFORMANCE)('heatmap-svg on nflxprofile', () => {
  const file = join(CONFORMANCE, 'formats', 'nodejs1.nflxprofile');

  it('draws the cells of its sample times', async () => {
    const times = nflxTimes(readFileSync(file));
    const r = await runMain(main, ['--format', 'tsv', '--rows', String(ROWS), '-q', file]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(cellsTsv(times.map((us) => ({ us, names: [] })), ROWS));
  });

  it('holds, over the whole profile, the stacks of its expected tree', () => {
    const hm = buildHeatmap(readFileSync(file), 'nflxprofile');
    const want = readFileSync(join(CONFORMANCE, 'formats', 'nodejs1.nflxprofile.folded'), 'utf8').trimEnd().split('\n');
    const got = heatmapRangeFolded(hm, [0, 0], [1e9, 0], 0, false);
    expect([...got].map(([k, n]) => `${k} ${n}`).sort()).toEqual([...want].sort());
  });
});
if (!HAVE_CONFORMANCE) console.warn('NOTE: ../shared/conformance is missing: the nflxprofile heat-map test is skipped');
