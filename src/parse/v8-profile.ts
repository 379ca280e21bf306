// Readers of V8's CPU profiles: the `.cpuprofile` that `node --cpu-prof` and Chrome DevTools
// write, and the Chrome trace-event JSON that carries them (DevTools' Performance panel,
// `chrome --trace-startup`, playwright's tracing with `disabled-by-default-v8.cpu_profiler`).
//
// A .cpuprofile:
//   {"nodes":[{"id":1,"callFrame":{"functionName":"(root)","url":"","lineNumber":-1,...},
//     "children":[2,3]},{"id":2,"callFrame":{"functionName":"spin","url":"file:///app.js",
//     "lineNumber":11,"columnNumber":4},"hitCount":40}, ...],
//    "startTime":1723456789000,"endTime":...,"samples":[2,2,3],"timeDeltas":[120,998,1003]}
// A trace, as an array or as {"traceEvents":[...]}:
//   {"ph":"M","name":"thread_name","pid":7,"tid":9,"args":{"name":"CrRendererMain"}}
//   {"ph":"P","name":"Profile","id":"0x1","pid":7,"tid":9,"args":{"data":{"startTime":5000}}}
//   {"ph":"P","name":"ProfileChunk","id":"0x1","pid":7,"tid":9,"args":{"data":{"cpuProfile":
//     {"nodes":[{"id":1,"callFrame":{...},"parent":0}],"samples":[1,1]},"timeDeltas":[10,12]}}}
//   {"ph":"I","name":"CpuProfile","pid":7,"tid":9,"args":{"data":{"cpuProfile":{...a .cpuprofile}}}}
//
// Reference behaviour: Netflix FlameScope reads both (app/cpuprofile/chrome.py; our notes in
// ../shared/reference §7). A sample's time is startTime plus the running sum of timeDeltas,
// in microseconds. Unlike FlameScope, which drops them, `(program)` and `(garbage collector)`
// samples are kept under those names (they are real CPU time), and `(idle)` samples are idle.
// A frame is named as DevTools shows it: the function (or `(anonymous)`) and, where the
// node has a script, `file:line` (the URL's last path segment, 1-based line), so that two
// functions of one name in different files stay apart.

import { cleanFrameName, StackInterner, type SampledProfile } from './sampled-profile.js';

/** Input that is JSON but not a profile we can read; the message says what is wrong. */
export class ProfileFormatError extends Error {}

interface CallFrame {
  functionName?: unknown;
  url?: unknown;
  lineNumber?: unknown;
}

interface ProfileNode {
  id?: unknown;
  callFrame?: CallFrame;
  children?: unknown;
  parent?: unknown;
}

/** The name DevTools shows for a call frame. */
export function v8FrameName(cf: CallFrame | undefined): string {
  const raw = typeof cf?.functionName === 'string' ? cf.functionName : '';
  const fn = raw !== '' ? raw : '(anonymous)';
  const url = typeof cf?.url === 'string' ? cf.url : '';
  // V8's own entries, '(program)', '(garbage collector)', '(idle)', '(root)', have no script.
  if (url === '' || raw.startsWith('(')) return cleanFrameName(fn);
  const slash = url.lastIndexOf('/', url.length - 2);
  const file = slash >= 0 ? url.slice(slash + 1) : url;
  const line = typeof cf?.lineNumber === 'number' && cf.lineNumber >= 0 ? `:${cf.lineNumber + 1}` : '';
  return cleanFrameName(`${fn} ${file}${line}`);
}

/**
 * One V8 profile's node tree, grown node by node (a trace sends its nodes in chunks, each
 * naming its parent; a .cpuprofile names children). Stacks are interned root first with
 * V8's own `(root)` node replaced by `rootName`.
 */
class NodeTree {
  private readonly name = new Map<number, string>();
  private readonly parent = new Map<number, number>();
  private readonly stackOf = new Map<number, number>();

  constructor(private readonly rootName: string) {}

  add(node: ProfileNode, where: string): void {
    if (typeof node?.id !== 'number') throw new ProfileFormatError(`${where}: a node without a numeric id`);
    this.name.set(node.id, v8FrameName(node.callFrame));
    if (typeof node.parent === 'number') this.parent.set(node.id, node.parent);
    if (Array.isArray(node.children)) {
      for (const c of node.children) if (typeof c === 'number') this.parent.set(c, node.id);
    }
  }

