// The readers of profiles that are not perf script text: V8 .cpuprofile and Chrome traces
// recorded here at test time, nflxprofile against its conformance fixture, and the sniffer
// that tells input kinds apart by content.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sniffInputKind } from '../src/parse/input-kind.js';
import { readNflxProfile, NflxProfileError } from '../src/parse/nflxprofile.js';
import { foldProfileInto, formatFoldedCounts, type FoldOptions } from '../src/parse/profile-input.js';
import type { SampledProfile } from '../src/parse/sampled-profile.js';
import { ProfileFormatError, readChromeTrace, readCpuProfile, v8FrameName } from '../src/parse/v8-profile.js';
import { CONFORMANCE, FIXTURES, HAVE_CONFORMANCE } from './helpers.js';
import { CHROMIUM_PATH, haveChromium } from './browser/chromium.js';
import { namesPerSample, recordTwoPhases as recordIn, TWO_PHASES, type RawNode } from './profile-recordings.js';

const tmp = mkdtempSync(join(tmpdir(), 'flamekit-formats-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Folded lines sorted byte-wise, as stackcollapse writes them. */
function folded(p: SampledProfile, keepIdle = false): string[] {
  return foldedLines(p, { pid: false, tid: false, keepIdle }).map((l) => Buffer.from(l, 'latin1').toString('utf8'));
}

/** Folded lines as stackcollapse writes them: byte strings, sorted byte-wise. */
function foldedLines(p: SampledProfile, o: FoldOptions): string[] {
  const counts = new Map<string, number>();
  foldProfileInto(p, o, counts);
  return formatFoldedCounts(counts);
}

/** Records TWO_PHASES with node --cpu-prof: the .cpuprofile's path and its JSON. */
function recordTwoPhases(name: string) {
  return recordIn(tmp, name);
}

describe('V8 .cpuprofile from node --cpu-prof', () => {
  const { file, json } = recordTwoPhases('two-phases');
  const p = readCpuProfile(json);

  it('is told apart from other inputs by content', () => {
    expect(sniffInputKind(readFileSync(file))).toBe('json');
  });

  it('keeps every sample, with the node tree of the file', () => {
    expect(p.unknownNodes).toBe(0);
    expect(p.sampleStack.length).toBe(json.samples.length);
    const expected = namesPerSample(json.nodes, json.samples);
    for (const phase of ['phaseA', 'phaseB']) {
      const want = expected.filter((names) => names.includes(phase)).length;
      const got = folded(p, true)
        .filter((l) => l.split(';').some((f) => f.startsWith(`${phase} `)))
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      expect(want).toBeGreaterThan(0);
      expect(got).toBe(want);
    }
  });

  it('names frames as DevTools does, with file:line, and roots them at (root)', () => {
    const lines = folded(p, true);
    expect(lines.some((l) => /^\(root\);.*phaseA two-phases\.js:2;/.test(l) || /^\(root\);.*phaseA two-phases\.js:2 \d+$/.test(l))).toBe(true);
    expect(lines.every((l) => l.startsWith('(root)'))).toBe(true);
  });

  it('times samples from startTime and timeDeltas: every phaseA sample comes before every phaseB one', () => {
    const stackHas = (s: number, fn: string) => p.stacks[s].some((f) => f.startsWith(`${fn} `));
    let lastA = -Infinity;
    let firstB = Infinity;
    let t = json.startTime;
    for (let i = 0; i < p.sampleStack.length; i++) {
      t += json.timeDeltas[i];
      expect(p.sampleTimeUs[i]).toBe(t);
      if (stackHas(p.sampleStack[i], 'phaseA')) lastA = Math.max(lastA, t);
      if (stackHas(p.sampleStack[i], 'phaseB')) firstB = Math.min(firstB, t);
    }
    expect(lastA).toBeLessThan(firstB);
  });
});

describe.skipIf(!haveChromium)('Chrome trace with CPU profile chunks, from headless Chromium', async () => {
  if (!haveChromium) console.warn(`NOTE: ${CHROMIUM_PATH} is missing: the Chrome trace test is skipped`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage();
  await page.setContent('<html><body>trace</body></html>');
  await browser.startTracing(page, { categories: ['disabled-by-default-v8.cpu_profiler', '__metadata'] });
  await page.evaluate(`(() => { ${TWO_PHASES.replace(/Date\.now\(\)/g, 'performance.now()')} })()`);
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
  await browser.close();
  const events: { ph: string; name: string; args?: { data?: { cpuProfile?: { nodes?: RawNode[]; samples?: number[] } } } }[] = trace.traceEvents;
  const p = readChromeTrace(trace);

  it('reads every sample of every chunk', () => {
    const nodes: RawNode[] = [];
    const samples: number[] = [];
    for (const e of events) {
      if (e.name !== 'ProfileChunk') continue;
      nodes.push(...(e.args?.data?.cpuProfile?.nodes ?? []));
      samples.push(...(e.args?.data?.cpuProfile?.samples ?? []));
    }
    expect(p.profiles).toBeGreaterThan(0);
    expect(p.unknownNodes).toBe(0);
    expect(p.sampleStack.length).toBe(samples.length);
    const expected = namesPerSample(nodes, samples);
    for (const phase of ['phaseA', 'phaseB']) {
      const want = expected.filter((names) => names.includes(phase)).length;
      let got = 0;
      for (let i = 0; i < p.sampleStack.length; i++) if (p.stacks[p.sampleStack[i]].some((f) => f.split(' ')[0] === phase)) got++;
      expect(want).toBeGreaterThan(0);
      expect(got).toBe(want);
    }
  });

  it('roots each stack at its process and thread names, and keeps samples in time order', () => {
    const withPhase = p.stacks.filter((s) => s.some((f) => f.split(' ')[0] === 'phaseA'));
    expect(withPhase.length).toBeGreaterThan(0);
    for (const s of withPhase) expect(s.slice(0, 2)).toEqual(['Renderer', 'CrRendererMain']);
    for (let i = 1; i < p.sampleTimeUs.length; i++) expect(p.sampleTimeUs[i]).toBeGreaterThanOrEqual(p.sampleTimeUs[i - 1]);
  });
});

describe('V8 profiles made by hand', () => {
  const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber, scriptId: 1, columnNumber: 0 });

  it.each([
    [frame('f', 'file:///srv/app/main.js', 9), 'f main.js:10'],
    [frame('', 'https://example.com/static/app.js', 0), '(anonymous) app.js:1'],
    [frame('(garbage collector)'), '(garbage collector)'],
    [frame('a;b', 'x.js', 2), 'a:b x.js:3'],
    [frame('g', 'node:internal/fs/utils', -1), 'g utils'],
  ])('frame %j is named %j', (cf, name) => {
    expect(v8FrameName(cf)).toBe(name);
  });

  it('counts (idle) as idle, keeps (program) and (garbage collector), and counts unknown node ids', () => {
    const p = readCpuProfile({
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3, 4, 5] },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('(program)') },
        { id: 4, callFrame: frame('(garbage collector)') },
        { id: 5, callFrame: frame('main', 'file:///a.js', 0) },
      ],
      startTime: 1_000_000,
      samples: [2, 2, 3, 4, 5, 5, 5, 99],
      timeDeltas: [1, 1, 1, 1, 1, 1, 1, 1],
    });
    expect(folded(p)).toEqual(['(root);(garbage collector) 1', '(root);(program) 1', '(root);main a.js:1 3']);
    expect(folded(p, true)).toContain('(root);(idle) 2');
    expect(p.unknownNodes).toBe(1);
    expect(Array.from(p.sampleTimeUs)).toEqual([1_000_001, 1_000_002, 1_000_003, 1_000_004, 1_000_005, 1_000_006, 1_000_007]);
  });

  it('joins a trace profile sent in chunks, and merges two threads on one timeline', () => {
    const trace = {
      traceEvents: [
        { ph: 'M', name: 'process_name', pid: 1, tid: 0, args: { name: 'Renderer' } },
        { ph: 'M', name: 'thread_name', pid: 1, tid: 10, args: { name: 'Main' } },
        { ph: 'P', name: 'Profile', id: '0x1', pid: 1, tid: 10, args: { data: { startTime: 100 } } },
        { ph: 'P', name: 'Profile', id: '0x2', pid: 1, tid: 11, args: { data: { startTime: 105 } } },
        { ph: 'P', name: 'ProfileChunk', id: '0x1', pid: 1, tid: 99, args: { data: { cpuProfile: { nodes: [{ id: 1, callFrame: frame('(root)') }, { id: 2, parent: 1, callFrame: frame('a') }], samples: [2] }, timeDeltas: [10] } } },
        { ph: 'P', name: 'ProfileChunk', id: '0x2', pid: 1, tid: 99, args: { data: { cpuProfile: { nodes: [{ id: 1, callFrame: frame('(root)') }, { id: 2, parent: 1, callFrame: frame('w') }], samples: [2, 2] }, timeDeltas: [1, 1] } } },
        { ph: 'P', name: 'ProfileChunk', id: '0x1', pid: 1, tid: 99, args: { data: { cpuProfile: { nodes: [{ id: 3, parent: 2, callFrame: frame('b') }], samples: [3, 2] }, timeDeltas: [5, 5] } } },
      ],
    };
    const p = readChromeTrace(trace);
    expect(p.profiles).toBe(2);
    expect(Array.from(p.sampleTimeUs)).toEqual([106, 107, 110, 115, 120]);
    expect(p.sampleStack.length).toBe(5);
    expect(Array.from(p.sampleStack, (s) => p.stacks[s].join(';'))).toEqual([
      'Renderer;tid 11;w',
      'Renderer;tid 11;w',
      'Renderer;Main;a',
      'Renderer;Main;a;b',
      'Renderer;Main;a',
    ]);
  });

  it.each([
    [{ nodes: [] }, /needs "nodes" and "samples"/],
    [{ nodes: [{ callFrame: frame('x') }], samples: [] }, /a node without a numeric id/],
    [{ nodes: [{ id: 1, callFrame: frame('x') }], samples: [1, 1], timeDeltas: [1] }, /2 samples but 1 timeDeltas/],
  ])('rejects %j with a message', (v, msg) => {
    expect(() => readCpuProfile(v)).toThrow(ProfileFormatError);
    expect(() => readCpuProfile(v)).toThrow(msg);
  });
});

