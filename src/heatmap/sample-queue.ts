// The samples of one chunk in the core's stacks mode, queued as they end and handled
// together once the chunk's records are read (heatmap.ts, flushSamples): the new stacks of
// a chunk then meet the tree's tables and the naming code together instead of one at a
// time between stretches of scanning. Typed arrays, reused from chunk to chunk.
import { grownTo } from '../typed-arrays.js';

/** Bits of `flags`: the header line was idle, had 'swapper', and printed the first frame. */
export const Q_IDLE = 1;
export const Q_SWAPPER = 2;
export const Q_SKIP_FIRST = 4;

export class SampleQueue<Root> {
  /** Samples queued: entry q is stack[q], sec[q], ns[q], flags[q], root[q], cpu[q]. */
  n = 0;
  stack = new Int32Array(256);
  sec = new Float64Array(256);
  ns = new Float64Array(256);
  flags = new Uint8Array(256);
  readonly root: Root[] = [];
  readonly cpu: string[] = [];

  add(stack: number, sec: number, ns: number, flags: number, root: Root, cpu: string): void {
    const q = this.n++;
    if (q === this.stack.length) this.grow();
    this.stack[q] = stack;
    this.sec[q] = sec;
    this.ns[q] = ns;
    this.flags[q] = flags;
    this.root[q] = root;
    this.cpu[q] = cpu;
  }

  private grow(): void {
    const size = this.stack.length * 2;
    this.stack = grownTo(this.stack, size);
    this.sec = grownTo(this.sec, size);
    this.ns = grownTo(this.ns, size);
    this.flags = grownTo(this.flags, size);
  }
}
