// Refuses an input of the wrong kind before a tool draws or counts junk from it. The kind is
// told by content (src/parse/input-kind.ts), after gzip is undone. For example:
//   $ flamegraph-svg out.stacks
//   flamegraph-svg: out.stacks: this looks like perf script output: pipe it through stackcollapse first (stackcollapse out.stacks | flamegraph-svg > out.svg)
//   $ flamegraph-svg perf.data
//   flamegraph-svg: perf.data: this is a perf.data file, not folded stacks: run stackcollapse on it first (stackcollapse perf.data | flamegraph-svg > out.svg)
import { INPUT_KIND_NAMES, sniffInputKind, type InputKind } from './parse/input-kind.js';
import { shellQuote } from './shell-word.js';

/** How many bytes are looked at to tell the kind. */
const SNIFF_BYTES = 4096;

/** Why folded-stack input of this kind is refused, or null when it is read. */
export function foldedInputProblem(kind: InputKind, inputName: string, tool: string): string | null {
  const file = inputName === 'stdin' ? '' : ` ${shellQuote(inputName)}`;
  const fix = `(stackcollapse${file} | ${tool} > out.svg)`;
  switch (kind) {
    case 'perf-script':
      return `this looks like perf script output: pipe it through stackcollapse first ${fix}`;
    case 'perf-data':
    case 'json':
    case 'nflxprofile':
      return `this is ${INPUT_KIND_NAMES[kind]}, not folded stacks: run stackcollapse on it first ${fix}`;
    case 'binary':
      return `this is binary data, not folded stacks: ${tool} reads 'frame;frame;frame count' lines, as stackcollapse writes them`;
    default:
      return null;
  }
}

/**
 * Passes `source` through when its first bytes are those of folded stacks. Otherwise it
 * calls `refuse` with the reason and yields nothing, so the tool goes on without this input
 * (flamegraph-svg then writes its error SVG and exits 1, as for any input without stacks).
 */
export async function* expectFoldedStacks(
  source: AsyncIterable<Buffer>,
  inputName: string,
  tool: string,
  refuse: (problem: string) => void,
): AsyncGenerator<Buffer> {
  const held: Buffer[] = [];
  let size = 0;
  // Not Buffer.concat(held) whole: the first chunk of a file is up to 1 MiB, all copied to look at 4 KiB.
  const problem = () =>
    foldedInputProblem(sniffInputKind(held.length === 1 ? held[0].subarray(0, SNIFF_BYTES) : Buffer.concat(held, Math.min(size, SNIFF_BYTES))), inputName, tool);
  const it = source[Symbol.asyncIterator]();
  for (;;) {
    // A reader may reuse its Buffer (ReadOptions.reuse): before reading on, keep a copy of
    // what is held back (a chunk under SNIFF_BYTES, so rare and small).
    if (held.length > 0) held[held.length - 1] = Buffer.from(held[held.length - 1]);
    const r = await it.next();
    if (!r.done) {
      held.push(r.value);
      size += r.value.length;
      if (size < SNIFF_BYTES) continue;
    }
    const p = problem();
    if (p !== null) {
      await it.return?.();
      refuse(p);
      return;
    }
    yield* held;
    if (r.done) return;
    break;
  }
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
  }
}

/**
 * The kind of a stream's input, told from its first bytes (at least `min` of them, or all
 * when it is shorter), and the stream again from its start.
 */
export async function sniffStream(source: AsyncIterable<Buffer>, min = 64): Promise<{ kind: InputKind; bytes: AsyncGenerator<Buffer> }> {
  const it = source[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < min) {
    // A reader may reuse its Buffer: before reading on, keep a copy of what is held back.
    // (Not of the last chunk read: the consumer takes it before the reader is asked again,
    // and copying a whole chunk of a file cost a few percent of a small run.)
    if (held.length > 0) held[held.length - 1] = Buffer.from(held[held.length - 1]);
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    held.push(r.value);
    size += r.value.length;
  }
  const kind = sniffInputKind(held.length === 1 ? held[0].subarray(0, SNIFF_BYTES) : Buffer.concat(held, Math.min(size, SNIFF_BYTES)));
  async function* replay(): AsyncGenerator<Buffer> {
    yield* held;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { kind, bytes: replay() };
}
