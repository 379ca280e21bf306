// Properties of flamegraph-svg and heatmap-svg (fast-check), with the seed and run count
// of test/arbitraries.ts; run longer or elsewhere with
//   FC_RUNS=5000 FC_SEED=7 npx vitest run test/properties-svg.test.ts
// (FC_SEED=random draws a new seed and prints it on failure).
//
// - Every SVG from generated folded input is well-formed XML (the strict checker of
//   test/flamegraph-io.ts), whatever the names and counts, and whatever the chunking.
// - Every frame name reads back from its <title> tooltip: valid UTF-8 exactly, each bad
//   sequence as U+FFFD, and the code points XML cannot carry (C0 controls) dropped.
// - heatmap-svg: cells + idle + other events + untimed = the samples in the text; the SVG
//   is well-formed, its embedded names read back the same way, and chunking changes nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main as flamegraph } from '../src/flamegraph/cli.js';
import { HeatmapBuilder } from '../src/heatmap/heatmap.js';
import { main as heatmap } from '../src/heatmap/cli.js';
import { params, profileArb, render, sampleArb, type GenSample } from './arbitraries.js';
import { xmlProblem } from './flamegraph-io.js';
import { runMain } from './helpers.js';

/**
 * Pieces of a name: the bytes written into the input, and the text the tooltip must show.
 * Markup, entities, CDATA and comment ends, quotes, non-ASCII UTF-8 (2, 3 and 4 bytes),
 * invalid UTF-8 (each maximal bad sequence reads as one U+FFFD, as TextDecoder decodes),
 * and controls XML cannot carry. None starts with a UTF-8 continuation byte, so a piece
 * can never complete the bad sequence before it.
 */
const ATOMS: [bytes: string, text: string][] = [
  ...'abcxyz_019 :[]<>&/.=!?{}$#*%@~`|\\^'.split('').map((c) => [c, c] as [string, string]),
  ['</script>', '</script>'],
  [']]>', ']]>'],
  ['<![CDATA[', '<![CDATA['],
  // Entity-like text; no ';', which separates frames (and stackcollapse makes it ':').
  ['&nbsp', '&nbsp'],
  ['&#0', '&#0'],
  ['&#x1F525', '&#x1F525'],
  ['\xc3\xa9', 'é'],
  ['\xe4\xb8\xad', '中'],
  ['\xf0\x9f\x94\xa5', '🔥'],
  ['\xef\xbf\xbd', '\uFFFD'],
  ['\xff', '\uFFFD'],
  ['\xfe', '\uFFFD'],
  ['\xc3', '\uFFFD'],
  ['\xe2\x82', '\uFFFD'],
  ['\xc0\xaf', '\uFFFD\uFFFD'],
  ['\xed\xa0\x80', '\uFFFD\uFFFD\uFFFD'],
  ['\x01', ''],
  ['\x1b', ''],
  ['\x7f', '\x7f'],
  ['\t', '\t'],
];
/** Pieces only the folded reader sees whole: stackcollapse tidies quotes, '(' and '->'. */
const FOLDED_ONLY: [string, string][] = [
  ['<!--', '<!--'],
  ['"', '"'],
  ["'", "'"],
  ['(', '('],
  [')', ')'],
  ['->', '->'],
  ['-->', '-->'],
];

const atomsArb = (atoms: [string, string][]) =>
  fc
    .array(fc.constantFrom(...atoms), { minLength: 1, maxLength: 8 })
    .map((parts) => ({ bytes: parts.map((p) => p[0]).join(''), text: parts.map((p) => p[1]).join('') }));

interface Name {
  bytes: string;
  text: string;
}
/**
 * A frame name for folded input. The folded line rule ends a line in `\s+count`, so a
 * last frame that itself ends in whitespace and digits would be read as a differential
 * count; such names are mended with a trailing 'z' (flamegraph.pl's rule, documented).
 */
