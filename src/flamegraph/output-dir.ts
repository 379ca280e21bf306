// flamegraph-svg --output-dir DIR: one SVG per input file (or per .folded file of an input
// directory), drawn in one process; a window file of stackcollapse --per-window gets its
// window in the title. The CLI (cli.ts) checks the flags and passes in the edge's
// writeFileAtomic, so that a half-written SVG is removed on Ctrl-C.
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataError, describeFsError, EXIT_DATA, UsageError } from '../runtime/errors.js';
import { readBytes, resolveInputs, type Input, type ReadOptions } from '../runtime/input.js';
import type { IO } from '../runtime/io.js';
import { readLineChunks } from '../runtime/lines.js';
import { quoteInput, WarningTally, type Messages } from '../runtime/messages.js';
import { expectFoldedStacks } from '../input-check.js';
import { formatSeconds, parseWindowFileName } from '../window-name.js';
import { FlamegraphBuilder } from './flamegraph.js';
import type { FlamegraphOptions } from './options.js';
import { flushFlamegraphWarnings } from './warnings.js';

/**
 * How flamegraph-svg reads a file of folded stacks: blocking reads of 64 KiB into one
 * Buffer, used again for every read (each chunk is decoded to text before the next read).
 * Why: a read stream of 1 MiB chunks touched a fresh MiB per read and started libuv's thread
 * pool; on a one-second window (1 MB of folded stacks) that was ~250 pages first touched,
 * each a page fault. stdin and pipes are read as streams whatever these say.
 */
export const FOLDED_READ_CHUNK = 64 << 10;
export const FOLDED_READ_OPTIONS: ReadOptions = { blockingFile: true, reuse: true };

const PROG = 'flamegraph-svg';

/** Input arguments with each directory replaced by its .folded files, in name order. */
export function expandDirectories(files: string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    let dir = false;
    try {
      dir = f !== '-' && statSync(f).isDirectory();
    } catch {
      // resolveInputs names the problem.
    }
    if (!dir) out.push(f);
    else {
      const names = readdirSync(f).filter((n) => n.endsWith('.folded')).sort();
      if (names.length === 0) throw new DataError('no .folded files in this directory', f);
      for (const n of names) out.push(join(f, n));
    }
  }
  return out;
}

/**
 * --output-dir: one SVG per input file, each drawn on its own, in one process (the shell
 * loop over flamegraph.pl starts an interpreter per window). The window of a per-window
 * file is its name's start (src/window-name.ts, sign included), and its length the smallest step between consecutive names
 * (stackcollapse writes every window from the first to the last, empty ones included).
 */
export async function drawEach(
  files: string[],
  title: string | undefined,
  base: FlamegraphOptions,
  outDir: string,
  io: IO,
  msgs: Messages,
  writeWhole: (path: string, data: Buffer) => Promise<void>,
): Promise<number> {
  const inputs = resolveInputs(files);
  if (inputs.some((i) => i.path === null)) throw new UsageError("'--output-dir' reads named files, not stdin");
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new DataError(`cannot create: ${describeFsError(e)}`, outDir);
  }
  const starts = inputs.map((i) => parseWindowFileName(basename(i.name)));
  const sorted = starts.filter((x): x is number => x !== null).sort((a, b) => a - b);
  let step = Infinity;
  for (let k = 1; k < sorted.length; k++) if (sorted[k] > sorted[k - 1]) step = Math.min(step, sorted[k] - sorted[k - 1]);
  const titleBase = title ?? (base.inverted ? 'Icicle Graph' : base.flamechart ? 'Flame Chart' : 'Flame Graph');

  const tally = new WarningTally();
  let empty = 0;
  let failed = 0;
  for (let k = 0; k < inputs.length; k++) {
    const input: Input = inputs[k];
    const options: FlamegraphOptions = { ...base };
    const start = starts[k];
    if (start !== null) {
      options.title = Number.isFinite(step)
        ? `${titleBase}: ${formatSeconds(start)} s to ${formatSeconds(start + step)} s`
        : `${titleBase}: from ${formatSeconds(start)} s`;
    }
    const builder = new FlamegraphBuilder(options, undefined, (where, text, reason) => tally.add(reason === 'overflow' ? 'overflow' : 'invalid', `${where}: ${quoteInput(text)}`), input.size ?? 0);
    builder.beginInput(input.name);
    for await (const chunk of readLineChunks(expectFoldedStacks(readBytes(input, io, FOLDED_READ_CHUNK, FOLDED_READ_OPTIONS), input.name, PROG, (problem) => msgs.error(problem, input.name)), input.name)) builder.addChunk(chunk.text);
    const result = builder.finish();
    if (result.error !== undefined) {
      // An empty window is normal in a series; a file with lines but none valid is not.
      if (input.size === 0) empty++;
      else {
        failed++;
        msgs.error(result.error, input.name);
      }
    }
    let svg = '';
    for (const c of result.chunks()) svg += c;
    const name = basename(input.name).replace(/\.folded$/, '') + '.svg';
    await writeWhole(join(outDir, name), Buffer.from(svg, 'utf8'));
  }
  flushFlamegraphWarnings(tally, msgs);
  if (empty > 0) msgs.warn(`${empty} of ${inputs.length} ${inputs.length === 1 ? 'file was' : 'files were'} empty: drawn as graphs saying so`);
  return failed > 0 ? EXIT_DATA : 0;
}