describe.skipIf(!HAVE_CONFORMANCE)('nflxprofile', () => {
  const file = join(CONFORMANCE, 'formats', 'nodejs1.nflxprofile');

  it('collapses nflxprofile\'s Node.js fixture to the stacks of its expected tree', () => {
    const bytes = readFileSync(file);
    expect(sniffInputKind(bytes)).toBe('nflxprofile');
    const p = readNflxProfile(bytes);
    const want = readFileSync(join(CONFORMANCE, 'formats', 'nodejs1.nflxprofile.folded'), 'utf8').trimEnd().split('\n');
    expect(folded(p, true)).toEqual(want);
    expect(p.unknownNodes).toBe(0);
  });

  it('times samples from start_time and time_deltas, and keeps pid and tid', () => {
    const p = readNflxProfile(readFileSync(file));
    expect(Array.from(p.sampleTimeUs)).toEqual([136087100000, 136087200000, 136087300000, 136087400000, 136087500000, 136087500000]);
    expect(new Set(p.samplePid)).toEqual(new Set([12783]));
  });

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, 40)],
    ['text', () => Buffer.from('java;a;b 1\n')],
  ])('rejects %s input with a message', (_name, make) => {
    expect(() => readNflxProfile(make(readFileSync(file)))).toThrow(NflxProfileError);
  });
});
if (!HAVE_CONFORMANCE) console.warn('NOTE: ../shared/conformance is missing: the nflxprofile conformance test is skipped');

