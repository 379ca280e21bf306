// range-perf stops at END on any input (README: reading stops at the first sample after
// END): on a pipe, a FIFO named on the command line, a FIFO on stdin, and gzip through
// each, whose writer stays open, it prints the window, closes its input and exits.
// Its output is the same bytes as from the regular file.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, spawnBin } from './helpers.js';

const recorded = join(FIXTURES, 'perf', 'recorded-pthreads-header.txt');
// What fits in a FIFO's buffer (64 KiB on Linux), so that writing it never blocks: the
// window and the first sample past it are well inside.
const plain = readFileSync(recorded).subarray(0, 60_000);
const gzipped = gzipSync(plain);
// A window at the start: most of the input comes after END.
const WINDOW = ['0', '0.1'];
const dir = mkdtempSync(join(tmpdir(), 'flamekit-range-stop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A hang detector, not a timing assertion: the tool ends in well under a second. */
const HANG_MS = 30_000;

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function wait(child: ReturnType<typeof spawn>): Promise<Run> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => err.push(c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`range-perf did not exit within ${HANG_MS} ms with its writer open`));
    }, HANG_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() });
    });
  });
}

const bin = join(ROOT, 'bin', 'range-perf.js');

describe.each([
  ['plain', plain],
  ['gzip', gzipped],
])('range-perf on %s input whose writer stays open', (_kind, data) => {
  const expected = async () => {
    const file = join(dir, 'expected.txt');
    writeFileSync(file, plain);
    const r = await spawnBin('range-perf', [...WINDOW, file]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(1000);
    expect(r.stdout.length).toBeLessThan(plain.length / 2);
    return r.stdout;
  };

  it('a pipe on stdin', async () => {
    const child = spawn(process.execPath, [bin, ...WINDOW], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin!.on('error', () => {});
    child.stdin!.write(data);
    // stdin is not ended: the writer stays.
    const r = await wait(child);
    child.stdin!.destroy();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.equals(await expected())).toBe(true);
  });

  it.skipIf(process.platform !== 'linux')('a FIFO named on the command line', async () => {
    const fifo = join(dir, `named-${_kind}`);
    execFileSync('mkfifo', [fifo]);
    // Read and write: the open never blocks, and this end keeps a writer on the FIFO.
    const w = openSync(fifo, 'r+');
    try {
      writeSync(w, data);
      const child = spawn(process.execPath, [bin, ...WINDOW, fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
      const r = await wait(child);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.equals(await expected())).toBe(true);
    } finally {
      closeSync(w);
    }
  });

  it.skipIf(process.platform !== 'linux')('a FIFO on stdin', async () => {
    const fifo = join(dir, `stdin-${_kind}`);
    execFileSync('mkfifo', [fifo]);
    const w = openSync(fifo, 'r+');
    // The tool's stdin is a read end; this process holds a writer.
    const fd = openSync(fifo, 'r');
    try {
      writeSync(w, data);
      const child = spawn(process.execPath, [bin, ...WINDOW], { stdio: [fd, 'pipe', 'pipe'] });
      const r = await wait(child);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.equals(await expected())).toBe(true);
    } finally {
      closeSync(fd);
      closeSync(w);
    }
  });
});
