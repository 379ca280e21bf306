// flamegraph-svg: folded stacks in, one interactive SVG flame graph out. A drop-in for
// flamegraph.pl: the same flags with the same defaults, plus --diff (difffolded.pl built in).
//
//   stackcollapse perf.txt | flamegraph-svg --title 'CPU' > cpu.svg
//   flamegraph-svg --colors java --hash app.folded > app.svg
//   flamegraph-svg --diff --normalize before.folded after.folded > diff.svg
//
// This file maps flags onto FlamegraphOptions (typed, with flamegraph.pl's defaults),
// reads the inputs in chunks, and prints the warnings; the drawing is src/flamegraph/*.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  DataError,
  EXIT_DATA,
  OutputSink,
  UsageError,
  WarningTally,
  describeFsError,
  fsPath,
  makeProgram,
  parseNumberOption,
  processIO,
  quoteInput,
  readBytes,
  readLineChunks,
  refuseTerminalStdin,
  resolveInputs,
  runMain,
  writeFileAtomic,
  type IO,
} from '../cli.js';
import { showArg } from '../argv.js';
import { expectFoldedStacks } from '../input-check.js';
import { parseCssColor } from '../svg.js';
import { VERSION } from '../version.js';
import { BGCOLOR_RE, PALETTES, type Palette } from './colors.js';
import { FlamegraphBuilder, type DiffOptions } from './flamegraph.js';
import { NameAttributesError, parseNameAttributes, type NameAttributesWarning } from './name-attributes.js';
import { DEFAULT_OPTIONS, type FlamegraphOptions, type NameAttributes } from './options.js';
import { drawEach, expandDirectories, FOLDED_READ_CHUNK, FOLDED_READ_OPTIONS } from './output-dir.js';
import { formatPaletteMap, PALETTE_FILE, parsePaletteMap } from './palette-map.js';
import { flushFlamegraphWarnings } from './warnings.js';

export { formatPaletteMap, PALETTE_FILE, parsePaletteMap } from './palette-map.js';

const PROG = 'flamegraph-svg';
const USAGE = `Usage: ${PROG} [options] [file ...]`;

interface RawOptions {
  title?: string;
  subtitle?: string;
  width?: string;
  height?: string;
  minwidth?: string;
  fonttype?: string;
  fontsize?: string;
  fontwidth?: string;
  countname?: string;
  nametype?: string;
  notes?: string;
  colors?: string;
  bgcolors?: string;
  hash?: boolean;
  random?: boolean;
  seed?: string;
  cp?: boolean;
  reverse?: boolean;
  inverted?: boolean;
  flamechart?: boolean;
  negate?: boolean;
  total?: string;
  factor?: string;
  nameattr?: string;
  encoding?: string;
  searchColor?: string;
  maxFrames?: string;
  truncateTextRight?: boolean;
  truncateTextLeft?: boolean;
  javascript?: boolean;
  diff?: boolean;
  normalize?: boolean;
  stripHex?: boolean;
  outputDir?: string;
}

