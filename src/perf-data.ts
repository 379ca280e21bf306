// perf.data given where perf script text is expected. perf record's binary file starts with
// the magic bytes `PERFILE2`; the tools then run `perf script` on it and read its text, so a
// user can copy perf.data off a host and read it where perf's symbol files are.
//
//   $ stackcollapse perf.data > out.folded
//   stackcollapse: perf.data is a perf.data file: reading it through 'perf script --header -F +pid -i perf.data'
//
// The command asks for perf's default fields plus the pid (`-F +pid`: perf adds a field to
// its defaults this way without failing on events that lack, say, a CPU), and the header,
// which carries the recording's command line and the time of its first sample.

import type { Readable } from 'node:stream';
import { shellQuote } from './shell-word.js';

export const PERF_DATA_MAGIC = Buffer.from('PERFILE2', 'latin1');

/** Whether these first bytes are those of a perf.data file. */
export function isPerfData(head: Uint8Array): boolean {
  if (head.length < PERF_DATA_MAGIC.length) return false;
  for (let i = 0; i < PERF_DATA_MAGIC.length; i++) if (head[i] !== PERF_DATA_MAGIC[i]) return false;
  return true;
}

/** The perf script arguments that turn perf.data at `path` into the text the tools read. */
export function perfScriptArgs(path: string): string[] {
  return ['script', '--header', '-F', '+pid', '-i', path];
}

/** The command as a user would type it, for messages. */
export function perfScriptCommand(path: string): string {
  return ['perf', ...perfScriptArgs(path)].map(shellQuote).join(' ');
}


/** Why perf script could not turn a perf.data file into text; the message says what to run instead. */
export class PerfScriptError extends Error {}

/**
 * Runs perf script on the perf.data file at `path` and yields its output. Ends with a
 * PerfScriptError (after the text it did print) when perf is missing or fails.
 */
export async function* readPerfScript(path: string, perf = 'perf'): AsyncGenerator<Buffer> {
  // Loaded here, not at start-up: only a perf.data input needs it.
  const { spawn } = await import('node:child_process');
  const child = spawn(perf, perfScriptArgs(path), { stdio: ['ignore', 'pipe', 'pipe'] });
  const errors: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => errors.push(c));
  const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    child.on('close', (code) => resolve({ code }));
  });
  try {
    yield* child.stdout as Readable as AsyncIterable<Buffer>;
  } finally {
    // A reader that stops early (range-perf past END) must not leave perf running.
    if (child.exitCode === null) child.kill();
  }
  const { code, error } = await exited;
  const elsewhere = `run '${perfScriptCommand(path)} > out.stacks' where perf and the recording's symbols are, and give the tool out.stacks`;
  if (error) {
    throw new PerfScriptError(error.code === 'ENOENT' ? `this is a perf.data file, and perf is not installed here: ${elsewhere}` : `cannot run perf (${error.message}): ${elsewhere}`);
  }
  if (code !== 0) {
    // perf prints one line per field it cannot show; the last lines say why it stopped.
    const why = Buffer.concat(errors).toString('utf8').trim().split('\n').slice(-2).join('; ');
    throw new PerfScriptError(`perf script failed (exit ${code}${why ? `: ${why}` : ''}): ${elsewhere}`);
  }
}
