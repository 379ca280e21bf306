// The table of stacks and its writer (src/collapse/stack-table.ts, folded-writer.ts): sorting
// on frame ids (on ranked names for big tables) must give the byte-wise order of the folded
// texts, and the writer, which copies the bytes a line shares with the line before, must
// write exactly the lines joined by hand, whatever the size of its Buffers. Tables whose
// names hold no ';' are sorted on keys of token ranks by V8's sort, others by our own
// comparisons; small tables write names with Buffer.write, big ones byte by byte: the
// drawn tables take every one of these ways.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StackTable } from '../src/collapse/stack-table.js';
import { writeFoldedChunks } from '../src/collapse/folded-writer.js';
import { params } from './arbitraries.js';

// Short names from few bytes, so that names are often prefixes of one another, and bytes
// on both sides of ';' (' ', '.', ':' sort before it, letters after), non-ASCII bytes, and
// ';' itself (a root may hold one). NUL and a tab sort before ' ' and ';'.
const ALPHABET = ['a', 'b', ':', '.', ' ', '~', '\xe9', '\xff', '\t', '\0', ';'];

/** A small deterministic generator, so that one drawn seed makes a table of thousands of stacks. */
function rng(seed: number): (n: number) => number {
  let x = seed | 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

function makeTable(seed: number, stacks: number, semicolons: boolean): { table: StackTable; texts: Map<string, number> } {
  const r = rng(seed);
  const letters = semicolons ? ALPHABET : ALPHABET.slice(0, -1);
  const names = new Set<string>();
  while (names.size < 40) {
    let s = '';
    for (let k = 1 + r(4); k > 0; k--) s += letters[r(letters.length)];
    names.add(s);
  }
  const pool = [...names];
  const table = new StackTable();
  const ids = pool.map((n) => table.intern(n));
  const texts = new Map<string, number>();
  // Stacks that share prefixes, as a profile's do: each starts from an earlier one.
  const made: number[][] = [];
  const byText = new Map<string, string>();
  for (let s = 0; s < stacks; s++) {
    const base = made.length > 0 && r(4) > 0 ? made[r(made.length)] : [];
    const seq = base.slice(0, r(base.length + 1));
    for (let k = r(4); k >= 0; k--) seq.push(r(pool.length));
    const text = seq.map((i) => pool[i]).join(';');
    // Names holding ';' can make one text of two sequences ('a;b' and 'a', 'b'): the
    // callers split names on ';' before interning, so keep one sequence per text.
    const key = seq.join(',');
    if ((byText.get(text) ?? key) !== key) continue;
    byText.set(text, key);
    made.push(seq);
    const count = 1 + r(1000);
    table.addSequence(seq.map((i) => ids[i]), count);
    texts.set(text, (texts.get(text) ?? 0) + count);
  }
  return { table, texts };
}

/** The folded lines as Perl would print them: texts sorted byte-wise (latin1: code units are bytes). */
function expected(texts: Map<string, number>): string {
  const keys = [...texts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((k) => `${k} ${texts.get(k)}\n`).join('');
}

function written(table: StackTable, size: number, reuse = false): string {
  const flags = { inexact: false, capped: false };
  // Each chunk is read before the next is asked for: with `reuse` the next overwrites it.
  let text = '';
  for (const b of writeFoldedChunks(table, size, flags, reuse)) text += b.toString('latin1');
  return text;
}

describe('the table of stacks and its writer', () => {
  it.each([
    ['a small table (exact comparisons)', 300],
    ['a big table (ranked names)', 3000],
  ])('%s sorts and writes the folded lines byte-wise, in Buffers of any size', (_, stacks) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), fc.constantFrom(16, 100, 4096, 1 << 20), fc.boolean(), (seed, semicolons, size, reuse) => {
        const { table, texts } = makeTable(seed, stacks, semicolons);
        expect(written(table, size, reuse)).toBe(expected(texts));
      }),
      { ...params, numRuns: Math.max(5, Math.floor(params.numRuns / 4)) },
    );
  });

  it('sorts stacks of thousands of frames, and a window among many more names', () => {
    const r = rng(7);
    const table = new StackTable();
    const names = Array.from({ length: 3000 }, (_, i) => `f${(i * 7919) % 3000}${'xy'[i % 2]}`);
    const texts = new Map<string, number>();
    const add = (t: StackTable, seq: number[], count: number) => {
      t.addSequence(seq.map((i) => t.intern(names[i])), count);
      const text = seq.map((i) => names[i]).join(';');
      texts.set(text, (texts.get(text) ?? 0) + count);
    };
    for (let s = 0; s < 500; s++) {
      const seq = [r(10)];
      for (let k = r(6); k > 0; k--) seq.push(r(names.length));
      add(table, seq, 1 + r(100));
      add(table, seq.slice(0, 1 + r(seq.length)), 1 + r(100));
    }
    add(table, Array.from({ length: 5000 }, (_, i) => i % 3), 5);
    add(table, Array.from({ length: 5001 }, (_, i) => i % 3), 6);
    expect(written(table, 1 << 16)).toBe(expected(texts));
    // A table sharing the names (as --per-window's do), with far fewer stacks than names.
    texts.clear();
    const win = new StackTable(table);
    for (let s = 0; s < 20; s++) add(win, [r(10), r(names.length), r(names.length)], 1 + r(9));
    expect(win.names.length).toBeGreaterThan(2 * win.size);
    expect(written(win, 1 << 16)).toBe(expected(texts));
  });

  it('writes a line longer than its Buffers whole', () => {
    const table = new StackTable();
    const long = 'x'.repeat(5000);
    table.addSequence([table.intern('a'), table.intern(long)], 2);
    table.addSequence([table.intern('a'), table.intern(long), table.intern('b')], 3);
    table.addSequence([table.intern('a')], 1);
    expect(written(table, 64)).toBe(`a 1\na;${long} 2\na;${long};b 3\n`);
  });
});
