#!/usr/bin/env node
// `npm run bench`: time every flamekit tool on a deterministic perf script corpus against the
// Node streaming floor (bench/floor.mjs) measured in the same run, and print one table.
//
//   node bench/run.mjs [--mb 300] [--runs 3] [--only ROW[,ROW...]] [--quick] [--json]
//                      [--seconds 600] [--startup-reps 20] [--list]
//
// Every measurement is a separate child process, wrapped in /usr/bin/time for its peak RSS;
// wall time is taken around the child. Rows run in rounds (floor, tool A, tool B, ... then
// again), so drift on a noisy machine hits all rows alike; the table shows medians. A row whose
// tool is not built yet is skipped with a note. A row whose tool exits non-zero, or writes
// empty or wrong output, is marked FAILED and the bench exits 1: timing a tool that errored is
// worthless. Corpora are generated once into bench/corpus/ (git-ignored), keyed by parameters
// and by a hash of scripts/gen-corpus.mjs. See README, "Speed".
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, statSync, readdirSync, openSync, readSync, closeSync, writeSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS_DIR = join(ROOT, 'bench', 'corpus');
const OUT_DIR = join(CORPUS_DIR, 'out');
const GEN = join(ROOT, 'scripts', 'gen-corpus.mjs');
const TIME = '/usr/bin/time';
const NODE = process.execPath;
const MB = 1e6;

// ---------------------------------------------------------------------------- options
function parseArgs(argv) {
  const o = { mb: 300, runs: 3, only: [], quick: false, json: false, seconds: 600, startupReps: 20, list: false, classicWindows: 10 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], next = () => argv[++i];
    if (a === '--quick') o.quick = true;
    else if (a === '--json') o.json = true;
    else if (a === '--list') o.list = true;
    else if (a === '--mb') o.mb = Number(next());
    else if (a === '--runs') o.runs = Number(next());
    else if (a === '--seconds') o.seconds = Number(next());
    else if (a === '--startup-reps') o.startupReps = Number(next());
    else if (a === '--only') o.only.push(...next().split(',').filter(Boolean));
    else if (a === '--help' || a === '-h') { o.help = true; }
    else { process.stderr.write(`bench: unknown option: ${a}\n`); o.bad = true; }
  }
  if (o.quick) {
    if (!argv.includes('--mb')) o.mb = 30;
    if (!argv.includes('--runs')) o.runs = 1;
    if (!argv.includes('--startup-reps')) o.startupReps = 5;
  }
  for (const k of ['mb', 'runs', 'seconds', 'startupReps']) if (!(o[k] > 0)) { process.stderr.write(`bench: bad --${k}\n`); o.bad = true; }
  return o;
}
const USAGE = 'usage: node bench/run.mjs [--mb 300] [--runs 3] [--only ROW[,ROW...]] [--quick] [--json] [--seconds 600] [--startup-reps 20] [--list]\n';

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
const q = (s) => `'${String(s).replaceAll("'", "'\\''")}'`;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

// ---------------------------------------------------------------------------- corpora
// The generator is test/gen/corpus.ts; scripts/gen-corpus.mjs runs it from plain node.
const genHash = createHash('sha1').update(readFileSync(join(ROOT, 'test', 'gen', 'corpus.ts'))).digest('hex').slice(0, 8);

// Corpora from an older generator are stale: remove them rather than let them pile up.
function removeStale() {
  for (const f of readdirSync(CORPUS_DIR)) {
    const m = /^(?:perf|folded)-.*-([0-9a-f]{8})\.(?:txt|json|folded)$/.exec(f);
    if (m && m[1] !== genHash) { rmSync(join(CORPUS_DIR, f), { force: true }); log(`removed stale ${f}`); }
  }
}

function ensurePerfCorpus(o) {
  mkdirSync(CORPUS_DIR, { recursive: true });
  removeStale();
  const name = `perf-${o.mb}mb-${o.seconds}s-32cpu-99hz-seed1-${genHash}`;
  const file = join(CORPUS_DIR, `${name}.txt`), meta = join(CORPUS_DIR, `${name}.json`);
  if (!existsSync(file) || !existsSync(meta)) {
    log(`generating ${o.mb} MB perf script corpus ${file}`);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(NODE, [GEN, '--mb', String(o.mb), '--seconds', String(o.seconds), '--json', '--out', file], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`gen-corpus failed (exit ${r.status})`);
    writeFileSync(meta, r.stdout);
    log(`generated in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`);
  }
  return { file, ...JSON.parse(readFileSync(meta, 'utf8')) };
}

function ensureFolded(n) {
  mkdirSync(CORPUS_DIR, { recursive: true });
  const file = join(CORPUS_DIR, `folded-${n}-seed1-${genHash}.folded`);
  if (!existsSync(file)) {
    log(`generating ${n} distinct folded stacks ${file}`);
    const r = spawnSync(NODE, [GEN, '--folded-stacks', String(n), '--out', file], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`gen-corpus --folded-stacks failed (exit ${r.status})`);
  }
  return { file, bytes: statSync(file).size };
}

// ---------------------------------------------------------------------------- tools
const TOOLS = { 'range-perf': 'range', stackcollapse: 'collapse', 'flamegraph-svg': 'flamegraph', 'heatmap-svg': 'heatmap' };
const binOf = (tool) => join(ROOT, 'bin', `${tool}.js`);
function toolMissing(tool) {
  if (!existsSync(binOf(tool))) return `bin/${tool}.js not there yet`;
  if (!existsSync(join(ROOT, 'dist', TOOLS[tool], 'cli.js'))) return `dist/${TOOLS[tool]}/cli.js not built`;
  return '';
}
const helpCache = new Map();
function helpOf(tool) {
  if (!helpCache.has(tool)) {
    const r = spawnSync(NODE, [binOf(tool), '--help'], { encoding: 'utf8' });
    helpCache.set(tool, `${r.stdout}\n${r.stderr}`);
  }
  return helpCache.get(tool);
}
const nodeTool = (tool) => `${q(NODE)} ${q(binOf(tool))}`;