/** Maps parsed flags onto core options, checking every value; bad values are usage errors. */
export function toOptions(raw: RawOptions): { options: FlamegraphOptions; diff?: DiffOptions } {
  const o: FlamegraphOptions = { ...DEFAULT_OPTIONS };
  if (raw.title !== undefined) o.title = raw.title;
  if (raw.javascript === false) o.script = false;
  if (raw.subtitle !== undefined) o.subtitle = raw.subtitle;
  if (raw.width !== undefined) o.width = parseNumberOption('--width', raw.width, { integer: true, min: 21, max: 1_000_000 });
  if (raw.height !== undefined) o.frameHeight = parseNumberOption('--height', raw.height, { integer: true, min: 1, max: 10_000 });
  if (raw.minwidth !== undefined) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)(%?)$/.exec(raw.minwidth.trim());
    if (!m) throw new UsageError(`option '--minwidth' wants pixels or a percentage (e.g. 0.5 or 0.1%), not ${JSON.stringify(raw.minwidth)}`);
    o.minWidth = Number(m[1]);
    o.minWidthPercent = m[2] === '%';
  }
  if (raw.fonttype !== undefined) o.fontType = raw.fonttype;
  if (raw.fontsize !== undefined) o.fontSize = positive('--fontsize', raw.fontsize);
  if (raw.fontwidth !== undefined) o.fontWidth = positive('--fontwidth', raw.fontwidth);
  if (raw.countname !== undefined) o.countName = raw.countname;
  if (raw.nametype !== undefined) o.nameType = raw.nametype;
  if (raw.notes !== undefined) o.notes = raw.notes;
  if (raw.colors !== undefined) {
    if (!(PALETTES as readonly string[]).includes(raw.colors)) {
      throw new UsageError(`unknown palette ${JSON.stringify(raw.colors)} for '--colors'; choose one of ${PALETTES.join(', ')}`);
    }
    o.palette = raw.colors as Palette;
  }
  if (raw.bgcolors !== undefined) {
    if (!BGCOLOR_RE.test(raw.bgcolors)) {
      throw new UsageError(`option '--bgcolors' wants yellow, blue, green, grey or #rrggbb, not ${JSON.stringify(raw.bgcolors)}`);
    }
    o.bgColors = raw.bgcolors;
  }
  if (raw.hash && raw.random) throw new UsageError(`options '--hash' and '--random' cannot be used together`);
  if (raw.hash) o.colorMode = 'hash';
  if (raw.random) o.colorMode = 'random';
  if (raw.seed !== undefined) {
    if (!raw.random) throw new UsageError(`option '--seed' only applies with '--random'`);
    o.seed = parseNumberOption('--seed', raw.seed, { integer: true, min: 0, max: 4294967295 });
  }
  o.reverse = Boolean(raw.reverse);
  o.inverted = Boolean(raw.inverted);
  o.flamechart = Boolean(raw.flamechart);
  o.negate = Boolean(raw.negate);
  if (raw.total !== undefined) o.total = parseNumberOption('--total', raw.total, { min: 0 });
  if (raw.factor !== undefined) o.factor = positive('--factor', raw.factor);
  if (raw.encoding !== undefined) {
    const e = raw.encoding.trim();
    if (!/^[A-Za-z][A-Za-z0-9._-]*$/.test(e)) throw new UsageError(`option '--encoding' wants an encoding name, not ${JSON.stringify(raw.encoding)}`);
    if (/^(utf-?(16|32)|ucs-?[24])/i.test(e)) {
      throw new UsageError(`option '--encoding': ${e} is not ASCII-compatible; the output is written in ASCII with character references`);
    }
    o.encoding = e;
  }
  if (raw.searchColor !== undefined) {
    const c = parseCssColor(raw.searchColor);
    if (c === null) throw new UsageError(`option '--search-color' wants #rrggbb, rgb(r,g,b) or a colour name, not ${JSON.stringify(raw.searchColor)}`);
    o.searchColor = c;
  }
  if (raw.maxFrames !== undefined) o.maxFrames = parseNumberOption('--max-frames', raw.maxFrames, { integer: true, min: 0 });
  if (raw.truncateTextLeft && raw.truncateTextRight) {
    throw new UsageError(`options '--truncate-text-left' and '--truncate-text-right' cannot be used together`);
  }
  o.truncateLeft = Boolean(raw.truncateTextLeft);
  let diff: DiffOptions | undefined;
  if (raw.diff) diff = { normalize: Boolean(raw.normalize), stripHex: Boolean(raw.stripHex) };
  else if (raw.normalize || raw.stripHex) throw new UsageError(`options '--normalize' and '--strip-hex' apply only with '--diff'`);
  if (raw.diff && raw.flamechart) throw new UsageError(`options '--diff' and '--flamechart' cannot be used together`);
  return { options: o, diff };
}

function positive(name: string, v: string): number {
  const n = parseNumberOption(name, v);
  if (!(n > 0)) throw new UsageError(`option '${name}' must be more than 0, not ${v}`);
  return n;
}

// --- --cp and --nameattr files ---------------------------------------------------------

/** Reads --nameattr FILE; a line it cannot use stops the run (exit 1) with its FILE:LINE. */
function readNameAttributes(file: string, warn: (kind: NameAttributesWarning, where: string) => void): Map<string, NameAttributes> {
  const name = showArg(file);
  try {
    return parseNameAttributes(readTextFile(fsPath(file), name), name, warn);
  } catch (e) {
    if (e instanceof NameAttributesError) throw new DataError(e.message, e.where);
    throw e;
  }
}

