// The tools' outputs on the largest hostile inputs, made once per test run. Two test files
// read flamegraph-svg's SVG of a million distinct stacks (hostile-svg checks it, hostile-browser
// opens it), and heatmap-svg on the same stacks is a long run: test/global-setup.ts starts
// them as soon as the inputs exist, as real binaries (`bin/`, as spawnBin runs them), beside
// the test files, and a test awaits the finished output with `hostileOutput`. A run the
// global setup did not start (a test file run under a filter it did not foresee) is made
// where it is asked for.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from './helpers.js';

// Not helpers.js's ROOT: the global setup imports this file, and helpers.js is for test files.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The shared runs: name -> the tool, its input (in the large-case directory) and the test files that read it. */
export const HOSTILE_RUNS = {
  'flamegraph-svg distinct-1m.folded': { tool: 'flamegraph-svg', input: 'distinct-1m.folded', readers: ['hostile-svg', 'hostile-browser'] },
  'heatmap-svg distinct-1m.txt': { tool: 'heatmap-svg', input: 'distinct-1m.txt', readers: ['hostile-svg'] },
} as const;
export type HostileRun = keyof typeof HOSTILE_RUNS;

const outDir = (large: string) => join(large, 'outputs');
const fileOf = (large: string, run: HostileRun) => join(outDir(large), run.replace(/ /g, '_'));

/**
 * Starts the runs named (in the global setup's process) and returns the children; each
 * writes its stdout, then `<run>.json` ({code, stderr}) by a rename, so a reader never sees
 * half a result.
 */
export function startHostileRuns(large: string, runs: HostileRun[]): ChildProcess[] {
  mkdirSync(outDir(large), { recursive: true });
  return runs.map((run) => {
    const { tool, input } = HOSTILE_RUNS[run];
    const base = fileOf(large, run);
    const child = spawn(process.execPath, [join(ROOT, 'bin', `${tool}.js`), join(large, input)], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    const out = createWriteStream(`${base}.out`);
    child.stdout!.pipe(out);
    const err: Buffer[] = [];
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.stdin!.on('error', () => {});
    child.stdin!.end();
    child.on('close', (code) => {
      out.end(() => {
        writeFileSync(`${base}.json.tmp`, JSON.stringify({ code: code ?? -1, stderr: Buffer.concat(err).toString('utf8') }));
        renameSync(`${base}.json.tmp`, `${base}.json`);
      });
    });
    return child;
  });
}

/** The result of a shared run, once it has finished (made here if the global setup did not start it). */
export async function hostileOutput(large: string, started: readonly string[], run: HostileRun): Promise<RunResult> {
  if (!started.includes(run)) {
    const { tool, input } = HOSTILE_RUNS[run];
    const { spawnBin } = await import('./helpers.js');
    return spawnBin(tool, [join(large, input)]);
  }
  const base = fileOf(large, run);
  while (!existsSync(`${base}.json`)) await new Promise((r) => setTimeout(r, 100));
  const { code, stderr } = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { code: number; stderr: string };
  return { code, stderr, stdout: readFileSync(`${base}.out`) };
}
