// The fuzz harness's own checks (test/fuzz/fuzz.ts, test/xml-namespaces.ts), on inputs
// where the answer is known: a check that cannot fail would let every mutant pass.
import { describe, expect, it } from 'vitest';
import { sumFolded, timeSpan, wholeLinesInOrder } from './fuzz/fuzz.js';
import { mutate, Rng } from './fuzz/mutate.js';
import { namespaceProblem, wellFormedProblem } from './xml-namespaces.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('fuzz checks', () => {
  it.each([
    ['a\nb\nc\n', 'a\nc\n', true],
    ['a\nb\nc\n', 'c\na\n', false],
    ['a\nb\nc\n', 'b', false],
    ['ab\nb\n', 'b\n', true],
    ['a\nb\n', 'a\nb\nb\n', false],
    ['a\nb', 'b', true],
    ['x\n', '', true],
  ])('wholeLinesInOrder(%j, %j) is %s', (input, out, want) => {
    expect(wholeLinesInOrder(b(out), b(input))).toBe(want);
  });

  it('timeSpan and sumFolded read what the mutants hold', () => {
    expect(timeSpan('a 1 [000] 100.5: cycles: \nb 2 [000] 4300000100.25: cycles: \n')).toBe(4300000000);
    expect(timeSpan('no times\n')).toBe(0);
    expect(sumFolded(b('a;b 3\nc 18446744073709551616\nbad\n'))).toBe(18446744073709551619n);
  });

  it.each([
    ['<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="x"/></svg>', null],
    ['<svg><g a:b="1"/></svg>', 'unbound prefix a on attribute a:b at 5'],
    ['<svg><a:g/></svg>', 'unbound prefix a on <a:g> at 5'],
    ['<svg xmlns:a="u" xmlns:b="u"><g a:x="1" b:x="2"/></svg>', 'attribute {u}x twice at 29'],
    ['<svg><g xml:lang="en" a:b:c="1"/></svg>', 'attribute name a:b:c is not a qualified name, at 5'],
    ['<svg><g xmlns:p="u"/><p:x/></svg>', 'unbound prefix p on <p:x> at 21'],
  ])('namespaceProblem(%j)', (xml, want) => {
    expect(namespaceProblem(xml)).toBe(want);
  });

  it('wellFormedProblem also runs the strict checker', () => {
    expect(wellFormedProblem('<svg><g id="1" id="2"/></svg>')).toMatch(/duplicate attribute id/);
    expect(wellFormedProblem('<svg><g>&nbsp;</g></svg>')).toMatch(/undefined entity/);
  });

  it('mutants are the same for the same seed, and differ from the fixture', () => {
    const seed = b('java 1 [000] 100.000001: cycles:\n\t1 main (/x)\n\n');
    const a = mutate(seed, seed, new Rng(7));
    const again = mutate(seed, seed, new Rng(7));
    expect(again.bytes.equals(a.bytes)).toBe(true);
    expect(again.ops).toEqual(a.ops);
    let changed = 0;
    for (let k = 0; k < 50; k++) if (!mutate(seed, seed, new Rng(k)).bytes.equals(seed)) changed++;
    expect(changed).toBeGreaterThan(40);
  });
});
