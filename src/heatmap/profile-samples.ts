// Feeds the timed samples of a profile that is not perf script text (a V8 .cpuprofile,
// Chrome trace events or an nflxprofile, read by src/parse/profile-input.ts into a
// SampledProfile) into a HeatmapBuilder, so that the heat map, its range flame graphs and
// its reproduce notes work on them as on perf samples. A SampledProfile holds, e.g.:
//   stacks      [['(root)', '(program)'], ['(root)', 'main app.js:1', 'phaseA app.js:2'], ['(root)', '(idle)']]
//   idle        [false, false, true]
//   sampleStack [1, 1, 0, 2, 1]
//   sampleTimeUs [5086200100, 5086200600, 5086201100, 5086201600, 5086202100]
//
// Stacks are rooted at the process (and thread) name as stackcollapse folds them, with
// --pid/--tid appending -PID or -PID/TID where the format has them. Times are integer
// microseconds, so the second and the offset within it are exact. Each sample counts one,
// as perf samples do in the heat map (nflxprofile's per-sample values are not periods).
// Idle samples are V8's (idle) (and nflxprofile's idle nodes), left out unless the idle
// filter is off; an --idle-regex is tested on the stack's folded form (`root;f1;f2`).
import { rootSuffix, toByteString } from '../parse/profile-input.js';
import type { SampledProfile } from '../parse/sampled-profile.js';
import type { HeatmapBuilder } from './heatmap.js';

export interface ProfileSampleOptions {
  /** Root names get -PID, as stackcollapse --pid. Default false. */
  pid?: boolean;
  /** Root names get -PID/TID, as stackcollapse --tid. Default false. */
  tid?: boolean;
}

/** Adds every sample of `p` to `b`; returns the first and last sample times in seconds (±Infinity when none). */
export function addProfileSamples(b: HeatmapBuilder, p: SampledProfile, o: ProfileSampleOptions = {}): { first: number; last: number } {
  const roots = { pid: Boolean(o.pid || o.tid), tid: Boolean(o.tid) };
  const names = p.stacks.map((s) => s.map(toByteString));
  const filter = b.idleFilter;
  const idle = names.map((s, k) => (filter === null ? false : filter === 'flamescope' ? p.idle[k] : filter.test(s.join(';'))));
  // Leaf node per (stack, root suffix): most samples repeat a stack.
  const nodes = new Map<string, number>();
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < p.sampleStack.length; i++) {
    const s = p.sampleStack[i];
    const suffix = rootSuffix(p, i, roots);
    const key = `${s}${suffix}`;
    let node = nodes.get(key);
    if (node === undefined) {
      const st = names[s];
      node = b.stackNode(st[0] + suffix, st.slice(1));
      nodes.set(key, node);
    }
    const t = p.sampleTimeUs[i];
    const sec = Math.floor(t / 1e6);
    const ns = Math.min(999_999_999, Math.round((t - sec * 1e6) * 1000));
    b.addTimedSample(sec, ns, cpuKeyOf(p, i), node, idle[s]);
    if (t / 1e6 < first) first = t / 1e6;
    if (t / 1e6 > last) last = t / 1e6;
  }
  return { first, last };
}

/** What took sample i, for measuring the sampling rate: its CPU, else its thread, else the profile. */
function cpuKeyOf(p: SampledProfile, i: number): string {
  const cpu = p.sampleCpu?.[i] ?? -1;
  if (cpu >= 0) return `c${cpu}`;
  return `t${p.samplePid?.[i] ?? -1}/${p.sampleTid?.[i] ?? -1}`;
}
