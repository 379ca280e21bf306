// heatmap-svg [options] [file ...]: perf script text -> a subsecond-offset heat map, as one
// self-contained interactive SVG (or the cells as TSV). Maps the command line onto typed
// options (options.ts: toOptions, and the defaults the help shows); the work is in
// heatmap.ts, embed.ts and render.ts.
import { Option } from 'commander';
import {
  DataError,
  makeProgram,
  OutputSink,
  processIO,
  Progress,
  quoteInput,
  showName,
  readBytes,
  readLineChunks,
  refuseTerminalStdin,
  resolveInputs,
  runMain,
  UsageError,
  WarningTally,
  type IO,
} from '../cli.js';
import { decodeUtf8Bytes } from '../svg.js';
import { ProfileFormatError, readProfileBytes } from '../parse/profile-input.js';
import { sniffStream } from '../input-check.js';
import { shellQuote } from '../shell-word.js';
import { addEventFilterFlag, addFrameNamingFlags, frameNamingArgs } from '../runtime/flag-groups.js';
import { VERSION } from '../version.js';
import { formatCellsTsv, HeatmapBuilder } from './heatmap.js';
import { HEATMAP_DEFAULTS as D, MAX_RECTS, toLatencyOptions as latencyOptions, toOptions, type HeatmapFlags } from './options.js';
import { encodeHeatmap, heatmapAxis } from './embed.js';
import { describeBreaks } from './breaks.js';
import { secondText } from './viewer/time-axis.js';
import { filterHeatmap, grepStages } from './filter.js';
import { DEFAULT_IDLE } from './idle.js';
import { leftOut } from '../runtime/counts.js';
import { noteInput } from '../runtime/jit.js';
import { renderHeatmapSvgParts } from './render.js';
import { addProfileSamples } from './profile-samples.js';
import { cutLines, LINE_CHUNK, MAX_LINE_BYTES } from '../runtime/lines.js';
import { LATENCY_DEFAULTS, LatencyBuilder, looksLikeColumns, renderLatencySvg } from './latency.js';

const PROG = 'heatmap-svg';
const USAGE = `usage: ${PROG} [options] [file ...]`;

/** Exit status when no sample is left to draw (no timestamps, or all filtered out). */
export const EXIT_NO_SAMPLES = 1;

