// The warnings of flamegraph-svg, by kind, in the words of docs/flamegraph-svg.md.
import type { Messages, WarningTally } from '../runtime/messages.js';
import { PALETTE_FILE } from './palette-map.js';

/** Prints the warnings of a flamegraph-svg run, each kind once, with a count. */
export function flushFlamegraphWarnings(tally: WarningTally, msgs: Messages): void {
  tally.flush(msgs, (kind, n) => {
    const s = n === 1 ? '' : 's';
    switch (kind) {
      case 'invalid':
        return `ignored ${n} line${s} with invalid format`;
      case 'overflow':
        return `ignored ${n} line${s} whose count is too large to add up (the total would pass 1.8e308)`;
      case 'palette':
        return `ignored ${n} ${PALETTE_FILE} line${s} without a colour`;
      case 'unsafe':
        return `dropped ${n} unsafe --nameattr attribute${s} (event handlers, script links, url())`;
      default:
        return `ignored ${n} unknown --nameattr attribute${s}`;
    }
  });
}