const foldedName: fc.Arbitrary<Name> = atomsArb([...ATOMS, ...FOLDED_ONLY]).map((n) =>
  /[\s\d.]$/.test(n.bytes) || n.text === '' ? { bytes: n.bytes + 'z', text: n.text + 'z' } : n,
);

const foldedArb = fc.record({
  stacks: fc.array(fc.record({ frames: fc.array(foldedName, { minLength: 1, maxLength: 6 }), count: fc.integer({ min: 1, max: 1_000_000 }) }), {
    minLength: 1,
    maxLength: 20,
  }),
  crlf: fc.boolean(),
});

function foldedText(p: { stacks: { frames: Name[]; count: number }[]; crlf: boolean }): Buffer {
  const nl = p.crlf ? '\r\n' : '\n';
  return Buffer.from(p.stacks.map((s) => `${s.frames.map((f) => f.bytes).join(';')} ${s.count}${nl}`).join(''), 'latin1');
}

function unescapeXml(s: string): string {
  return s.replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d))).replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)));
}
const tooltipNames = (svg: string) =>
  new Set([...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => unescapeXml(m[1]).replace(/ \([\d,]+ samples, [\d.]+%\)$/, '')));

describe('flamegraph-svg properties', () => {
  it('every SVG is well-formed XML, every name reads back from its tooltip, and chunking changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(foldedArb, fc.integer({ min: 1, max: 40 }), async (p, size) => {
        const input = foldedText(p);
        // --minwidth 0: every frame is drawn, however narrow.
        const r = await runMain(flamegraph, ['--minwidth', '0'], input);
        expect(r.code).toBe(0);
        const svg = r.stdout.toString('utf8');
        expect(xmlProblem(svg)).toBeNull();
        expect(svg.match(/<script/g)).toHaveLength(1);
        const names = tooltipNames(svg);
        for (const s of p.stacks) for (const f of s.frames) expect(names).toContain(f.text);
        const chunked = await runMain(flamegraph, ['--minwidth', '0'], input, size);
        expect(chunked.stdout.equals(r.stdout)).toBe(true);
        expect(chunked.stderr).toBe(r.stderr);
      }),
      params,
    );
  });

  it('any bytes at all give well-formed XML: an SVG, or the error SVG with exit 1', async () => {
    const byteLine = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(byteLine, fc.option(fc.integer({ min: 0, max: 99 }))), { maxLength: 12 }), async (lines) => {
        const input = Buffer.from(lines.map(([t, n]) => (n === null ? t : `${t} ${n}`)).join('\n'), 'latin1');
        const r = await runMain(flamegraph, [], input);
        expect([0, 1]).toContain(r.code);
        const svg = r.stdout.toString('utf8');
        expect(xmlProblem(svg)).toBeNull();
        if (r.code === 1) expect(svg).toContain('>ERROR: No valid input provided to flamegraph-svg.</text>');
        expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      }),
      params,
    );
  });
});

// --- heatmap-svg --------------------------------------------------------------------------

/** Symbols that survive stackcollapse's tidying unchanged, so the name is known. */
const perfName: fc.Arbitrary<Name> = atomsArb(ATOMS.filter(([b]) => b !== '\t' && b !== '\x1b' && b !== '\x01')).map((n) => {
  // perf prints no leading or trailing blanks, and a symbol ending in +0x.. is an offset.
  const t = n.bytes.replace(/^ +| +$/g, '');
  return t === n.bytes && t !== '' && t !== '[unknown]' ? n : { bytes: 'f' + t + 'f', text: 'f' + n.text.replace(/^ +| +$/g, '') + 'f' };
});

/** Samples that may be idle or have no timestamp: what the heat map leaves out. */
const heatSampleArb: fc.Arbitrary<GenSample> = fc
  .tuple(sampleArb, fc.constantFrom('drawn', 'drawn', 'drawn', 'idle', 'untimed'))
  .map(([s, kind]) => ({ ...s, idle: kind === 'idle', untimed: kind === 'untimed' }));
