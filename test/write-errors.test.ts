// Write errors, the same in every tool and on every path that writes stdout (--version,
// --help, the data): a reader that closed the pipe is a quiet success (exit 0); a full
// disk (/dev/full) or another error is one message and exit 1; never a stack trace.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT } from './helpers.js';

const TOOLS = ['range-perf', 'stackcollapse', 'flamegraph-svg', 'heatmap-svg'] as const;
const perf = join(FIXTURES, 'perf', 'recorded-pthreads-header.txt');
// Enough samples that flamegraph-svg has no warning to give: stderr holds only the write error.
const dir = mkdtempSync(join(tmpdir(), 'flamekit-write-'));
const folded = join(dir, 'many.folded');
writeFileSync(folded, 'main;a 600\nmain;b;c 900\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run of each tool that writes data to stdout. */
function dataArgs(tool: (typeof TOOLS)[number]): string[] {
  switch (tool) {
    case 'range-perf':
      return ['0', '1e9', perf];
    case 'stackcollapse':
      return [perf];
    case 'flamegraph-svg':
      return [folded];
    case 'heatmap-svg':
      return [perf];
  }
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs a bin with stdout on /dev/full, or on a pipe whose reader has gone before the tool starts. */
function runTo(where: 'full' | 'closed-pipe', tool: string, args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const full = where === 'full' ? openSync('/dev/full', 'w') : -1;
    const child = spawn(process.execPath, [join(ROOT, 'bin', `${tool}.js`), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', where === 'full' ? full : 'pipe', 'pipe'],
    });
    if (full >= 0) closeSync(full);
    // Node is still starting: nothing was written yet, and every write will get EPIPE.
    child.stdout?.destroy();
    const err: Buffer[] = [];
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr: Buffer.concat(err).toString('utf8') }));
  });
}

const linux = process.platform === 'linux';

describe.each(TOOLS)('%s', (tool) => {
  const cases: [string, string[]][] = [
    ['--version', ['--version']],
    ['--help', ['--help']],
    ['data', dataArgs(tool)],
  ];
  it.skipIf(!linux).each(cases)('%s to /dev/full: one message, exit 1', async (_name, args) => {
    const r = await runTo('full', tool, args);
    expect(r.stderr).toBe(`${tool}: cannot write output: no space left on device\n`);
    expect(r.code).toBe(1);
  });

  it.each(cases)('%s to a closed pipe: quiet, exit 0', async (_name, args) => {
    const r = await runTo('closed-pipe', tool, args);
    expect(r.stderr).toBe('');
    expect(r.signal).toBe(null);
    expect(r.code).toBe(0);
  });
});
