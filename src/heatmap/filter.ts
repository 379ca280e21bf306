// heatmap-svg --match REGEX / --exclude REGEX: keeps only the samples whose stack matches,
// or drops those whose stack matches, as a filter over a finished heat map (its stack tree,
// per-cell stack counts and grid), so the builder knows nothing of it.
//
// A regex is tested on a sample's stack as stackcollapse folds it, without the count:
//   java;start_thread;JavaMain;Interpreter        (root = the process name, or comm-PID)
//   swapper;secondary_startup_64;do_idle;default_idle
// so `^java;`, `Interpreter`, or `;default_idle$` select as `grep` selects folded lines
// (`$` before the count aside). Names are tested as the page shows them (UTF-8 decoded).
//
// Reference: FlameGraph's README filters folded stacks with `grep` and `grep -v` before
// flamegraph.pl; this is that filter, applied to every cell of the map at once.
import { decodeUtf8Bytes } from '../svg.js';
import { shellQuote } from '../shell-word.js';
import { ColumnStacks, type Heatmap } from './heatmap.js';

export interface StackFilter {
  /** Keep only samples whose folded stack matches. Default null: keep all. */
  match: RegExp | null;
  /** Drop samples whose folded stack matches (after --match). Default null: drop none. */
  exclude: RegExp | null;
}

export interface FilterCounts {
  /** Samples left out because their stack did not match --match. */
  unmatched: number;
  /** Samples left out because their stack matched --exclude. */
  excluded: number;
}

/** A column's stack counts after filtering: final, in the packed (row, node, count) form. */
class KeptColumn extends ColumnStacks {
  constructor(
    rows: number,
    private readonly kept: Int32Array,
  ) {
    super(rows);
  }

  override add(): void {
    throw new Error('heatmap filter: a filtered column takes no samples');
  }

  override pack(): void {}

  override sorted(): Int32Array {
    return this.kept;
  }
}

const KEEP = 1;
const UNMATCHED = 2;
const EXCLUDED = 3;

/**
 * Applies the filter to `hm` in place: cells, per-cell stacks, the stack tree (pruned to
 * the stacks kept), sample count, largest cell and span of seconds. Needs the stack tree.
 */
export function filterHeatmap(hm: Heatmap, f: StackFilter): FilterCounts {
  const counts: FilterCounts = { unmatched: 0, excluded: 0 };
  if (!f.match && !f.exclude) return counts;
  const tree = hm.tree;
  if (!tree) throw new Error('heatmap filter: the heat map was built without stacks');
  const shown: (string | undefined)[] = new Array(tree.names.length);
  const nameOf = (id: number) => (shown[id] ??= decodeUtf8Bytes(tree.names[id]));
  const verdict = new Uint8Array(tree.size);
  const judge = (node: number): number => {
    let v = verdict[node];
    if (v !== 0) return v;
    const parts: string[] = [];
    for (let n = node; n >= 0; n = tree.parent[n]) parts.push(nameOf(tree.frame[n]));
    const folded = parts.reverse().join(';');
    v = f.match && !f.match.test(folded) ? UNMATCHED : f.exclude && f.exclude.test(folded) ? EXCLUDED : KEEP;
    verdict[node] = v;
    return v;
  };

  // Cells: drop the left-out stacks' counts.
  const used = new Uint8Array(tree.size);
  const kept = new Map<number, Int32Array>();
  for (const [sec, st] of hm.cellStacks) {
    const pk = st.sorted();
    const col = hm.columns.get(sec);
    const out = new Int32Array(pk.length);
    let n = 0;
    for (let p = 0; p < pk.length; p += 3) {
      const v = judge(pk[p + 1]);
      if (v === KEEP) {
        out[n++] = pk[p];
        out[n++] = pk[p + 1];
        out[n++] = pk[p + 2];
        used[pk[p + 1]] = 1;
        continue;
      }
      if (v === UNMATCHED) counts.unmatched += pk[p + 2];
      else counts.excluded += pk[p + 2];
      if (col) col[pk[p]] -= pk[p + 2];
    }
    kept.set(sec, out.slice(0, n));
  }

  // The tree: only the kept stacks and their ancestors, renumbered in the same order
  // (a parent still comes before its children, and sorted cells stay sorted).
  for (let i = tree.size - 1; i >= 0; i--) if (used[i] && tree.parent[i] >= 0) used[tree.parent[i]] = 1;
  const newId = new Int32Array(tree.size).fill(-1);
  let size = 0;
  for (let i = 0; i < tree.size; i++) if (used[i]) newId[i] = size++;
  const parent = new Int32Array(Math.max(1, size));
  const frame = new Int32Array(Math.max(1, size));
  for (let i = 0; i < tree.size; i++) {
    const j = newId[i];
    if (j < 0) continue;
    parent[j] = tree.parent[i] < 0 ? -1 : newId[tree.parent[i]];
    frame[j] = tree.frame[i];
  }
  hm.tree = { names: tree.names, parent, frame, size };

  hm.cellStacks.clear();
  for (const [sec, pk] of kept) {
    for (let p = 1; p < pk.length; p += 3) pk[p] = newId[pk[p]];
    hm.cellStacks.set(sec, new KeptColumn(hm.rows, pk));
  }

  // The grid: empty columns go (the map spans the seconds that hold samples).
  let max = 0;
  let minSec: number | null = null;
  let maxSec: number | null = null;
  for (const [sec, col] of [...hm.columns]) {
    let any = false;
    for (let r = 0; r < col.length; r++) {
      if (col[r] > max) max = col[r];
      if (col[r] > 0) any = true;
    }
    if (!any) {
      hm.columns.delete(sec);
      hm.cellStacks.delete(sec);
      continue;
    }
    if (minSec === null || sec < minSec) minSec = sec;
    if (maxSec === null || sec > maxSec) maxSec = sec;
  }
  hm.maxCount = max;
  hm.minSec = minSec;
  hm.maxSec = maxSec;
  hm.stats.samples -= counts.unmatched + counts.excluded;
  return counts;
}

/**
 * The stages after stackcollapse that select the same folded lines, from the regexes as
 * typed: `| grep -E RE` for --match, `| grep -v -E RE` for --exclude ('' for neither).
 */
export function grepStages(match: string | null, exclude: string | null): string {
  let s = '';
  if (match !== null) s += ` | grep -E ${shellQuote(match)}`;
  if (exclude !== null) s += ` | grep -v -E ${shellQuote(exclude)}`;
  return s;
}
