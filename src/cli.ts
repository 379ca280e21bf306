// The CLI edge of flamekit's tools: the one place besides the <tool>/cli.ts files that
// touches process state. It gives a tool the process's streams (processIO), runs its body
// and maps what it throws to messages and exit codes (runMain), and removes half-written
// files on a signal (writeFileAtomic).
//
// The runtime the tools share is in src/runtime/, one concern per module, none touching
// process: errors.ts (exit codes), io.ts (the streams a tool runs against), input.ts
// (files, stdin, gzip decided by content, perf.data), lines.ts (chunks of whole lines),
// output.ts (stdout with back-pressure, EPIPE), progress.ts, messages.ts, program.ts
// (commander). They are re-exported here, as the tools imported them before the split.
import { unlinkSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CommanderError } from 'commander';
import { BrokenPipe, DataError, describeFsError, EXIT_DATA, EXIT_OK, EXIT_USAGE, isBrokenPipe, OutputError, UsageError, writeFailure } from './runtime/errors.js';
import type { IO, OutStream } from './runtime/io.js';
import type { Input } from './runtime/input.js';
import { loadPainter, Messages } from './runtime/messages.js';
import { FdWriter, isPlainFd } from './runtime/fd-io.js';
import { tierUpLate } from './runtime/jit.js';
import { settle } from './runtime/output.js';

// WebAssembly's error type (lib.dom is not in this Node-only build).
declare const WebAssembly: { RuntimeError: new () => Error };

export * from './runtime/errors.js';
export * from './runtime/io.js';
export * from './runtime/input.js';
export * from './runtime/lines.js';
export * from './runtime/messages.js';
export * from './runtime/output.js';
export * from './runtime/progress.js';
export * from './runtime/program.js';

/**
 * The process's streams. stdin is a getter: Node makes its stream (a ReadStream, a net
 * Socket or a TTY) on first use, and a run that reads only files should not pay for that
 * at start-up (a few milliseconds; docs/speed.md, "Fixed costs"); input.ts reads fd 0
 * without it where it can (fd-io.ts). stdout is made on first use too: a pipe, socket or
 * file on fd 1 is written with writeSync (FdWriter), not through process.stdout, which
 * loads node:net on a pipe; a terminal gets process.stdout. stderr the same way: a pipe or
 * a file on fd 2 (a script's log, the bench) is no terminal, so it wants no colour, and
 * process.stderr would load node:net there too (~10 ms of a run on 3 MB).
 */
export function processIO(): IO {
  let stdout: OutStream | undefined;
  let stderr: OutStream | undefined;
  return {
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return (stdout ??= isPlainFd(1) ? new FdWriter(1) : process.stdout);
    },
    get stderr() {
      return (stderr ??= isPlainFd(2) ? new FdWriter(2) : process.stderr);
    },
    env: process.env,
    stdinFd: 0,
    processStreams: true,
  };
}

export interface RunContext {
  io: IO;
  msgs: Messages;
}

/**
 * Runs a tool body and maps what it throws to messages and exit codes (exitCodeOf). A
 * write error of stdout, on any path (--help and --version too), ends the same way
 * everywhere: a closed pipe (EPIPE) exits 0 quietly, anything else exits 1 with one message.
 */
export async function runMain(
  prog: string,
  io: IO,
  usage: () => string,
  body: (ctx: RunContext) => Promise<number | void>,
): Promise<number> {
  // A run as a process of its own (bin/), not in a test's or the build's process.
  if (io.processStreams === true) tierUpLate({ v8: process.versions.v8, execArgv: process.execArgv, setFlags: v8FlagSetter() });
  const msgs = new Messages(prog, io, await loadPainter(io));
  // Every write error of stdout lands here, whoever wrote (commander's --help, an
  // OutputSink): none becomes an unhandled 'error' event with a stack trace, and the end of
  // the run says it once.
  let writeError: Error | null = null;
  io.stdout.on('error', (e: Error) => {
    writeError ??= e;
  });
  // Diagnostics that cannot be written (stderr on a full disk or a closed pipe) are lost;
  // they must not crash the run and change its exit status.
  io.stderr.on('error', () => {});
  let reported = false;
  let code: number;
  try {
    code = (await body({ io, msgs })) ?? EXIT_OK;
  } catch (e) {
    if (e instanceof OutputError) reported = true;
    code = exitCodeOf(e, prog, io, usage, msgs);
  }
  await settle(io.stdout);
  const failed = writeError ?? io.stdout.errored ?? null;
  if (failed !== null && !isBrokenPipe(failed) && !reported) {
    msgs.error(writeFailure(failed));
    return code === EXIT_OK ? EXIT_DATA : code;
  }
  return code;
}

