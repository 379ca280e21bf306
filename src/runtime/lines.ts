// Splitting bytes into chunks of whole lines: the one way any tool cuts its input into
// lines. One string per chunk, never per line: the cores scan each chunk with
// indexOf/charCodeAt, synchronously.
import { DataError } from './errors.js';

/** The largest line any tool accepts: a longer one is an error, never silently cut. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

/**
 * The size of a chunk of lines. Why: a string of 1 MiB is allocated outside V8's young
 * generation (as an external string past ~1 MB, in large-object space before that), and
 * hundreds of them churn enough memory to trigger full collections of everything the tool
 * keeps; a 64 KiB string is young garbage that costs nearly nothing to collect.
 */
export const LINE_CHUNK = 64 * 1024;

/**
 * Cuts bytes[from, to) into runs of whole lines of at most about LINE_CHUNK bytes (a longer
 * line is a run of its own) and calls `push(start, end)` for each, in order. Returns where
 * the unfinished last line starts (`to` when the bytes end with a line break), or -1 when
 * `push` returned false to stop. Every chunking of input into lines goes through here.
 */
export function cutLines(bytes: Uint8Array, from: number, to: number, push: (start: number, end: number) => boolean | void): number {
  while (from < to) {
    let nl = bytes.lastIndexOf(10, Math.min(to, from + LINE_CHUNK) - 1);
    if (nl < from) {
      nl = bytes.indexOf(10, from);
      if (nl < 0 || nl >= to) break;
    }
    if (push(from, nl + 1) === false) return -1;
    from = nl + 1;
  }
  return from;
}

/**
 * A chunk of whole lines of one input, decoded as latin1 so that every byte is one char
 * and `Buffer.from(text, 'latin1')` gives the original bytes back. `bytes` is the Buffer
 * the text came from (same offsets), for byte-exact pass-through.
 */
export class LineChunk {
  private decoded: string | null = null;

  constructor(
    /** The chunk's bytes: offsets in `text` are offsets in them. */
    readonly bytes: Buffer,
    /** Whether this is the last chunk of the input (its last line may lack a newline). */
    readonly last: boolean,
  ) {}

  /**
   * The bytes as latin1 text, decoded on first use: a reader of bytes only (range-perf)
   * pays for no string.
   */
  get text(): string {
    return (this.decoded ??= this.bytes.toString('latin1'));
  }
}

/**
 * Splits byte chunks into chunks of whole lines. One string per chunk, never per line:
 * the cores scan each chunk with indexOf/charCodeAt, synchronously.
 *
 * This is written by hand rather than with split2: split2 pushes one stream item per line,
 * and that per-line step costs more than parsing the line (see docs/development.md, "Dependencies").
 */
export async function* readLineChunks(source: AsyncIterable<Buffer>, inputName: string): AsyncGenerator<LineChunk> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  for await (const buf of source) {
    const nl = buf.lastIndexOf(10);
    if (nl < 0) {
      // Copies, here and for the tail below: the source may reuse its Buffer (ReadOptions.reuse).
      carry.push(Buffer.from(buf));
      carryLen += buf.length;
      if (carryLen > MAX_LINE_BYTES) {
        throw new DataError(`a line is longer than ${MAX_LINE_BYTES >> 20} MiB; is this text?`, inputName);
      }
      continue;
    }
    let from = 0;
    if (carryLen > 0) {
      // The line cut by the last read, on its own: concatenating it with the whole of this
      // read would copy a megabyte to complete one line.
      const first = buf.indexOf(10);
      carry.push(buf.subarray(0, first + 1));
      yield* splitLines(Buffer.concat(carry));
      from = first + 1;
    }
    if (from <= nl) yield* splitLines(buf.subarray(from, nl + 1));
    carry = nl + 1 < buf.length ? [Buffer.from(buf.subarray(nl + 1))] : [];
    carryLen = buf.length - nl - 1;
  }
  const bytes = carryLen > 0 ? Buffer.concat(carry) : Buffer.alloc(0);
  yield new LineChunk(bytes, true);
}

/** Whole lines of `bytes` (which ends with a line break) as chunks of at most about LINE_CHUNK bytes. */
export function* splitLines(bytes: Buffer): Generator<LineChunk> {
  if (bytes.length <= LINE_CHUNK) {
    yield new LineChunk(bytes, false);
    return;
  }
  const cuts: number[] = [];
  const rest = cutLines(bytes, 0, bytes.length, (s, e) => {
    cuts.push(s, e);
  });
  if (rest < bytes.length) cuts.push(rest, bytes.length);
  for (let i = 0; i < cuts.length; i += 2) {
    const part = bytes.subarray(cuts[i], cuts[i + 1]);
    yield new LineChunk(part, false);
  }
}
