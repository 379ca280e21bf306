#!/usr/bin/env node
// The benchmark corpus generator from plain node: the generator itself is the typed module
// test/gen/corpus.ts (see its header for what it writes and its flags), which the tests
// import. Node 20 runs no TypeScript, so esbuild (a development dependency, as bench and
// the tests need) compiles that one file in memory, in some tens of milliseconds.
//   node scripts/gen-corpus.mjs [--mb 300] [--seconds 600] [--cpus 32] [--hz 99] [--seed 1]
//                               [--idle 0.3] [--stacks 60000] [--files N] [--no-header] --out FILE
//   node scripts/gen-corpus.mjs --folded-stacks 100000 [--seed 1] --out FILE
import { transformSync } from 'esbuild';
import { readFileSync } from 'node:fs';

const source = new URL('../test/gen/corpus.ts', import.meta.url);
const { code } = transformSync(readFileSync(source, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20', sourcefile: source.pathname });
const { main } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
main(process.argv.slice(2));
