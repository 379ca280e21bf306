#!/usr/bin/env node
// Bundles each tool into one file, and builds V8's code cache for it (npm run build:bundle,
// part of npm run build, after tsc). What bin/run.js loads:
//   dist/collapse/cli.js   -> dist/bundle/collapse.cjs    + collapse.cjs.cache   (stackcollapse)
//   dist/range/cli.js      -> dist/bundle/range.cjs       + range.cjs.cache      (range-perf)
//   dist/flamegraph/cli.js -> dist/bundle/flamegraph.cjs  + flamegraph.cjs.cache (flamegraph-svg)
//   dist/heatmap/cli.js    -> dist/bundle/heatmap.cjs     + heatmap.cjs.cache    (heatmap-svg)
//   dist/collapse/worker.js -> dist/bundle/worker.js  (stackcollapse's worker thread script)
//   dist/version.js, dist/argv.js -> dist/bundle/version.cjs, argv.cjs (bin/run.js's own needs)
//
// Why: a tool's start-up was mostly module loading (30-70 ES modules resolved, read and
// linked one by one, commander's CommonJS files through the ESM loader) and compiling them;
// one file, with its compiled code cached, starts in a fraction of that (docs/speed.md,
// "Fixed costs"). Node 20 has no module.enableCompileCache, so a bundle is CommonJS text
// wrapped in a function expression, which bin/load-bundle.js compiles as a vm.Script with
// the cache as its cachedData. V8 checks a cache against its version, flags and source and
// rejects one that does not match; the bundle then compiles as if there were none.
//
// The cache is taken after running each tool in this process on a small fixture
// (fixtures/perf/recorded-pthreads.txt, and its folded stacks for flamegraph-svg), named and
// on stdin, so that it holds the functions a real run compiles, not only the top level. The bundles sit one level
// under dist/, as the modules they are made of did, so that their paths relative to
// import.meta.url (dist/parse/core.wasm, dist/viewer/, the worker's ./worker.js) still hold.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadBundle } from '../bin/load-bundle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bundle');
export const TOOLS = ['range', 'collapse', 'flamegraph', 'heatmap'];

/** The wrapper bin/load-bundle.js calls; one line, so that line numbers in traces stay those of the bundle. */
const HEAD = '(function (exports, require, module, __filename, __dirname, __bundleUrl) {';

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  charset: 'utf8',
  legalComments: 'none',
  // Whitespace and syntax, not names (stack traces under DEBUG=1 stay readable): the
  // stackcollapse bundle is 159 KB, not 286 KB, which node reads and V8 scans at every
  // start (-4 M instructions of 114 M for loading it; docs/speed.md, "Small inputs").
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const tool of TOOLS) {
  await build({
    ...common,
    entryPoints: [`dist/${tool}/cli.js`],
    outfile: join(out, `${tool}.cjs`),
    format: 'cjs',
    // import.meta.url is the bundle's own URL (bin/load-bundle.js passes it in); import()
    // becomes require(): a vm.Script has no loader for import() (and node 20's
    // USE_MAIN_CONTEXT_DEFAULT_LOADER is experimental, and lost with a code cache).
    define: { 'import.meta.url': '__bundleUrl' },
    supported: { 'dynamic-import': false },
    banner: { js: HEAD },
    footer: { js: '})' },
  });
}
// The small modules bin/run.js reads without a tool: the version (for --version) and the
// recovery of non-UTF-8 arguments; plain CommonJS, as bin/ is.
for (const name of ['version', 'argv']) {
  await build({ ...common, entryPoints: [`dist/${name}.js`], outfile: join(out, `${name}.cjs`), format: 'cjs' });
}
// The worker thread's script is an ES module (the package's type), as new Worker(URL) loads it.
await build({
  ...common,
  entryPoints: ['dist/collapse/worker.js'],
  outfile: join(out, 'worker.js'),
  format: 'esm',
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});

// --- the code caches ------------------------------------------------------------------------
const fixture = join(root, 'fixtures', 'perf', 'recorded-pthreads.txt');
const folded = join(out, '.train.folded');

/** Streams for an in-process run: no terminal, no colour, output kept only when asked. */
function trainingIO(stdin, keep) {
  const sink = new Writable({
    write(chunk, _enc, done) {
      keep?.push(Buffer.from(chunk));
      done();
    },
  });
  const none = new Writable({ write: (_c, _e, done) => done() });
  return { stdin: Readable.from(stdin === null ? [] : [stdin]), stdout: sink, stderr: none, env: {} };
}

// Each tool runs on a file and on stdin (the per-second loop pipes one tool into the next).
const runs = {
  range: () => [[['--timezerosecs', '0', '1', fixture], null], [['--timezerosecs', '0', '1'], readFileSync(fixture)]],
  collapse: () => [[[fixture], null], [[], readFileSync(fixture)]],
  flamegraph: () => [[[folded], null], [[], readFileSync(folded)]],
  heatmap: () => [[[fixture], null], [[], readFileSync(fixture)]],
};
for (const tool of ['collapse', 'range', 'flamegraph', 'heatmap']) {
  const path = join(out, `${tool}.cjs`);
  const { exports, script } = loadBundle(path, null);
  for (const [args, stdin] of runs[tool]()) {
    const kept = tool === 'collapse' && stdin === null ? [] : undefined;
    const code = await exports.main(args, trainingIO(stdin, kept));
    if (code !== 0) throw new Error(`build-bundle: training run of ${tool} ${args.join(' ')} exited ${code}`);
    if (kept) writeFileSync(folded, Buffer.concat(kept));
  }
  writeFileSync(`${path}.cache`, script.createCachedData());
}
rmSync(folded, { force: true });
