// The shared runtime's pieces on their own: gzip decided by content (not by name), the one
// way input is cut into chunks of whole lines, the output sink, and runMain's message for
// an unexpected error.
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isGzip, resolveInputs } from '../src/runtime/input.js';
import { cutLines, LINE_CHUNK, splitLines } from '../src/runtime/lines.js';
import { FdWriter } from '../src/runtime/fd-io.js';
import { OutputSink } from '../src/runtime/output.js';
import { Progress } from '../src/runtime/progress.js';
import { addFrameNamingFlags, addWeightFlag, frameNamingArgs, toFrameNaming, WEIGHT_DEFAULT } from '../src/runtime/flag-groups.js';
import { Command } from 'commander';
import { runMain } from '../src/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'flamekit-runtime-'));

describe('gzip by content', () => {
  const text = Buffer.from('a;b 1\n'.repeat(1000));
  const cases: [string, Buffer, boolean][] = [
    ['plain.txt', text, false],
    ['plain.gz', text, false],
    ['packed.txt', gzipSync(text), true],
    ['packed', gzipSync(text), true],
    ['packed.gz', gzipSync(text), true],
  ];
  for (const [name, bytes, gz] of cases) {
    it(`${name}: gzip ${gz}`, () => {
      const path = join(tmp, name);
      writeFileSync(path, bytes);
      const [input] = resolveInputs([path]);
      expect(input.gzip).toBe(gz);
      expect(isGzip(input.head!)).toBe(gz);
      // A gzip file's size is not what is read: no ETA for it, whatever its name.
      expect(Progress.totalOf([input])).toBe(gz ? null : bytes.length);
    });
  }
  it('one byte is never gzip', () => {
    expect(isGzip(Buffer.from([0x1f]))).toBe(false);
  });
});

describe('cutLines', () => {
  const line = (n: number) => 'x'.repeat(n) + '\n';
  const inputs = [
    '',
    'a\n',
    'a\nb',
    line(10).repeat(20000),
    line(LINE_CHUNK * 2) + line(3),
    line(5) + 'tail without a break',
  ];
  it.each(inputs.map((s, i) => [i, s] as const))('input %i: runs of whole lines, in order, nothing lost', (_i, s) => {
    const b = Buffer.from(s, 'latin1');
    const runs: string[] = [];
    const rest = cutLines(b, 0, b.length, (from, to) => {
      runs.push(b.toString('latin1', from, to));
    });
    for (const r of runs) {
      expect(r.endsWith('\n')).toBe(true);
      // At most LINE_CHUNK unless the run is one line.
      if (r.length > LINE_CHUNK) expect(r.indexOf('\n')).toBe(r.length - 1);
    }
    expect(runs.join('') + b.toString('latin1', rest)).toBe(s);
    expect(s.slice(rest).includes('\n')).toBe(false);
  });
  it('stops when push says so', () => {
    const b = Buffer.from(line(LINE_CHUNK).repeat(3), 'latin1');
    let n = 0;
    expect(cutLines(b, 0, b.length, () => ++n < 2)).toBe(-1);
    expect(n).toBe(2);
  });
  it('splitLines gives the same lines', () => {
    const s = line(100).repeat(3000);
    const got = [...splitLines(Buffer.from(s, 'latin1'))];
    expect(got.length).toBeGreaterThan(1);
    expect(got.map((c) => c.text).join('')).toBe(s);
  });
});

describe('shared flag groups', () => {
  it.each([
    [[], []],
    [['--tid'], ['--tid']],
    [['--pid', '--tid'], ['--tid']],
    [['--kernel', '--jit'], ['--all']],
    [['--all', '--addrs', '--pid'], ['--pid', '--all', '--addrs']],
    [['--jit'], ['--jit']],
  ])('%j: options, and the flags that give them back', (flags, back) => {
    const parse = (argv: string[]) => addFrameNamingFlags(new Command()).parse(argv, { from: 'user' }).opts();
    const naming = toFrameNaming(parse(flags));
    expect(frameNamingArgs(naming)).toEqual(back);
    expect(toFrameNaming(parse(back))).toEqual(naming);
  });
  it('--weight shows its default from the table', () => {
    const help = addWeightFlag(new Command()).helpInformation();
    expect(help).toContain(`default: "${WEIGHT_DEFAULT}")`);
  });
});

describe('OutputSink.idle: every Buffer handed to the OS', () => {
  it('not while bytes are queued, nor while the stream still holds them; then yes', async () => {
    let release: (() => void) | null = null;
    const stream = new Writable({
      highWaterMark: 1 << 24,
      write(_chunk, _enc, cb) {
        release = () => cb();
      },
    });
    const sink = new OutputSink(stream);
    expect(sink.idle).toBe(true);
    sink.writeBytes(Buffer.from('queued, not yet written\n'));
    expect(sink.idle).toBe(false);
    await sink.flush(true);
    // Handed to the stream, which has not finished writing it.
    expect(stream.writableLength).toBeGreaterThan(0);
    expect(sink.idle).toBe(false);
    release!();
    expect(sink.idle).toBe(true);
  });
});

describe('OutputSink over FdWriter: strings encoded into one reused Buffer', () => {
  it('flushes of growing and shrinking size, strings and Buffers mixed: the file holds every byte in order', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'flamekit-sink-')), 'out.txt');
    const fd = openSync(path, 'w');
    const sink = new OutputSink(new FdWriter(fd), 'utf8');
    const want: string[] = [];
    const put = (s: string) => {
      sink.write(s);
      want.push(s);
    };
    // 3 pieces of 100 KB (one flush), then 7 (bigger: the Buffer grows), then 1 (smaller:
    // part of it), with a Buffer and non-ASCII text between the strings.
    for (const [n, mark] of [[3, 'a'], [7, 'b'], [1, 'c']] as const) {
      for (let i = 0; i < n; i++) put(`${mark}${i}:${'é'.repeat(50_000)}\n`);
      const b = Buffer.from(`bytes after ${mark}\n`);
      sink.writeBytes(b);
      want.push(b.toString());
      put(`${mark} end\n`);
      await sink.flush(true);
    }
    await sink.end();
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe(want.join(''));
  });
});

describe('runMain: an unexpected error is one line naming where it happened', () => {
  async function run(thrown: unknown): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const sink = (keep: boolean) => new Writable({ write(chunk, _enc, done) { if (keep) stderr += String(chunk); done(); } });
    const io = { stdin: Readable.from([]), stdout: sink(false), stderr: sink(true), env: {} };
    const code = await runMain('tool', io, () => 'usage: tool', async () => {
      throw thrown;
    });
    return { code, stderr };
  }

  it('a trap of the WebAssembly core (out of memory, or a bug) is an internal error in the core', async () => {
    expect(await run(new WebAssembly.RuntimeError('unreachable'))).toEqual({ code: 1, stderr: 'tool: internal error in the WebAssembly core: unreachable (set DEBUG=1 for a stack trace)\n' });
  });

  it('any other unexpected error is an internal error, without a place', async () => {
    expect(await run(new TypeError('x is not a function'))).toEqual({ code: 1, stderr: 'tool: internal error: x is not a function (set DEBUG=1 for a stack trace)\n' });
  });
});
