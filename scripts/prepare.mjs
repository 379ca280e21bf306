#!/usr/bin/env node
// npm's `prepare` script: builds dist/ (and the man pages) so that `npm install -g .` and
// `npm link` work from a fresh clone.
//
// Why the extra step: `npm install -g .` links the clone into the global folder and runs
// `prepare` there, but installs none of the clone's own dependencies first, so neither the
// compiler nor commander would be found. When the build tools are missing, this installs
// the locked dependencies into the clone (`npm ci --ignore-scripts`, which also keeps npm
// from running this script again) and then builds. With node_modules present (`npm ci`,
// `npm install`, `npm link`) it only builds.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The npm that runs this script; `npm` from PATH otherwise.
const npmCli = process.env.npm_execpath;
const npm = (args, env) =>
  npmCli && /\.c?js$/.test(npmCli)
    ? execFileSync(process.execPath, [npmCli, ...args], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env })
    : execFileSync('npm', args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env, shell: process.platform === 'win32' });

try {
  if (!existsSync(join(root, 'node_modules', 'typescript', 'package.json'))) {
    process.stderr.write('flamekit: prepare: no node_modules in the clone; installing its locked dependencies first (npm ci)\n');
    // Without npm's own settings for this run: under `npm install -g` they say "global",
    // and the clone's dependencies belong in the clone.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    npm(['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--include=dev'], env);
  }
  npm(['run', 'build'], process.env);
} catch (e) {
  process.stderr.write(`flamekit: prepare: the build failed (${e.status !== undefined ? `exit ${e.status}` : e.message}); run 'npm install && npm run build' in the clone to see why\n`);
  process.exitCode = 1;
}
