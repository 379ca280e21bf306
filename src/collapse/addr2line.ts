// --inline and --context: un-inline frames with binutils' addr2line, as
// stackcollapse-perf.pl does (`addr2line -a PC -e MOD -i -f -s -C`), with one cache entry
// per (pc, module). addr2line prints, after the address line, pairs of lines:
//   0x0000000000400577
//   inlined_callee
//   func_ab.c:5
//   func_b
//   func_ab.c:12
// The innermost function comes first; the result lists them root first, joined with ';'.
import { createRequire } from 'node:module';

// child_process (and net, dgram with it) is loaded only when --inline runs addr2line, so
// that the start-up of every other run does not pay for it.
let childProcessModule: typeof import('node:child_process') | null = null;
function childProcess(): typeof import('node:child_process') {
  childProcessModule ??= createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  return childProcessModule;
}

export class Addr2LineMissing extends Error {}

/** Fails with Addr2LineMissing when addr2line cannot be run. */
export function checkAddr2line(): void {
  try {
    childProcess().execFileSync('addr2line', ['--version'], { stdio: ['ignore', 'ignore', 'ignore'] });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Addr2LineMissing('addr2line');
    // It ran but complained: good enough to know it exists.
  }
}

/** Returns an `inline` function for the collapse core. */
export function makeInliner(context: boolean): (pc: string, sym: string, dso: string) => string | null {
  const cache = new Map<string, string>();
  return (pc, _sym, dso) => {
    const key = `${pc}\0${dso}`;
    let res = cache.get(key);
    if (res === undefined) {
      res = '';
      try {
        // latin1 both ways keeps non-UTF-8 paths and names byte-exact.
        const out = childProcess().execFileSync('addr2line', ['-a', pc, '-e', Buffer.from(dso, 'latin1').toString('latin1'), '-i', '-f', '-s', '-C'], {
          encoding: 'latin1',
          stdio: ['ignore', 'pipe', 'ignore'],
          maxBuffer: 16 << 20,
        });
        const lines = out.split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        lines.shift();
        const funcs: string[] = [];
        for (let i = 0; i + 1 < lines.length; i += 2) {
          const fn = lines[i].replace(/ \(discriminator \S+\)/, '');
          const loc = lines[i + 1].replace(/ \(discriminator \S+\)/, '');
          funcs.unshift(context ? `${fn}:${loc}` : fn);
        }
        res = funcs.join(';');
      } catch {
        res = '';
      }
      cache.set(key, res);
    }
    return res === '' ? null : res;
  };
}
