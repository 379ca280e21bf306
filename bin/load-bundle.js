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
  script.runInThisContext()(module.exports, createRequire(path), module, path, dirname(path), pathToFileURL(path).href);
  return { exports: module.exports, script, cached: cachedData !== undefined && !script.cachedDataRejected };
};
