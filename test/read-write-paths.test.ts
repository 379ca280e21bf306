// The read and write paths that session 7 changed for the per-second loop's fixed costs:
// flamegraph-svg reads a named file in 64 KiB reads into one reused Buffer (the line cut by
// each read, and a file shorter than the sniffed head, must come out whole), and OutputSink
// encodes the strings of a flush straight into one Buffer (utf8 and latin1, mixed with
// Buffers, must give the bytes that encoding each piece alone gives).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputSink } from '../src/runtime/output.js';
import { main } from '../src/flamegraph/cli.js';
import { runMain } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flamekit-rw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Folded stacks of `n` lines whose lengths vary, so that lines straddle every 64 KiB read. */
function folded(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `main;f${i % 37};${'g'.repeat(i % 251)}${i % 5 === 0 ? ';ü€' : ''};leaf${i % 11} ${100 + (i % 7)}\n`;
  return s;
}

describe('flamegraph-svg reads a named file as it reads stdin', () => {
  it.each([
    ['under the 4 KiB sniff', 20],
    ['several 64 KiB reads', 3000],
  ])('%s', async (_name, n) => {
    const text = folded(n);
    const file = join(dir, `in-${n}.folded`);
    writeFileSync(file, text);
    const byName = await runMain(main, ['--no-javascript', file]);
    const byStdin = await runMain(main, ['--no-javascript'], Buffer.from(text, 'utf8'), 4096);
    expect(byName.code).toBe(0);
    expect(byName.stderr).toBe('');
    expect(byName.stdout.length).toBeGreaterThan(1000);
    expect(byName.stdout.equals(byStdin.stdout)).toBe(true);
  });
});

describe('OutputSink encodes the strings of a flush as each alone', () => {
  it.each(['utf8', 'latin1'] as const)('%s', async (encoding) => {
    const got: Buffer[] = [];
    const stream = new Writable({
      write(c, _e, cb) {
        got.push(Buffer.from(c));
        cb();
      },
    });
    const sink = new OutputSink(stream, encoding);
    const pieces: (string | Buffer)[] = ['a', 'ü€ and \ud83d\ude00', 'lone \ud800 surrogate', Buffer.from([0, 255, 10]), 'x'.repeat(70_000), 'é', 'ÿ', Buffer.from('tail')];
    const want: Buffer[] = [];
    for (const p of pieces) {
      if (typeof p === 'string') {
        sink.write(p);
        want.push(Buffer.from(p, encoding));
      } else {
        sink.writeBytes(p);
        want.push(p);
      }
    }
    await sink.end();
    expect(Buffer.concat(got).equals(Buffer.concat(want))).toBe(true);
  });
});