  /** The interned stack of a sample's node, or -1 when the node is unknown. */
  stack(id: number, interner: StackInterner): number {
    const known = this.stackOf.get(id);
    if (known !== undefined) return known;
    if (!this.name.has(id)) return -1;
    const names: string[] = [];
    const seen = new Set<number>();
    for (let n: number | undefined = id; n !== undefined && this.name.has(n) && !seen.has(n); n = this.parent.get(n)) {
      seen.add(n);
      names.push(this.name.get(n)!);
    }
    // V8's root node is '(root)'; the profile's own name stands in its place.
    if (names.length > 0 && names[names.length - 1] === '(root)') names.pop();
    names.push(this.rootName);
    names.reverse();
    const s = interner.intern(names, names[names.length - 1] === '(idle)');
    this.stackOf.set(id, s);
    return s;
  }
}

/** Samples gathered from one or more profiles, in input order. */
class SampleSink {
  readonly interner = new StackInterner();
  readonly stack: number[] = [];
  readonly time: number[] = [];
  readonly pid: number[] = [];
  readonly tid: number[] = [];
  unknownNodes = 0;

  add(tree: NodeTree, samples: unknown, deltas: unknown, startUs: number, pid: number, tid: number, where: string): number {
    if (!Array.isArray(samples)) return startUs;
    if (!Array.isArray(deltas) || deltas.length < samples.length) {
      throw new ProfileFormatError(`${where}: ${samples.length} samples but ${Array.isArray(deltas) ? deltas.length : 'no'} timeDeltas`);
    }
    let t = startUs;
    for (let i = 0; i < samples.length; i++) {
      const d = deltas[i];
      if (typeof d === 'number' && Number.isFinite(d)) t += d;
      const s = typeof samples[i] === 'number' ? tree.stack(samples[i], this.interner) : -1;
      if (s < 0) {
        this.unknownNodes++;
        continue;
      }
      this.stack.push(s);
      this.time.push(t);
      this.pid.push(pid);
      this.tid.push(tid);
    }
    return t;
  }

  finish(kind: string, withThreads: boolean): SampledProfile & { unknownNodes: number } {
    return {
      kind,
      stacks: this.interner.stacks,
      idle: this.interner.idle,
      sampleStack: Int32Array.from(this.stack),
      sampleTimeUs: Float64Array.from(this.time),
      sampleWeight: null,
      samplePid: withThreads ? Int32Array.from(this.pid) : null,
      sampleTid: withThreads ? Int32Array.from(this.tid) : null,
      sampleCpu: null,
      unknownNodes: this.unknownNodes,
    };
  }
}

/** Whether a parsed JSON value looks like a .cpuprofile. */
export function isCpuProfile(v: unknown): boolean {
  const o = v as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && !Array.isArray(o) && Array.isArray(o.nodes) && Array.isArray(o.samples);
}

/** Whether a parsed JSON value looks like Chrome trace events. */
export function isTraceEvents(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0 || (typeof v[0] === 'object' && v[0] !== null && 'ph' in v[0]);
  const o = v as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && Array.isArray(o.traceEvents);
}

/**
 * A `.cpuprofile` as a SampledProfile. Its stacks start at `rootName` (default '(root)',
 * V8's own name for the top of the tree, since the file does not name its process).
 */
export function readCpuProfile(v: unknown, rootName = '(root)'): SampledProfile & { unknownNodes: number } {
  if (!isCpuProfile(v)) throw new ProfileFormatError('not a .cpuprofile: it needs "nodes" and "samples" arrays');
  const p = v as { nodes: ProfileNode[]; samples: unknown[]; timeDeltas?: unknown; startTime?: unknown };
  const tree = new NodeTree(rootName);
  p.nodes.forEach((n, i) => tree.add(n, `nodes[${i}]`));
  const sink = new SampleSink();
  const start = typeof p.startTime === 'number' ? p.startTime : 0;
  sink.add(tree, p.samples, p.timeDeltas ?? [], start, 0, 0, 'the profile');
  return sink.finish('V8 .cpuprofile', false);
}

interface TraceEvent {
  ph?: unknown;
  name?: unknown;
  pid?: unknown;
  tid?: unknown;
  id?: unknown;
  args?: { name?: unknown; data?: Record<string, unknown> };
}

/**
 * The CPU profiles in Chrome trace events, merged on one timeline. Each profile's stacks
 * start at its process name and its thread name (from the trace's metadata events, else
 * `pid N` and `tid N`). Trace events that are not profiles are ignored.
 */
