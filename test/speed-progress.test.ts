// The progress line of long runs: on a terminal only, never with --quiet, wiped at the end.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Progress, type IO } from '../src/cli.js';
import { main as collapse } from '../src/collapse/cli.js';
import { FIXTURES } from './helpers.js';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';

function terminal(isTTY: boolean): { io: IO; text: () => string } {
  let err = '';
  const stderr = Object.assign(
    new Writable({
      write(c, _e, cb) {
        err += c.toString();
        cb();
      },
    }),
    { isTTY },
  );
  const io: IO = { stdin: Readable.from([]), stdout: new Writable({ write: (_c, _e, cb) => cb() }), stderr, env: {} };
  return { io, text: () => err };
}

describe('Progress', () => {
  it('shows bytes, share, ETA and samples once the run has taken a second, at most 4 times a second', () => {
    let t = 0;
    const { io, text } = terminal(true);
    const p = new Progress(io, 'stackcollapse', 2e6, false, () => t);
    p.update(1e5, 10);
    expect(text()).toBe(''); // not long yet
    t = 2000;
    p.update(1e6, 1234);
    expect(text()).toBe('\rstackcollapse: 1.0 MB of 2.0 MB (50%), ETA 2 s, 1,234 samples\x1b[K');
    t = 2100;
    p.update(1.5e6, 2000);
    expect(text()).not.toContain('1.5 MB'); // too soon to redraw
    p.done();
    expect(text().endsWith('\r\x1b[K')).toBe(true);
  });

  it('says nothing when stderr is not a terminal, or with --quiet', () => {
    let t = 0;
    for (const [tty, quiet] of [
      [false, false],
      [true, true],
    ]) {
      const { io, text } = terminal(tty);
      const p = new Progress(io, 'range-perf', null, quiet, () => t);
      t += 5000;
      p.update(1e9, null);
      p.done();
      expect(text()).toBe('');
    }
  });

  it('gives no ETA when the size is unknown (stdin, gzip)', () => {
    let t = 0;
    const { io, text } = terminal(true);
    const p = new Progress(io, 'range-perf', Progress.totalOf([{ name: 'stdin', path: null, size: null }]), false, () => t);
    t = 1500;
    p.update(3.2e8, 5);
    expect(text()).toBe('\rrange-perf: 320 MB, 5 samples\x1b[K');
  });

  it('leaves a short run on a terminal without a progress line', async () => {
    const { io, text } = terminal(true);
    io.stdin = Readable.from([readFileSync(join(FIXTURES, 'perf', 'recorded-pthreads.txt'))]);
    (io.stdin as Readable & { isTTY?: boolean }).isTTY = false;
    expect(await collapse([], io)).toBe(0);
    expect(text()).toBe('');
  });
});