const heatProfileArb = fc.record({
  samples: fc.array(heatSampleArb, { minLength: 1, maxLength: 25 }),
  crlf: fc.boolean(),
  start: fc.integer({ min: 1, max: 9_000_000 }),
});

describe('heatmap-svg properties', () => {
  it('cells + idle + other events + untimed = the samples in the text', () => {
    fc.assert(
      fc.property(heatProfileArb, (p) => {
        const b = new HeatmapBuilder({});
        b.push(render(p).text);
        b.endInput();
        const hm = b.result();
        const st = hm.stats;
        let cells = 0;
        for (const col of hm.columns.values()) for (const n of col) cells += n;
        let other = 0;
        for (const n of st.otherEvents.values()) other += n;
        expect(st.read).toBe(p.samples.length);
        expect(cells).toBe(st.samples);
        expect(cells + st.idle + other + st.untimed).toBe(st.read);
        expect(st.untimed).toBe(p.samples.filter((s) => s.untimed).length);
        // Each kind, counted from the generator: the kept event is the first timed sample's.
        const timed = p.samples.filter((s) => !s.untimed);
        const kept = timed[0]?.event;
        expect(other).toBe(timed.filter((s) => s.event !== kept).length);
        expect(st.idle).toBe(timed.filter((s) => s.event === kept && s.idle).length);
      }),
      params,
    );
  });

  // Found by the property above (seed 20261121); fixed in src/parse/perf-script.ts.
  it('a frame line whose symbol reads "1 a:" is a frame, not an untimed sample header', () => {
    const b = new HeatmapBuilder({});
    b.push('a 0 [000] 1.000000000: 1 cycles:\n\t    400004 1 a: (/usr/lib/libc.so.6)\n\na 0 [000] 1.000000000: 1 cycles:\n\n');
    b.endInput();
    const st = b.result().stats;
    expect(st.read).toBe(2);
  });

  it('a process name "a 0 a:" does not hide the pid and timestamp after it', () => {
    const b = new HeatmapBuilder({});
    b.push('a 0 a: 0 [000] 1.000000000: 1 cycles:\n\na 0 [000] 1.000000000: 1 cycles:\n\n');
    b.endInput();
    const st = b.result().stats;
    expect(st.untimed).toBe(0);
  });

  it('the SVG is well-formed, names read back from the embedded table, and chunking changes nothing', async () => {
    const namedProfile = fc
      .tuple(
        profileArb,
        fc.array(fc.array(perfName, { minLength: 1, maxLength: 4 }), { minLength: 25, maxLength: 25 }),
        fc.integer({ min: 1, max: 40 }),
      )
      .map(([p, names, size]) => ({
        p: { ...p, samples: p.samples.map((s, i) => ({ ...s, event: 'cycles', frames: names[i].map((n) => ({ sym: n.bytes, dso: '/usr/lib/libc.so.6' })) })) },
        names: names.slice(0, p.samples.length).flat(),
        size,
      }));
    await fc.assert(
      fc.asyncProperty(namedProfile, async ({ p, names, size }) => {
        const input = Buffer.from(render(p).text, 'latin1');
        const r = await runMain(heatmap, [], input);
        expect(r.code).toBe(0);
        expect(r.stderr).toBe('');
        const svg = r.stdout.toString('utf8');
        expect(xmlProblem(svg)).toBeNull();
        const m = /id="heatmap-data"><!\[CDATA\[\n(.*?)\n\]\]>/s.exec(svg)!;
        expect(m[1]).not.toMatch(/[<>&]/);
        const table = new Set<string>(JSON.parse(m[1]).names);
        for (const n of names) expect(table).toContain(n.text);
        const chunked = await runMain(heatmap, [], input, size);
        expect(chunked.stdout.equals(r.stdout)).toBe(true);
      }),
      params,
    );
  });
});