function readTextFile(path: string, name = path): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new DataError(`cannot read: ${describeFsError(e)}`, name);
  }
}

// --- main ------------------------------------------------------------------------------

function buildProgram(io: IO) {
  const p = makeProgram(PROG, io, VERSION);
  p.usage('[options] [file ...]')
    .description(
      'Draw an interactive SVG flame graph from folded stacks ("a;b;c 42" lines), read from the ' +
        "files (merged) or stdin ('-'). Takes flamegraph.pl's options, with its defaults.",
    )
    .argument('[file...]', "folded stack files; '-' or none for stdin")
    .option('--title <text>', 'title text (default "Flame Graph", "Icicle Graph" or "Flame Chart")')
    .option('--subtitle <text>', 'second line of the title (default none)')
    .option('--width <px>', `width of the image (default ${DEFAULT_OPTIONS.width})`)
    .option('--height <px>', `height of each frame (default ${DEFAULT_OPTIONS.frameHeight})`)
    .option('--minwidth <px|N%>', `leave out frames narrower than this, in px or % of the total (default ${DEFAULT_OPTIONS.minWidth})`)
    .option('--fonttype <font>', `font family (default ${DEFAULT_OPTIONS.fontType})`)
    .option('--fontsize <size>', `font size (default ${DEFAULT_OPTIONS.fontSize})`)
    .option('--fontwidth <fraction>', `average character width / font size, for fitting labels (default ${DEFAULT_OPTIONS.fontWidth})`)
    .option('--countname <name>', `what a count counts (default ${DEFAULT_OPTIONS.countName})`)
    .option('--nametype <text>', `prefix of the hover details (default "${DEFAULT_OPTIONS.nameType}")`)
    .option('--notes <text>', 'notes stored in the SVG (default none)')
    .option('--colors <palette>', `palette: ${PALETTES.join(', ')} (default ${DEFAULT_OPTIONS.palette})`)
    .option('--bgcolors <color>', 'background: yellow, blue, green, grey or #rrggbb (default by palette)')
    .option('--hash', 'colour by a hash of the first characters of the name')
    .option('--random', 'random colours (reproducible: a fixed seed, see --seed)')
    .option('--seed <n>', `seed of --random (default ${DEFAULT_OPTIONS.seed})`)
    .option('--cp', `consistent colours across graphs: read and update ./${PALETTE_FILE}`)
    .option('--reverse', 'reverse each stack (leaf first) before merging')
    .option('--inverted', 'icicle graph: root at the top')
    .option('--flamechart', 'flame chart: input order is the x axis, no sorting')
    .option('--negate', 'swap the differential colours and the sign of the delta')
    .option('--total <n>', 'total to scale widths by, when larger than the input total')
    .option('--factor <n>', `multiply the displayed counts by this (default ${DEFAULT_OPTIONS.factor})`)
    .option('--nameattr <file>', 'per-function attributes: lines of name<TAB>key=value...')
    .option('--encoding <name>', 'encoding named in the XML declaration (output is then ASCII)')
    .option('--search-color <color>', `fill of frames a search matches (default ${DEFAULT_OPTIONS.searchColor})`)
    .option('--max-frames <n>', `draw at most the n widest frames; 0 for no limit, as flamegraph.pl (default ${DEFAULT_OPTIONS.maxFrames})`)
    .option('--truncate-text-right', 'cut long labels on the right, keeping the start (default)')
    .option('--truncate-text-left', 'cut long labels on the left, keeping the end')
    .option('--no-javascript', 'write a static SVG: no script (no hover, zoom or search)')
    .option('--diff', 'differential graph of two files, BEFORE AFTER: widths from AFTER, red grew, blue shrank')
    .option('--normalize', "with --diff: scale BEFORE's counts to AFTER's total (difffolded.pl -n)")
    .option('--strip-hex', 'with --diff: mask hex addresses, 0x1234 -> 0x... (difffolded.pl -s)')
    .option(
      '--output-dir <dir>',
      'draw each input file (or each .folded file of an input directory) to DIR/<name>.svg, in one process;\n' +
        'files named by stackcollapse --per-window get their time window in the title',
    )
    .option('-q, --quiet', 'print no warnings (errors still go to stderr)')
    .addHelpText(
      'after',
      `
Examples:
  stackcollapse perf.txt | ${PROG} > cpu.svg
  ${PROG} --title 'Java CPU' --colors java --hash app.folded > app.svg
  ${PROG} --diff --normalize before.folded after.folded > diff.svg
  ${PROG} --diff --negate after.folded before.folded > diff-shrank.svg

Empty input, or no valid line: an SVG stating the error is still written, and the exit
status is 1.`,
    );
  return p;
}