export function readChromeTrace(v: unknown): SampledProfile & { unknownNodes: number; profiles: number } {
  if (!isTraceEvents(v)) throw new ProfileFormatError('not Chrome trace events: expected an array of events or {"traceEvents": [...]}');
  const events = (Array.isArray(v) ? v : (v as { traceEvents: unknown[] }).traceEvents) as TraceEvent[];
  const processNames = new Map<number, string>();
  const threadNames = new Map<string, string>();
  for (const e of events) {
    if (e?.ph !== 'M' || typeof e.args?.name !== 'string') continue;
    if (e.name === 'process_name' && typeof e.pid === 'number') processNames.set(e.pid, e.args.name);
    if (e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args.name);
  }
  const rootOf = (pid: unknown, tid: unknown): string[] => [
    cleanFrameName(processNames.get(pid as number) ?? `pid ${String(pid)}`),
    cleanFrameName(threadNames.get(`${pid}:${tid}`) ?? `tid ${String(tid)}`),
  ];

  const sink = new SampleSink();
  // Profiles by pid and id: their chunks arrive interleaved with other events.
  const open = new Map<string, { tree: NodeTree; time: number; pid: number; tid: number }>();
  let profiles = 0;
  events.forEach((e, i) => {
    if (typeof e !== 'object' || e === null) return;
    const data = e.args?.data;
    const pid = typeof e.pid === 'number' ? e.pid : 0;
    const tid = typeof e.tid === 'number' ? e.tid : 0;
    if (e.name === 'CpuProfile' && data && isCpuProfile(data.cpuProfile)) {
      // The older form: one whole .cpuprofile in one event.
      profiles++;
      const p = data.cpuProfile as { nodes: ProfileNode[]; samples: unknown[]; timeDeltas?: unknown; startTime?: unknown };
      const root = rootOf(pid, tid);
      const tree = new NodeTree(root.join('\n'));
      p.nodes.forEach((n, k) => tree.add(n, `traceEvents[${i}] node ${k}`));
      sink.add(tree, p.samples, p.timeDeltas ?? [], typeof p.startTime === 'number' ? p.startTime : 0, pid, tid, `traceEvents[${i}]`);
      return;
    }
    if (e.ph !== 'P' || (e.name !== 'Profile' && e.name !== 'ProfileChunk') || !data) return;
    const key = `${pid}:${String(e.id)}`;
    let prof = open.get(key);
    if (e.name === 'Profile' || !prof) {
      profiles++;
      prof = { tree: new NodeTree(rootOf(pid, tid).join('\n')), time: typeof data.startTime === 'number' ? data.startTime : 0, pid, tid };
      open.set(key, prof);
      if (e.name === 'Profile') return;
    }
    const cpu = data.cpuProfile as { nodes?: unknown; samples?: unknown } | undefined;
    if (Array.isArray(cpu?.nodes)) (cpu.nodes as ProfileNode[]).forEach((n, k) => prof.tree.add(n, `traceEvents[${i}] node ${k}`));
    prof.time = sink.add(prof.tree, cpu?.samples, data.timeDeltas ?? [], prof.time, prof.pid, prof.tid, `traceEvents[${i}]`);
  });
  // The root name joined the process and thread with '\n': split them into two frames.
  const result = sink.finish('Chrome trace', true);
  result.stacks.forEach((names, s) => {
    result.stacks[s] = names[0].split('\n').concat(names.slice(1));
  });
  // Merged profiles interleave: put samples in time order, as perf writes them.
  sortByTime(result);
  return { ...result, profiles };
}

/** Reorders a profile's samples by time (stable: equal times keep their order). */
function sortByTime(p: SampledProfile): void {
  const n = p.sampleTimeUs.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const t = p.sampleTimeUs;
  order.sort((a, b) => t[a] - t[b] || a - b);
  const perm = <T extends Int32Array | Float64Array>(a: T | null): T | null => {
    if (!a) return a;
    const out = a.slice() as T;
    for (let i = 0; i < n; i++) out[i] = a[order[i]];
    return out;
  };
  p.sampleStack = perm(p.sampleStack)!;
  p.sampleTimeUs = perm(p.sampleTimeUs)!;
  p.samplePid = perm(p.samplePid);
  p.sampleTid = perm(p.sampleTid);
}
