// Reader of nflxprofile, the protobuf profile format of Netflix FlameScope (schema:
// Netflix/nflxprofile's nflxprofile.proto; ../shared/conformance/formats has it and a fixture).
// The fields read, by number:
//   Profile: 1 start_time (double, s), 3 samples (packed uint32 node ids),
//            4 time_deltas (packed double, s), 5 nodes (map<uint32, Node>),
//            9/10/11 samples_cpu/pid/tid (packed uint32), 12 samples_value (packed uint64),
//            13 idle_sample_count
//   Node:    1 function_name, 5 parent, 6 pid, 7 tid, 8 cpu, 10 stack (repeated StackFrame)
//   StackFrame: 1 function_name, 2 libtype
// A node is either one whole stack (its function_name is the process name and `stack` holds
// the frames root first, as nflxprofile's perf importer writes them) or one frame of a tree
// whose `parent` links lead to the root. Both are read.
//
// The wire format is decoded with @bufbuild/protobuf's BinaryReader (varints, packed and
// 64-bit fields), and the few fields above are picked out by number, so no generated code
// or copy of the schema is needed.
//
// Naming follows nflxprofile's NodeJsStackProcessor: a JIT frame that V8 names
// `Kind:[*~]name location` (for example `LazyCompile:*b [eval]:1`) is shown as `name`, or
// `(anonymous)` when the name is empty (`InterpretedFunction: internal/main/eval_string.js:1`),
// and `Builtins_ArgumentsAdaptorTrampoline` frames are left out.

import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { cleanFrameName, StackInterner, type SampledProfile } from './sampled-profile.js';

export class NflxProfileError extends Error {}

interface NflxNode {
  name: string;
  parent: number;
  pid: number;
  tid: number;
  cpu: number;
  stack: string[] | null;
}

const ARGUMENTS_ADAPTOR = 'Builtins_ArgumentsAdaptorTrampoline';
const V8_JIT_NAME = /^[A-Za-z]+:[*~^]?(.*)$/;

/** A frame's name as nflxprofile's Node.js processor shows it. */
export function nflxFrameName(name: string, libtype: string): string {
  if (libtype === 'jit') {
    const m = V8_JIT_NAME.exec(name);
    if (m) {
      const rest = m[1];
      const space = rest.lastIndexOf(' ');
      const fn = space >= 0 ? rest.slice(0, space) : rest;
      return cleanFrameName(fn === '' ? '(anonymous)' : fn);
    }
  }
  return cleanFrameName(name);
}

function packedOrOne<T>(r: BinaryReader, wt: WireType, read: () => T, out: T[]): void {
  if (wt === WireType.LengthDelimited) {
    const end = r.uint32() + r.pos;
    while (r.pos < end) out.push(read());
  } else {
    out.push(read());
  }
}

function readStackFrame(bytes: Uint8Array): string {
  const r = new BinaryReader(bytes);
  let name = '';
  let libtype = '';
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no === 1 && wt === WireType.LengthDelimited) name = r.string();
    else if (no === 2 && wt === WireType.LengthDelimited) libtype = r.string();
    else r.skip(wt, no);
  }
  return nflxFrameName(name, libtype);
}

function readNode(bytes: Uint8Array): NflxNode {
  const r = new BinaryReader(bytes);
  const node: NflxNode = { name: '', parent: -1, pid: -1, tid: -1, cpu: -1, stack: null };
  let libtype = '';
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no === 1 && wt === WireType.LengthDelimited) node.name = r.string();
    else if (no === 4 && wt === WireType.LengthDelimited) libtype = r.string();
    else if (no === 5 && wt === WireType.Varint) node.parent = r.uint32();
    else if (no === 6 && wt === WireType.Varint) node.pid = r.uint32();
    else if (no === 7 && wt === WireType.Varint) node.tid = r.uint32();
    else if (no === 8 && wt === WireType.Varint) node.cpu = r.uint32();
    else if (no === 10 && wt === WireType.LengthDelimited) (node.stack ??= []).push(readStackFrame(r.bytes()));
    else r.skip(wt, no);
  }
  node.name = nflxFrameName(node.name, libtype);
  return node;
}

/** Reads a map<uint32, Node> entry: 1 key, 2 value. */
function readNodeEntry(bytes: Uint8Array, nodes: Map<number, NflxNode>): void {
  const r = new BinaryReader(bytes);
  let key = 0;
  let node: NflxNode | null = null;
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no === 1 && wt === WireType.Varint) key = r.uint32();
    else if (no === 2 && wt === WireType.LengthDelimited) node = readNode(r.bytes());
    else r.skip(wt, no);
  }
  if (node) nodes.set(key, node);
}