export async function main(argv: string[], io: IO = processIO()): Promise<number> {
  return runMain(PROG, io, () => USAGE, async ({ msgs }) => {
    const program = makeProgram(PROG, io, VERSION)
      .usage('[options] [file ...]')
      .description(
        'Draw a subsecond-offset heat map of perf script output (recorded with timestamps) as one\n' +
          'self-contained SVG: columns are seconds, rows the offset within the second, as in FlameScope.\n' +
          'Select cells in the SVG to see the flame graph of those samples. Several files are merged on\n' +
          'one timeline. Reads the files named (- for stdin, .gz accepted) or stdin. Also reads V8\n' +
          '.cpuprofile, Chrome trace events and nflxprofile (told by content).',
      )
      .argument('[file...]', 'perf script output; - or nothing for stdin')
      .option('--rows <n>', 'offset buckets per second, or auto (from -F in the header, or measured)', String(D.rows))
      .addOption(new Option('--format <fmt>', 'svg, or tsv: the cells as "second<TAB>bucket<TAB>count"').choices(['svg', 'tsv']).default(D.format));
    // Shared with stackcollapse (runtime/flag-groups.ts): the event filter and frame naming.
    addEventFilterFlag(program);
    program
      .option('--idle-regex <regex>', 'samples whose text matches are idle (default: swapper, then the name of an idle loop: FlameScope\'s, and those of VMs and idle drivers)')
      .option('--no-idle-filter', 'keep idle samples')
      .option('--match <regex>', 'keep only samples whose folded stack (process name;frame;...) matches')
      .option('--exclude <regex>', 'leave out samples whose folded stack matches')
      .option('--title <text>', `title (default "${D.title}", or "${LATENCY_DEFAULTS.title}" for two columns)`)
      .option('--subtitle <text>', 'subtitle')
      .option('--width <px>', 'flame graph width in pixels', String(D.width))
      .option('--enhanced', "FlameScope's five-stop colour scale, for faint patterns")
      .option('--no-stacks', 'embed no stacks: a plain heat map, no flame graphs')
      .option('--max-embed <MB>', 'most stack data to embed; above it the SVG carries no stacks and says so', String(D.maxEmbed))
      .option('--max-columns <n>', `most columns in the main view; longer profiles get an overview of multi-second columns (default: ${MAX_RECTS} / rows)`)
      .option('--fonttype <font>', 'font family', D.fonttype)
      .addOption(new Option('--cells <how>', 'draw cells as rectangles, one PNG image, or auto (an image above 10,000 cells)').choices(['auto', 'rect', 'png']).default(D.cells))
      .addOption(new Option('--input <kind>', 'perf script text, or two columns (time value) as trace2heatmap.pl reads').choices(['auto', 'perf', 'columns']).default(D.input))
      .addOption(new Option('--unitstime <unit>', 'two columns: unit of the time column').choices(['s', 'ms', 'us', 'ns']).default(D.unitstime))
      .option('--unitslabel <text>', 'two columns: unit label of the values', D.unitslabel)
      .option('--minlat <n>', 'two columns: smallest value drawn', String(D.minlat))
      .option('--maxlat <n>', 'two columns: largest value drawn (default: the largest seen)')
      .option('--steplat <n>', 'two columns: value range of a row (default: (maxlat - minlat) / rows)')
      .option('--stepsec <s>', 'two columns: seconds per column', String(D.stepsec))
      .option('--maxcol <n>', 'two columns: drop columns past this one')
      .option('--boxsize <px>', 'two columns: cell size', String(D.boxsize))
      .option('--fontsize <px>', 'two columns: font size', String(D.fontsize))
      .option('--grid', 'two columns: grid lines every 10 columns')
      .option('--accstats', 'two columns: hover shows running totals from the bottom')
      .option('--select <start,end>', 'open with this range selected and its flame graph drawn (seconds as range-perf --timezerosecs counts them)')
      .option('--baseline <start,end>', 'open with this range pinned as the baseline A: with --select, the differential flame graph of the selection against it');
    addFrameNamingFlags(program, { pid: 'flame graph root frame is comm-PID (as stackcollapse --pid)', tid: 'root frame is comm-PID/TID', addrs: 'show the address of unknown symbols' });
    program
      .option('-q, --quiet', 'print no warnings, and no progress line (shown only on a terminal, for long runs)')
      .addHelpText(
        'after',
        `\nExit status ${EXIT_NO_SAMPLES} also means no sample could be drawn: input without timestamps\n(record them with perf script -F ...,time,...), or every sample filtered out.`,
      );
    program.parse(argv, { from: 'user' });
    const o = program.opts<HeatmapFlags>();
    const { rows, width, maxEmbed, maxColumns, idle, select, baseline, filter, wantStacks, naming, heatmap: opts } = toOptions(o);
    const inputs = resolveInputs(program.args);
    refuseTerminalStdin(inputs, io, 'perf script output');

    const tsv = o.format === 'tsv';
    const bad = new WarningTally();
    let where = '';
    // The builder makes the core's instance, which takes V8's tiering budget of the moment:
    // a big file's size tiers up as usual first (jit.ts), or the core's hot functions would
    // stay in the baseline compiler through their first, raised budget.
    for (const input of inputs) noteInput(0, input.size);
    const b = new HeatmapBuilder(opts, (x) => bad.add(x.reason, `${where}:${x.line}: ${quoteInput(x.text)}`));
    let columns: LatencyBuilder | null = null;
    let decided = o.input !== 'auto';
    if (o.input === 'columns') columns = new LatencyBuilder(latencyOptions(o, rows));
    const progress = new Progress(io, PROG, Progress.totalOf(inputs), Boolean(o.quiet));
    let read = 0;
    // Each input's first and last sample time, to print the reproduce command's files in time order.
    const spans: { name: string; first: number; last: number }[] = [];
    // Inputs that were profiles (not perf script text), and those that were text.
    const profiles: { name: string; kind: string }[] = [];
    const textInputs: string[] = [];
    try {
      for (const input of inputs) {
        where = input.name;
        const span = { name: input.path ?? '', first: Infinity, last: -Infinity };
        spans.push(span);
        // Only the decoded text of a chunk is read (and it is a copy): one Buffer serves all reads.
        const sniffed = await sniffStream(readBytes(input, io, undefined, { blockingFile: true, reuse: true, perfData: (cmd) => msgs.info(`${input.name}: a perf.data file: reading it through '${cmd}'`) }));
        if (!columns && (sniffed.kind === 'json' || sniffed.kind === 'nflxprofile')) {
          // A V8/Chrome profile or an nflxprofile: one document, read whole.
          const parts: Buffer[] = [];
          for await (const bytes of sniffed.bytes) {
            parts.push(Buffer.from(bytes));
            read += bytes.length;
            progress.update(read, null);
          }
          let got: ReturnType<typeof readProfileBytes>;
          try {
            got = readProfileBytes(sniffed.kind, Buffer.concat(parts));
          } catch (e) {
            throw e instanceof ProfileFormatError ? new DataError(e.message, input.name) : e;
          }
          for (const [why, n] of got.leftOut) msgs.warn(`${input.name}: left out ${n} ${n === 1 ? 'sample' : 'samples'} ${why}`);
          profiles.push({ name: input.name, kind: got.profile.kind });
          Object.assign(span, addProfileSamples(b, got.profile, { pid: opts.pid, tid: opts.tid }));
          b.endInput();
          decided = true;
          continue;
        }
        if (sniffed.kind !== 'empty') textInputs.push(input.name);
        let source: AsyncIterable<Buffer> = sniffed.bytes;
        if (!decided) {
          // Perf script or two columns: told from the first lines that are not blank.
          const peek = await peekLines(sniffed.bytes, input.name);
          source = peek.bytes;
          if (peek.text !== null) {
            decided = true;
            if (looksLikeColumns(peek.text)) columns = new LatencyBuilder(latencyOptions(o, rows));
          }
        }
        if (!columns && b.takesBytes) {
          // The stacks mode reads bytes: straight into the core from the reused read buffer, no text made.
          if (input.size !== null) b.expectInput(input.size);
          for await (const bytes of source) {
            b.pushBytes(bytes);
            if (b.pending > MAX_LINE_BYTES) throw new DataError(`a line is longer than ${MAX_LINE_BYTES >> 20} MiB; is this text?`, input.name);
            read += bytes.length;
            progress.update(read, null);
          }
        } else {
          for await (const chunk of readLineChunks(source, input.name)) {
            if (columns) columns.push(chunk.text);
            else b.push(chunk.text, chunk.bytes);
            read += chunk.bytes.length;
            progress.update(read, null);
          }
        }
        if (columns) columns.endInput();
        else Object.assign(span, b.endInput());
      }
    } finally {
      progress.done();
    }
    if (columns) {
      if (tsv) throw new UsageError('--format tsv is for perf script input');
      const m = columns.result();
      if (m === null) throw new DataError('no lines of two numbers in input');
      if (m.error) throw new DataError(m.error);
      const cs = columns.stats;
      if (!o.quiet && cs.bad > 0) msgs.warn(`ignored ${cs.bad} ${cs.bad === 1 ? 'line' : 'lines'} without two numbers`);
      if (!o.quiet && cs.dropped > 0) msgs.warn(`left out ${cs.dropped} ${cs.dropped === 1 ? 'value' : 'values'} outside --minlat/--maxlat or past --maxcol`);
      const sink = new OutputSink(io.stdout, 'utf8');
      sink.write(renderLatencySvg(m, latencyOptions(o, rows)));
      await sink.end();
      return;
    }
    if (profiles.length > 0 && textInputs.length > 0) {
      throw new DataError(`${profiles[0].name} is a profile (${profiles[0].kind}) and ${textInputs[0]} is text: draw them in separate runs`);
    }
    const hm = b.result();
    b.release();
    const st = hm.stats;
    const left = filterHeatmap(hm, filter);
    // Event names come from the input: controls and high bytes are quoted for the terminal.
    const shown = (e: string | null) => (e === null ? e : showName(e));
    const otherNames = [...st.otherEvents.keys()].map(shown).join(', ');
    let other = 0;
    for (const n of st.otherEvents.values()) other += n;
    // Read before the flush below empties the tally.
    const hadBadLines = bad.size > 0;
    if (!o.quiet) {
      bad.flush(msgs, (reason, n) => `ignored ${n} ${n === 1 ? 'line' : 'lines'}: ${reason}`);
      if (other > 0) {
        msgs.warn(
          `kept events of type ${shown(st.event)}; left out ${other} ${other === 1 ? 'sample' : 'samples'} of other types (${otherNames})` +
            (opts.eventFilter === null ? '; choose with --event-filter' : ''),
        );
      }
      if (st.untimed > 0 && st.untimed < st.read) msgs.warn(`left out ${st.untimed} ${st.untimed === 1 ? 'sample' : 'samples'} without a timestamp`);
      // Not a warning (leaving idle CPUs out is the point), but every sample left out is counted.
      if (st.idle > 0 && st.samples > 0) {
        msgs.info(`left out ${st.idle} idle ${st.idle === 1 ? 'sample' : 'samples'} (${idle === 'flamescope' ? 'default idle pattern' : '--idle-regex'}); --no-idle-filter keeps them`);
      }
      // Asked for, so not warnings; counted all the same.
      if (filter.match) msgs.info(leftOut(left.unmatched, 'not matching --match'));
      if (filter.exclude) msgs.info(leftOut(left.excluded, 'matching --exclude'));
      if (hm.rate) msgs.info(`rows: ${hm.rows} (sampling rate ${hm.rate.source === 'default' ? 'unknown, default' : `${hm.rate.hz} Hz, ${hm.rate.source}`})`);
    }
    if (st.read === 0) throw new DataError(hadBadLines ? 'no samples found: is this perf script output?' : 'no samples in input');
    if (st.untimed === st.read) {
      throw new DataError('samples have no timestamps: record them with perf script -F comm,pid,tid,cpu,time,event,ip,sym,dso (time is needed)');
    }
    if (st.samples === 0) {
      throw new DataError(
        `no samples left to draw: ${st.idle} idle, ${other} of other events` +
          (filter.match ? `, ${left.unmatched} not matching --match` : '') +
          (filter.exclude ? `, ${left.excluded} matching --exclude` : '') +
          (st.idle > 0 ? ' (keep idle ones with --no-idle-filter)' : '') +
          (other > 0 ? ' (choose the event with --event-filter)' : ''),
      );
    }

    const breaks = describeBreaks(hm, heatmapAxis(hm), spans.map((x) => x.name).filter((n) => n !== ''));
    if (breaks.warning !== null && !o.quiet) msgs.warn(breaks.warning);
    const out = new OutputSink(io.stdout, 'utf8');
    if (tsv) {
      out.write(formatCellsTsv(hm));
      await out.end();
      return;
    }
    let data = encodeHeatmap(hm, wantStacks);
    let noStacksNote = wantStacks ? '' : 'this heat map was drawn with --no-stacks: no flame graphs';
    const stackBytes = data.bytes.stacks;
    if (wantStacks && stackBytes > maxEmbed * 1e6) {
      const msg = `stack data (${(stackBytes / 1e6).toFixed(1)} MB) is over --max-embed ${maxEmbed} MB: the SVG carries no stacks (raise --max-embed, or cut the input with range-perf)`;
      if (!o.quiet) msgs.warn(msg);
      data = encodeHeatmap(hm, false);
      noStacksNote = msg;
    }
    const notes: string[] = [];
    const details: string[] = [];
    const idleWhat = idle === null ? '' : idle === 'flamescope' ? ' (default idle pattern)' : ` (matching ${idle.source})`;
    notes.push(
      `${st.samples} samples of ${decodeUtf8Bytes(st.event || (profiles.length > 0 ? [...new Set(profiles.map((x) => x.kind))].join(', ') : 'all events'))}` +
        (idle !== null ? `; ${st.idle} idle left out${idleWhat}` : '; idle kept') +
        (other > 0 ? `; ${other} of other events left out (${decodeUtf8Bytes([...st.otherEvents.keys()].join(', '))})` : '') +
        (st.untimed > 0 ? `; ${st.untimed} without timestamps left out` : '') +
        (filter.match ? `; ${left.unmatched} not matching --match ${o.match} left out` : '') +
        (filter.exclude ? `; ${left.excluded} matching --exclude ${o.exclude} left out` : ''),
    );
    const rowMs = 1000 / hm.rows;
    const seconds = hm.minSec === null ? 0 : hm.maxSec! - hm.minSec + 1;
    notes.push(
      `${secondText(seconds)} s from second ${hm.origin} (0 s, as range-perf --timezerosecs counts); ${hm.rows} rows of ${Number.isInteger(rowMs) ? rowMs : rowMs.toFixed(2)} ms` +
        (hm.rate ? ` (rows auto: ${hm.rate.source === 'default' ? 'rate unknown' : `${hm.rate.hz} Hz ${hm.rate.source}`})` : '') +
        (breaks.note ? `; ${breaks.note}` : ''),
    );
    if (profiles.length > 0) {
      // range-perf and stackcollapse cannot cut a time range of these: this tool can.
      const files = spans.every((x) => x.name !== '') ? spans.map((x) => shellQuote(x.name)).join(' ') : 'FILE';
      notes.push(`range-perf reads perf script text only: heatmap-svg --select START,END ${files} > range.svg draws a range of this profile`);
    }
    details.push(
      (data.names
          ? `embedded: ${data.distinctStacks} distinct stacks (${hm.tree!.size} tree nodes, ${data.names.length} names), ` +
            `${fmtBytes(data.bytes.stacks + data.bytes.grid)}: ${((data.bytes.stacks + data.bytes.grid) / st.samples).toFixed(1)} B/sample, ` +
            `${(data.bytes.stacks / Math.max(1, data.distinctStacks)).toFixed(1)} B/distinct stack`
          : noStacksNote),
    );
    // Encoded: the per-cell stack counts are not needed to draw the rest.
    hm.cellStacks.clear();
    const collapseFlags =
      ' --weight samples' +
      // From the typed options, so that a renamed flag cannot break the command silently.
      frameNamingArgs(naming).map((a) => ` ${a}`).join('') +
      (opts.eventFilter ? ` --event-filter ${shellQuote(opts.eventFilter)}` : '') +
      // The page leaves idle samples out: so does the command, with grep on the folded
      // lines (the idle pattern finds the same names there: docs/heatmap-svg.md).
      (idle !== null && st.idle > 0 ? idleGrep(idle) : '') +
      // The page's samples are what grep keeps of the folded lines.
      grepStages(filter.match ? String(o.match) : null, filter.exclude ? String(o.exclude) : null);
    // The printed command names the files in time order; with several, perf's own times
    // (--timeraw) select the same samples in any subset of them. range-perf stops at the
    // first sample past the end unless told the input is unsorted.
    const named = spans.every((x) => x.name !== '' && x.first !== Infinity);
    const ordered = named ? [...spans].sort((x, y) => x.first - y.first) : spans;
    const overlap = ordered.some((x, i) => i > 0 && x.first < ordered[i - 1].last);
    const rangeFlags = (named ? overlap || (spans.length === 1 && st.unsorted) : st.unsorted) ? ' --unsorted' : '';
    const parts = renderHeatmapSvgParts(hm, data, {
      rangeFlags,
      files: named ? ordered.map((x) => x.name) : [],
      timeraw: named && spans.length > 1,
      profile: profiles.length > 0,
      select,
      baseline,
      details,
      title: o.title ?? D.title,
      subtitle: o.subtitle ?? '',
      width,
      enhanced: Boolean(o.enhanced),
      // About 36,000 cell rectangles is what Chromium opens in about a second (README, "heatmap-svg" under "Speed").
      maxColumns: maxColumns ?? Math.max(10, Math.floor(MAX_RECTS / hm.rows)),
      notes,
      collapseFlags,
      noStacksNote,
      fontType: o.fonttype,
      cells: o.cells,
    });
    for (const part of parts) {
      if (typeof part === 'string') out.write(part);
      else out.writeBytes(part);
      await out.flush();
    }
    await out.end();
  });
}