describe('sniffInputKind', () => {
  it.each([
    ['', 'empty'],
    ['  \n', 'empty'],
    ['PERFILE2\x68\x00\x00\x00', 'perf-data'],
    ['{"nodes":[]}', 'json'],
    ['\n [\n {"ph":"M"}]', 'json'],
    ['[]', 'json'],
    ['[unknown];foo 1\n[unknown];bar 2\n', 'folded'],
    ['java;start_thread;run 42\njava;main 7\n', 'folded'],
    ['# ========\n# captured on    : Tue\n', 'perf-script'],
    ['java  3244/3250 [002] 6544038.708352:     250000 cpu-clock:ppp: \n\t 7f1e SpinPause (/x.so)\n', 'perf-script'],
    ['swapper     0 [000]   147.374682:          1 cycles:ppp:  ffffffff810631d4 native_write_msr+0x4 ([kernel.kallsyms])\n', 'perf-script'],
    [':-1    -1 [000]  1300.578622:   10101010 cpu-clock:ppp: \n', 'perf-script'],
    ['hello world\nthis is text\n', 'text'],
    ['\x00\x01\x02\x03', 'binary'],
  ])('%j is %s', (input, kind) => {
    expect(sniffInputKind(Buffer.from(input, 'latin1'))).toBe(kind);
  });

  const perfData = join(tmp, 'perf.data');
  const recorded = spawnSync('perf', ['record', '-q', '-o', perfData, '--', process.execPath, '-e', '0']).status === 0;
  if (!recorded) console.warn('NOTE: perf record does not work here: the perf.data sniff is skipped');
  it.skipIf(!recorded)('a perf.data recorded here is perf-data', () => {
    expect(sniffInputKind(readFileSync(perfData).subarray(0, 4096))).toBe('perf-data');
  });
});