export async function main(argv: string[], io: IO = processIO()): Promise<number> {
  return runMain(PROG, io, () => USAGE, async ({ msgs }) => {
    // Only file names (the per-second loop's `flamegraph-svg > S.svg`): no option to parse,
    // so no commander program to build (30 options' worth of objects in a cold process).
    const plain = argv.every((a) => a === '-' || !a.startsWith('-'));
    let raw: RawOptions = {};
    let files = argv;
    if (!plain) {
      const program = buildProgram(io);
      program.parse(argv, { from: 'user' });
      raw = program.opts<RawOptions>();
      files = program.args;
    }
    msgs.quiet = Boolean((raw as { quiet?: boolean }).quiet);
    const { options, diff } = toOptions(raw);
    const tally = new WarningTally();

    if (raw.outputDir !== undefined) {
      if (diff) throw new UsageError("'--output-dir' does not go with '--diff'");
      if (raw.cp) throw new UsageError("'--output-dir' does not go with '--cp'");
      if (files.length === 0) throw new UsageError("'--output-dir' wants input files or directories");
      return drawEach(expandDirectories(files), raw.title, options, raw.outputDir, io, msgs, writeFileAtomic);
    }
    if (diff && files.length !== 2) throw new UsageError(`'--diff' wants two files, BEFORE and AFTER, not ${files.length}`);
    const inputs = resolveInputs(files);
    if (inputs.filter((i) => i.path === null).length > 1) throw new UsageError(`stdin ('-') can be read only once`);
    refuseTerminalStdin(inputs, io, 'folded stacks');

    if (raw.nameattr !== undefined) {
      options.nameAttributes = readNameAttributes(raw.nameattr, (kind, where) => tally.add(kind, where));
    }
    if (raw.cp) {
      options.paletteMap = existsSync(PALETTE_FILE)
        ? parsePaletteMap(readTextFile(PALETTE_FILE), (line) => tally.add('palette', `${PALETTE_FILE}:${line}`))
        : new Map();
    }
    if (diff) options.diffLabels = { before: inputs[0].name, after: inputs[1].name };

    const bytes = inputs.reduce((n, i) => n + (i.size ?? 0), 0);
    const builder = new FlamegraphBuilder(options, diff, (where, text, reason) => tally.add(reason === 'overflow' ? 'overflow' : 'invalid', `${where}: ${quoteInput(text)}`), bytes);
    let refused = 0;
    const refuse = (problem: string, name: string) => {
      refused++;
      msgs.error(problem, name);
    };
    for (let k = 0; k < inputs.length; k++) {
      const input = inputs[k];
      builder.beginInput(input.name, diff ? (k === 0 ? 'before' : 'after') : undefined);
      const bytes = expectFoldedStacks(readBytes(input, io, FOLDED_READ_CHUNK, FOLDED_READ_OPTIONS), input.name, PROG, (problem) => refuse(problem, input.name));
      for await (const chunk of readLineChunks(bytes, input.name)) builder.addChunk(chunk.text);
    }
    const result = builder.finish();

    flushFlamegraphWarnings(tally, msgs);
    for (const w of result.warnings) msgs.warn(w);

    const sink = new OutputSink(io.stdout, 'utf8');
    for (const chunk of result.chunks()) {
      sink.write(chunk);
      await sink.flush();
    }
    await sink.end();

    if (options.paletteMap) {
      try {
        writeFileSync(PALETTE_FILE, formatPaletteMap(options.paletteMap));
      } catch (e) {
        throw new DataError(`cannot write: ${describeFsError(e)}`, PALETTE_FILE);
      }
    }
    if (result.error !== undefined && refused < inputs.length) msgs.error(result.error);
    return result.error !== undefined || refused > 0 ? EXIT_DATA : 0;
  });
}
