// stackcollapse [options] [file ...]: perf script text -> folded stacks.
// Maps the command line onto CollapseOptions; the work is in collapse.ts.
import { sniffStream } from '../input-check.js';
import { INPUT_KIND_NAMES } from '../parse/input-kind.js';
import { compileCore } from '../parse/core-module.js';
import type { SampledProfile } from '../parse/sampled-profile.js';
import {
  DataError,
  describeFsError,
  parseNumberOption,
  makeProgram,
  OutputSink,
  processIO,
  Progress,
  quoteInput,
  showName,
  readBytes,
  MAX_LINE_BYTES,
  refuseTerminalStdin,
  resolveInputs,
  runMain,
  UsageError,
  WarningTally,
  writeFileAtomic,
  type IO,
} from '../cli.js';
import { VERSION } from '../version.js';
import { ignoredLines, leftOut as leftOutMessage, NO_SAMPLES, otherEvents } from '../runtime/counts.js';
import { noteInput } from '../runtime/jit.js';
import { Collapser, type CollapseOptions } from './collapse.js';
import { Addr2LineMissing, checkAddr2line, makeInliner } from './addr2line.js';
import { parseWindowLength, WindowWriter } from './per-window.js';
import { collapseThreaded, PARALLEL_MIN_BYTES, planThreads } from './parallel.js';
import {
  addEventFilterFlag,
  addFrameNamingFlags,
  addWeightFlag,
  toEventFilter,
  toFrameNaming,
  toWeight,
  type EventFilterFlags,
  type FrameNamingFlags,
  type WeightFlags,
} from '../runtime/flag-groups.js';

const NO_TIMESTAMPS_HINT =
  '--per-window needs timestamps: re-run perf script with time among its fields, e.g. perf script -F comm,pid,tid,cpu,time,period,event,ip,sym,dso';

const PROG = 'stackcollapse';
/**
 * Bytes per read of a file, and per Buffer of output. Both Buffers are reused, so this is
 * the memory they touch: each page first touched costs a page fault (10-25 µs each on the
 * 2-core VM measured), and a 3 MB run paid ~500 of them for two 1 MiB Buffers. 256 KiB
 * makes a read (or a write) per 256 KiB, which costs nothing measurable on 143 MB.
 */
const IO_CHUNK = 256 << 10;
const USAGE = `usage: ${PROG} [options] [file ...]`;

/** stackcollapse's flags as commander parses them. */
interface CollapseFlags extends FrameNamingFlags, EventFilterFlags, WeightFlags {
  inline?: boolean;
  context?: boolean;
  srcline?: boolean;
  perWindow?: string;
  outputDir?: string;
  jobs?: string;
  quiet?: boolean;
}

/** The flags as core options (--inline and --per-window are set up by main, which checks them). */
export function toOptions(o: CollapseFlags): CollapseOptions {
  return { ...toFrameNaming(o), eventFilter: toEventFilter(o), weight: toWeight(o), srcline: Boolean(o.srcline) };
}