describe('flamegraph-svg given a profile instead of folded stacks', async () => {
  const { main: flamegraph } = await import('../src/flamegraph/cli.js');
  const { runMain } = await import('./helpers.js');
  const cases: [string, Buffer, string][] = [
    ['perf script text', Buffer.from('java 1/2 [000] 1.000001: 1 cycles:\n\tffff main (/bin/java)\n\n'), 'this looks like perf script output: pipe it through stackcollapse first'],
    ['perf.data', Buffer.concat([Buffer.from('PERFILE2'), Buffer.alloc(200)]), 'this is a perf.data file, not folded stacks: run stackcollapse on it first'],
    ['a .cpuprofile', Buffer.from('{"nodes":[],"samples":[],"timeDeltas":[]}'), 'this is JSON (a V8 .cpuprofile or Chrome trace events), not folded stacks: run stackcollapse on it first'],
    ['binary data', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256)), "this is binary data, not folded stacks: flamegraph-svg reads 'frame;frame;frame count' lines"],
  ];
  it.each(cases)('%s is refused with what to do, exit 1 and the error SVG', async (_what, bytes, message) => {
    const file = join(tmp, 'input');
    writeFileSync(file, bytes);
    const r = await runMain(flamegraph, [file]);
    expect(r.code).toBe(1);
    expect(r.stderr.startsWith(`flamegraph-svg: ${file}: ${message}`)).toBe(true);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stdout.toString()).toContain('ERROR: No valid input provided to flamegraph-svg.');
  });

  it('draws the folded inputs it was given beside a refused one, and exits 1', async () => {
    const good = join(tmp, 'good.folded');
    const bad = join(tmp, 'bad.txt');
    writeFileSync(good, 'main;work 3\n');
    writeFileSync(bad, cases[0][1]);
    const r = await runMain(flamegraph, [good, bad]);
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toContain('work (3 samples');
  });
});

