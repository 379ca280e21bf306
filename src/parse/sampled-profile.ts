// The common form of the profile formats that are not perf script text: V8/Chrome
// `.cpuprofile`, Chrome trace events and nflxprofile. Each reader turns its input into a
// SampledProfile: a table of distinct stacks and, per sample, the stack it hit and when.
// stackcollapse writes its folded stacks from it and heatmap-svg buckets its times, just as
// they do for perf samples, so the heat map, range flame graphs and the process table work
// the same on every input.
//
// A stack is its frame names root first, its first frame the process (or thread) name, as
// the first frame of a perf stack is the comm:
//   ['node', '(program)']
//   ['node', 'main', 'phaseA', 'spin']
//   ['CrRendererMain', 'onClick', 'layout']
//
// Times are integer microseconds (the unit of all three formats), so the seconds and
// the subsecond offset the heat map needs are exact.

export interface SampledProfile {
  /** What the input was, for messages: 'V8 .cpuprofile', 'Chrome trace', 'nflxprofile'. */
  kind: string;
  /** Distinct stacks, root first; the first name is the process or thread. */
  stacks: string[][];
  /** Per stack: whether its samples are idle time ((idle) in V8, the idle count in nflxprofile). */
  idle: boolean[];
  /** Per sample: its index in `stacks`. */
  sampleStack: Int32Array;
  /** Per sample: its time in microseconds, in the profile's own clock. */
  sampleTimeUs: Float64Array;
  /** Per sample: its weight (1 unless the format carries a value per sample). */
  sampleWeight: Float64Array | null;
  /** Per sample: pid, tid and cpu where the format has them, else null. */
  samplePid: Int32Array | null;
  sampleTid: Int32Array | null;
  sampleCpu: Int32Array | null;
}

/**
 * Interns stacks by their names, so that samples which reach the same stack through
 * different node ids (V8 splits a function's node by line, nflxprofile repeats stacks)
 * share one entry.
 */
export class StackInterner {
  readonly stacks: string[][] = [];
  readonly idle: boolean[] = [];
  private readonly ids = new Map<string, number>();

  /** The index of `names` (root first), adding it when new. */
  intern(names: string[], idle: boolean): number {
    // '\n' cannot occur in a frame name once cleanFrameName has run.
    const key = names.join('\n');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.stacks.length;
      this.ids.set(key, id);
      this.stacks.push(names);
      this.idle.push(idle);
    }
    return id;
  }
}

/**
 * A frame name made safe for folded stacks: ';' separates frames and a line break ends a
 * line, so each becomes ':' and ' ' as stackcollapse-perf.pl does for ';'; empty is '[unknown]'.
 */
export function cleanFrameName(name: string): string {
  if (name === '') return '[unknown]';
  if (name.indexOf(';') >= 0) name = name.replace(/;/g, ':');
  if (/[\r\n]/.test(name)) name = name.replace(/[\r\n]/g, ' ');
  return name;
}