export async function main(argv: string[], io: IO = processIO()): Promise<number> {
  return runMain(PROG, io, () => USAGE, async ({ msgs }) => {
    // Only file names, or none (stdin: the per-second loop's `| stackcollapse |`): no option
    // to parse, so no commander program to build (every flag's objects, in a cold process);
    // every default is applied by toOptions either way.
    let o: CollapseFlags = {};
    let files = argv;
    if (!argv.every((a) => a === '-' || !a.startsWith('-'))) {
      const program = makeProgram(PROG, io, VERSION)
        .usage('[options] [file ...]')
        .description(
          'Turn perf script output into folded stacks (one "comm;root;...;leaf count" line per distinct stack),\n' +
            'as FlameGraph\'s stackcollapse-perf.pl does. Reads the files named (- for stdin, .gz accepted) or stdin.\n' +
            'Counts are weighted by the sample period, as stackcollapse-perf.pl does, unless --weight samples.',
        )
        .argument('[file...]', 'perf script output; - or nothing for stdin');
      addFrameNamingFlags(program);
      addEventFilterFlag(program);
      addWeightFlag(program)
        .option('--inline', "un-inline frames with binutils' addr2line (slow)")
        .option('--context', 'with --inline: add file:line to each inlined function')
        .option('--srcline', 'input has a source line under each frame (perf script -F+srcline)')
        .option('--per-window <length>', 'one folded file per time window of this length (1s, 500ms, 2.5s, or seconds) in --output-dir')
        .option('--output-dir <dir>', 'with --per-window: where the window files go (created if missing)')
        .option('-j, --jobs <n>', `threads for file inputs (default: 2 for files over ${PARALLEL_MIN_BYTES >> 20} MB on 2+ cores, else 1; stdin and .gz: 1)`)
        .option('-q, --quiet', 'print no warnings, and no progress line');
      program.parse(argv, { from: 'user' });
      o = program.opts<CollapseFlags>();
      files = program.args;
    }
    if (o.context && !o.inline) throw new UsageError('--context goes with --inline');

    const inputs = resolveInputs(files);
    refuseTerminalStdin(inputs, io, 'perf script output');

    const opts = toOptions(o);
    if (o.inline) {
      try {
        checkAddr2line();
      } catch (e) {
        if (e instanceof Addr2LineMissing) {
          throw new DataError("--inline needs binutils' addr2line, which is not on PATH (install binutils, or drop --inline)");
        }
        throw e;
      }
      opts.inline = makeInliner(Boolean(o.context));
    }

    if (o.perWindow !== undefined) {
      const lengthNs = parseWindowLength(o.perWindow);
      if (lengthNs === null) throw new UsageError(`--per-window wants a length such as 1s, 500ms, 2.5s or 2, not ${JSON.stringify(o.perWindow)}`);
      if (o.outputDir === undefined) throw new UsageError('--per-window needs --output-dir DIR');
      opts.window = { lengthNs };
    } else if (o.outputDir !== undefined) {
      throw new UsageError('--output-dir goes with --per-window');
    }
    const outputDir = o.outputDir ?? '';

    const bad = new WarningTally();
    let where = '';
    const jobs = o.jobs !== undefined ? parseNumberOption('--jobs', o.jobs, { integer: true, min: 1, max: 256 }) : null;
    // Per-window output is cut in time order, on one thread.
    // A big file tiers up as usual before anything makes a core's instance (which takes
    // V8's tiering budget of the moment), the threads' among them: they read the file
    // themselves, not through readBytes, which would say so later (jit.ts).
    for (const input of inputs) noteInput(0, input.size);
    const plan = opts.window ? null : planThreads(inputs, jobs, opts);
    // With threads, the event filter was decided up front; it is what one thread would pick.
    const collapser = new Collapser(plan ? { ...opts, eventFilter: plan.event } : opts, (b) =>
      bad.add(b.reason, `${where}:${b.line}: ${quoteInput(b.text)}`),
    );
    const windows = opts.window ? new WindowWriter(outputDir, opts.window.lengthNs, collapser, writeFileAtomic) : null;
    await windows?.open().catch((e) => {
      throw new DataError(`cannot create the output directory: ${describeFsError(e)}`, outputDir);
    });
    const progress = new Progress(io, PROG, Progress.totalOf(inputs), Boolean(o.quiet));
    let done = 0; // bytes of the inputs before this one
    const profiles: { name: string; profile: SampledProfile }[] = [];
    try {
      // stdin is most often the tool before this one in a pipeline, still starting up.
      if (inputs[0]?.path === null) compileCore();
      for (const input of inputs) {
        where = input.name;
        if (plan) {
          await collapseThreaded(collapser, input.path!, input.size!, plan, (share) => progress.update(done + share * input.size!, null), (r, lineBase) => {
            for (const [reason, n, line, text] of r.bad) bad.add(reason, `${where}:${lineBase + line}: ${quoteInput(text)}`, n);
          }).catch((e) => {
            throw e instanceof DataError ? e : new DataError(describeFsError(e), input.name);
          });
          done += input.size!;
          continue;
        }
        let read = 0;
        // Bytes straight into the core (no text made): a reused buffer, read synchronously
        // from a regular file. A V8/Chrome profile or an nflxprofile is read whole instead.
        const sniffed = await sniffStream(readBytes(input, io, IO_CHUNK, { blockingFile: true, reuse: true, perfData: (cmd) => msgs.info(`${input.name}: a perf.data file: reading it through '${cmd}'`) }));
        if (sniffed.kind === 'json' || sniffed.kind === 'nflxprofile') {
          if (windows) throw new DataError(`this is ${INPUT_KIND_NAMES[sniffed.kind]}: --per-window reads perf script text only; cut a range with heatmap-svg --select instead`, input.name);
          const parts: Buffer[] = [];
          for await (const b of sniffed.bytes) parts.push(Buffer.from(b));
          // Loaded only for such a profile (with the protobuf reader): perf script runs start without it.
          const { ProfileFormatError, readProfileBytes } = await import('../parse/profile-input.js');
          try {
            const { profile, leftOut } = readProfileBytes(sniffed.kind, Buffer.concat(parts));
            profiles.push({ name: input.name, profile });
            for (const [why, n] of leftOut) msgs.warn(`${input.name}: ${leftOutMessage(n, why)}`);
          } catch (e) {
            throw e instanceof ProfileFormatError ? new DataError(e.message, input.name) : e;
          }
          continue;
        }
        for await (const bytes of sniffed.bytes) {
          collapser.pushBytes(bytes);
          if (collapser.pending > MAX_LINE_BYTES) throw new DataError(`a line is longer than ${MAX_LINE_BYTES >> 20} MiB; is this text?`, input.name);
          read += bytes.length;
          progress.update(done + read, collapser.stats.samples);
          if (windows) await windows.write(collapser.takeClosedWindows());
        }
        collapser.endInput();
        done += read;
      }
    } finally {
      progress.done();
    }

    if (profiles.length > 0) {
      if (collapser.stats.samples > 0 || collapser.linesRead > 0) {
        throw new DataError(`${profiles[0].name} is a profile (${profiles[0].profile.kind}) and other inputs are perf script text: collapse them in separate runs, then give both outputs to flamegraph-svg`);
      }
      // Their samples count one each: V8 and nflxprofile carry no periods.
      const { foldProfileInto, formatFoldedCounts } = await import('../parse/profile-input.js');
      const counts = new Map<string, number>();
      for (const { profile } of profiles) foldProfileInto(profile, { pid: Boolean(opts.pid), tid: Boolean(opts.tid), keepIdle: true }, counts);
      const out = new OutputSink(io.stdout, 'latin1');
      for (const line of formatFoldedCounts(counts)) {
        out.write(`${line}\n`);
        await out.flush();
      }
      await out.end();
      if (counts.size === 0) msgs.warn(NO_SAMPLES);
      return 0;
    }
    if (windows) {
      await windows.write(collapser.finishWindows());
      await windows.flush();
      if (collapser.stats.samples > 0 && !collapser.stats.timed) throw new DataError(NO_TIMESTAMPS_HINT);
      // Samples before the first timestamp belong to no window (range-perf would not print them either).
      const st = collapser.stats;
      const noWindow = st.samples - st.kept - [...st.otherEvents.values()].reduce((a, b) => a + b, 0);
      if (noWindow > 0 && !o.quiet) msgs.warn(leftOutMessage(noWindow, 'before the first timestamp: no window holds them'));
    } else {
      const out = new OutputSink(io.stdout, 'latin1');
      // Lines are written as latin1 bytes straight into Buffers of IO_CHUNK that go out
      // whole, from each frame name's bytes (no string per line: on a deep profile the
      // folded text is tens of MB, and its strings were most of the run's garbage), with
      // one await per Buffer.
      // To the process's own stdout (a file, pipe or terminal), one Buffer serves every chunk:
      // once the callback of a write after it has run, the chunk is out (writes complete in
      // order), and 72 MB of output no longer costs 72 MB of fresh pages. Another stream
      // (a test's) may keep the chunks it is given: a new Buffer each.
      const reuse = io.processStreams === true;
      for (const chunk of collapser.foldedChunks(IO_CHUNK, undefined, reuse)) {
        out.writeBytes(chunk);
        await out.flush(reuse);
        if (reuse) await new Promise<void>((resolve) => io.stdout.write('', () => resolve()));
      }
      await out.end();
    }

    const st = collapser.stats;
    const badLines = bad.size;
    if (!o.quiet) {
      bad.flush(msgs, (reason, n) => ignoredLines(n, reason));
      if (st.hugePeriods > 0) {
        msgs.warn(leftOutMessage(st.hugePeriods, 'whose period is past 1.8e308, the largest number counted; consider --weight samples'));
      }
      if (collapser.capped) msgs.warn('some counts exceed 1.8e308 and are capped at it; consider --weight samples');
      else if (collapser.inexact) msgs.warn('some counts exceed 2^53 and are rounded to 53 significant bits; consider --weight samples');
      const other = [...st.otherEvents.values()].reduce((a, b) => a + b, 0);
      if (other > 0) {
        msgs.warn(otherEvents(showName(st.event ?? ''), other, [...st.otherEvents.keys()].map(showName), opts.eventFilter !== null));
      }
    }
    if (st.samples === 0) {
      if (badLines > 0) throw new DataError('no samples found: is this perf script output?');
      if (!o.quiet) msgs.warn(NO_SAMPLES);
    } else if (st.kept === 0 && st.hugePeriods === 0) {
      throw new DataError(`no samples of event ${showName(st.event ?? '')}; events seen: ${[...st.otherEvents.keys()].map(showName).join(', ')}`);
    }
    return 0;
  });
}
