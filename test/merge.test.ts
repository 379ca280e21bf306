// Folded stacks merge: collapsing pieces of a profile (cut at sample boundaries, as on
// several hosts or with xargs -P) and summing them equals collapsing the whole, and
// flamegraph-svg given the pieces draws the same SVG as from the whole.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, spawnBin } from './helpers.js';

function parseFolded(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), (m.get(line.slice(0, i)) ?? 0) + Number(line.slice(i + 1)));
  }
  return m;
}

/** Cuts `text` after a blank line once a piece passes `size` bytes (the README's awk). */
function cutAtSamples(text: string, size: number): string[] {
  const pieces: string[] = [];
  let cur = '';
  for (const line of text.split(/(?<=\n)/)) {
    cur += line;
    if (/^[ \t\r]*\n$/.test(line) && cur.length > size) {
      pieces.push(cur);
      cur = '';
    }
  }
  if (cur) pieces.push(cur);
  return pieces;
}

describe.each([
  ['recorded', () => readFileSync(join(FIXTURES, 'perf', 'recorded-pthreads-header.txt'), 'latin1'), 20000],
  [
    'generated 4 MB',
    () => {
      const f = join(mkdtempSync(join(tmpdir(), 'flamekit-merge-')), 'c.txt');
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'gen-corpus.mjs'), '--mb', '4', '--seconds', '60', '--out', f], { stdio: 'ignore' });
      return readFileSync(f, 'latin1');
    },
    900_000,
  ],
] as const)('%s profile, collapsed in pieces', (_name, load, size) => {
  let dir = '';
  let pieces: string[] = [];
  let whole = '';
  beforeAll(() => {
    const text = load();
    dir = mkdtempSync(join(tmpdir(), 'flamekit-merge-'));
    writeFileSync(join(dir, 'whole.txt'), text, 'latin1');
    pieces = cutAtSamples(text, size);
    pieces.forEach((p, i) => writeFileSync(join(dir, `part-${i}.txt`), p, 'latin1'));
    whole = execFileSync(process.execPath, [join(ROOT, 'bin', 'stackcollapse.js'), join(dir, 'whole.txt')], { encoding: 'latin1', maxBuffer: 1 << 28 });
    pieces.forEach((_p, i) =>
      writeFileSync(join(dir, `part-${i}.folded`), execFileSync(process.execPath, [join(ROOT, 'bin', 'stackcollapse.js'), join(dir, `part-${i}.txt`)], { maxBuffer: 1 << 28 }), 'latin1'),
    );
  });

  it('is cut in several pieces', () => {
    expect(pieces.length).toBeGreaterThanOrEqual(3);
  });

  it('sums to the folded stacks of the whole', () => {
    const sum = new Map<string, number>();
    pieces.forEach((_p, i) => {
      for (const [k, v] of parseFolded(readFileSync(join(dir, `part-${i}.folded`), 'latin1'))) sum.set(k, (sum.get(k) ?? 0) + v);
    });
    expect(sum).toEqual(parseFolded(whole));
  });

  it('draws the same SVG from the pieces as from the whole', async () => {
    writeFileSync(join(dir, 'whole.folded'), whole, 'latin1');
    const a = await spawnBin('flamegraph-svg', [join(dir, 'whole.folded')]);
    const b = await spawnBin('flamegraph-svg', pieces.map((_p, i) => join(dir, `part-${i}.folded`)));
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(b.stdout.equals(a.stdout)).toBe(true);
  });
});