/**
 * The first chunk of whole lines of an input that is not blank (about LINE_CHUNK bytes, cut
 * as readLineChunks cuts; null when the input is blank to its end), read from at least
 * LINE_CHUNK bytes or the whole input, and the input again from its start.
 */
async function peekLines(source: AsyncGenerator<Buffer>, inputName: string): Promise<{ text: string | null; bytes: AsyncGenerator<Buffer> }> {
  const held: Buffer[] = [];
  let size = 0;
  let ended = false;
  // Where the lines not yet looked at start, and the first chunk found.
  let from = 0;
  const found = { text: null as string | null };
  while (found.text === null && !ended) {
    const r = await source.next();
    if (r.done) ended = true;
    else {
      // A reader may reuse its Buffer: keep a copy of what is held back.
      held.push(Buffer.from(r.value));
      size += r.value.length;
      if (size > MAX_LINE_BYTES) throw new DataError(`a line is longer than ${MAX_LINE_BYTES >> 20} MiB; is this text?`, inputName);
      if (size < LINE_CHUNK || r.value.indexOf(10) < 0) continue;
    }
    const all = held.length === 1 ? held[0] : Buffer.concat(held);
    held.length = 0;
    held.push(all);
    const whole = all.lastIndexOf(10) + 1;
    from = cutLines(all, from, whole, (s, e) => {
      if (all.toString('latin1', s, e).trim() === '') return true;
      found.text = all.toString('latin1', s, e);
      return false;
    });
    // At the end, the last line, without a line break.
    if (found.text === null && ended && all.toString('latin1', whole).trim() !== '') found.text = all.toString('latin1', whole);
  }
  async function* replay(): AsyncGenerator<Buffer> {
    yield* held;
    if (!ended) yield* source;
  }
  return { text: found.text, bytes: replay() };
}

/**
 * The printed command's stage that drops idle samples as the page does: the default
 * pattern as an extended regex (names only), an --idle-regex as the Perl-compatible one
 * JavaScript's syntax is closest to.
 */
function idleGrep(idle: 'flamescope' | RegExp): string {
  return idle === 'flamescope' ? ` | grep -v -E ${shellQuote(DEFAULT_IDLE.source)}` : ` | grep -v -P ${shellQuote(idle.source)}`;
}

function fmtBytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`;
}
