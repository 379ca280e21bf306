// stackcollapse --inline / --context: frames un-inlined by binutils' addr2line, on a
// program compiled here (needs gcc and addr2line; skipped with a note without them).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/collapse/cli.js';
import { FIXTURES, runMain } from './helpers.js';

function have(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const HAVE = have('gcc') && have('addr2line') && have('nm');
if (!HAVE) console.warn('NOTE: gcc, nm or addr2line missing: --inline tests are skipped');

describe.skipIf(!HAVE)('stackcollapse --inline', () => {
  const dir = HAVE ? mkdtempSync(join(tmpdir(), 'flamekit-inline-')) : '';
  const bin = join(dir, 'inlined');
  if (HAVE) execFileSync('gcc', ['-O2', '-g', '-o', bin, join(FIXTURES, 'inline', 'inlined.c')]);
  const sym = (name: string) => {
    const line = execFileSync('nm', [bin], { encoding: 'utf8' }).split('\n').find((l) => l.endsWith(` ${name}`))!;
    return parseInt(line.split(' ')[0], 16);
  };
  // An address inside outer() that addr2line reports as inlined from inner().
  const inlinedAddr = (() => {
    if (!HAVE) return '';
    const start = sym('outer');
    for (let a = start; a < start + 256; a++) {
      const out = execFileSync('addr2line', ['-a', a.toString(16), '-e', bin, '-i', '-f', '-s', '-C'], { encoding: 'utf8' });
      if (/\ninner\n.*\nouter\n/s.test(out)) return a.toString(16);
    }
    return '';
  })();
  const text = () => `prog 1 [000] 1.0: 1 cycles:\n\t${inlinedAddr} outer+0x4 (${bin})\n\t${sym('main').toString(16)} main (${bin})\n\n`;

  it('finds an inlined address to test with', () => {
    expect(inlinedAddr).not.toBe('');
  });

  it('splits an inlined frame into its functions, root first', async () => {
    const r = await runMain(main, ['--inline'], text());
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.toString()).toBe('prog;main;outer;inner 1\n');
  });

  it('adds file:line with --context', async () => {
    const r = await runMain(main, ['--inline', '--context'], text());
    expect(r.stdout.toString()).toMatch(/^prog;main:inlined\.c:\d+;outer:inlined\.c:8;inner:inlined\.c:\d+ 1\n$/);
  });

  it('without --inline, the frame is the symbol perf printed', async () => {
    const r = await runMain(main, [], text());
    expect(r.stdout.toString()).toBe('prog;main;outer 1\n');
  });

  it('fails clearly when addr2line is not on PATH', async () => {
    const input = text();
    const old = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const r2 = await runMain(main, ['--inline'], input);
      expect(r2).toMatchObject({
        code: 1,
        stderr: "stackcollapse: --inline needs binutils' addr2line, which is not on PATH (install binutils, or drop --inline)\n",
      });
    } finally {
      process.env.PATH = old;
    }
  });
});
