import { describe, expect, it } from 'vitest';
import {
  codePointLength,
  cssFontFamily,
  decodeUtf8Bytes,
  escapeXml,
  escapeXmlAscii,
  formatFixed,
  formatPerlNumber,
  groupThousands,
  dropXmlInvalid,
  jsonForScript,
  parseCssColor,
  truncateLabel,
} from '../src/svg.js';

describe('escapeXml', () => {
  it.each([
    ['plain', 'plain'],
    ['a<b>&"c\'', 'a&#60;b&#62;&#38;&#34;c&#39;'],
    ['</script><script>alert(1)</script>', '&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;'],
    [']]>', ']]&#62;'],
    ['&nbsp;', '&#38;nbsp;'],
    ['tab\there', 'tab&#9;here'],
    ['cr\rlf\n', 'cr&#13;lf&#10;'],
    ['ctl\u0001\u001b\u0000x', 'ctlx'],
    ['del\u007fok', 'del\u007fok'],
    ['lone\uD800surrogate\uDC00', 'lonesurrogate'],
    ['pair\uD83D\uDD25', 'pair\uD83D\uDD25'],
    ['nonchar\uFFFE\uFFFF', 'nonchar'],
    ['é漢字', 'é漢字'],
  ])('%j -> %j', (input, want) => {
    expect(escapeXml(input)).toBe(want);
  });

  it('writes non-ASCII as numeric references in ASCII mode', () => {
    expect(escapeXmlAscii('café <🔥>')).toBe('caf&#233; &#60;&#128293;&#62;');
  });
});

describe('decodeUtf8Bytes', () => {
  it.each([
    ['ascii', 'ascii'],
    ['caf\u00c3\u00a9', 'café'],
    ['bad\u00ff\u00fe', 'bad\uFFFD\uFFFD'],
    ['\u00f0\u009f\u0094\u00a5', '🔥'],
  ])('%j -> %j', (bytes, text) => {
    expect(decodeUtf8Bytes(bytes)).toBe(text);
  });
});

describe('truncateLabel (flamegraph.pl: keep chars-2, add "..")', () => {
  it.each([
    ['hypercall_page', 9, false, 'hyperca..'],
    ['hypercall_page', 11, false, 'hypercall..'],
    ['hypercall_page', 14, false, 'hypercall_page'],
    ['hypercall_page', 13, false, 'hypercall_p..'],
    ['hypercall_page', 2, false, ''],
    ['abc', 3, false, 'abc'],
    ['abcd', 3, false, 'a..'],
    ['org/mozilla/Foo:.bar', 10, true, '..Foo:.bar'],
    ['🔥🔥🔥🔥🔥', 4, false, '🔥🔥..'],
  ])('%j in %d chars (left: %s) -> %j', (name, chars, left, want) => {
    expect(truncateLabel(name, chars, left)).toBe(want);
  });
  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('a🔥b')).toBe(3);
  });
});

describe('formatFixed (C printf %.Nf)', () => {
  it.each([
    [10.25, 1, '10.2'], // exact binary tie: to even, where toFixed says 10.3
    [10.75, 1, '10.8'],
    [2.5, 0, '2'],
    [3.5, 0, '4'],
    [0.125, 2, '0.12'],
    [1.005, 2, '1.00'], // 1.005 is below the tie in binary
    [344.2000000001, 1, '344.2'],
    [1180, 1, '1180.0'],
    [106.666666, 2, '106.67'],
    [-0.26, 2, '-0.26'],
    [0, 2, '0.00'],
    [1e12 + 0.5, 0, '1000000000000'],
    // Past 1e21 toFixed switches to exponent form; printf (and Perl's) prints the digits.
    [1e40, 2, '10000000000000000303786028427003666890752.00'],
    [-1e21, 0, '-1000000000000000000000'],
  ])('%d with %d digits -> %s', (x, d, want) => {
    expect(formatFixed(x, d)).toBe(want);
  });
  it('agrees with toFixed away from exact ties (random values)', () => {
    let seed = 7;
    for (let i = 0; i < 4000; i++) {
      seed = (seed * 48271) % 2147483647;
      const x = (seed / 2147483647) * 10 ** ((seed % 9) - 2);
      for (const d of [0, 1, 2]) {
        const t = x * 2 ** (d + 1);
        if (Number.isInteger(t) && t % 2 === 1) continue;
        expect(formatFixed(x, d)).toBe(x.toFixed(d));
      }
    }
  });
});

describe('formatPerlNumber (%.15g)', () => {
  it.each([
    [1141, '1141'],
    [271.5, '271.5'],
    [0.1 + 0.2, '0.3'],
    [1e-5, '1e-05'],
    [1e15 + 0.5, '1e+15'],
  ])('%d -> %s', (x, want) => {
    expect(formatPerlNumber(x)).toBe(want);
  });
});

describe('groupThousands', () => {
  it.each([
    ['1', '1'],
    ['999', '999'],
    ['1315', '1,315'],
    ['1234567', '1,234,567'],
    ['-1234', '-1,234'],
  ])('%s -> %s', (s, want) => {
    expect(groupThousands(s)).toBe(want);
  });
});

describe('jsonForScript', () => {
  it('escapes what could end a script, a CDATA section or start a reference', () => {
    const s = jsonForScript({ t: '</script>]]>&amp;\u2028' });
    expect(s).toBe('{"t":"\\u003c/script\\u003e]]\\u003e\\u0026amp;\\u2028"}');
    expect(JSON.parse(s)).toEqual({ t: '</script>]]>&amp;\u2028' });
  });
  it('escapes what XML cannot carry: controls, U+FFFE, U+FFFF and lone surrogates never appear raw', () => {
    const t = 'a\u0001\u001b\uFFFE\uFFFF\uD800b';
    const s = jsonForScript({ t });
    expect(s).toBe('{"t":"a\\u0001\\u001b\\ufffe\\uffff\\ud800b"}');
    expect(JSON.parse(s)).toEqual({ t });
  });
});

describe('dropXmlInvalid', () => {
  it.each([
    ['plain', 'plain'],
    ['a\u0000b\u0001c\u001bd\u007fe', 'abcd\u007fe'],
    ['tab\tnl\ncr\r', 'tab\tnl\ncr\r'],
    ['x\uFFFE\uFFFFy\uD800z', 'xyz'],
    ['<&>"\'', '<&>"\''],
    ['🔥\uFFFD', '🔥\uFFFD'],
  ])('%j -> %j', (input, want) => expect(dropXmlInvalid(input)).toBe(want));
});

describe('cssFontFamily', () => {
  it.each([
    ['Verdana', '"Verdana", sans-serif'],
    ['Verdana, serif', '"Verdana", serif'],
    ['monospace', 'monospace'],
    ['"DejaVu Sans", sans-serif', '"DejaVu Sans", sans-serif'],
    ['x;}</style><script>alert(1)</script>', '"x\\3b \\7d \\3c /style\\3e \\3c script\\3e alert(1)\\3c /script\\3e ", sans-serif'],
    ['', 'sans-serif'],
  ])('%j -> %j', (spec, want) => {
    expect(cssFontFamily(spec)).toBe(want);
  });
});

describe('parseCssColor', () => {
  it.each([
    ['#E600E6', '#e600e6'],
    ['#abc', '#abc'],
    ['rgb(230, 0, 230)', 'rgb(230,0,230)'],
    ['magenta', 'magenta'],
    ['rgb(256,0,0)', null],
    ['red;}', null],
    ['url(javascript:alert(1))', null],
  ])('%j -> %j', (s, want) => {
    expect(parseCssColor(s)).toBe(want);
  });
});
