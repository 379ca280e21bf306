import { describe, expect, it } from 'vitest';
import { formatFoldedLine, parseFoldedLine, splitFrames } from '../src/parse/folded.js';

// flamegraph.pl's line rule, /^(.*)\s+?(\d+(?:\.\d*)?)$/, with the differential second pass.
describe('parseFoldedLine', () => {
  it.each([
    ['main;foo;bar 42', { stack: 'main;foo;bar', count: 42 }],
    ['main;foo 12.5', { stack: 'main;foo', count: 12.5 }],
    ['main;foo 12.', { stack: 'main;foo', count: 12 }],
    ['a;d  7', { stack: 'a;d ', count: 7 }], // the greedy (.*) keeps one space
    ['a;b\t3', { stack: 'a;b', count: 3 }],
    [' 5', { stack: '', count: 5 }],
    ['a;b 0 4', { stack: 'a;b', count: 4, before: 0 }],
    ['a;b 1.5 2', { stack: 'a;b', count: 2, before: 1.5 }],
    ['frame 12;x 3', { stack: 'frame 12;x', count: 3 }],
    ['comm 1234 5', { stack: 'comm', count: 5, before: 1234 }], // flamegraph.pl's pitfall, kept
    ['# comment 3', { stack: '# comment', count: 3 }],
    ['a;b 5\r', { stack: 'a;b', count: 5 }], // CRLF: one trailing \r is dropped
    ['a;b 123456789012345678', { stack: 'a;b', count: 123456789012345678 }],
  ])('%j', (line, want) => {
    expect(parseFoldedLine(line)).toEqual(want);
  });

  it.each([['a;b 5 '], ['a;b .5'], ['a;b -3'], ['a;b 1e3'], ['a;b'], ['5'], [''], ['a;b 1.2.3'], ['a;b 5\r\r']])('%j is invalid', (line) => {
    expect(parseFoldedLine(line)).toBeNull();
  });
});

describe('splitFrames (Perl split ";")', () => {
  it.each([
    ['a;b;c', ['a', 'b', 'c']],
    ['a;;b', ['a', '', 'b']],
    [';a', ['', 'a']],
    ['a;b;;', ['a', 'b']],
    [';', []],
    ['', []],
  ])('%j -> %j', (stack, frames) => {
    expect(splitFrames(stack)).toEqual(frames);
  });
});

describe('formatFoldedLine', () => {
  it.each([
    [['a', 'b'], 3, undefined, 'a;b 3'],
    ['x;y', 1.5, undefined, 'x;y 1.5'],
    ['x', 4, 2, 'x 2 4'],
  ] as const)('%j %d', (frames, count, before, want) => {
    expect(formatFoldedLine(frames as string | string[], count, before)).toBe(want);
  });
  it('round-trips through parseFoldedLine', () => {
    const line = formatFoldedLine(['java', 'start_thread', 'run'], 17);
    expect(parseFoldedLine(line)).toEqual({ stack: 'java;start_thread;run', count: 17 });
  });
});