// ---------------------------------------------------------------------------- measuring
// Run a bash command line in which every {T} is replaced by a /usr/bin/time prefix that
// appends "%e %M" to a scratch file. Returns wall seconds, the peak RSS of the timed
// processes (max over them), and the exit status (pipefail: any failing stage counts).
function measure(cmd) {
  const rssFile = join(OUT_DIR, '.rss');
  rmSync(rssFile, { force: true });
  const errFile = join(OUT_DIR, '.stderr');
  const line = `set -o pipefail; { ${cmd.replaceAll('{T}', `${TIME} -a -o ${q(rssFile)} -f '%e %M %U %S'`)}; } 2>${q(errFile)}`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', line], { stdio: ['ignore', 'ignore', 'inherit'] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let rssKiB = 0;
  let cpu = 0;
  if (existsSync(rssFile)) for (const l of readFileSync(rssFile, 'utf8').split('\n')) {
    const m = /^([\d.]+) (\d+) ([\d.]+) ([\d.]+)$/.exec(l.trim());
    if (m) {
      rssKiB = Math.max(rssKiB, Number(m[2]));
      cpu += Number(m[3]) + Number(m[4]);
    }
  }
  const stderr = existsSync(errFile) ? readFileSync(errFile, 'utf8') : '';
  // cpu: user + system seconds of the timed processes (less sensitive to a busy machine than wall time).
  return { seconds, rssMB: (rssKiB * 1024) / MB, cpu, status: r.status ?? 128, stderr };
}

// One line of a child's stderr worth showing: the error itself, not a stack trace.
function gist(stderr) {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const pick = lines.find((l) => /^\S+: /.test(l) && !l.startsWith('at ')) ?? lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? '';
  return pick.length > 160 ? pick.slice(0, 157) + '...' : pick;
}

function sizeOf(p) { try { return statSync(p).size; } catch { return -1; } }
function headOf(p, n = 200) {
  try { const fd = openSync(p, 'r'), b = Buffer.alloc(n), k = readSync(fd, b, 0, n, 0); closeSync(fd); return b.subarray(0, k).toString('utf8'); } catch { return ''; }
}
const fail = (msg) => { throw new Error(msg); };
const nonEmpty = (p, what = 'output') => { if (sizeOf(p) <= 0) fail(`${what} ${p} is empty or missing`); };

