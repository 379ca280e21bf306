// Both SVGs run only the viewer bundles as built (dist/viewer/*.js, from src/flamegraph/viewer/
// and src/heatmap/viewer/ by `npm run build:viewer`): every executable <script> must be a
// bundle, byte for byte, whatever the input or the options. Data travels as data (a JSON
// block that is never run, or an attribute), and no event-handler attribute or script link
// appears. Also: the CDATA wrapping cannot be closed by the text it wraps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as flamegraph } from '../src/flamegraph/cli.js';
import { main as heatmap } from '../src/heatmap/cli.js';
import { viewerBundlePath } from '../src/flamegraph/bundle.js';
import { scriptCdata } from '../src/svg.js';
import { xmlProblem } from './flamegraph-io.js';
import { FIXTURES, ROOT, runMain } from './helpers.js';

type Name = 'flamegraph' | 'heatmap' | 'latency';
const bundle = (name: Name) => readFileSync(join(ROOT, 'dist', 'viewer', `${name}.js`), 'utf8');

interface Script {
  type: string;
  text: string;
}

/** The <script> elements of an SVG: their type and their text, CDATA sections unwrapped. */
function scripts(svg: string): Script[] {
  return [...svg.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => {
    const type = /\btype="([^"]*)"/.exec(m[1])?.[1] ?? '';
    const text = m[2].replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
    return { type, text };
  });
}

/** Checks that the only code is the bundle, and returns the data blocks. */
function expectOnlyBundle(svg: string, name: Name): Script[] {
  expect(xmlProblem(svg)).toBeNull();
  const all = scripts(svg);
  const code = all.filter((s) => s.type !== 'application/json');
  expect(code).toHaveLength(1);
  expect(code[0].type).toBe('text/ecmascript');
  expect(code[0].text === bundle(name), 'the script is not the bundle as built').toBe(true);
  // Nothing runs from anywhere else: no handler attribute in any tag, no script link.
  const markup = svg.replace(/<script\b[\s\S]*?<\/script>/g, '');
  expect(markup).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
  expect(markup).not.toMatch(/href="\s*javascript:/i);
  return all.filter((s) => s.type === 'application/json');
}

describe('the SVGs carry only the bundled viewer', () => {
  it('the bundles are built, and the renderers read them from dist/viewer', () => {
    for (const name of ['flamegraph', 'heatmap', 'latency'] as const) {
      expect(viewerBundlePath(name)).toBe(join(ROOT, 'dist', 'viewer', `${name}.js`));
      expect(bundle(name).length).toBeGreaterThan(100);
      // Pure ASCII, so that --encoding output (ASCII) can carry it unchanged.
      // eslint-disable-next-line no-control-regex
      expect(/[^\x00-\x7f]/.test(bundle(name))).toBe(false);
    }
  });

  it.each([
    ['hostile/folded-markup.folded', []],
    ['flamegraph/hostile.folded', ['--title', ']]></script><script>alert(1)</script>', '--nametype', "');alert(1);//", '--encoding', 'ISO-8859-1']],
    ['flamegraph/simple.folded', ['--inverted', '--search-color', '#00ff00']],
  ])('flamegraph-svg %s %j', async (file, args) => {
    const r = await runMain(flamegraph, [...args, join(FIXTURES, file)]);
    expect(r.code).toBe(0);
    const data = expectOnlyBundle(r.stdout.toString('utf8'), 'flamegraph');
    expect(data).toEqual([]);
  });

  it('flamegraph-svg --no-javascript writes no script at all', async () => {
    const r = await runMain(flamegraph, ['--no-javascript', join(FIXTURES, 'flamegraph', 'simple.folded')]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString('utf8')).not.toMatch(/<script|data-viewer/);
  });

  it.each([
    ['hostile/markup-names.txt', []],
    ['hostile/xml-invalid-chars.txt', ['--title', ']]></script><script>alert(1)</script>', '--select', '0,1']],
    ['perf/recorded-pthreads.txt', ['--rows', '10', '--enhanced']],
  ])('heatmap-svg %s %j', async (file, args) => {
    const r = await runMain(heatmap, [...args, join(FIXTURES, file)]);
    expect(r.code).toBe(0);
    const data = expectOnlyBundle(r.stdout.toString('utf8'), 'heatmap');
    // One data block, which is JSON and nothing else.
    expect(data).toHaveLength(1);
    expect(() => JSON.parse(data[0].text)).not.toThrow();
  });

  it('heatmap-svg on two columns (a latency heat map)', async () => {
    const r = await runMain(heatmap, ['--steplat', '10', '--title', ']]></script><script>alert(1)</script>'], '1.5 20\n2.25 35\n3 ]]>\n4 80\n');
    expect(r.code).toBe(0);
    expect(expectOnlyBundle(r.stdout.toString('utf8'), 'latency')).toEqual([]);
  });

  it('a tampered SVG fails the check', () => {
    const r = `<svg xmlns="http://www.w3.org/2000/svg"><script type="text/ecmascript">${scriptCdata(bundle('heatmap') + ';alert(1)')}</script></svg>`;
    expect(() => expectOnlyBundle(r, 'heatmap')).toThrow();
  });
});

describe('scriptCdata', () => {
  it.each(['plain', 'a]]>b', ']]>', ']]]]>>', 'x]]', '<![CDATA[', ''])('%j is wrapped so that it reads back unchanged and stays well-formed', (code) => {
    const wrapped = scriptCdata(code);
    expect(wrapped.startsWith('<![CDATA[') && wrapped.endsWith(']]>')).toBe(true);
    expect(wrapped.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')).toBe(code);
    expect(xmlProblem(`<svg xmlns="http://www.w3.org/2000/svg"><script>${wrapped}</script></svg>`)).toBeNull();
  });
});
