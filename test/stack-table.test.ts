// The table of stacks and its writer (src/collapse/stack-table.ts, folded-writer.ts): sorting
// on frame ids (on ranked names for big tables) must give the byte-wise order of the folded
// texts, and the writer, which copies the bytes a line shares with the line before, must
// write exactly the lines joined by hand, whatever the size of its Buffers. Small tables
// are sorted and written as strings instead (sortedLineKeys): both ways are held to the
// same lines.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StackTable } from '../src/collapse/stack-table.js';
import { formatFoldedLines, SMALL_TEXT_BYTES, writeFoldedChunks } from '../src/collapse/folded-writer.js';
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

function makeTable(seed: number, stacks: number, semicolons: boolean, nul = true): { table: StackTable; texts: Map<string, number> } {
  const r = rng(seed);
  const letters = ALPHABET.filter((c) => (c !== ';' || semicolons) && (c !== '\0' || nul));
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

/** The writer's output; `small` is the most text written from strings (0: always as bytes). */
function written(table: StackTable, size: number, small = SMALL_TEXT_BYTES, reuse = false): string {
  const flags = { inexact: false, capped: false };
  // Each chunk is read before the next is asked for: with `reuse` the next overwrites it.
  let text = '';
  for (const b of writeFoldedChunks(table, size, flags, reuse, small)) text += b.toString('latin1');
  return text;
}

describe('the table of stacks and its writer', () => {
  it.each([
    ['a small table (exact comparisons)', 300],
    ['a big table (ranked names)', 3000],
  ])('%s sorts and writes the folded lines byte-wise, in Buffers of any size', (_, stacks) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), fc.constantFrom(16, 100, 4096, 1 << 20), (seed, semicolons, size) => {
        const { table, texts } = makeTable(seed, stacks, semicolons);
        expect(written(table, size)).toBe(expected(texts));
      }),
      { ...params, numRuns: Math.max(5, Math.floor(params.numRuns / 4)) },
    );
  });

  it('writes the same lines from strings (small tables) as from bytes, with or without NUL and ; in names, in reused Buffers too', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(16, 100, 4096),
        fc.boolean(),
        (seed, semicolons, nul, size, reuse) => {
          const { table, texts } = makeTable(seed, 300, semicolons, nul);
          const want = expected(texts);
          expect(written(table, size, 0, reuse)).toBe(want);
          expect(written(table, size, Infinity, reuse)).toBe(want);
          // --per-window's strings
          expect([...formatFoldedLines(table, { inexact: false, capped: false })].map((l) => `${l}\n`).join('')).toBe(want);
        },
      ),
      { ...params, numRuns: Math.max(5, Math.floor(params.numRuns / 4)) },
    );
  });

  it('notes counts past 2^53 and past the largest double on either path', () => {
    for (const small of [0, Infinity]) {
      const table = new StackTable();
      table.addSequence([table.intern('a')], 2 ** 60);
      table.addSequence([table.intern('b')], Infinity);
      table.addSequence([table.intern('c')], 0);
      const flags = { inexact: false, capped: false };
      const text = [...writeFoldedChunks(table, 64, flags, false, small)].map((b) => b.toString('latin1')).join('');
      expect(text).toBe(`a ${2n ** 60n} \nb ${BigInt(Number.MAX_VALUE)}\n`.replace(' \n', '\n'));
      expect(flags).toEqual({ inexact: true, capped: true });
    }
  });

  it('writes a line longer than its Buffers whole', () => {
    const table = new StackTable();
    const long = 'x'.repeat(5000);
    table.addSequence([table.intern('a'), table.intern(long)], 2);
    table.addSequence([table.intern('a'), table.intern(long), table.intern('b')], 3);
    table.addSequence([table.intern('a')], 1);
    for (const small of [0, Infinity]) expect(written(table, 64, small)).toBe(`a 1\na;${long} 2\na;${long};b 3\n`);
  });
});
