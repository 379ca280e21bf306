// FlameScope's idle test (idle.ts) in the core's stacks mode, where a sample is a header
// line and a stack of interned (symbol, dso) pairs: each piece is tested once and its
// outcome kept, per (root, event) for a header line, per pair for a frame line, and per
// stack and starting state for a whole stack.
import type { SampleHeader, StackScanner } from '../parse/stack-scanner.js';
import { IDLE_AFTER_SWAPPER, IDLE_ANY, IDLE_KNOWN, IDLE_SWAPPER, idleBits, mayBeIdle, scanIdleLine } from './idle.js';
import { grownTo } from '../typed-arrays.js';

/** `a` grown to hold index `i` (zeros added). */
const grown = (a: Uint8Array<ArrayBuffer>, i: number) => grownTo(a, Math.max(i + 1, 2 * a.length));

export class StacksIdle {
  /** Per pair id: IDLE_* bits + IDLE_KNOWN once worked out. */
  private pairIdle = new Uint8Array(1024);
  /** Per stack id: the test's outcome for its 4 starting states (2 bits each; see `stack`). */
  private stackIdle = new Uint8Array(1024);
  /** Per (root, event) of header lines that end with their event: scanIdleLine's answer. */
  private readonly headerOf = new Map<number, number>();

  constructor(private readonly scanner: StackScanner) {}

  /**
   * The test of a header line: scanIdleLine's answer (SCAN_SWAPPER, SCAN_IDLE). A line that
   * ends with its event (and blanks, as perf prints it) holds letters only in the comm and
   * the event (pid, tid, cpu, time and period are digits and punctuation, and neither
   * 'swapper' nor an idle name holds a blank), so its outcome is worked out once per (root,
   * event); other lines (trace fields, a frame after the event) are read. Only during the
   * header's handler.
   */
  header(h: SampleHeader): number {
    const bare = h.eventEnd >= 0 && !h.frameOnHeader && h.event < 1 << 20 && this.scanner.blanks(h.eventEnd + 1, h.end);
    const key = h.root * (1 << 20) + h.event;
    if (bare) {
      const known = this.headerOf.get(key);
      if (known !== undefined) return known;
    }
    const line = this.scanner.lineText(h.start, h.end);
    const answer = scanIdleLine(line, 0, line.length, false);
    if (bare) this.headerOf.set(key, answer);
    return answer;
  }

  /**
   * The test over a stack's frames, leaf first as perf prints them, from the state the
   * header line left (`seen`: 'swapper' was in it), the first pair skipped when it was
   * printed on the header line (which the header's test has read). Once per stack and
   * starting state: 2 bits per state (0 unknown, 1 not idle, 2 idle).
   */
  stack(stack: number, seen: boolean, skip: boolean): boolean {
    this.readN = 0;
    if (stack >= this.stackIdle.length) this.stackIdle = grown(this.stackIdle, stack);
    const shift = 2 * ((seen ? 2 : 0) + (skip ? 1 : 0));
    const known = (this.stackIdle[stack] >> shift) & 3;
    if (known !== 0) return known === 2;
    // The pair ids in the core's memory (no view made); pairBits reads no stack.
    const mem = this.scanner.memory;
    const at = this.scanner.stackAt(stack);
    const n = this.scanner.stackLength(stack);
    let idle = false;
    for (let i = skip ? 1 : 0; i < n && !idle; i++) {
      const bits = this.pairBits(mem[at + i]);
      if (seen) idle = (bits & IDLE_ANY) !== 0;
      else if (bits & IDLE_SWAPPER) {
        seen = true;
        idle = (bits & IDLE_AFTER_SWAPPER) !== 0;
      }
    }
    this.stackIdle[stack] |= (idle ? 2 : 1) << shift;
    return idle;
  }

  /**
   * What the test needs of a frame line, from its pair: the line is `addr sym+0xoff
   * (dso)`, and no idle name or 'swapper' can lie in the address, the offset or across
   * the pieces, so the symbol and then the dso tell what the whole line would.
   */
  private pairBits(pair: number): number {
    if (pair >= this.pairIdle.length) this.pairIdle = grown(this.pairIdle, pair);
    let bits = this.pairIdle[pair];
    if (bits === 0) {
      const text = this.scanner.pair(pair);
      // No idle name nor 'swapper' can lie across ' (' (names hold no blank): most pairs
      // need no joined line.
      bits = (mayBeIdle(text.sym) || mayBeIdle(text.dso) ? idleBits(`${text.sym} (${text.dso}`) : 0) | IDLE_KNOWN;
      this.pairIdle[pair] = bits;
      if (this.readN === this.readIds.length) this.readIds = grownTo(this.readIds, 2 * this.readN);
      this.readIds[this.readN] = pair;
      this.readTexts[this.readN++] = text;
    }
    return bits;
  }

  /**
   * The pairs whose text the test of the last stack read (ids and texts, readN of them):
   * the builder names a pair right after the test of the first stack that holds it, and
   * reading it again from the core cost as much as the test (two strings made).
   */
  private readIds = new Int32Array(64);
  private readonly readTexts: { sym: string; dso: string }[] = [];
  private readN = 0;

  /** Pair `pair`'s text if the test of the last stack read it, else null. */
  takePair(pair: number): { sym: string; dso: string } | null {
    for (let i = this.readN - 1; i >= 0; i--) if (this.readIds[i] === pair) return this.readTexts[i];
    return null;
  }
}
