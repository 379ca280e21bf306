// The warnings of flamegraph-svg, by kind, in the words of src/runtime/counts.ts.
import type { Messages, WarningTally } from '../runtime/messages.js';
import { countOf } from '../runtime/counts.js';
import { PALETTE_FILE } from './palette-map.js';

/** Prints the warnings of a flamegraph-svg run, each kind once, with a count. */
export function flushFlamegraphWarnings(tally: WarningTally, msgs: Messages): void {
  tally.flush(msgs, (kind, n) => {
    switch (kind) {
      case 'invalid':
        return `ignored ${countOf(n, 'line')} with invalid format`;
      case 'overflow':
        return `ignored ${countOf(n, 'line')} whose count is too large to add up (the total would pass 1.8e308)`;
      case 'palette':
        return `ignored ${countOf(n, `${PALETTE_FILE} line`)} without a colour`;
      case 'unsafe':
        return `dropped ${countOf(n, 'unsafe --nameattr attribute')} (event handlers, script links, url())`;
      default:
        return `ignored ${countOf(n, 'unknown --nameattr attribute')}`;
    }
  });
}
