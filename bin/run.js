// What every bin/<tool>.js shim runs. bin/ is CommonJS (bin/package.json): node starts a
// CommonJS main without setting up its ES module loader, which a `--version` would pay for.
//
// `--version` alone is answered from dist/bundle/version.cjs, without loading the tool.
// Anything else runs the tool's main() from its bundle (dist/bundle/<tool>.cjs, loaded with
// V8's code cache by load-bundle.js; built by scripts/build-bundle.mjs). Without a bundle
// (a build that ran tsc only), the tool's ES modules in dist/ are imported instead.
//
// One node process per run: heatmap-svg no longer starts node a second time with
// --max-semi-space-size=4, since its stacks come from the core's stacks mode its peak RSS is
// the same without the flag (174 MB on the 2 GB corpus either way; docs/speed.md).
'use strict';
const { join } = require('node:path');

const DIST = join(__dirname, '..', 'dist');

exports.run = async function run(stage) {
  const argv = await commandLine();
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.exitCode = await writeOut(`${(await distModule('version')).VERSION}\n`);
    return;
  }
  const code = await loadTool(stage).main(argv);
  // main() returns once its output is written (runMain waits for stdout to take the last
  // write). Leaving now, not when the event loop runs dry, spares the wait for whatever V8
  // still compiles in the background, which no one needs any more (docs/speed.md).
  process.exit(code);
};

/** The tool's exports: its bundle, or (no bundle built) its ES module in dist/. */
function loadTool(stage) {
  const path = join(DIST, 'bundle', `${stage}.cjs`);
  let bundle;
  try {
    bundle = require('./load-bundle.js').loadBundle(path);
  } catch (e) {
    if (e.code !== 'ENOENT' || e.path !== path) throw e;
    return { main: async (argv) => (await import(`../dist/${stage}/cli.js`)).main(argv) };
  }
  return bundle.exports;
}

/** A small module of dist/ (version, argv): its CommonJS copy in dist/bundle/, else the ES module. */
async function distModule(name) {
  try {
    return require(join(DIST, 'bundle', `${name}.cjs`));
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
    return import(`../dist/${name}.js`);
  }
}

// The arguments, with those whose bytes are not UTF-8 recovered from /proc/self/cmdline
// (Linux) in the escaped form of src/argv.ts, so that a file of any name can be opened by
// it. Only when Node's decoding lost bytes (a U+FFFD): otherwise nothing more is loaded.
async function commandLine() {
  const args = process.argv.slice(2);
  if (process.platform !== 'linux' || !args.some((a) => a.includes('\uFFFD'))) return args;
  const { recoverArgs, splitCmdline } = await distModule('argv');
  try {
    return recoverArgs(args, splitCmdline(require('node:fs').readFileSync('/proc/self/cmdline')));
  } catch {
    return args;
  }
}

// As the tools' runMain (src/cli.ts) ends a write error: a closed pipe is a quiet success,
// anything else one message and exit 1, never an unhandled 'error' event and its stack trace.
//
// A pipe, socket or file on fd 1 gets one writeSync: process.stdout there loads node:net
// (~10 % of a --version; src/runtime/fd-io.ts does the same for the tools' output).
function writeOut(text) {
  const fs = require('node:fs');
  let plain = false;
  try {
    const st = fs.fstatSync(1);
    plain = st.isFIFO() || st.isSocket() || st.isFile();
  } catch {
    // Not open: the stream reports it, as before.
  }
  if (plain) {
    const bytes = Buffer.from(text);
    try {
      for (let at = 0; at < bytes.length; ) at += fs.writeSync(1, bytes, at);
      return Promise.resolve(0);
    } catch (e) {
      if (e.code === 'EPIPE' || e.code === 'ECONNRESET') return Promise.resolve(0);
      // EAGAIN (a non-blocking descriptor) and the rest: through the stream, as before.
      if (e.code !== 'EAGAIN') return Promise.resolve(writeFailed(e));
    }
  }
  return new Promise((resolve) => {
    process.stdout.on('error', () => {});
    process.stdout.write(text, (e) => {
      if (!e || e.code === 'EPIPE') return resolve(0);
      resolve(writeFailed(e));
    });
  });
}

/** The message of a failed write of --version's line; returns the exit status, 1. */
function writeFailed(e) {
  const why = e.code === 'ENOSPC' ? 'no space left on device' : e.message;
  process.stderr.on('error', () => {});
  process.stderr.write(`${prog()}: cannot write output: ${why}\n`);
  return 1;
}

function prog() {
  return process.argv[1].replace(/^.*[\\/]/, '').replace(/\.js$/, '');
}