// ---------------------------------------------------------------------------- rows
const ROW_IDS = [
  ['floor', 'node streaming floor (always runs: the ratios need it)'],
  ['range-mid', 'range-perf --timezerosecs on a 10 s window in the middle'],
  ['range-all', 'range-perf 0 1e9, the whole file'],
  ['range-pipe-mid', 'cat FILE | range-perf: the same window from a pipe (sequential)'],
  ['range-pipe-all', 'cat FILE | range-perf 0 1e9: the whole file from a pipe (sequential)'],
  ['collapse', 'stackcollapse FILE'],
  ['collapse-inferno', 'inferno-collapse-perf on the corpus, right after stackcollapse in each round (the ratio goes on its row)'],
  ['collapse-stdin', 'cat FILE | stackcollapse'],
  ['heatmap', 'heatmap-svg FILE'],
  ['heatmap-tsv', 'heatmap-svg --format tsv FILE'],
  ['flamegraph-20k', 'flamegraph-svg on 20,000 distinct folded stacks'],
  ['flamegraph-100k', 'flamegraph-svg on 100,000 distinct folded stacks'],
  ['per-window', 'stackcollapse --per-window 1s --output-dir DIR FILE'],
  ['classic-loop', 'the range-perf | stackcollapse shell loop, 10 windows, scaled (estimate)'],
  ['startup', 'each tool --version against node -e 0'],
  ['real', 'stackcollapse on a recorded profile (>= 10,000 distinct stacks), paired with inferno-collapse-perf'],
  ['real-j1', 'stackcollapse -j1 on the recorded profile, paired with inferno-collapse-perf (one thread against the default two)'],
  ['real-3mb', 'stackcollapse on its first 3 MB, paired with inferno-collapse-perf'],
  ['real-classic', 'the per-second loop range-perf | stackcollapse | flamegraph-svg over ~15 MB of it, paired with the Perl tools'],
  ['real-heatmap', 'heatmap-svg on the recorded profile and on a 16-CPU profile with idle samples, paired with --no-stacks'],
];
// A row: id, label, tool(s) it needs, bytes it has to read (for MB/s and the prorated floor),
// the command, and a check of its output. `prepare` runs before each timed run.
function buildRows(o, corpus, folded) {
  const C = corpus.file, out = (n) => join(OUT_DIR, n);
  const mid = Math.floor((corpus.windows - 1) / 2), midEnd = Math.min(corpus.windows - 1, mid + 10);
  const offsetAt = (s) => corpus.secondOffsets[Math.min(s, corpus.secondOffsets.length - 1)];
  const collapseOut = out('collapse.folded');
  const rows = [
    { id: 'floor', label: 'floor: node read stream + indexOf', bytes: corpus.bytes, cmd: `{T} ${q(NODE)} ${q(join(ROOT, 'bench', 'floor.mjs'))} ${q(C)} > ${q(out('floor.txt'))}`,
      check: () => { const [lines, bytes] = readFileSync(out('floor.txt'), 'utf8').trim().split(' ').map(Number); if (bytes !== corpus.bytes || !(lines > 0)) fail(`floor read ${bytes} bytes, expected ${corpus.bytes}`); } },
    // Bounds are inclusive, so the window ends at midEnd.000000: its bytes are offsets[mid]..offsets[midEnd].
    { id: 'range-mid', label: `range-perf --timezerosecs ${mid} ${midEnd}`, tools: ['range-perf'], bytes: offsetAt(midEnd), note: 'middle 10 s of a file: found by bisection, reads only the window',
      cmd: `{T} ${nodeTool('range-perf')} --timezerosecs ${mid} ${midEnd} ${q(C)} > ${q(out('range-mid.txt'))}`,
      check: () => {
        const want = offsetAt(midEnd) - offsetAt(mid), got = sizeOf(out('range-mid.txt'));
        if (!(Math.abs(got - want) <= want * 0.02 + 4096)) fail(`range-perf window output is ${got} bytes, expected about ${want}`);
      } },
    { id: 'range-all', label: 'range-perf 0 1e9', tools: ['range-perf'], bytes: corpus.bytes, note: 'whole file passes through (a file: the middle copied unparsed)',
      cmd: `{T} ${nodeTool('range-perf')} 0 1e9 ${q(C)} > ${q(out('range-all.txt'))}`,
      check: () => { const got = sizeOf(out('range-all.txt')), want = corpus.bytes - corpus.commentBytes; if (got !== want) fail(`range-perf 0 1e9 wrote ${got} bytes, expected ${want} (input less # lines)`); } },
    { id: 'range-pipe-mid', label: `cat FILE | range-perf --timezerosecs ${mid} ${midEnd}`, tools: ['range-perf'], bytes: offsetAt(midEnd), note: 'a pipe: every header parsed up to END, then stops (cat gets SIGPIPE)',
      cmd: `{ cat ${q(C)} || true; } | {T} ${nodeTool('range-perf')} --timezerosecs ${mid} ${midEnd} > ${q(out('range-pipe-mid.txt'))}`,
      check: () => { if (existsSync(out('range-mid.txt')) && !sameFile(out('range-mid.txt'), out('range-pipe-mid.txt'))) fail('pipe output differs from the file-argument output'); } },
    { id: 'range-pipe-all', label: 'cat FILE | range-perf 0 1e9', tools: ['range-perf'], bytes: corpus.bytes, note: 'a pipe: every header parsed',
      cmd: `cat ${q(C)} | {T} ${nodeTool('range-perf')} 0 1e9 > ${q(out('range-pipe-all.txt'))}`,
      check: () => { if (existsSync(out('range-all.txt')) && !sameFile(out('range-all.txt'), out('range-pipe-all.txt'))) fail('pipe output differs from the file-argument output'); } },
    { id: 'collapse', label: 'stackcollapse FILE', tools: ['stackcollapse'], bytes: corpus.bytes,
      cmd: `{T} ${nodeTool('stackcollapse')} ${q(C)} > ${q(collapseOut)}`,
      check: (r) => { nonEmpty(collapseOut); r.extra = `${countLines(collapseOut)} stacks`; } },
    // inferno-collapse-perf right after stackcollapse in every round: a pair shares its noise.
    { id: 'collapse-inferno', label: '  inferno-collapse-perf, same corpus', bytes: corpus.bytes,
      needs: () => infernoCorpus(corpus).skipped ?? '',
      get note() { return infernoCorpus(corpus).note; },
      get cmd() { return `{T} ${q(INFERNO)} ${q(infernoCorpus(corpus).file)} > ${q(out('collapse.inferno.folded'))}`; },
      check: () => nonEmpty(out('collapse.inferno.folded')) },
    { id: 'collapse-stdin', label: 'cat FILE | stackcollapse', tools: ['stackcollapse'], bytes: corpus.bytes, note: 'stdin is a pipe',
      cmd: `cat ${q(C)} | {T} ${nodeTool('stackcollapse')} > ${q(out('collapse-stdin.folded'))}`,
      check: () => { nonEmpty(out('collapse-stdin.folded')); if (existsSync(collapseOut) && !sameFile(collapseOut, out('collapse-stdin.folded'))) fail('stdin output differs from the file-argument output'); } },
    { id: 'heatmap', label: 'heatmap-svg', tools: ['heatmap-svg'], bytes: corpus.bytes,
      cmd: `{T} ${nodeTool('heatmap-svg')} ${q(C)} > ${q(out('heatmap.svg'))}`,
      check: () => { nonEmpty(out('heatmap.svg')); if (!headOf(out('heatmap.svg')).includes('<svg') && !headOf(out('heatmap.svg'), 4096).includes('<svg')) fail('heatmap-svg output is not SVG'); } },
    { id: 'heatmap-tsv', label: 'heatmap-svg --format tsv', tools: ['heatmap-svg'], bytes: corpus.bytes,
      needs: () => (/--format/.test(helpOf('heatmap-svg')) ? '' : 'heatmap-svg --help has no --format'),
      cmd: `{T} ${nodeTool('heatmap-svg')} --format tsv ${q(C)} > ${q(out('heatmap.tsv'))}`,
      check: () => nonEmpty(out('heatmap.tsv')) },
    ...[20000, 100000].map((n) => ({
      id: `flamegraph-${n / 1000}k`, label: `flamegraph-svg ${n / 1000}k stacks`, tools: ['flamegraph-svg'], bytes: folded[n]?.bytes ?? 0, note: n === 100000 ? 'target: within 1 s' : '',
      cmd: `{T} ${nodeTool('flamegraph-svg')} ${q(folded[n]?.file)} > ${q(out(`flame-${n}.svg`))}`,
      check: () => { nonEmpty(out(`flame-${n}.svg`)); if (!headOf(out(`flame-${n}.svg`), 4096).includes('<svg')) fail('flamegraph-svg output is not SVG'); },
    })),
    { id: 'per-window', label: 'stackcollapse --per-window 1s', tools: ['stackcollapse'], bytes: corpus.bytes,
      needs: () => (/--per-window/.test(helpOf('stackcollapse')) ? '' : 'stackcollapse --help has no --per-window'),
      prepare: () => rmSync(out('windows'), { recursive: true, force: true }),
      cmd: `{T} ${nodeTool('stackcollapse')} --per-window 1s --output-dir ${q(out('windows'))} ${q(C)} > ${q(out('per-window.stdout'))}`,
      check: (r) => {
        const files = existsSync(out('windows')) ? readdirSync(out('windows')) : [];
        if (files.length < corpus.windows - 1) fail(`--per-window wrote ${files.length} files, expected ${corpus.windows} windows`);
        if (!files.some((f) => sizeOf(join(out('windows'), f)) > 0)) fail('--per-window files are all empty');
        r.extra = `${files.length} windows`;
      } },
    {
      id: 'classic-loop', label: `classic loop, ${o.classicWindows} windows (est.)`, tools: ['range-perf', 'stackcollapse'], bytes: corpus.bytes, estimate: true,
      note: `range-perf | stackcollapse per 1 s window; ${o.classicWindows} of ${corpus.windows} spread over the file, time ×${(corpus.windows / o.classicWindows).toFixed(1)}`,
      cmd: Array.from({ length: o.classicWindows }, (_, i) => {
        const s = Math.floor((i * corpus.windows) / o.classicWindows);
        return `{T} ${nodeTool('range-perf')} --timezerosecs ${s} ${s + 1} ${q(C)} | {T} ${nodeTool('stackcollapse')} > ${q(out(`classic-${s}.folded`))}`;
      }).join(' && '),
      scale: corpus.windows / o.classicWindows,
      check: () => nonEmpty(out(`classic-${Math.floor(((o.classicWindows - 1) * corpus.windows) / o.classicWindows)}.folded`)),
    },
  ];
  return rows;
}