/** Decodes an nflxprofile. Throws NflxProfileError when the bytes are not one. */
export function readNflxProfile(bytes: Uint8Array): SampledProfile & { unknownNodes: number; idleSamples: number } {
  const nodes = new Map<number, NflxNode>();
  const samples: number[] = [];
  const deltas: number[] = [];
  const cpus: number[] = [];
  const pids: number[] = [];
  const tids: number[] = [];
  const values: bigint[] = [];
  let start = Number.NaN;
  let idleSamples = 0;
  try {
    const r = new BinaryReader(bytes);
    while (r.pos < r.len) {
      const [no, wt] = r.tag();
      if (no === 1 && wt === WireType.Bit64) start = r.double();
      else if (no === 3) packedOrOne(r, wt, () => r.uint32(), samples);
      else if (no === 4) packedOrOne(r, wt, () => r.double(), deltas);
      else if (no === 5 && wt === WireType.LengthDelimited) readNodeEntry(r.bytes(), nodes);
      else if (no === 9) packedOrOne(r, wt, () => r.uint32(), cpus);
      else if (no === 10) packedOrOne(r, wt, () => r.uint32(), pids);
      else if (no === 11) packedOrOne(r, wt, () => r.uint32(), tids);
      else if (no === 12) packedOrOne(r, wt, () => BigInt(r.uint64()), values);
      else if (no === 13 && wt === WireType.Varint) idleSamples = r.uint32();
      else r.skip(wt, no);
    }
  } catch (e) {
    throw new NflxProfileError(`not a well-formed nflxprofile (${(e as Error).message})`);
  }
  if (!Number.isFinite(start) || nodes.size === 0) {
    throw new NflxProfileError('not an nflxprofile: it has no start_time or no nodes');
  }

  const interner = new StackInterner();
  const stackOf = new Map<number, number>();
  const stackIdOf = (id: number): number => {
    const known = stackOf.get(id);
    if (known !== undefined) return known;
    const node = nodes.get(id);
    if (!node) return -1;
    let names: string[];
    if (node.stack) {
      // As nflxprofile's Node.js processor, V8's arguments adaptor frames are folded into
      // the call they adapt (V8 dropped them itself in 8.9).
      names = [node.name, ...node.stack.filter((f) => f !== ARGUMENTS_ADAPTOR)];
    } else {
      names = [];
      const seen = new Set<number>();
      for (let n: NflxNode | undefined = node, k = id; n && !seen.has(k); k = n.parent, n = nodes.get(k)) {
        seen.add(k);
        names.push(n.name);
      }
      // The tree's synthetic top node is 'root' (id 0), as nflxprofile writes it.
      if (names.length > 1 && names[names.length - 1] === 'root') names.pop();
      names.reverse();
    }
    const s = interner.intern(names, false);
    stackOf.set(id, s);
    return s;
  };

  const keep: number[] = [];
  const stack: number[] = [];
  const time: number[] = [];
  let unknownNodes = 0;
  let t = start;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    const s = stackIdOf(samples[i]);
    if (s < 0) {
      unknownNodes++;
      continue;
    }
    keep.push(i);
    stack.push(s);
    // Seconds as a double to integer microseconds: exact for any real clock.
    time.push(Math.round(t * 1e6));
  }
  const column = (a: number[], fallback: (n: NflxNode | undefined) => number): Int32Array | null => {
    if (a.length === samples.length) return Int32Array.from(keep, (i) => a[i]);
    const out = Int32Array.from(keep, (i) => fallback(nodes.get(samples[i])));
    return out.some((x) => x >= 0) ? out : null;
  };
  return {
    kind: 'nflxprofile',
    stacks: interner.stacks,
    idle: interner.idle,
    sampleStack: Int32Array.from(stack),
    sampleTimeUs: Float64Array.from(time),
    sampleWeight: values.length === samples.length ? Float64Array.from(keep, (i) => Number(values[i])) : null,
    samplePid: column(pids, (n) => n?.pid ?? -1),
    sampleTid: column(tids, (n) => n?.tid ?? -1),
    sampleCpu: column(cpus, (n) => n?.cpu ?? -1),
    unknownNodes,
    idleSamples,
  };
}
