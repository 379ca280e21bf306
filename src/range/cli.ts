// range-perf [options] START END [file ...]: keep the samples of a time window.
// Maps the command line onto RangeOptions; the work is in range.ts.
import { Option } from 'commander';
import {
  DataError,
  makeProgram,
  OutputSink,
  processIO,
  Progress,
  readBytes,
  readLineChunks,
  refuseTerminalStdin,
  resolveInputs,
  runMain,
  UsageError,
  type Input,
  type IO,
  type Messages,
} from '../cli.js';
import { parseSeconds, type Instant } from '../parse/perf-script.js';
import { VERSION } from '../version.js';
import { NO_SAMPLES } from '../runtime/counts.js';
import { RangeFilter, type TimeOrigin } from './range.js';
import { seekRange } from './seek.js';

const PROG = 'range-perf';
const USAGE = `usage: ${PROG} [options] START END [file ...]`;

export const NO_TIMESTAMPS_HINT =
  'the input has no timestamps: re-run perf script with time among its fields, e.g. perf script -F comm,pid,tid,cpu,time,period,event,ip,sym,dso';

/** range-perf's flags as commander parses them. */
interface RangeFlags {
  timezerosecs?: boolean;
  /** range-perf.pl's spelling, hidden. */
  timezerosec?: boolean;
  timeraw?: boolean;
  unsorted?: boolean;
  quiet?: boolean;
}

/** The options of a run: the window and its time origin, from START, END and the flags. */
export interface RangeRunOptions {
  begin: Instant;
  end: Instant;
  /** Default 'first-sample', as range-perf.pl; --timezerosecs wins over --timeraw. */
  origin: TimeOrigin;
  /** Default false: input in time order (stop past END, bisect a file). */
  unsorted: boolean;
  /** Default false. */
  quiet: boolean;
}

/** Maps START, END and the flags onto typed options; bad values are usage errors. */
export function toOptions(startArg: string, endArg: string, o: RangeFlags): RangeRunOptions {
  const begin = parseBound('START', startArg);
  const end = parseBound('END', endArg);
  // An empty window is a mistake, not a question: say so rather than print nothing.
  if (begin.sec > end.sec || (begin.sec === end.sec && begin.ns > end.ns)) {
    throw new UsageError(`START (${startArg}) is after END (${endArg}): the window is empty; give START first`);
  }
  // As range-perf.pl: --timezerosecs wins over --timeraw.
  const origin: TimeOrigin = o.timezerosecs || o.timezerosec ? 'first-second' : o.timeraw ? 'raw' : 'first-sample';
  return { begin, end, origin, unsorted: Boolean(o.unsorted), quiet: Boolean(o.quiet) };
}

function parseBound(name: string, s: string): Instant {
  const t = parseSeconds(s);
  if (t === null) throw new UsageError(`${name} must be a number of seconds, not ${JSON.stringify(s)}`);
  return t;
}

export async function main(argv: string[], io: IO = processIO()): Promise<number> {
  return runMain(PROG, io, () => USAGE, async ({ msgs }) => {
    const program = makeProgram(PROG, io, VERSION)
      .usage('[options] START END [file ...]')
      .description(
        "Print the samples of perf script output whose time is within [START, END] seconds, as FlameGraph's\n" +
          'range-perf.pl does: time counts from the first sample, both bounds are inclusive, and the output is\n' +
          'the input\'s own bytes less its comment lines. Reads the files named (- for stdin, .gz accepted) or stdin.\n' +
          'Input is taken to be in time order, as perf writes it: reading stops at the first sample past END,\n' +
          'and a single regular file is searched by bisection for the window (see --unsorted).\n' +
          'Put -- before a negative START.',
      )
      .argument('<START>', 'start of the window, in seconds (decimals allowed)')
      .argument('<END>', 'end of the window, in seconds')
      .argument('[file...]', 'perf script output; - or nothing for stdin')
      .option('--timezerosecs', "time 0 is the first sample's whole second (the heat map's origin)")
      .addOption(new Option('--timezerosec').hideHelp())
      .option('--timeraw', "use perf's own timestamps")
      .option('--unsorted', 'input may be out of time order: test every sample and read all of it')
      .option('-q, --quiet', 'print no warnings, and no progress line (shown only on a terminal, for long runs)');
    program.parse(argv, { from: 'user' });
    const [startArg, endArg, ...files] = program.args;
    const o = toOptions(startArg, endArg, program.opts<RangeFlags>());
    const { begin, end, origin } = o;

    const inputs = resolveInputs(files);
    refuseTerminalStdin(inputs, io, 'perf script output');

    const out = new OutputSink(io.stdout);
    const progress = new Progress(io, PROG, Progress.totalOf(inputs), Boolean(o.quiet));
    let filter: RangeFilter | null = null;
    try {
      // One time-ordered regular file: the window is found by bisection (seek.ts).
      if (!o.unsorted && inputs.length === 1) filter = await seekRange(inputs[0], io, { begin, end, origin }, out, progress);
      if (filter === null) filter = await filterSequentially(inputs, io, new RangeFilter({ begin, end, origin, unsorted: Boolean(o.unsorted) }), out, progress, msgs);
    } finally {
      progress.done();
    }
    await out.end();
    if (filter.headers > 0 && filter.timedHeaders === 0) throw new DataError(NO_TIMESTAMPS_HINT);
    if (filter.headers === 0 && filter.strayLines > 0) throw new DataError('no perf script samples found in the input');
    if (filter.headers === 0 && !o.quiet) msgs.warn(NO_SAMPLES);
    return 0;
  });
}

/** Every line of the inputs, in order, through `filter`, until it is done. */
async function filterSequentially(inputs: Input[], io: IO, filter: RangeFilter, out: OutputSink, progress: Progress, msgs: Messages): Promise<RangeFilter> {
  let read = 0;
  for (const input of inputs) {
    for await (const chunk of readLineChunks(readBytes(input, io, undefined, { blockingFile: true, perfData: (cmd) => msgs.info(`${input.name}: a perf.data file: reading it through '${cmd}'`) }), input.name)) {
      const bytes = chunk.bytes;
      filter.push(bytes, (s, e) => out.writeBytes(bytes.subarray(s, e)));
      read += bytes.length;
      progress.update(read, filter.headers);
      await out.flush();
      // Past END in time-ordered input: stop reading (the source is closed as the
      // iterators unwind).
      if (filter.done) return filter;
    }
  }
  return filter;
}
