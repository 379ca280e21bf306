// A commander program set up the flamekit way, and strict parsing of option values.
import { Command, Help } from 'commander';
import { UsageError } from './errors.js';
import type { IO, OutStream } from './io.js';

// Lines of at most 60 columns: commander prints this as it is, unwrapped.
export const EXIT_CODES_HELP = `
Exit status:
  0  success, including empty but valid output, or a reader
     that closed the pipe early
  1  bad input data, or an I/O error
  2  usage error (unknown option, malformed value, missing
     argument)`;

/**
 * A commander program set up the flamekit way: output to the given streams, usage errors
 * as `prog: message` plus the usage line, and exit codes in --help.
 */
export function makeProgram(prog: string, io: IO, version: string): Command {
  const program = new Command(prog);
  program
    .configureHelp({
      // Wrap descriptions even in a narrow terminal (commander's own floor is 40 columns).
      minWidthToWrap: 20,
      // Descriptions are written as prose: a single line break inside one is a space, so that
      // commander wraps the text at the terminal's width rather than at ours as well. A blank
      // line still starts a new paragraph.
      boxWrap(this: Help, str: string, width: number): string {
        return Help.prototype.boxWrap.call(this, unwrapProse(str), width);
      },
    })
    .version(version, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .exitOverride()
    .configureOutput({
      // The help fits the terminal it is printed on; 80 columns into a pipe or a file.
      getOutHelpWidth: () => helpWidth(io.stdout, io.env),
      getErrHelpWidth: () => helpWidth(io.stderr, io.env),
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {
        /* printed by runMain, with the usage line */
      },
    })
    .allowExcessArguments(false)
    .addHelpText('after', EXIT_CODES_HELP);
  return program;
}

/** Joins the lines of each paragraph of `str` (single line breaks become spaces). */
export function unwrapProse(str: string): string {
  return str.replace(/([^\n])\n(?=[^\n\s])/g, '$1 ');
}

/** Columns for --help: the terminal's width, else COLUMNS, else 80. */
function helpWidth(stream: OutStream, env: Record<string, string | undefined>): number {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const cols = Number(env.COLUMNS);
  return Number.isInteger(cols) && cols > 0 ? cols : 80;
}

/** Parses an option value strictly, turning failures into usage errors. */
export function parseNumberOption(name: string, value: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
  const re = opts.integer ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  if (!re.test(value.trim())) {
    throw new UsageError(`option '${name}' wants ${opts.integer ? 'a whole number' : 'a number'}, not ${JSON.stringify(value)}`);
  }
  const n = Number(value);
  if (opts.min !== undefined && n < opts.min) throw new UsageError(`option '${name}' must be at least ${opts.min}, not ${value}`);
  if (opts.max !== undefined && n > opts.max) throw new UsageError(`option '${name}' must be at most ${opts.max}, not ${value}`);
  return n;
}
