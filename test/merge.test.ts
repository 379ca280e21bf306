// Folded stacks merge: collapsing pieces of a profile (cut at sample boundaries, as on
// several hosts or with xargs -P) and summing them equals collapsing the whole, and
// flamegraph-svg given the pieces draws the same SVG as from the whole. The tools run in
// this process (runTool): the point is what they compute, not the process boundary.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runTool } from './helpers.js';
import { DEFAULTS as CORPUS_DEFAULTS, generatePerf } from './gen/corpus.js';

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
      generatePerf({ ...CORPUS_DEFAULTS, mb: 4, seconds: 60, out: f });
      return readFileSync(f, 'latin1');
    },
    900_000,
  ],
] as const)('%s profile, collapsed in pieces', (_name, load, size) => {
  let dir = '';
  let pieces: string[] = [];
  let whole = '';
  beforeAll(async () => {
    const text = load();
    dir = mkdtempSync(join(tmpdir(), 'flamekit-merge-'));
    writeFileSync(join(dir, 'whole.txt'), text, 'latin1');
    pieces = cutAtSamples(text, size);
    pieces.forEach((p, i) => writeFileSync(join(dir, `part-${i}.txt`), p, 'latin1'));
    const collapse = async (file: string) => {
      const r = await runTool('stackcollapse', [file]);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    whole = (await collapse(join(dir, 'whole.txt'))).toString('latin1');
    for (let i = 0; i < pieces.length; i++) writeFileSync(join(dir, `part-${i}.folded`), await collapse(join(dir, `part-${i}.txt`)));
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
    const a = await runTool('flamegraph-svg', [join(dir, 'whole.folded')]);
    const b = await runTool('flamegraph-svg', pieces.map((_p, i) => join(dir, `part-${i}.folded`)));
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(b.stdout.equals(a.stdout)).toBe(true);
  });
});
