// stackcollapse [options] [file ...]: perf script text -> folded stacks.
// Maps the command line onto CollapseOptions; the work is in collapse.ts.
import { Option } from 'commander';
import {
  DataError,
  makeProgram,
  OutputSink,
  processIO,
  quoteInput,
  readBytes,
  readLineChunks,
  refuseTerminalStdin,
  resolveInputs,
  runMain,
  UsageError,
  WarningTally,
  type IO,
} from '../cli.js';
import { VERSION } from '../version.js';
import { Collapser, type CollapseOptions, type Weight } from './collapse.js';
import { Addr2LineMissing, checkAddr2line, makeInliner } from './addr2line.js';

const PROG = 'stackcollapse';
const USAGE = `usage: ${PROG} [options] [file ...]`;

export async function main(argv: string[], io: IO = processIO()): Promise<number> {
  return runMain(PROG, io, () => USAGE, async ({ msgs }) => {
    const program = makeProgram(PROG, io, VERSION)
      .usage('[options] [file ...]')
      .description(
        'Turn perf script output into folded stacks (one "comm;root;...;leaf count" line per distinct stack),\n' +
          'as FlameGraph\'s stackcollapse-perf.pl does. Reads the files named (- for stdin, .gz accepted) or stdin.\n' +
          'Counts are weighted by the sample period, as stackcollapse-perf.pl does, unless --weight samples.',
      )
      .argument('[file...]', 'perf script output; - or nothing for stdin')
      .option('--pid', 'root frame is comm-PID')
      .option('--tid', 'root frame is comm-PID/TID (implies --pid)')
      .option('--kernel', 'annotate kernel frames with _[k]')
      .option('--jit', 'annotate JIT frames with _[j]')
      .option('--all', 'same as --kernel --jit')
      .option('--addrs', 'show the address of unknown symbols: [dso <addr>]')
      .option('--event-filter <event>', 'keep samples of this event only (default: the first event seen)')
      .addOption(new Option('--weight <how>', 'count the sample period, or 1 per sample').choices(['period', 'samples']).default('period'))
      .option('--inline', "un-inline frames with binutils' addr2line (slow)")
      .option('--context', 'with --inline: add file:line to each inlined function')
      .option('--srcline', 'input has a source line under each frame (perf script -F+srcline)')
      .option('-q, --quiet', 'print no warnings');
    program.parse(argv, { from: 'user' });
    const o = program.opts();
    const files = program.args;
    if (o.context && !o.inline) throw new UsageError('--context goes with --inline');

    const inputs = resolveInputs(files);
    refuseTerminalStdin(inputs, io, 'perf script output');

    const opts: CollapseOptions = {
      pid: Boolean(o.pid || o.tid),
      tid: Boolean(o.tid),
      kernel: Boolean(o.kernel || o.all),
      jit: Boolean(o.jit || o.all),
      addrs: Boolean(o.addrs),
      eventFilter: o.eventFilter ?? null,
      weight: o.weight as Weight,
      srcline: Boolean(o.srcline),
    };
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

    const bad = new WarningTally();
    let where = '';
    const collapser = new Collapser(opts, (b) => bad.add(b.reason, `${where}:${b.line}: ${quoteInput(b.text)}`));
    for (const input of inputs) {
      where = input.name;
      for await (const chunk of readLineChunks(readBytes(input, io), input.name)) {
        collapser.push(chunk.text);
      }
      collapser.endInput();
    }

    const out = new OutputSink(io.stdout, 'latin1');
    for (const line of collapser.lines()) {
      out.write(line + '\n');
      await out.flush();
    }
    await out.end();

    const st = collapser.stats;
    const badLines = bad.size;
    if (!o.quiet) {
      bad.flush(msgs, (reason, n) => `ignored ${n} ${n === 1 ? 'line' : 'lines'}: ${reason}`);
      if (collapser.inexact) msgs.warn('some counts exceed 2^53 and are rounded to 53 significant bits; consider --weight samples');
      const other = [...st.otherEvents.values()].reduce((a, b) => a + b, 0);
      if (other > 0) {
        const names = [...st.otherEvents.keys()].join(', ');
        msgs.warn(
          `kept events of type ${st.event}; skipped ${other} ${other === 1 ? 'sample' : 'samples'} of other types (${names})` +
            (opts.eventFilter === null ? '; choose with --event-filter' : ''),
        );
      }
    }
    if (st.samples === 0) {
      if (badLines > 0) throw new DataError('no samples found: is this perf script output?');
      if (!o.quiet) msgs.warn('no samples in input');
    } else if (st.kept === 0) {
      throw new DataError(`no samples of event ${st.event}; events seen: ${[...st.otherEvents.keys()].join(', ')}`);
    }
    return 0;
  });
}