function countLines(p) {
  const b = readFileSync(p);
  let n = 0, i = b.indexOf(10);
  while (i !== -1) { n++; i = b.indexOf(10, i + 1); }
  return n;
}
function sameFile(a, b) {
  if (sizeOf(a) !== sizeOf(b)) return false;
  return readFileSync(a).equals(readFileSync(b));
}

// ---------------------------------------------------------------------------- a recorded profile
// A real profile, recorded here once with perf (node running tsc over this repository, with
// V8's perf map so that JavaScript frames have names: deep stacks, tens of thousands of them)
// and cached in bench/corpus/. Rows on it run alternately with inferno-collapse-perf (or the
// Perl tools), and report the median of the per-pair ratios: the machine may be busy, and
// a pair shares its noise.
const INFERNO = [process.env.INFERNO_COLLAPSE_PERF, join(ROOT, '..', 'shared', 'tools', 'inferno', 'bin', 'inferno-collapse-perf')]
  .find((p) => p && existsSync(p)) ?? whichOf('inferno-collapse-perf');
function whichOf(cmd) {
  const r = spawnSync('bash', ['-c', `command -v ${q(cmd)}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
/** The FlameGraph Perl scripts: $FLAMEGRAPH_DIR, else on PATH; never part of this repository. */
function perlTools() {
  const names = ['range-perf.pl', 'stackcollapse-perf.pl', 'flamegraph.pl'];
  const dir = process.env.FLAMEGRAPH_DIR;
  const found = names.map((n) => (dir && existsSync(join(dir, n)) ? join(dir, n) : whichOf(n)));
  return found.every(Boolean) && whichOf('perl') ? found : null;
}

function ensureRealProfile() {
  mkdirSync(CORPUS_DIR, { recursive: true });
  const file = join(CORPUS_DIR, 'real-tsc-F2999.txt');
  if (existsSync(file) && sizeOf(file) > 0) return { file };
  if (!whichOf('perf')) return { skipped: 'perf is not installed, and no recorded profile is cached in bench/corpus/' };
  const data = join(CORPUS_DIR, 'real-tsc.data');
  log(`recording a profile of tsc with perf record -g into ${file}`);
  const tsc = join(ROOT, 'node_modules', 'typescript', 'lib', 'tsc.js');
  const rec = spawnSync('perf', ['record', '-g', '-F', '2999', '-o', data, '--', NODE, '--perf-basic-prof', '--interpreted-frames-native-stack', tsc, '-p', join(ROOT, 'tsconfig.json'), '--noEmit'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  const child = /\[ perf record: .*\]/.test(String(rec.stderr)) ? null : gist(String(rec.stderr));
  if (rec.status !== 0 && child !== null) return { skipped: `perf record failed: ${child}` };
  const r = spawnSync('bash', ['-c', `perf script -i ${q(data)} > ${q(file + '.part')} 2>/dev/null && mv ${q(file + '.part')} ${q(file)}`]);
  rmSync(data, { force: true });
  // V8 wrote its perf map for perf script; it is of no use after.
  for (const f of readdirSync('/tmp')) if (/^perf-\d+\.map$/.test(f) && statSync(join('/tmp', f)).mtimeMs > Date.now() - 600e3) rmSync(join('/tmp', f), { force: true });
  if (r.status !== 0 || sizeOf(file) <= 0) return { skipped: 'perf script failed on the recording' };
  return { file };
}

// The corpus as inferno-collapse-perf can read it. inferno 0.11 panics on the generated
// corpus (a UTF-8 'Ü' in a Java name: it slices a string inside the character), so when it
// fails on the corpus it reads a copy in bench/corpus/out/ with every byte >= 0x80 made '?':
// the same bytes, lines and stacks otherwise.
let infernoCorpusMemo = null;
function infernoCorpus(corpus) {
  if (infernoCorpusMemo) return infernoCorpusMemo;
  if (!INFERNO) return (infernoCorpusMemo = { skipped: 'inferno-collapse-perf not found (set INFERNO_COLLAPSE_PERF, or put it on PATH)' });
  const probe = (f) => {
    const r = spawnSync(INFERNO, [f], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
    if (r.status === 0) return '';
    // A Rust panic: the line after "panicked at ...", else the usual gist.
    const lines = String(r.stderr).split('\n');
    const at = lines.findIndex((l) => l.includes('panicked at'));
    const why = at >= 0 && lines[at + 1] ? `panics: ${lines[at + 1].trim()}` : `exit ${r.status}: ${gist(String(r.stderr))}`;
    return why.length > 140 ? why.slice(0, 137) + '...' : why;
  };
  const why = probe(corpus.file);
  if (why === '') return (infernoCorpusMemo = { file: corpus.file, note: '' });
  const ascii = join(OUT_DIR, corpus.file.replace(/^.*\//, '').replace(/\.txt$/, '.ascii.txt'));
  if (sizeOf(ascii) !== corpus.bytes) {
    // Copies of corpora made by an older generator go first: each is as big as its corpus.
    for (const f of readdirSync(OUT_DIR)) if (f.endsWith('.ascii.txt')) rmSync(join(OUT_DIR, f), { force: true });
    log(`inferno-collapse-perf fails on the corpus (${why}): writing a copy with bytes >= 0x80 as '?' into ${ascii}`);
    const src = openSync(corpus.file, 'r'), dst = openSync(ascii + '.part', 'w'), b = Buffer.allocUnsafe(16 << 20);
    for (let k; (k = readSync(src, b, 0, b.length, null)) > 0; ) {
      for (let i = 0; i < k; i++) if (b[i] >= 0x80) b[i] = 0x3f;
      writeSync(dst, b, 0, k);
    }
    closeSync(src);
    closeSync(dst);
    renameSync(ascii + '.part', ascii);
  }
  const again = probe(ascii);
  if (again !== '') return (infernoCorpusMemo = { skipped: `inferno-collapse-perf fails on the corpus (${why}) and on its ASCII copy (${again})` });
  return (infernoCorpusMemo = { file: ascii, note: `reads a copy with bytes >= 0x80 as '?': on the corpus itself it ${why}` });
}

/** The first `bytes` of `src` up to a sample boundary (a blank line), into `dst` once. */
function cutAtSample(src, dst, bytes) {
  if (existsSync(dst)) return;
  const fd = openSync(src, 'r'), b = Buffer.alloc(bytes), k = readSync(fd, b, 0, bytes, 0);
  closeSync(fd);
  const end = b.subarray(0, k).lastIndexOf('\n\n');
  writeFileSync(dst, b.subarray(0, end < 0 ? k : end + 2));
}

/** Runs the commands of `pair` alternately `runs` times; medians and the median per-pair ratio. */
function runPaired(runs, pair) {
  const t = pair.map(() => []);
  const cpu = pair.map(() => []);
  const rss = pair.map(() => 0);
  const ratios = [];
  const cpuRatios = [];
  for (let i = 0; i < runs; i++) {
    const got = pair.map((p, k) => {
      log(`paired run ${i + 1}/${runs}: ${p.label}`);
      const m = measure(p.cmd);
      if (m.status !== 0) throw new Error(`${p.label}: exit ${m.status}: ${gist(m.stderr)}`);
      p.check?.();
      t[k].push(m.seconds);
      cpu[k].push(m.cpu);
      rss[k] = Math.max(rss[k], m.rssMB);
      return m;
    });
    ratios.push(got[0].seconds / got[1].seconds);
    cpuRatios.push(got[0].cpu / got[1].cpu);
  }
  return { seconds: t.map(median), cpu: cpu.map(median), rss, ratio: median(ratios), ratios, cpuRatio: median(cpuRatios) };
}

function realRows(o, want) {
  const out = [];
  const rows = ['real', 'real-j1', 'real-3mb', 'real-classic'].filter(want);
  if (rows.length === 0) return out;
  const real = ensureRealProfile();
  if (real.skipped) return rows.map((id) => ({ id, label: id, skipped: real.skipped }));
  const runs = Math.max(o.runs, 5);
  const files = { real: real.file, 'real-j1': real.file, 'real-3mb': join(CORPUS_DIR, 'real-tsc-3mb.txt') };
  cutAtSample(real.file, files['real-3mb'], 3e6);
  for (const id of rows.filter((r) => r !== 'real-classic')) {
    const f = files[id];
    const mine = join(OUT_DIR, `${id}.folded`);
    const label = `stackcollapse ${id === 'real' ? 'recorded profile' : id === 'real-j1' ? '-j1 recorded profile' : 'its first 3 MB'}`;
    // real-j1: one thread, against the default's two (what -j should default to).
    const args = id === 'real-j1' ? '-j1 ' : '';
    const ours = { label, cmd: `{T} ${nodeTool('stackcollapse')} ${args}${q(f)} > ${q(mine)}`, check: () => nonEmpty(mine) };
    if (!INFERNO) {
      const r = runPaired(runs, [ours, ours]);
      out.push({ id, label, bytes: sizeOf(f), seconds: r.seconds[0], note: 'inferno-collapse-perf not found: no paired row', extra: `${countLines(mine)} stacks` });
      continue;
    }
    const theirs = { label: `inferno-collapse-perf (${id})`, cmd: `{T} ${q(INFERNO)} ${q(f)} > ${q(join(OUT_DIR, `${id}.inferno.folded`))}` };
    const r = runPaired(runs, [ours, theirs]);
    out.push({ id, label, bytes: sizeOf(f), seconds: r.seconds[0], rssMB: r.rss[0], extra: `${countLines(mine)} stacks; ${runs} paired runs; CPU ${r.cpu[0].toFixed(2)} s` });
    out.push({ id: `${id}-inferno`, label: `  inferno-collapse-perf, same input`, bytes: sizeOf(f), seconds: r.seconds[1], rssMB: r.rss[1],
      note: `flamekit / inferno: ${r.ratio.toFixed(2)}× wall (median of per-pair ratios ${r.ratios.map((x) => x.toFixed(2)).join(' ')}), ${r.cpuRatio.toFixed(2)}× CPU; CPU ${r.cpu[1].toFixed(2)} s` });
  }
  if (rows.includes('real-classic')) {
    // About 15 MB, cut at a sample; then one range-perf | stackcollapse | flamegraph-svg per second.
    const f = join(CORPUS_DIR, 'real-tsc-15mb.txt');
    cutAtSample(real.file, f, 15e6);
    const seconds = spanSeconds(f);
    // range-perf.pl reads stdin only; flamekit's range-perf takes the file (and seeks in it).
    const loop = (range, collapse, flame) => Array.from({ length: seconds }, (_, s) =>
      `${range(s)} | ${collapse} | ${flame} > ${q(join(OUT_DIR, `classic-real-${s}.svg`))}`).join(' && ');
    const ours = { label: 'classic loop, flamekit', cmd: `{T} bash -c ${q(loop((s) => `${nodeTool('range-perf')} --timezerosecs ${s} ${s + 1} ${q(f)}`, nodeTool('stackcollapse'), nodeTool('flamegraph-svg')))}` };
    const perl = perlTools();
    const label = `classic per-second loop, ${seconds} windows of ~15 MB, 3 tools each`;
    if (!perl) {
      const r = runPaired(Math.max(1, Math.min(runs, 3)), [ours, ours]);
      out.push({ id: 'real-classic', label, bytes: sizeOf(f), seconds: r.seconds[0], rssMB: r.rss[0], note: `CPU ${r.cpu[0].toFixed(2)} s; the Perl tools were not found (set FLAMEGRAPH_DIR to a FlameGraph checkout): no Perl row` });
    } else {
      const [rp, sc, fg] = perl.map((p) => `perl ${q(p)}`);
      const theirs = { label: 'classic loop, Perl tools', cmd: `{T} bash -c ${q(loop((s) => `${rp} --timezerosecs ${s} ${s + 1} < ${q(f)}`, sc, fg))}` };
      const r = runPaired(Math.max(1, Math.min(runs, 3)), [ours, theirs]);
      out.push({ id: 'real-classic', label, bytes: sizeOf(f), seconds: r.seconds[0], rssMB: r.rss[0],
        note: `CPU ${r.cpu[0].toFixed(2)} s; flamekit / Perl: ${r.ratio.toFixed(2)}× wall (target ≤ 1.0)` });
      out.push({ id: 'real-classic-perl', label: '  the same loop with the Perl tools', bytes: sizeOf(f), seconds: r.seconds[1], rssMB: r.rss[1],
        note: `flamekit / Perl: ${r.ratio.toFixed(2)}× wall (per pair: ${r.ratios.map((x) => x.toFixed(2)).join(' ')}), ${r.cpuRatio.toFixed(2)}× CPU (medians of paired runs); CPU ${r.cpu[1].toFixed(2)} s` });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------- heat map with stacks
// issue 10: heatmap-svg with stacks (the default) should take at most 1.5x its own
// --no-stacks time, on the recorded profile and on a 16-CPU profile with idle samples
// (generated once, cached in bench/corpus/ like the main corpus). Runs alternate, and the
// row reports the median of the per-pair ratios.
function ensureCorpus16() {
  mkdirSync(CORPUS_DIR, { recursive: true });
  const file = join(CORPUS_DIR, `perf-200mb-300s-16cpu-99hz-seed1-${genHash}.txt`);
  if (!existsSync(file)) {
    log(`generating a 200 MB 16-CPU perf script corpus ${file}`);
    const r = spawnSync(NODE, [GEN, '--mb', '200', '--seconds', '300', '--cpus', '16', '--out', file], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`gen-corpus failed (exit ${r.status})`);
  }
  return file;
}

function heatmapRealRows(o, want) {
  if (!want('real-heatmap')) return [];
  const missing = toolMissing('heatmap-svg');
  if (missing) return [{ id: 'real-heatmap', label: 'heatmap-svg with stacks / --no-stacks', skipped: missing }];
  const out = [];
  const real = ensureRealProfile();
  const inputs = [];
  if (real.skipped) out.push({ id: 'real-heatmap', label: 'heatmap-svg, recorded profile', skipped: real.skipped });
  else inputs.push({ what: 'recorded profile', file: real.file });
  inputs.push({ what: '16 CPUs, 30% idle', file: ensureCorpus16() });
  const runs = Math.max(o.runs, 5);
  for (const [k, { what, file }] of inputs.entries()) {
    const svg = join(OUT_DIR, `real-heatmap-${k}.svg`), bare = join(OUT_DIR, `real-heatmap-${k}.nostacks.svg`);
    const isSvg = (p) => () => { nonEmpty(p); if (!headOf(p, 4096).includes('<svg')) fail(`${p} is not SVG`); };
    const ours = { label: `heatmap-svg ${what}`, cmd: `{T} ${nodeTool('heatmap-svg')} -q ${q(file)} > ${q(svg)}`, check: isSvg(svg) };
    const theirs = { label: `heatmap-svg --no-stacks ${what}`, cmd: `{T} ${nodeTool('heatmap-svg')} -q --no-stacks ${q(file)} > ${q(bare)}`, check: isSvg(bare) };
    const r = runPaired(runs, [ours, theirs]);
    out.push({ id: 'real-heatmap', label: `heatmap-svg, ${what}`, bytes: sizeOf(file), seconds: r.seconds[0], rssMB: r.rss[0], extra: `${runs} paired runs; CPU ${r.cpu[0].toFixed(2)} s` });
    out.push({ id: 'real-heatmap-nostacks', label: '  heatmap-svg --no-stacks, same input', bytes: sizeOf(file), seconds: r.seconds[1], rssMB: r.rss[1],
      note: `stacks / --no-stacks: ${r.ratio.toFixed(2)}× wall (median of per-pair ratios ${r.ratios.map((x) => x.toFixed(2)).join(' ')}), ${r.cpuRatio.toFixed(2)}× CPU; target ≤ 1.5×; CPU ${r.cpu[1].toFixed(2)} s` });
  }
  return out;
}

/** Whole seconds from the first to the last timestamp of a perf script file, plus one. */
function spanSeconds(f) {
  const text = readFileSync(f, 'latin1');
  const times = [...text.matchAll(/ (\d+)\.\d+: /g)].map((m) => Number(m[1]));
  return times.length ? Math.max(...times) - Math.min(...times) + 1 : 1;
}

// ---------------------------------------------------------------------------- environment
// NODE_EXTRA_CA_CERTS makes node read and parse a certificate bundle at every start, before
// any script runs (these machines set it: 50-80 ms a start here). No flamekit tool makes a
// TLS connection, and a user's shell rarely sets it, so every measured command (the tools,
// node -e 0, inferno, Perl alike) runs without it; the bench says so and what it cost.
function dropExtraCaCerts() {
  const certs = process.env.NODE_EXTRA_CA_CERTS;
  if (!certs) return;
  const time = (env) => {
    const t = [];
    for (let i = 0; i < 11; i++) {
      const t0 = process.hrtime.bigint();
      spawnSync(NODE, ['-e', '0'], { env, stdio: 'ignore' });
      t.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    return median(t.slice(1));
  };
  const withCerts = time(process.env);
  delete process.env.NODE_EXTRA_CA_CERTS;
  const without = time(process.env);
  envNote = `NODE_EXTRA_CA_CERTS is unset for every measured command: node -e 0 takes ${withCerts.toFixed(3)} s with it, ${without.toFixed(3)} s without (medians of 10)`;
  log(envNote);
}
let envNote = '';

// ---------------------------------------------------------------------------- startup
// `node -e 0` against each tool's --version, interleaved, many times; wall time per spawn.
function measureStartup(o, tools) {
  const cmds = [{ id: 'startup-node', label: 'startup: node -e 0', args: ['-e', '0'] },
    ...tools.map((t) => ({ id: `startup-${t}`, label: `startup: ${t} --version`, tool: t, args: [binOf(t), '--version'] }))];
  const times = cmds.map(() => []);
  const failures = [];
  for (let k = 0; k < o.startupReps + 1; k++) {
    cmds.forEach((c, i) => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(NODE, c.args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (r.status !== 0 || (c.tool && !r.stdout.toString().trim())) failures.push(`${c.label}: exit ${r.status}, ${r.stdout.length ? '' : 'no output, '}${gist(r.stderr.toString())}`);
      if (k > 0) times[i].push(s); // the first round warms the disk cache
    });
  }
  const rss = cmds.map((c) => measure(`{T} ${[NODE, ...c.args].map(q).join(' ')} > /dev/null`).rssMB);
  const base = median(times[0]);
  return cmds.map((c, i) => ({ id: c.id, label: c.label, seconds: median(times[i]), rssMB: rss[i], ratio: median(times[i]) / base,
    note: i === 0 ? `${o.startupReps} spawns each, median` : `ratio to node -e 0${c.tool ? '; target ≤ 1.2' : ''}`,
    failed: failures.find((f) => f.startsWith(c.label + ':'))?.slice(c.label.length + 2) }));
}

// ---------------------------------------------------------------------------- table
function fmt(n, d) { return n === undefined || n === null || Number.isNaN(n) ? '-' : n.toFixed(d); }
function printTable(results, header) {
  const cols = ['tool', 'input MB', 'seconds', 'MB/s', 'peak RSS MB', 'ratio', 'note'];
  const rows = results.map((r) => (r.skipped ? [r.label, '', '', '', '', '', `skipped: ${r.skipped}`]
    : r.failed && r.seconds === undefined ? [r.label, '', '', '', '', '', `FAILED: ${r.failed}`]
      : [r.label, r.bytes ? fmt(r.bytes / MB, 1) : '-', fmt(r.seconds, r.seconds < 1 ? 3 : 2), r.bytes && !r.startup ? fmt(r.bytes / MB / r.seconds, 0) : '-',
        fmt(r.rssMB, 0), r.ratio === undefined ? '-' : `${fmt(r.ratio, 2)}×`, [r.failed ? `FAILED: ${r.failed}` : '', r.note, r.extra].filter(Boolean).join('; ')]));
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const right = new Set([1, 2, 3, 4, 5]);
  const line = (cells) => cells.map((c, i) => (i === cells.length - 1 ? c : right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  let s = header + (envNote ? envNote + '\n' : '') + '\n' + line(cols) + '\n' + line(widths.map((w, i) => (i === cols.length - 1 ? '----' : '-'.repeat(w)))) + '\n';
  for (const r of rows) s += line(r) + '\n';
  s += '\nratio: tool seconds / floor seconds for the same bytes (the floor is prorated when a row reads part of the\n' +
    'file or another file); startup rows: / node -e 0. seconds: median wall time; peak RSS: max over runs (GNU time %M).\n';
  return s;
}

// ---------------------------------------------------------------------------- main
async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.help || o.bad) { process.stderr.write(USAGE); process.exitCode = o.bad ? 2 : 0; return; }
  if (!existsSync(TIME)) log(`warning: ${TIME} not found; peak RSS will read 0`);
  const want = (id) => o.only.length === 0 || o.only.some((w) => id === w || id.startsWith(w));
  if (o.list) { process.stdout.write(ROW_IDS.map(([id, what]) => `${id}\t${what}\n`).join('')); return; }
  if (o.only.length && !ROW_IDS.some(([id]) => want(id))) {
    process.stderr.write('bench: --only matches no row (see --list)\n'); process.exitCode = 2; return;
  }
  dropExtraCaCerts();
  // Only rows on the recorded profile: no generated corpus needed.
  if (o.only.length && o.only.every((w) => w.startsWith('real'))) {
    mkdirSync(OUT_DIR, { recursive: true });
    const res = [...realRows(o, want), ...heatmapRealRows(o, want)];
    process.stdout.write(printTable(res, `flamekit bench: recorded profile rows; runs paired; node ${process.version}\n`));
    return;
  }
  const corpus = ensurePerfCorpus(o);
  mkdirSync(OUT_DIR, { recursive: true });

  // Decide once which tools exist, so a tool that appears mid-run does not make a ragged table.
  const missingAtStart = Object.fromEntries(Object.keys(TOOLS).map((t) => [t, toolMissing(t)]));
  const needFolded = [20000, 100000].filter((n) => want(`flamegraph-${n / 1000}k`) && !missingAtStart['flamegraph-svg']);
  const folded = Object.fromEntries(needFolded.map((n) => [n, ensureFolded(n)]));
  let rows = buildRows(o, corpus, folded);
  rows = rows.filter((r) => r.id === 'floor' || want(r.id));

  const results = rows.map((r) => {
    const missing = (r.tools ?? []).map((t) => missingAtStart[t]).find(Boolean) || (r.needs ? r.needs() : '');
    return { id: r.id, label: r.label, bytes: r.bytes, note: r.note, skipped: missing || undefined, times: [], cpus: [], rss: [], row: r };
  });
  // Warm the page cache so the first timed row does not pay for the disk.
  spawnSync('bash', ['-c', `cat ${q(corpus.file)} > /dev/null`]);

  for (let run = 1; run <= o.runs; run++) {
    for (const res of results) {
      if (res.skipped || res.failed) continue;
      log(`run ${run}/${o.runs}: ${res.label}`);
      res.row.prepare?.();
      const m = measure(res.row.cmd);
      if (m.status !== 0) { res.failed = `exit ${m.status}: ${gist(m.stderr)}`; continue; }
      try { res.row.check(res); } catch (e) { res.failed = e.message; continue; }
      const said = m.stderr.trim() ? `stderr: ${m.stderr.trim().split('\n')[0].slice(0, 120)}` : '';
      // Each run says the same: keep it once.
      if (said && !(res.extra ?? '').includes(said)) res.extra = [res.extra, said].filter(Boolean).join('; ');
      res.times.push(m.seconds * (res.row.scale ?? 1));
      res.cpus.push(m.cpu);
      res.rss.push(m.rssMB);
    }
  }

  const floor = results.find((r) => r.id === 'floor');
  const floorSecPerByte = floor && floor.times.length ? median(floor.times) / floor.bytes : NaN;
  for (const r of results) {
    if (!r.times.length) { if (r.failed) r.seconds = undefined; continue; }
    r.seconds = median(r.times);
    r.rssMB = Math.max(...r.rss);
    r.ratio = r.seconds / (floorSecPerByte * r.bytes);
    if (r.failed) r.failed = `${r.failed} (in a later run)`;
  }
  const collapse = results.find((r) => r.id === 'collapse' && r.seconds);
  // stackcollapse against inferno, run one after the other in each round: per-round ratios.
  const inferno = results.find((r) => r.id === 'collapse-inferno' && r.seconds);
  if (collapse) collapse.extra = [collapse.extra, `CPU ${median(collapse.cpus).toFixed(2)} s`].filter(Boolean).join('; ');
  if (collapse && inferno && !collapse.failed && !inferno.failed && collapse.times.length === inferno.times.length) {
    const ratios = collapse.times.map((t, i) => t / inferno.times[i]);
    const cpuRatio = median(collapse.cpus.map((c, i) => c / inferno.cpus[i]));
    inferno.note = [inferno.note, `flamekit / inferno: ${median(ratios).toFixed(2)}× wall (median of per-pair ratios ${ratios.map((x) => x.toFixed(2)).join(' ')}), ${cpuRatio.toFixed(2)}× CPU; CPU ${median(inferno.cpus).toFixed(2)} s; target ≤ 1.0×`].filter(Boolean).join('; ');
  }
  for (const r of results) {
    if (collapse && r.seconds && (r.id === 'per-window' || r.id === 'classic-loop')) {
      r.extra = [r.extra, `${(r.seconds / collapse.seconds).toFixed(2)}× one stackcollapse`].filter(Boolean).join('; ');
    }
    if (r.id === 'range-pipe-mid' && r.seconds) r.extra = [r.extra, `reads ~${fmt(r.bytes / MB, 0)} of ${fmt(corpus.bytes / MB, 0)} MB`].filter(Boolean).join('; ');
  }

  if (want('startup')) {
    const tools = Object.keys(TOOLS).filter((t) => !missingAtStart[t]);
    log(`startup: ${o.startupReps} spawns of node -e 0 and of ${tools.map((t) => `${t} --version`).join(', ') || 'no tool yet'}`);
    for (const s of measureStartup(o, tools)) results.push({ ...s, startup: true });
    for (const t of Object.keys(TOOLS).filter((t) => missingAtStart[t])) results.push({ id: `startup-${t}`, label: `startup: ${t} --version`, skipped: missingAtStart[t] });
  }

  results.push(...realRows(o, want));
  results.push(...heatmapRealRows(o, want));

  const header = `flamekit bench: ${corpus.file.replace(ROOT + '/', '')}\n` +
    `corpus: ${fmt(corpus.bytes / MB, 1)} MB, ${corpus.samples} samples over ${corpus.spanSeconds} s (${corpus.windows} one-second windows), ` +
    `idle ${(corpus.idleFraction * 100).toFixed(0)}%; runs: ${o.runs}; node ${process.version}\n`;
  const failed = results.filter((r) => r.failed);
  if (o.json) {
    process.stdout.write(JSON.stringify({ corpus: { file: corpus.file, bytes: corpus.bytes, samples: corpus.samples, spanSeconds: corpus.spanSeconds, windows: corpus.windows, idleFraction: corpus.idleFraction },
      runs: o.runs, node: process.version,
      rows: results.map(({ row, times, rss, ...r }) => ({ ...r, times, mbPerSec: r.bytes && r.seconds && !r.startup ? r.bytes / MB / r.seconds : undefined })) }, null, 2) + '\n');
  } else {
    process.stdout.write(printTable(results, header));
  }
  if (failed.length) {
    for (const r of failed) log(`FAILED: ${r.label}: ${r.failed}`);
    process.exitCode = 1;
  }
}

main().catch((e) => { log(e.message); process.exitCode = 1; });
