// Parity with the Perl tools: stackcollapse and range-perf against the outputs that
// stackcollapse-perf.pl and range-perf.pl give for the same inputs (../shared/conformance).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as collapse } from '../src/collapse/cli.js';
import { main as range } from '../src/range/cli.js';
import { CONFORMANCE, HAVE_CONFORMANCE, runMain } from './helpers.js';

function input(stem: string): string {
  const plain = join(CONFORMANCE, 'perf', `${stem}.txt`);
  return existsSync(plain) ? plain : `${plain}.gz`;
}

const collapseCases: [string, string][] = HAVE_CONFORMANCE
  ? readdirSync(join(CONFORMANCE, 'collapse'))
      .filter((f) => f.endsWith('.folded'))
      .map((f) => {
        const m = /^(.*)\.(default|pid|tid|kernel|jit|all|addrs)\.folded$/.exec(f)!;
        return [m[1], m[2]];
      })
  : [];

const rangeCases: [string, string, string, string, boolean][] = HAVE_CONFORMANCE
  ? readdirSync(join(CONFORMANCE, 'range')).map((f) => {
      const m = /^(.*?)\.([\d.]+)-([\d.]+)(\.timezerosecs)?\.txt$/.exec(f)!;
      return [f, m[1], m[2], m[3], Boolean(m[4])];
    })
  : [];

describe.skipIf(!HAVE_CONFORMANCE)('stackcollapse = stackcollapse-perf.pl', () => {
  it('covers 15 inputs x 7 option sets', () => {
    expect(collapseCases.length).toBe(105);
  });
  it.each(collapseCases)('%s --%s', async (stem, opt) => {
    const args = opt === 'default' ? [] : [`--${opt}`];
    const r = await runMain(collapse, [...args, input(stem)], '');
    expect(r.code).toBe(0);
    const want = readFileSync(join(CONFORMANCE, 'collapse', `${stem}.${opt}.folded`));
    expect(r.stdout.toString('latin1')).toBe(want.toString('latin1'));
  });
});

describe.skipIf(!HAVE_CONFORMANCE)('range-perf = range-perf.pl', () => {
  it('has cases', () => {
    expect(rangeCases.length).toBeGreaterThanOrEqual(38);
  });
  it.each(rangeCases)('%s', async (file, stem, start, end, zerosecs) => {
    const args = [...(zerosecs ? ['--timezerosecs'] : []), start, end, input(stem)];
    const r = await runMain(range, args, '');
    expect(r.code).toBe(0);
    const want = readFileSync(join(CONFORMANCE, 'range', file));
    expect(r.stdout.equals(want)).toBe(true);
  });
});
