// A whole profile of one of the formats that are not perf script text, read from its bytes
// (gzip already undone) into a SampledProfile, with what was left out counted for messages.
// JSON is sniffed again after parsing: a .cpuprofile is an object with nodes and samples,
// Chrome trace events an array or {traceEvents}.
//
// These formats are not line-oriented, and each is one JSON document or one protobuf
// message, so the input is read whole; a profile from V8 or FlameScope is tens of MB at most.

import { readNflxProfile, NflxProfileError } from './nflxprofile.js';
import type { SampledProfile } from './sampled-profile.js';
import { isCpuProfile, isTraceEvents, ProfileFormatError, readChromeTrace, readCpuProfile } from './v8-profile.js';

export interface ReadProfile {
  profile: SampledProfile;
  /** Samples left out, by reason, e.g. `{ 'of an unknown node': 3 }`. */
  leftOut: Map<string, number>;
}

/** Any of the readers' refusals, with a message that says what the input lacks. */
export { ProfileFormatError };

/** Reads a JSON profile (.cpuprofile or Chrome trace) or an nflxprofile from its whole bytes. */
export function readProfileBytes(kind: 'json' | 'nflxprofile', bytes: Buffer): ReadProfile {
  const leftOut = new Map<string, number>();
  if (kind === 'nflxprofile') {
    try {
      const p = readNflxProfile(bytes);
      if (p.unknownNodes > 0) leftOut.set('of nodes the profile does not define', p.unknownNodes);
      return { profile: p, leftOut };
    } catch (e) {
      if (e instanceof NflxProfileError) throw new ProfileFormatError(e.message);
      throw e;
    }
  }
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new ProfileFormatError(`not valid JSON (${(e as Error).message})`);
  }
  let p: SampledProfile & { unknownNodes: number };
  if (isCpuProfile(v)) p = readCpuProfile(v);
  else if (isTraceEvents(v)) {
    const t = readChromeTrace(v);
    if (t.profiles === 0) throw new ProfileFormatError('Chrome trace events without a CPU profile: record the trace with the disabled-by-default-v8.cpu_profiler category (the DevTools Performance panel does)');
    p = t;
  } else {
    throw new ProfileFormatError('JSON that is neither a V8 .cpuprofile ({"nodes", "samples", "timeDeltas"}) nor Chrome trace events');
  }
  if (p.unknownNodes > 0) leftOut.set('of nodes the profile does not define', p.unknownNodes);
  return { profile: p, leftOut };
}

/** A name as the byte-per-char (latin1) string of its UTF-8 bytes, as the tools carry perf's names. */
export function toByteString(name: string): string {
  // ASCII needs no work, and most names are ASCII.
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) > 0x7f) return Buffer.from(name, 'utf8').toString('latin1');
  }
  return name;
}

export interface FoldOptions {
  /** Append `-PID` to the process name, as stackcollapse --pid does. Default false. */
  pid: boolean;
  /** Append `-PID/TID`, as stackcollapse --tid does. Default false. */
  tid: boolean;
  /** Keep idle samples (stackcollapse keeps them; heatmap-svg leaves them out). */
  keepIdle: boolean;
}

/**
 * What --pid (`-PID`) or --tid (`-PID/TID`) appends to sample i's root (process) name, as
 * stackcollapse names perf's processes; '' without the option or where the format has no pid.
 */
export function rootSuffix(p: SampledProfile, i: number, o: { pid: boolean; tid: boolean }): string {
  if (!o.pid && !o.tid) return '';
  const pid = p.samplePid?.[i];
  if (pid === undefined || pid < 0) return '';
  const tid = p.sampleTid?.[i];
  return o.tid && tid !== undefined && tid >= 0 ? `-${pid}/${tid}` : `-${pid}`;
}

/**
 * Adds a profile's stacks to `counts` as folded keys in byte strings (`frame;frame`):
 * samples, or the format's values where it has them.
 */
export function foldProfileInto(p: SampledProfile, o: FoldOptions, counts: Map<string, number>): void {
  const joined = p.stacks.map((names) => names.map(toByteString));
  for (let i = 0; i < p.sampleStack.length; i++) {
    const s = p.sampleStack[i];
    if (!o.keepIdle && p.idle[s]) continue;
    const names = joined[s];
    const key = names[0] + rootSuffix(p, i, o) + (names.length > 1 ? ';' + names.slice(1).join(';') : '');
    counts.set(key, (counts.get(key) ?? 0) + (p.sampleWeight ? p.sampleWeight[i] : 1));
  }
}

/** Folded lines `frame;frame count`, sorted byte-wise as stackcollapse writes them. */
export function formatFoldedCounts(counts: Map<string, number>): string[] {
  // Byte strings: code-unit order is byte order.
  return [...counts.keys()].sort().map((k) => `${k} ${counts.get(k)}`);
}
