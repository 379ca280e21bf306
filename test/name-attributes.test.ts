// flamegraph-svg --nameattr FILE (src/flamegraph/name-attributes.ts): what it rejects,
// with FILE:LINE and exit 1, and the property that whatever the file holds, the SVG is
// well-formed XML, namespaces included (a browser refuses an unbound prefix), or the run
// stops with one message naming the line. The seed and run count are test/arbitraries.ts's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main as flamegraph } from '../src/flamegraph/cli.js';
import { formatNameAttributes, parseNameAttributes } from '../src/flamegraph/name-attributes.js';
import type { NameAttributes } from '../src/flamegraph/options.js';
import { params } from './arbitraries.js';
import { runMain } from './helpers.js';
import { wellFormedProblem } from './xml-namespaces.js';

const dir = mkdtempSync(join(tmpdir(), 'flamekit-nameattr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;

const FOLDED = 'main;foo;bar 300\nmain;baz 200\nmain;foo 100\n';

async function draw(attrFile: string) {
  const file = join(dir, `attrs-${seq++}.tsv`);
  writeFileSync(file, attrFile, 'latin1');
  const r = await runMain(flamegraph, ['--nameattr', file], FOLDED);
  return { ...r, file, svg: r.stdout.toString('utf8') };
}

describe('--nameattr rejects, with FILE:LINE and exit 1', () => {
  it.each([
    ['an extra the tool writes (g_extra id)', 'foo\tclass=x\nmain\tg_extra=id="x"\n', 2, `g_extra attribute 'id' is one flamegraph-svg writes itself: give it with the id= key`],
    ['an extra the tool writes (a_extra target)', 'main\thref=/m\ta_extra=target="_blank"\n', 1, `a_extra attribute 'target' is one flamegraph-svg writes itself: give it with the target= key`],
    ['an extra the tool writes (g_extra class)', 'main\tg_extra=class=x\n', 1, `g_extra attribute 'class' is one flamegraph-svg writes itself: give it with the class= key`],
    ['an unbound prefix', 'main\tg_extra=a:b="1"\n', 1, `g_extra attribute "a:b" is not a plain XML name without a prefix (ASCII letters, digits, '_', '.', '-'; not starting with a digit, '.', '-' or 'xml')`],
    ['xlink:href in an extra', 'main\ta_extra=xlink:href="/x"\n', 1, `a_extra attribute "xlink:href" is not a plain XML name without a prefix (ASCII letters, digits, '_', '.', '-'; not starting with a digit, '.', '-' or 'xml')`],
    ['a namespace declaration', 'main\tg_extra=xmlns="http://www.w3.org/1999/xhtml"\n', 1, `g_extra attribute "xmlns" is not a plain XML name without a prefix (ASCII letters, digits, '_', '.', '-'; not starting with a digit, '.', '-' or 'xml')`],
    ['a name that is not an XML name', 'main\tg_extra=1x="1"\n', 1, `g_extra attribute "1x" is not a plain XML name without a prefix (ASCII letters, digits, '_', '.', '-'; not starting with a digit, '.', '-' or 'xml')`],
    ['an extra twice in one list', 'main\tg_extra=data-a="1" data-a="2"\n', 1, `g_extra attribute 'data-a' given twice`],
    ['an extra in g_extra and a_extra (one <a> with an href)', 'main\thref=/m\tg_extra=data-a="1"\ta_extra=data-a="2"\n', 1, `attribute 'data-a' given twice for "main" (in g_extra and a_extra, which share the <a> of a link)`],
    ['a key twice on a line', 'main\tid=a\tid=b\n', 1, `'id' given twice for "main"`],
    ['a key twice over two lines of one function', 'main\ttitle=a\nfoo\ttitle=b\nmain\ttitle=c\n', 3, `'title' given twice for "main"`],
  ])('%s', async (_what, text, line, message) => {
    const r = await draw(text);
    expect(r.stderr).toBe(`flamegraph-svg: ${r.file}:${line}: ${message}\n`);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBe(0);
  });

  it('keeps what is fine: keys, extras on the <g> and the <a>, the fixture\'s file', async () => {
    const r = await draw('main\thref=/m\ttarget=_blank\tg_extra=data-g="1"\ta_extra=rel=noopener\nbaz\tid=z\tclass=c\tg_extra=style=\'fill:red\'\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(wellFormedProblem(r.svg)).toBe(null);
    expect(r.svg).toContain('<a xlink:href="/m" target="_blank" rel="noopener" data-g="1">');
    expect(r.svg).toContain('<g id="z" class="c" style="fill:red">');
  });
});

// Random attribute files, from pieces that have broken SVGs: the tool's own attributes,
// prefixes, namespace declarations, repeats, markup and quotes in values.
// Mostly names that are fine, so that many files are drawn and checked, not refused.
const BAD_EXTRA_NAMES = ['id', 'class', 'target', 'href', 'xlink:href', 'a:b', 'xmlns', 'xmlns:a', 'xml:lang', 'onclick', '1x', '-a', 'ä', 'x/y'];
const GOOD_EXTRA_NAMES = ['data-x', 'data-y', 'data-z', 'style', 'rel', '_a', 'a.b', '__proto__', 'constructor', 'fill', 'transform', 'opacity', 'lang', 'tabindex'];
const VALUE_CHARS = ['a', 'Z', '0', ' ', '<', '>', '&', '"', "'", '=', ';', ':', '/', '#', '\x01', '\x7f', 'é', '\u2028', '\uFFFE', 'url(', 'javascript:', '&amp;', ']]>', '--'];
const FUNCTIONS = ['main', 'foo', 'bar', 'baz', 'nobody', ''];
const KEYS = ['title', 'id', 'class', 'href', 'target', 'g_extra', 'a_extra', 'bogus', ''];

const valueArb = fc.array(fc.constantFrom(...VALUE_CHARS), { maxLength: 6 }).map((a) => a.join(''));
/** Values no rule drops as unsafe: none of url( and javascript:. */
const safeValueArb = fc.array(fc.constantFrom(...VALUE_CHARS.filter((c) => !/url|script/.test(c))), { maxLength: 6 }).map((a) => a.join(''));
const extraArb = fc
  .tuple(fc.oneof({ arbitrary: fc.constantFrom(...GOOD_EXTRA_NAMES), weight: 12 }, { arbitrary: fc.constantFrom(...BAD_EXTRA_NAMES), weight: 1 }), fc.constantFrom('"', "'", ''), valueArb, fc.constantFrom('=', ' = ', '='))
  .map(([n, q, v, eq]) => {
    if (q === '') return `${n}${eq}${v.replace(/[\s"']/g, '') || 'v'}`;
    return `${n}${eq}${q}${v.split(q).join('')}${q}`;
  });
const fieldArb = fc.oneof(
  fc.tuple(fc.constantFrom('g_extra', 'a_extra'), fc.uniqueArray(extraArb, { maxLength: 3, selector: (x) => x.split('=')[0].trim() })).map(([k, xs]) => `${k}=${xs.join(' ')}`),
  fc.tuple(fc.constantFrom(...KEYS), valueArb).map(([k, v]) => (k === '' ? v : `${k}=${v}`)),
  fc.constantFrom('href=https://example.com/x', 'href=javascript:alert(1)', 'href=/docs?a=1&b=2'),
);
const lineArb = (f: string) => fc.tuple(fc.uniqueArray(fieldArb, { minLength: 1, maxLength: 4, selector: (x) => x.split('=')[0] }), fc.constantFrom('\n', '\r\n')).map(([fs, nl]) => `${f}\t${fs.join('\t')}${nl}`);
// Mostly one line per function (a repeated key over two lines is refused), sometimes a repeat.
const fileArb = fc
  .tuple(fc.uniqueArray(fc.constantFrom(...FUNCTIONS), { minLength: 1, maxLength: 6 }), fc.option(fc.constantFrom(...FUNCTIONS), { freq: 4 }))
  .chain(([fs, again]) => fc.tuple(...[...fs, ...(again === null ? [] : [again])].map(lineArb)))
  .map((ls) => ls.join(''));

describe('--nameattr, any file', () => {
  it('gives a well-formed SVG (namespaces included), or stops with one FILE:LINE message and exit 1', async () => {
    let drawn = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fileArb, async (text) => {
        const r = await draw(Buffer.from(text, 'utf8').toString('latin1'));
        if (r.code === 0) {
          drawn++;
          expect(wellFormedProblem(r.svg)).toBe(null);
          expect(r.svg).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
          expect(r.svg).not.toMatch(/href\s*=\s*["']\s*javascript:/i);
        } else {
          refused++;
          expect(r.code).toBe(1);
          const lines = r.stderr.split('\n').filter((l) => !/: warning: /.test(l) && l !== '');
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatch(new RegExp(`^flamegraph-svg: ${r.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:[1-7]: `));
          expect(r.stdout.length).toBe(0);
        }
      }),
      params,
    );
    console.log(`--nameattr property: ${drawn} files drawn, ${refused} refused`);
  });

  const attrsArb: fc.Arbitrary<NameAttributes> = fc.record(
    {
      title: valueArb,
      id: valueArb,
      class: valueArb,
      href: fc.constantFrom('https://example.com/a?b=1', '/local#x', 'mailto:x@example.com'),
      target: fc.constantFrom('_top', '_blank', 'frame 1'),
      gExtra: fc.dictionary(fc.constantFrom('data-a', 'data-b', 'style', 'rel'), safeValueArb.map((v) => v.replace(/'/g, ''))),
      aExtra: fc.dictionary(fc.constantFrom('data-c', 'title2', 'fill'), safeValueArb.map((v) => v.replace(/"/g, ''))),
    },
    { requiredKeys: [] },
  );

  it('formatNameAttributes writes what parseNameAttributes reads back the same', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('main', 'foo', 'a b', 'x;y', '[unknown]'), attrsArb), (obj) => {
        const m = new Map(Object.entries(obj));
        const text = formatNameAttributes(m);
        const warnings: string[] = [];
        const back = parseNameAttributes(text, 'f.tsv', (k) => warnings.push(k));
        expect(warnings).toEqual([]);
        expect(back).toEqual(m);
        expect(formatNameAttributes(back)).toBe(text);
      }),
      params,
    );
  });
});