/**
 * V8's setFlagsFromString from `process.binding('v8')`, the binding node:v8 itself calls
 * (src/runtime/jit.ts says why not node:v8), or null where there is none. The binding is
 * deprecated (DEP0111): its warning is decided in the call that fetches it, so
 * `process.noDeprecation` is set for that call only, and nothing is printed or thrown
 * (--throw-deprecation).
 */
function v8FlagSetter(): ((flags: string) => void) | null {
  const p = process as unknown as { binding?: (name: string) => { setFlagsFromString?: unknown }; noDeprecation?: boolean };
  const quiet = p.noDeprecation;
  p.noDeprecation = true;
  try {
    const f = p.binding?.('v8').setFlagsFromString;
    return typeof f === 'function' ? (f as (flags: string) => void) : null;
  } catch {
    return null;
  } finally {
    p.noDeprecation = quiet;
  }
}

/**
 * What a tool body threw, as an exit code, with its message: usage errors exit 2 with the
 * usage line, data errors exit 1, a closed pipe exits 0, and anything else is an internal
 * error, with a stack trace only under DEBUG=1.
 */
function exitCodeOf(e: unknown, prog: string, io: IO, usage: () => string, msgs: Messages): number {
  if (e instanceof BrokenPipe) return EXIT_OK;
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
    msgs.error(e.message.replace(/^error: /, ''));
    io.stderr.write(`${usage()}\nTry '${prog} --help' for more information.\n`);
    return EXIT_USAGE;
  }
  if (e instanceof UsageError) {
    msgs.error(e.message);
    io.stderr.write(`${usage()}\nTry '${prog} --help' for more information.\n`);
    return EXIT_USAGE;
  }
  if (e instanceof DataError) {
    msgs.error(e.message, e.where);
    return EXIT_DATA;
  }
  if (isBrokenPipe(e)) return EXIT_OK;
  // A trap of the WebAssembly core (src/parse/core-module.ts): its memory could not grow
  // (4 GiB at most), or a bug. Named, so that a report says where it happened.
  const where = e instanceof WebAssembly.RuntimeError ? ' in the WebAssembly core' : '';
  msgs.error(`internal error${where}: ${(e as Error)?.message ?? String(e)}${io.env.DEBUG ? '' : ' (set DEBUG=1 for a stack trace)'}`);
  if (io.env.DEBUG) io.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
  return EXIT_DATA;
}

/**
 * Refuses to wait silently on a terminal: with no file named and stdin a terminal, the
 * user most likely forgot the input.
 */
export function refuseTerminalStdin(inputs: Input[], io: IO, what: string): void {
  if (!inputs.some((i) => i.path === null)) return;
  // A pipe, socket or file on the process's fd 0 is no terminal, and asking process.stdin
  // would make its stream (node:net on a pipe) only to say so (fd-io.ts).
  if (io.stdinFd === 0 && isPlainFd(0)) return;
  if (io.stdin.isTTY) {
    throw new UsageError(`no input: name a file, or pipe ${what} into it`);
  }
}

// --- named output files -----------------------------------------------------------------

/** Temporary files being written; removed if the process is interrupted. */
const tempFiles = new Set<string>();
let signalsHooked = false;
let tempSeq = 0;

/**
 * On Ctrl-C (or SIGTERM/SIGHUP), removes the temporary files of writes in progress, then
 * dies of the same signal. Completed files were renamed into place whole, so what is left
 * in an output directory is whole files only.
 */
function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const f of tempFiles) {
        try {
          unlinkSync(f);
        } catch {
          /* already gone */
        }
      }
      process.kill(process.pid, sig);
    });
  }
}

/** Writes a file whole: to a temporary name beside it, then renamed into place. */
export async function writeFileAtomic(path: string, data: Buffer | string): Promise<void> {
  hookSignals();
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${tempSeq++}.tmp`);
  tempFiles.add(tmp);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw new DataError(`cannot write: ${describeFsError(e)}`, path);
  } finally {
    tempFiles.delete(tmp);
  }
}