describe('readProfileBytes and foldProfileInto', async () => {
  const { readProfileBytes } = await import('../src/parse/profile-input.js');
  const frame = (functionName: string) => ({ functionName, url: '', lineNumber: -1 });
  const trace = {
    traceEvents: [
      { ph: 'M', name: 'process_name', pid: 5, args: { name: 'Browser' } },
      { ph: 'M', name: 'thread_name', pid: 5, tid: 6, args: { name: 'Main' } },
      { ph: 'P', name: 'Profile', id: '0x1', pid: 5, tid: 6, args: { data: { startTime: 0 } } },
      { ph: 'P', name: 'ProfileChunk', id: '0x1', pid: 5, tid: 7, args: { data: { cpuProfile: { nodes: [{ id: 1, callFrame: frame('(root)') }, { id: 2, parent: 1, callFrame: frame('café') }, { id: 3, parent: 1, callFrame: frame('(idle)') }], samples: [2, 2, 3, 9] }, timeDeltas: [1, 1, 1, 1] } } },
    ],
  };
  const bytes = Buffer.from(JSON.stringify(trace));

  it('folds with --pid and --tid as stackcollapse names processes, names as UTF-8 bytes, idle kept or not', () => {
    const { profile, leftOut } = readProfileBytes('json', bytes);
    expect([...leftOut]).toEqual([['of nodes the profile does not define', 1]]);
    const caf = Buffer.from('café', 'utf8').toString('latin1');
    expect(foldedLines(profile, { pid: false, tid: false, keepIdle: true })).toEqual(['Browser;Main;(idle) 1', `Browser;Main;${caf} 2`]);
    expect(foldedLines(profile, { pid: true, tid: false, keepIdle: false })).toEqual([`Browser-5;Main;${caf} 2`]);
    expect(foldedLines(profile, { pid: false, tid: true, keepIdle: false })).toEqual([`Browser-5/6;Main;${caf} 2`]);
  });

  it.each([
    ['{"nodes": [', /^not valid JSON/],
    ['{"a": 1}', /neither a V8 .cpuprofile/],
    ['[{"ph": "X", "name": "x"}]', /without a CPU profile: record the trace with the disabled-by-default-v8.cpu_profiler category/],
  ])('refuses %j with a message', (text, msg) => {
    expect(() => readProfileBytes('json', Buffer.from(text))).toThrow(msg);
  });
});

describe('stackcollapse on profiles', async () => {
  const { spawnBin } = await import('./helpers.js');
  const { gzipSync } = await import('node:zlib');
  const { file, json } = recordTwoPhases('two-phases-collapse');

  it('folds a .cpuprofile, from a file and from gzip on stdin, counting every sample', async () => {
    const r = await spawnBin('stackcollapse', [file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.toString('latin1').trimEnd().split('\n');
    const total = lines.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(total).toBe(json.samples.length);
    expect(lines).toEqual(folded(readCpuProfile(json), true));
    const z = await spawnBin('stackcollapse', [], gzipSync(readFileSync(file)));
    expect(z.stdout.equals(r.stdout)).toBe(true);
  });

  it('refuses a run that mixes a profile with perf script text, and --per-window', async () => {
    const mixed = await spawnBin('stackcollapse', [file, join(FIXTURES, 'perf', 'edge-cases.txt')]);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toBe(`stackcollapse: ${file} is a profile (V8 .cpuprofile) and other inputs are perf script text: collapse them in separate runs, then give both outputs to flamegraph-svg\n`);
    const windows = await spawnBin('stackcollapse', ['--per-window', '1s', '--output-dir', join(tmp, 'w'), file]);
    expect(windows.code).toBe(1);
    expect(windows.stderr).toMatch(/--per-window reads perf script text only/);
  });

  it.skipIf(!HAVE_CONFORMANCE)('folds an nflxprofile to its expected stacks', async () => {
    const r = await spawnBin('stackcollapse', [join(CONFORMANCE, 'formats', 'nodejs1.nflxprofile')]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString('utf8')).toBe(readFileSync(join(CONFORMANCE, 'formats', 'nodejs1.nflxprofile.folded'), 'utf8'));
  });

  it('says what is wrong with a broken profile', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"nodes": [{"id": 1}], "samples": [1, 1], "timeDeltas": [0]}');
    const r = await spawnBin('stackcollapse', [bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`stackcollapse: ${bad}: the profile: 2 samples but 1 timeDeltas\n`);
  });
});
