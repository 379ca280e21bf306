// Loads a tool's bundle (dist/bundle/<tool>.cjs, built by scripts/build-bundle.mjs): the
// bundle's text is a function expression, compiled here as a vm.Script with V8's code cache
// (<tool>.cjs.cache) when there is one, then called with what a CommonJS module gets.
//
// The cache fails safe: V8 checks it against its own version, its flags and the source, and
// rejects one that does not match (another node, NODE_OPTIONS with V8 flags, a rebuilt
// bundle); the script then compiles from its text, as without a cache. A missing or
// unreadable cache file is the same as none.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

/**
 * Compiles and runs the bundle at `path`; `cachePath` null reads no cache. Returns its
 * exports, the script (the build takes the cache from it) and whether a cache was used.
 */
exports.loadBundle = function loadBundle(path, cachePath = `${path}.cache`) {
  const source = readFileSync(path, 'utf8');
  let cachedData;
  if (cachePath !== null) {
    try {
      cachedData = readFileSync(cachePath);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new Script(source, { filename: path, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, lazyBuiltins(createRequire(path)), module, path, dirname(path), pathToFileURL(path).href);
  return { exports: module.exports, script, cached: cachedData !== undefined && !script.cachedDataRejected };
};

/**
 * Built-in modules that a bundle requires at its top (commander's child_process, the input
 * runtime's net and zlib) but that most runs never use: FIFOs, gzip, perf.data, --inline and
 * worker threads; fs/promises (11 modules of node's, readline's among them) for output
 * files (--per-window, --output-dir, writeFileAtomic); os for the thread count; stream (~20
 * of node's modules) for gzip and a stdin that is no pipe or file. Each costs 1-5 % of a
 * node start to load; these load on first use.
 */
const LAZY = new Set(['node:child_process', 'node:net', 'node:zlib', 'node:worker_threads', 'node:fs/promises', 'node:os', 'node:stream']);

/** `require`, with the modules of LAZY as stand-ins that load the module on first use. */
function lazyBuiltins(realRequire) {
  const standIns = new Map();
  const lazyRequire = (id) => {
    if (!LAZY.has(id)) return realRequire(id);
    let standIn = standIns.get(id);
    if (standIn === undefined) {
      let loaded = null;
      const load = () => (loaded ??= realRequire(id));
      // Every question about the stand-in is asked of the module; properties are reported
      // configurable, as the (empty, extensible) target requires of a proxy.
      standIn = new Proxy(
        {},
        {
          get: (_, key) => load()[key],
          has: (_, key) => key in load(),
          ownKeys: () => Reflect.ownKeys(load()),
          getOwnPropertyDescriptor: (_, key) => {
            const d = Reflect.getOwnPropertyDescriptor(load(), key);
            if (d) d.configurable = true;
            return d;
          },
          getPrototypeOf: () => Reflect.getPrototypeOf(load()),
        },
      );
      standIns.set(id, standIn);
    }
    return standIn;
  };
  return Object.assign(lazyRequire, realRequire);
}
