// The fuzz harness of test/fuzz/fuzz.ts, a short fixed-seed round (a few hundred runs).
// A long one: FUZZ_MUTANTS=10000 npm run fuzz (FUZZ_SEED=n for another seed, FUZZ_OUT=dir
// to keep the mutants with findings); docs/fuzzing.md says more.
import { appendFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { fuzz, TOOLS } from './fuzz/fuzz.js';

const MUTANTS = Number(process.env.FUZZ_MUTANTS ?? 30);
const SEED = Number(process.env.FUZZ_SEED ?? 16);

// Time per mutant on a loaded 2-core machine is well under a second; a hang costs the
// harness's time limit, hence the generous test timeout of a long round.
it(`${MUTANTS} mutants of the fixtures through every tool keep every promise`, { timeout: 120_000 + MUTANTS * 5_000 }, async () => {
  const t0 = performance.now();
  const report = await fuzz({
    seed: SEED,
    mutants: MUTANTS,
    outDir: process.env.FUZZ_OUT,
    // FUZZ_LOG=file: progress as it happens (vitest shows console output in batches).
    log: (line) => (process.env.FUZZ_LOG ? appendFileSync(process.env.FUZZ_LOG, line + '\n') : console.log(line)),
  });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    `fuzz: seed ${SEED}, ${MUTANTS} mutants in ${s} s; runs per tool: ${TOOLS.map((t) => `${t} ${report.runs[t]}`).join(', ')}; ` +
      `slowest run (ms): ${TOOLS.map((t) => `${t} ${Math.round(report.slowest[t])}`).join(', ')}; ` +
      `${report.findings.length} findings` +
      (report.findings.length > 0 ? `; mutants saved in ${report.outDir}` : ''),
  );
  for (const t of TOOLS) expect(report.runs[t]).toBeGreaterThan(0);
  expect(report.findings.map((f) => `${f.tool} ${f.args.join(' ')} (${f.input}): ${f.check}: ${f.detail} [${f.saved}]`)).toEqual([]);
});
