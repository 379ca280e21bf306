// Deterministic generator of benchmark inputs for flamekit: realistic `perf script` text,
// or folded stacks for flamegraph-svg. Same flags, same bytes, on every machine: the only
// randomness is a seeded mulberry32, and nothing reads the clock.
//
// What the perf script output looks like (a busy sample, an idle one, a header without [cpu]):
//                java  4771/4790  [003] 183644.123457:   10101010 cpu-clock:
//   	ffffffff8b2c4d10 copy_user_enhanced_fast_string+0x10 ([kernel.kallsyms])
//   	    7fa4b39f24f8 Lcom/acme/shop/CartService;::checkout->Lcom/acme/shop/Cart;::total (/tmp/perf-4771.map)
//   	    7f3c1a2b09d4 acme::db::Query::run(int, std::string const&) const+0x54 (/usr/sbin/mysqld)
//   	               0 [unknown] ([unknown])
//
//             swapper     0/0     [001] 183644.123512:   10101010 cpu-clock:
//   	ffffffff8b91e2a4 native_safe_halt+0x4 ([kernel.kallsyms])
//
//          DOM Worker  9120/9133  183644.124001:    9876543 cpu-clock:
//
// The model: --cpus CPUs tick at --hz for --seconds. A tick yields a sample with probability q,
// chosen (by a calibration pass on a separate seed) so the file comes out near --mb megabytes
// (think of a large, mostly idle box recorded with a hardware event: halted CPUs do not sample).
// Load and the idle share swing over time, with bursts, so heat maps show structure. A sample
// is idle (swapper 0/0) or belongs to one of ~35 thread classes (Java, a browser, node, mysqld,
// postgres, python, a Rust gateway, kernel threads, perf). Each class draws its stacks from a
// pool of distinct call paths with a Zipf law, so a few stacks are hot and tens of thousands
// are rare. Stacks are 10-60 frames deep, ~3% are recursive and ~120 deep.
//
// A typed module: tests import generatePerf/generateFolded (or main) from here; bench/run.mjs
// and people run it through scripts/gen-corpus.mjs, which compiles this file in memory.
//
// Usage:
//   node scripts/gen-corpus.mjs [--mb 300] [--seconds 600] [--cpus 32] [--hz 99] [--seed 1]
//                               [--idle 0.3] [--stacks 60000] [--files N] [--no-header] --out FILE
//   node scripts/gen-corpus.mjs --folded-stacks 100000 [--seed 1] --out FILE
// With --files N the output is split into N time-ordered files FILE-001.txt ... (one perf
// script run each, as a long recording taken in increments would be). MB means 10^6 bytes.
// A summary (bytes, samples, span, idle share) goes to stderr; --json prints it as JSON.
import { openSync, writeSync, closeSync, renameSync } from 'node:fs';
import { basename, extname, dirname, join } from 'node:path';

// ---------------------------------------------------------------------------- options
/** What to generate (the flags, parsed). */
export interface CorpusOptions {
  mb: number;
  seconds: number;
  cpus: number;
  hz: number;
  seed: number;
  idle: number;
  stacks: number;
  files: number;
  header: boolean;
  out: string;
  foldedStacks: number;
  json: boolean;
}

export const DEFAULTS: CorpusOptions = {
  mb: 300, seconds: 600, cpus: 32, hz: 99, seed: 1, idle: 0.3, stacks: 60000,
  files: 1, header: true, out: '', foldedStacks: 0, json: false,
};

type NumericOption = 'mb' | 'seconds' | 'cpus' | 'hz' | 'seed' | 'idle' | 'stacks' | 'files' | 'foldedStacks';

function usage(msg?: string): void {
  if (msg) process.stderr.write(`gen-corpus: ${msg}\n`);
  process.stderr.write('usage: gen-corpus [--mb N] [--seconds S] [--cpus N] [--hz N] [--seed N] [--idle F]\n' +
    '                  [--stacks N] [--files N] [--no-header] [--json] --out FILE\n' +
    '       gen-corpus --folded-stacks N [--seed N] --out FILE\n');
  process.exitCode = 2;
}

/** The flags as options, or null after printing usage (process.exitCode 2, or 0 for --help). */
export function parseArgs(argv: string[]): CorpusOptions | null {
  const o: CorpusOptions = { ...DEFAULTS };
  const num: Record<string, NumericOption> = { '--mb': 'mb', '--seconds': 'seconds', '--cpus': 'cpus', '--hz': 'hz', '--seed': 'seed',
    '--idle': 'idle', '--stacks': 'stacks', '--files': 'files', '--folded-stacks': 'foldedStacks' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') { usage(); process.exitCode = 0; return null; }
    if (a === '--no-header') { o.header = false; continue; }
    if (a === '--json') { o.json = true; continue; }
    if (a === '--out' || a === '-o') { o.out = argv[++i] ?? ''; continue; }
    if (num[a]) {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) { usage(`bad value for ${a}: ${argv[i]}`); return null; }
      o[num[a]] = v;
      continue;
    }
    usage(`unknown option: ${a}`);
    return null;
  }
  if (!o.out) { usage('missing --out FILE'); return null; }
  if (!(o.cpus >= 1 && o.hz >= 1 && o.seconds > 0 && o.files >= 1 && o.idle < 1)) { usage('bad parameters'); return null; }
  o.cpus = Math.floor(o.cpus); o.files = Math.floor(o.files); o.stacks = Math.max(100, Math.floor(o.stacks));
  return o;
}

// ---------------------------------------------------------------------------- randomness
type Rand = () => number;

function mulberry32(seed: number): Rand {
  let a = seed >>> 0;
  return function rand() {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function hash32(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 15; h = Math.imul(h, 0x2c1b3c6d); h ^= h >>> 12;
  return h >>> 0;
}
const pick = <T>(rand: Rand, arr: readonly T[]): T => arr[Math.floor(rand() * arr.length)];
// Skewed choice of an index in [0, n): index 0 is the most likely.
const skew = (rand: Rand, n: number, p = 2.2): number => Math.min(n - 1, Math.floor(Math.pow(rand(), p) * n));

/** Zipf sampler over ranks 0..n-1 with exponent s. */
function zipf(n: number, s: number): (rand: Rand) => number {
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) { acc += 1 / Math.pow(i + 1, s); cdf[i] = acc; }
  return (rand) => {
    const x = rand() * acc;
    let lo = 0, hi = n - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  };
}

// ---------------------------------------------------------------------------- functions
// Every function has a symbol, a dso and a kind; frames render with a call-site address.
const K = 0, U = 1, JIT = 2, UNK = 3;
const fnSym: string[] = [], fnDso: string[] = [], fnKind: number[] = [], fnBase: number[] = [];
const fnIndex = new Map<string, number>();
const baseRand = mulberry32(0x5eed);
/** A function (symbol, dso, kind), as fn() takes it. */
type FnSpec = [sym: string, dso: string, kind?: number];
function fn(sym: string, dso: string, kind = U): number {
  const key = `${sym}\u0000${dso}`;
  let id = fnIndex.get(key);
  if (id !== undefined) return id;
  id = fnSym.length;
  fnSym.push(sym); fnDso.push(dso); fnKind.push(kind);
  // Kernel text lives at ffffffff8xxxxxxx, shared libraries at 7fxxxxxxxxxx, executables at 55xxxxxxxxxx.
  fnBase.push(kind === K ? 0x1000000 + Math.floor(baseRand() * 0xe000000)
    : Math.floor(baseRand() * 0xfffff000) * 16);
  fnIndex.set(key, id);
  return id;
}
const kfn = (sym: string): number => fn(sym, '[kernel.kallsyms]', K);

const dsoBase = new Map<string, number>();
function dsoHigh(dso: string): number {
  let b = dsoBase.get(dso);
  if (b === undefined) {
    let h = 0; for (let i = 0; i < dso.length; i++) h = hash32(h, dso.charCodeAt(i));
    b = (dso.startsWith('/usr/bin') || dso.startsWith('/usr/sbin') || dso.startsWith('/usr/local/bin'))
      ? 0x550000000000 + (h % 0xffff) * 0x1000000 : 0x7f0000000000 + (h % 0xffff) * 0x1000000;
    dsoBase.set(dso, b);
  }
  return b;
}

/** One frame line; `callee` (or -1 at the leaf) fixes the call-site offset. */
function renderFrame(id: number, callee: number): string {
  const h = hash32(id, callee + 1);
  const kind = fnKind[id];
  let addr: string, sym = fnSym[id];
  if (kind === UNK) {
    addr = fnDso[id] === '[unknown]' && (h & 3) === 0 ? '0' : (0x7f0000000000 + (h & 0xfffffff) * 64).toString(16);
  } else {
    const off = 4 + (h % 0x3f0);
    if (kind === K) addr = 'ffffffff8' + (fnBase[id] + off).toString(16).padStart(7, '0');
    else addr = (dsoHigh(fnDso[id]) + (fnBase[id] % 0xffffff) + off).toString(16);
    if (kind !== JIT) sym += '+0x' + off.toString(16);
  }
  return '\t' + addr.padStart(16) + ' ' + sym + ' (' + fnDso[id] + ')\n';
}

// ---------------------------------------------------------------------------- vocabulary
const W = {
  noun: ['Cart', 'Order', 'Payment', 'Http', 'Request', 'Response', 'Json', 'Stream', 'Buffer', 'Channel',
    'Pipeline', 'Handler', 'Context', 'Session', 'Query', 'Cache', 'Map', 'Entry', 'Node', 'Tree', 'Parser',
    'Writer', 'Reader', 'Executor', 'Task', 'Future', 'Dispatcher', 'Filter', 'Invoker', 'Serializer',
    'Bean', 'Factory', 'Registry', 'Resolver', 'Template', 'Engine', 'Index', 'Row', 'Table', 'Page',
    'Lock', 'Queue', 'Socket', 'Frame', 'Codec', 'Token', 'Scope', 'Router', 'Worker', 'Pool'],
  suffix: ['', '', 'Impl', 'Service', 'Manager', 'Helper', 'Support', 'Adapter', '$1', '$Worker', 'Base', 'Proxy'],
  verb: ['run', 'call', 'invoke', 'handle', 'process', 'doFilter', 'service', 'dispatch', 'apply', 'accept',
    'get', 'put', 'read', 'write', 'flush', 'parse', 'serialize', 'encode', 'decode', 'hashCode', 'equals',
    'compareTo', 'toString', 'next', 'hasNext', 'execute', 'submit', 'lookup', 'resolve', 'visit', 'render',
    'validate', 'compute', 'merge', 'update', 'select', 'load', 'store', 'scan', 'emit', 'drain', 'poll'],
  javaPkg: ['com/acme/shop', 'com/acme/payments', 'org/springframework/web/servlet', 'io/netty/channel',
    'com/fasterxml/jackson/databind', 'java/util/concurrent', 'java/util', 'java/lang', 'org/apache/catalina/core',
    'org/hibernate/internal', 'com/acme/i18n', 'io/netty/buffer', 'java/util/stream', 'sun/nio/ch'],
  cxxNs: ['acme', 'acme::net', 'acme::db', 'acme::db::btree', 'acme::util', 'std', '(anonymous namespace)',
    'boost::asio::detail', 'folly', 'google::protobuf::internal'],
  cxxArg: ['int', 'unsigned long', 'char const*', 'std::string const&', 'std::vector<int, std::allocator<int> >&',
    'void*', 'bool', 'acme::Slice', 'double', 'acme::db::Txn*', 'std::shared_ptr<acme::net::Conn>'],
  mozNs: ['mozilla', 'mozilla::dom', 'mozilla::net', 'mozilla::layers', 'js', 'js::jit', 'js::gc', 'JS',
    'nsThread', 'mozilla::ipc', 'mozilla::dom::workerinternals'],
  jsFile: ['/app/node_modules/express/lib/router/layer.js', '/app/node_modules/express/lib/router/index.js',
    '/app/src/server.js', '/app/src/db/pool.js', 'node:internal/process/task_queues', 'node:events',
    'node:internal/streams/readable', 'node:_http_server', '/app/node_modules/ws/lib/receiver.js',
    '/app/src/handlers/orders.js'],
  py: ['_PyEval_EvalFrameDefault', 'PyObject_Vectorcall', '_PyFunction_Vectorcall', 'method_vectorcall_O',
    'PyObject_Call', 'slot_tp_call', 'list_sort', 'dict_subscript', '_PyObject_MakeTpCall', 'builtin_len',
    'unicode_compare', 'PyNumber_Add', 'long_add', 'cfunction_vectorcall_FASTCALL', 'gen_send_ex2'],
  rust: ['<hyper::proto::h1::conn::Conn<I,B,T> as core::future::future::Future>::poll',
    'tokio::runtime::task::harness::Harness<T,S>::poll', 'tokio::runtime::scheduler::multi_thread::worker::Context::run_task',
    '<tower::util::map_future::MapFuture<F,N> as core::future::future::Future>::poll', 'serde_json::de::from_slice',
    'gateway::routes::proxy::{{closure}}', '<alloc::vec::Vec<T> as core::clone::Clone>::clone',
    'bytes::bytes_mut::BytesMut::reserve_inner', 'h2::proto::streams::recv::Recv::recv_data',
    'rustls::conn::ConnectionCommon<T>::process_new_packets', 'ring::aead::gcm::gcm_ghash_clmul'],
  kern: ['__schedule', 'schedule', 'finish_task_switch.isra.0', 'try_to_wake_up', 'enqueue_task_fair',
    'update_curr', 'update_load_avg', 'dequeue_entity', 'pick_next_task_fair', 'load_balance', 'rcu_core',
    'rcu_do_batch', 'kmem_cache_free', 'kmem_cache_alloc', '__kmalloc', 'kfree', 'memcpy_erms', 'memset_erms',
    'clear_page_erms', 'copy_page', 'release_pages', 'lru_add_drain', 'pagevec_lru_move_fn', 'filemap_read',
    'filemap_get_pages', 'ext4_file_read_iter', 'ext4_da_write_begin', 'jbd2_journal_commit_transaction',
    'blk_mq_submit_bio', 'submit_bio_noacct', 'nvme_queue_rq', 'dma_map_sg_attrs', 'tcp_sendmsg_locked',
    'tcp_write_xmit', '__tcp_transmit_skb', 'ip_finish_output2', '__dev_queue_xmit', 'dev_hard_start_xmit',
    'start_xmit', 'virtqueue_add_outbuf', 'net_rx_action', '__napi_poll', 'virtnet_poll', 'napi_gro_receive',
    'netif_receive_skb_list_internal', 'ip_list_rcv', 'tcp_v4_rcv', 'tcp_rcv_established', 'tcp_ack',
    '_raw_spin_lock', '_raw_spin_lock_irqsave', 'native_queued_spin_lock_slowpath', 'mutex_lock',
    'down_read', 'up_read', 'find_vma', 'handle_mm_fault', '__handle_mm_fault', 'do_anonymous_page',
    'alloc_pages', '__alloc_pages', 'get_page_from_freelist', 'rmqueue', 'zap_pte_range', 'unmap_page_range',
    'flush_tlb_mm_range', 'native_flush_tlb_one_user', 'smp_call_function_many_cond', 'native_write_msr',
    'perf_event_task_tick', 'x86_pmu_enable', '__perf_event_enable', 'do_sys_poll', 'ep_poll', 'ep_send_events',
    'futex_wait_queue', 'futex_wake', 'hrtimer_start_range_ns', 'ktime_get', 'read_tsc', 'psi_task_change'],
};

function javaName(rand: Rand): string {
  const pkg = pick(rand, W.javaPkg);
  const cls = () => `L${pkg}/${pick(rand, W.noun)}${pick(rand, W.noun)}${pick(rand, W.suffix)};::${pick(rand, W.verb)}`;
  let s = cls();
  if (pkg === 'com/acme/i18n' && rand() < 0.2) s = `Lcom/acme/i18n/\u00dcbersetzer;::${pick(rand, W.verb)}`;
  if (rand() < 0.25) s += '->' + cls(); // a method inlined into its caller
  if (rand() < 0.06) s += '->' + cls();
  return s;
}
function cxxName(rand: Rand, nsList: readonly string[] = W.cxxNs): string {
  const ns = pick(rand, nsList);
  const args: string[] = [];
  for (let n = skew(rand, 4, 1.5); n > 0; n--) args.push(pick(rand, W.cxxArg));
  const tmpl = rand() < 0.12 ? `<${pick(rand, W.cxxArg).replace(/&|\*$/, '')}>` : '';
  if (ns === '(anonymous namespace)') return `${ns}::${pick(rand, W.verb)}${pick(rand, W.noun)}(${args.join(', ')})`;
  const cst = rand() < 0.2 ? ' const' : '';
  return `${ns}::${pick(rand, W.noun)}${pick(rand, W.suffix).replace('$', '')}${tmpl}::${pick(rand, W.verb)}${pick(rand, W.noun)}(${args.join(', ')})${cst}`;
}
function jsName(rand: Rand): string {
  const tier = pick(rand, ['LazyCompile:*', 'LazyCompile:~', 'Function:^', 'JS:*']);
  return `${tier}${pick(rand, W.verb)}${pick(rand, W.noun)} ${pick(rand, W.jsFile)}:${1 + Math.floor(rand() * 900)}`;
}

// ---------------------------------------------------------------------------- kernel paths
// Root-to-leaf chains entered from user space (a sample may land anywhere along them).
const KTAILS = [
  ['entry_SYSCALL_64_after_hwframe', 'do_syscall_64', '__x64_sys_read', 'ksys_read', 'vfs_read', 'sock_read_iter',
    'sock_recvmsg', 'inet_recvmsg', 'tcp_recvmsg', 'tcp_recvmsg_locked', 'skb_copy_datagram_iter',
    '__skb_datagram_iter', 'simple_copy_to_iter', '_copy_to_iter', 'copy_user_enhanced_fast_string'],
  ['entry_SYSCALL_64_after_hwframe', 'do_syscall_64', '__x64_sys_write', 'ksys_write', 'vfs_write', 'sock_write_iter',
    'sock_sendmsg', 'tcp_sendmsg', 'tcp_sendmsg_locked', 'tcp_push', '__tcp_push_pending_frames', 'tcp_write_xmit',
    '__tcp_transmit_skb', 'ip_queue_xmit', '__ip_queue_xmit', 'ip_finish_output2', '__dev_queue_xmit',
    'dev_hard_start_xmit', 'start_xmit', 'virtqueue_add_outbuf'],
  ['entry_SYSCALL_64_after_hwframe', 'do_syscall_64', '__x64_sys_futex', 'do_futex', 'futex_wait', 'futex_wait_queue',
    'schedule', '__schedule', 'finish_task_switch.isra.0', '__raw_spin_unlock_irq'],
  ['entry_SYSCALL_64_after_hwframe', 'do_syscall_64', '__x64_sys_epoll_wait', 'do_epoll_wait', 'ep_poll',
    'schedule_hrtimeout_range_clock', 'schedule', '__schedule', 'finish_task_switch.isra.0'],
  ['asm_exc_page_fault', 'exc_page_fault', 'do_user_addr_fault', 'handle_mm_fault', '__handle_mm_fault',
    'do_anonymous_page', 'alloc_pages', '__alloc_pages', 'get_page_from_freelist', 'clear_page_erms'],
  ['asm_sysvec_apic_timer_interrupt', 'sysvec_apic_timer_interrupt', '__sysvec_apic_timer_interrupt',
    'hrtimer_interrupt', '__hrtimer_run_queues', 'tick_sched_timer', 'tick_sched_handle', 'update_process_times',
    'scheduler_tick', 'task_tick_fair', 'update_curr'],
  ['entry_SYSCALL_64_after_hwframe', 'do_syscall_64', '__x64_sys_pread64', 'vfs_read', 'ext4_file_read_iter',
    'generic_file_read_iter', 'filemap_read', 'filemap_get_pages', 'copy_page_to_iter', 'copy_user_enhanced_fast_string'],
  ['entry_SYSCALL_64_after_hwframe', 'do_syscall_64', '__x64_sys_munmap', '__vm_munmap', '__do_munmap',
    'unmap_region', 'unmap_vmas', 'unmap_page_range', 'zap_pte_range', 'release_pages'],
].map((chain) => chain.map(kfn));
const KTAIL_PERF = ['entry_SYSCALL_64_after_hwframe', 'do_syscall_64', '__x64_sys_ioctl', 'perf_ioctl',
  'perf_event_for_each_child', 'perf_event_enable', 'cpu_function_call', 'smp_call_function_single',
  'remote_function', '__perf_event_enable', 'x86_pmu_enable', 'intel_pmu_enable_all', 'native_write_msr'].map(kfn);

// ---------------------------------------------------------------------------- thread classes
// A class is one comm with its threads and its pool of stacks. `root` is the fixed bottom of
// its stacks, `gen` names middle functions, `ktail` the chance of ending in the kernel.
/** A class's call graph: function ids, and each one's callees (indices into ids). */
interface Graph {
  ids: Int32Array;
  callees: number[][];
}
function makeGraph(rand: Rand, n: number, name: (rand: Rand, i: number) => number): Graph {
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = name(rand, i);
  const callees: number[][] = [];
  for (let i = 0; i < n; i++) {
    const m = 2 + Math.floor(rand() * 5), span = Math.max(8, Math.floor(n / 12)), list: number[] = [];
    for (let j = 0; j < m; j++) list.push(Math.min(n - 1, i + 1 + Math.floor(rand() * span)));
    callees.push(list);
  }
  return { ids, callees };
}

const JVM = '/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so';
const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const XUL = '/usr/lib/firefox/libxul.so';
/** Stacks drawn for one class (perf corpus): the pool, its rendered blocks, and the Zipf draw. */
interface Pool {
  pool: number[][];
  blocks: (Buffer | undefined)[];
  draw: (rand: Rand) => number;
}
/** A thread class: one comm, its threads, the bottom of its stacks and its call graph. */
interface ClassSpec extends Partial<Pool> {
  comm: string;
  pid: number;
  tids: number[];
  weight: number;
  root: number[];
  graph: Graph;
  ktail: number;
  unknownRoot: number;
  deep: number;
  kernelOnly: boolean;
  ktails: number[][];
}
interface ClassOptions {
  ktail?: number;
  unknownRoot?: number;
  deep?: number;
  kernelOnly?: boolean;
  ktails?: number[][];
}
const classSpecs: ClassSpec[] = [];
function cls(comm: string, pid: number, tids: number[], weight: number, root: (number | FnSpec)[], graph: Graph, opts: ClassOptions = {}): void {
  classSpecs.push({ comm, pid, tids, weight, root: root.map((f) => (typeof f === 'number' ? f : fn(...f))), graph,
    ktail: opts.ktail ?? 0.25, unknownRoot: opts.unknownRoot ?? 0, deep: opts.deep ?? 0.03, kernelOnly: !!opts.kernelOnly,
    ktails: opts.ktails ?? KTAILS });
}
function range(a: number, n: number): number[] { return Array.from({ length: n }, (_, i) => a + i); }

/** Makes the classes, once per process (the function table grows in the same order every time). */
function buildClasses(): void {
  if (classSpecs.length > 0) return;
  const g = mulberry32(0xc1a55);
  const javaG = makeGraph(g, 1400, (r, i) => (i < 40 && i % 3 === 0 ? fn(cxxName(r, ['JavaCalls', 'JVM', 'Runtime1', 'OptoRuntime', 'InterpreterRuntime']), JVM)
    : i % 11 === 0 ? fn('Interpreter', '/tmp/perf-4771.map', JIT) : fn(javaName(r), '/tmp/perf-4771.map', JIT)));
  const jvmG = makeGraph(g, 500, (r) => fn(cxxName(r, ['Compile', 'PhaseIdealLoop', 'PhaseChaitin', 'G1CollectedHeap',
    'G1ParScanThreadState', 'ConcurrentMark', 'VMThread', 'SafepointSynchronize', 'C2Compiler', 'Parse', 'GraphKit']), JVM));
  const mozG = makeGraph(g, 1200, (r, i) => (i % 9 === 4 ? fn('[unknown]', '[unknown]', UNK) : fn(cxxName(r, W.mozNs), XUL)));
  const nodeG = makeGraph(g, 900, (r, i) => (i % 7 === 0 ? fn(cxxName(r, ['v8::internal', 'node', 'v8::internal::compiler']), '/usr/bin/node')
    : fn(jsName(r), '/tmp/perf-2231.map', JIT)));
  const cxxG = makeGraph(g, 1300, (r, i) => (i % 13 === 5 ? fn(cxxName(r), '/opt/Acme Tools/lib/libacme core.so')
    : i % 17 === 3 ? fn(pick(r, ['__memmove_avx_unaligned_erms', 'malloc', 'free', '__pthread_mutex_lock', 'operator new(unsigned long)', '_int_malloc']), LIBC)
      : fn(cxxName(r), '/usr/sbin/mysqld')));
  const pgG = makeGraph(g, 600, (r) => fn(pick(r, ['Exec', 'heap_', 'index_', 'bt', 'hash_', 'Lock', 'Buffer', 'Slot', 'Plan', 'tuplesort_', 'ExecHash', 'pg_', 'MemoryContext'])
    + pick(r, W.noun) + pick(r, ['', 'Next', 'Scan', 'Insert', 'Fetch', 'Alloc', 'Build', 'Compare']), '/usr/lib/postgresql/15/bin/postgres'));
  const pyG = makeGraph(g, 300, (r, i) => fn(i % 4 === 0 ? '_PyEval_EvalFrameDefault' : pick(r, W.py) + (i % 3 === 0 ? '' : '.' + pick(r, ['lto_priv.0', 'isra.0', 'constprop.0'])), '/usr/bin/python3.11'));
  const rustG = makeGraph(g, 500, (r) => fn(pick(r, W.rust).replace('Future>::poll', pick(r, ['Future>::poll', 'Future>::poll'])) + (r() < 0.5 ? '' : `::h${hash32(r() * 1e9 | 0, 7).toString(16).padStart(8, '0')}`), '/usr/local/bin/gateway'));
  const kG = makeGraph(g, 400, (r) => kfn(pick(r, W.kern) + (r() < 0.3 ? '' : pick(r, ['', '.part.0', '.isra.0', '.constprop.0']))));

  const jroot: FnSpec[] = [['start_thread', LIBC], ['thread_native_entry(Thread*)', JVM], ['Thread::call_run()', JVM],
    ['JavaThread::thread_main_inner()', JVM], ['JavaCalls::call_helper(JavaValue*, methodHandle const&, JavaCallArguments*, JavaThread*)', JVM],
    ['call_stub', '/tmp/perf-4771.map', JIT]];
  cls('java', 4771, range(4772, 18), 0.26, jroot, javaG);
  cls('http-nio-8080-e', 4771, range(4801, 12), 0.10, jroot, javaG);
  cls('C2 CompilerThre', 4771, [4790, 4791], 0.05, jroot.slice(0, 4).concat([['CompileBroker::compiler_thread_loop()', JVM]]), jvmG, { ktail: 0.05 });
  cls('C1 CompilerThre', 4771, [4792], 0.015, jroot.slice(0, 4).concat([['CompileBroker::compiler_thread_loop()', JVM]]), jvmG, { ktail: 0.05 });
  for (let i = 0; i < 4; i++) cls(`GC Thread#${i}`, 4771, [4780 + i], 0.012, jroot.slice(0, 3).concat([['WorkerThread::run()', JVM]]), jvmG, { ktail: 0.2 });
  cls('VM Thread', 4771, [4788], 0.008, jroot.slice(0, 3).concat([['VMThread::run()', JVM]]), jvmG);
  const mroot: FnSpec[] = [['start_thread', LIBC], ['_pt_root', '/usr/lib/firefox/libnspr4.so'], ['nsThread::ThreadFunc(void*)', XUL]];
  cls('Web Content', 9120, [9120], 0.07, [['__libc_start_main', LIBC], ['main', '/usr/lib/firefox/firefox'], ['XRE_InitChildProcess(int, char**, XREChildData const*)', XUL]], mozG, { unknownRoot: 0.1 });
  cls('DOM Worker', 9120, range(9131, 6), 0.06, mroot, mozG);
  cls('JS Helper', 9120, range(9140, 4), 0.02, mroot, mozG);
  cls('Socket Thread', 9120, [9125], 0.01, mroot, mozG, { ktail: 0.5 });
  cls('ThreadPool (po', 9120, [9150, 9151], 0.006, mroot, mozG);
  cls('node', 2231, [2231], 0.06, [['_start', '/usr/bin/node'], ['__libc_start_main', LIBC], ['node::Start(int, char**)', '/usr/bin/node'],
    ['uv_run', '/usr/bin/node'], ['uv__io_poll', '/usr/bin/node']], nodeG, { unknownRoot: 0.15 });
  cls('node', 2231, range(2236, 4), 0.01, [['start_thread', LIBC], ['worker', '/usr/bin/node'], ['uv__fs_work', '/usr/bin/node']], nodeG, { ktail: 0.6 });
  cls('mysqld', 1502, range(1530, 20), 0.07, [['clone3', LIBC], ['start_thread', LIBC], ['pfs_spawn_thread', '/usr/sbin/mysqld'],
    ['handle_connection', '/usr/sbin/mysqld'], ['do_command(THD*)', '/usr/sbin/mysqld']], cxxG, { ktail: 0.35 });
  cls('ib_io_rd-1', 1502, [1510], 0.01, [['clone3', LIBC], ['start_thread', LIBC], ['io_handler_thread', '/usr/sbin/mysqld']], cxxG, { ktail: 0.7 });
  for (let i = 0; i < 8; i++) cls('postgres', 3001 + i * 7, [3001 + i * 7], 0.008, [['__libc_start_main', LIBC], ['main', '/usr/lib/postgresql/15/bin/postgres'],
    ['PostmasterMain', '/usr/lib/postgresql/15/bin/postgres'], ['BackendStartup', '/usr/lib/postgresql/15/bin/postgres'], ['PostgresMain', '/usr/lib/postgresql/15/bin/postgres'],
    ['exec_simple_query', '/usr/lib/postgresql/15/bin/postgres']], pgG, { ktail: 0.3 });
  cls('python3', 6120, [6120, 6124], 0.025, [['_start', '/usr/bin/python3.11'], ['__libc_start_main', LIBC], ['Py_BytesMain', '/usr/bin/python3.11'],
    ['pymain_run_python.constprop.0', '/usr/bin/python3.11']], pyG, { deep: 0.12 });
  cls('tokio-runtime-w', 7001, range(7003, 8), 0.035, [['clone3', LIBC], ['start_thread', LIBC],
    ['std::sys::unix::thread::Thread::new::thread_start', '/usr/local/bin/gateway']], rustG, { ktail: 0.35 });
  const kroot = [kfn('ret_from_fork'), kfn('kthread')];
  for (const [comm, pid] of <[string, number][]>[['kworker/3:1', 211], ['kworker/u64:2', 97], ['kworker/0:1H', 301], ['ksoftirqd/3', 31],
    ['rcu_sched', 14], ['migration/5', 40], ['jbd2/vda1-8', 512]]) {
    cls(comm, pid, [pid], 0.004, comm.startsWith('kworker') ? kroot.concat([kfn('worker_thread'), kfn('process_one_work')]) : kroot.concat([kfn('smpboot_thread_fn')]), kG, { kernelOnly: true, deep: 0 });
  }
  cls('perf', 977, [977], 0.006, [['_start', '/usr/bin/perf'], ['__libc_start_main', LIBC], ['main', '/usr/bin/perf'], ['run_builtin', '/usr/bin/perf'],
    ['cmd_record', '/usr/bin/perf'], ['[unknown]', '/usr/bin/perf', UNK]], kG, { ktail: 0.9, ktails: [KTAIL_PERF, KTAILS[1], KTAILS[6]] });
  cls('bash', 8800, [8800], 0.004, [['_start', '/usr/bin/bash'], ['__libc_start_main', LIBC], ['main', '/usr/bin/bash'], ['reader_loop', '/usr/bin/bash']], pyG, { ktail: 0.8 });
}

// One stack: fixed root, a walk through the class graph, maybe recursion, maybe a kernel tail.
function walkStack(rand: Rand, c: ClassSpec): number[] {
  const frames = c.root.slice();
  if (c.unknownRoot && rand() < c.unknownRoot) frames.unshift(fn('[unknown]', '[unknown]', UNK));
  const { ids, callees } = c.graph;
  let depth = 6 + Math.floor(Math.pow(rand(), 1.3) * 46) - frames.length; // total 10..60 once tails are added
  const deep = rand() < c.deep;
  let node = skew(rand, 12, 1.6);
  for (let d = 0; d < depth; d++) {
    frames.push(ids[node]);
    if (deep && d === 3) {
      // A recursive descent (a parser, a tree walk, Python's eval loop): ~120 frames in total.
      const a = ids[node], b = ids[callees[node][0]];
      const reps = 30 + Math.floor(rand() * 25);
      for (let k = 0; k < reps; k++) frames.push(b, a);
    }
    const list = callees[node];
    const next = list[skew(rand, list.length, 1.8)];
    if (next === node) break;
    node = next;
  }
  if (!c.kernelOnly && rand() < c.ktail) {
    const tail = pick(rand, c.ktails);
    const n = Math.min(tail.length, 3 + Math.floor(rand() * (tail.length - 2)));
    for (let i = 0; i < n; i++) frames.push(tail[i]);
  }
  return frames;
}

function idleStacks(_rand: Rand): { cpu0: number[][]; other: number[][] } {
  const sec = ['secondary_startup_64_no_verify', 'start_secondary', 'cpu_startup_entry', 'do_idle'].map(kfn);
  const boot = ['secondary_startup_64_no_verify', 'x86_64_start_kernel', 'x86_64_start_reservations', 'start_kernel',
    'arch_call_rest_init', 'rest_init', 'cpu_startup_entry', 'do_idle'].map(kfn);
  const tops = [
    ['default_idle_call', 'arch_cpu_idle', 'default_idle', 'native_safe_halt'],
    ['default_idle_call', 'arch_cpu_idle', 'default_idle', 'native_safe_halt'],
    ['cpuidle_idle_call', 'cpuidle_enter', 'cpuidle_enter_state', 'intel_idle', 'mwait_idle_with_hints.constprop.0'],
    ['cpu_idle_poll.isra.0'],
    ['cpu_idle'],
  ].map((t) => t.map(kfn));
  const irqs = [
    ['asm_common_interrupt', 'common_interrupt', 'irq_exit_rcu', '__softirqentry_text_start', 'net_rx_action',
      '__napi_poll', 'virtnet_poll', 'napi_gro_receive', 'netif_receive_skb_list_internal', 'ip_list_rcv', 'tcp_v4_rcv'],
    ['asm_sysvec_apic_timer_interrupt', 'sysvec_apic_timer_interrupt', '__sysvec_apic_timer_interrupt',
      'hrtimer_interrupt', '__hrtimer_run_queues', 'tick_sched_timer', 'tick_sched_do_timer', 'update_wall_time'],
    ['asm_sysvec_call_function_single', 'sysvec_call_function_single', '__flush_smp_call_function_queue', 'flush_tlb_func'],
    ['asm_sysvec_reschedule_ipi', 'sysvec_reschedule_ipi', 'irq_exit_rcu', '__softirqentry_text_start', 'rcu_core', 'rcu_do_batch', 'kmem_cache_free'],
  ].map((t) => t.map(kfn));
  const out: { cpu0: number[][]; other: number[][] } = { cpu0: [], other: [] };
  for (const [list, base] of [[out.cpu0, boot], [out.other, sec]] as [number[][], number[]][]) {
    for (const t of tops) list.push(base.concat(t));
    for (const t of tops) for (const irq of irqs) for (let cut = 3; cut <= irq.length; cut += 2) list.push(base.concat(t, irq.slice(0, cut)));
  }
  // Order by plausibility: plain halts first, so the Zipf draw keeps them hot.
  return { cpu0: out.cpu0, other: out.other };
}

// ---------------------------------------------------------------------------- writer
class Out {
  readonly tmp: string;
  readonly fd: number;
  readonly buf = Buffer.allocUnsafe(8 << 20);
  pos = 0;
  total = 0;
  constructor(readonly path: string) { this.tmp = path + '.tmp'; this.fd = openSync(this.tmp, 'w'); }
  str(s: string): void { if (this.pos + s.length * 3 > this.buf.length) this.flush(); this.pos += this.buf.write(s, this.pos); }
  bytes(b: Buffer): void { if (this.pos + b.length > this.buf.length) this.flush(); if (b.length > this.buf.length) { writeSync(this.fd, b); this.total += b.length; return; } b.copy(this.buf, this.pos); this.pos += b.length; }
  flush(): void { let o = 0; while (o < this.pos) o += writeSync(this.fd, this.buf, o, this.pos - o); this.total += this.pos; this.pos = 0; }
  close(): number { this.flush(); closeSync(this.fd); renameSync(this.tmp, this.path); return this.total; }
}

function partPath(out: string, i: number, n: number): string {
  if (n === 1) return out;
  const ext = extname(out), base = basename(out, ext);
  return join(dirname(out), `${base}-${String(i + 1).padStart(3, '0')}${ext || '.txt'}`);
}

function headerBlock(o: CorpusOptions, part: number): string {
  return '# ========\n# captured on    : (deterministic flamekit benchmark corpus)\n# hostname : bench-host\n' +
    '# os release : 6.1.0-18-amd64\n# perf version : 6.1.76\n# arch : x86_64\n' +
    `# nrcpus online : ${o.cpus}\n# nrcpus avail : ${o.cpus}\n# cpudesc : Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\n` +
    `# cmdline : /usr/bin/perf record -F ${o.hz} -a -g -o part${part + 1}.data\n` +
    `# event : name = cpu-clock, , id = { }, type = 1, size = 128, { sample_period, sample_freq } = ${o.hz}, sample_type = IP|TID|TIME|CALLCHAIN|CPU|PERIOD, freq = 1\n` +
    '# ========\n#\n';
}

// ---------------------------------------------------------------------------- perf script
const ZIPF_S = 0.9; // tuned so 300 MB hold ~30k distinct stacks
/** What generatePerf wrote. */
export interface PerfSummary {
  kind: 'perf';
  files: string[];
  bytes: number;
  mb: number;
  samples: number;
  idleFraction: number;
  firstTime: string;
  lastTime: string;
  spanSeconds: number;
  cpus: number;
  hz: number;
  seed: number;
  stackVariantsUsed: number;
  q0: number;
  commentBytes: number;
  windows: number;
  /** Byte offset of the first sample at or after each whole second (second 0 = the first sample's). */
  secondOffsets: number[];
}

/** Writes perf script text as `o` asks (o.files time-ordered files when more than one). */
export function generatePerf(o: CorpusOptions): PerfSummary {
  buildClasses();
  const pr = mulberry32(o.seed * 7919 + 17);
  const classes = classSpecs;
  // Pools: each class gets distinct stacks in proportion to weight^0.6 (rare classes still vary).
  const wsum = classes.reduce((s, c) => s + Math.pow(c.weight, 0.6), 0);
  for (const c of classes) {
    const want = Math.max(20, Math.round(o.stacks * Math.pow(c.weight, 0.6) / wsum));
    const seen = new Set<string>(), pool: number[][] = [];
    for (let tries = 0; pool.length < want && tries < want * 6; tries++) {
      const s = walkStack(pr, c), key = s.join(',');
      if (!seen.has(key)) { seen.add(key); pool.push(s); }
    }
    c.pool = pool; c.blocks = new Array(pool.length); c.draw = zipf(pool.length, ZIPF_S);
  }
  const wtot = classes.reduce((s, c) => s + c.weight, 0);
  const ccdf: number[] = []; let acc = 0;
  for (const c of classes) { acc += c.weight / wtot; ccdf.push(acc); }
  const idle = idleStacks(pr);
  const idleCls: Pool[] = [{ pool: idle.cpu0, blocks: [], draw: zipf(idle.cpu0.length, 1.6) }, { pool: idle.other, blocks: [], draw: zipf(idle.other.length, 1.6) }];

  const block = (c: Partial<Pool>, i: number): Buffer => {
    let b = c.blocks![i];
    if (!b) {
      const f = c.pool![i]; let s = '';
      for (let k = f.length - 1; k >= 0; k--) s += renderFrame(f[k], k + 1 < f.length ? f[k + 1] : -1);
      b = c.blocks![i] = Buffer.from(s + '\n');
    }
    return b;
  };
  const pad16 = (s: string): string => (s.length >= 16 ? s : ' '.repeat(16 - s.length) + s);
  const header = (comm: string, pid: number, tid: number, cpu: number, us: number, period: number, withCpu: boolean): string => {
    const sec = Math.floor(us / 1e6), frac = String(us - sec * 1e6).padStart(6, '0');
    const pt = `${String(pid).padStart(6)}/${String(tid).padEnd(6)}`;
    return `${pad16(comm)} ${pt} ${withCpu ? `[${String(cpu).padStart(3, '0')}] ` : ''}${sec}.${frac}: ${String(period).padStart(10)} cpu-clock: \n`;
  };

  // One sample: returns [headerString, blockBuffer, isIdle].
  const sample = (r: Rand, cpu: number, us: number, idleShare: number): [string, Buffer, boolean] => {
    const period = r() < 0.02 ? 2 * Math.round(1e9 / o.hz) : Math.round(1e9 / o.hz) + Math.floor((r() - 0.5) * 0.06e9 / o.hz);
    const withCpu = r() >= 0.03;
    if (r() < idleShare) {
      const ic = idleCls[cpu === 0 ? 0 : 1];
      return [header('swapper', 0, 0, cpu, us, period, withCpu), block(ic, ic.draw(r)), true];
    }
    const x = r(); let ci = 0; while (ccdf[ci] < x && ci < ccdf.length - 1) ci++;
    const c = classes[ci];
    const tid = c.tids[skew(r, c.tids.length, 1.4)];
    return [header(c.comm, c.pid, tid, cpu, us, period, withCpu), block(c, c.draw!(r)), false];
  };

  // Load over time: a slow swing, a faster ripple, and a 2-second burst every 37 s.
  const loadAt = (t: number): number => 1 + 0.45 * Math.sin(2 * Math.PI * t / 97) + 0.2 * Math.sin(2 * Math.PI * t / 13.7) + ((t % 37) < 2 ? 0.9 : 0);
  const idleAt = (t: number): number => Math.min(0.9, Math.max(0.02, o.idle + 0.15 * Math.sin(2 * Math.PI * t / 151 + 1)));

  // Calibrate q, the chance that a CPU tick produces a sample, on a separate seed.
  const cr = mulberry32(o.seed * 31 + 5);
  // Calibration samples are drawn at times weighted by load, as the real ones are.
  let cbytes = 0; const CAL = 20000;
  for (let i = 0; i < CAL; i++) {
    let t = cr() * o.seconds;
    while (cr() * 2.6 > loadAt(t)) t = cr() * o.seconds;
    const [h, b] = sample(cr, Math.floor(cr() * o.cpus), 183644123457 + Math.floor(t * 1e6), idleAt(t));
    cbytes += Buffer.byteLength(h) + b.length;
  }
  let meanLoad = 0; for (let i = 0; i < 10000; i++) meanLoad += loadAt((i + 0.5) * o.seconds / 10000) / 10000;
  const ticks = o.seconds * o.hz * o.cpus;
  const want = (o.mb * 1.01e6) / (cbytes / CAL); // aim 1% high so the file is at least --mb
  const q0 = want / ticks / meanLoad;
  const qMax = q0 * 2.55;
  if (qMax > 1) process.stderr.write(`gen-corpus: warning: --mb ${o.mb} needs more ticks than --seconds×--hz×--cpus gives at peak load; some peaks are clipped (raise --seconds or --cpus)\n`);

  const r = mulberry32(o.seed);
  const startUs = 183644 * 1e6 + 123457; // an uptime, not a date
  const tickUs = 1e6 / o.hz, slotUs = tickUs / o.cpus;
  const totalTicks = Math.floor(o.seconds * o.hz);
  const stats = { bytes: 0, samples: 0, idle: 0, firstUs: -1, lastUs: -1, files: [] as string[], commentBytes: 0 };
  // secondOffsets[s]: byte offset of the first sample at or after whole second s, counted as
  // range-perf --timezerosecs counts (second 0 = the first sample's whole second).
  const secondOffsets: number[] = [];
  let fileIdx = -1, out: Out | null = null;
  for (let k = 0; k < totalTicks; k++) {
    const t = k / o.hz;
    const f = Math.min(o.files - 1, Math.floor((t / o.seconds) * o.files));
    if (f !== fileIdx) {
      if (out) { stats.bytes += out.close(); }
      fileIdx = f; out = new Out(partPath(o.out, f, o.files)); stats.files.push(out.path);
      if (o.header) { const hb = headerBlock(o, f); out.str(hb); stats.commentBytes += Buffer.byteLength(hb); }
    }
    const q = Math.min(1, q0 * loadAt(t)), idleShare = idleAt(t);
    const tickStart = startUs + Math.floor(k * tickUs);
    for (let cpu = 0; cpu < o.cpus; cpu++) {
      if (r() >= q) continue;
      const us = tickStart + Math.floor(cpu * slotUs + r() * slotUs * 0.5);
      const [h, b, isIdle] = sample(r, cpu, us, idleShare);
      if (stats.firstUs < 0) stats.firstUs = us;
      const rel = Math.floor(us / 1e6) - Math.floor(stats.firstUs / 1e6);
      while (secondOffsets.length <= rel) secondOffsets.push(stats.bytes + out!.total + out!.pos);
      out!.str(h); out!.bytes(b);
      stats.samples++; if (isIdle) stats.idle++;
      stats.lastUs = us;
    }
  }
  stats.bytes += out!.close();
  const fmt = (us: number): string => `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
  let distinctPool = 0; for (const c of classes) for (const b of c.blocks!) if (b) distinctPool++;
  return { kind: 'perf', files: stats.files, bytes: stats.bytes, mb: +(stats.bytes / 1e6).toFixed(1), samples: stats.samples,
    idleFraction: +(stats.idle / stats.samples).toFixed(3), firstTime: fmt(stats.firstUs), lastTime: fmt(stats.lastUs),
    spanSeconds: +((stats.lastUs - stats.firstUs) / 1e6).toFixed(3), cpus: o.cpus, hz: o.hz, seed: o.seed,
    stackVariantsUsed: distinctPool, q0: +q0.toFixed(4), commentBytes: stats.commentBytes, windows: secondOffsets.length, secondOffsets };
}

// ---------------------------------------------------------------------------- folded stacks
// N distinct folded stacks, tree-shaped like real profiles (shared prefixes), Zipf-ish counts,
// sorted byte-wise as stackcollapse prints them.
/** What generateFolded wrote. */
export interface FoldedSummary {
  kind: 'folded';
  files: string[];
  bytes: number;
  mb: number;
  stacks: number;
  seed: number;
}

/** Writes o.foldedStacks distinct folded stacks to o.out, sorted byte-wise. */
export function generateFolded(o: CorpusOptions): FoldedSummary {
  buildClasses();
  const r = mulberry32(o.seed * 104729 + 3);
  // The same thread classes and call graphs as the perf script corpus, so the picture is the
  // same kind of tree; classes are drawn by weight^0.5 so small ones still add variety.
  const classes = classSpecs, w = classes.map((c) => Math.sqrt(c.weight));
  const wtot = w.reduce((a, b) => a + b, 0);
  const seen = new Set<string>(), lines: string[] = [];
  for (let tries = 0; lines.length < o.foldedStacks; tries++) {
    if (tries > o.foldedStacks * 20) throw new Error(`could not make ${o.foldedStacks} distinct stacks`);
    let x = r() * wtot, ci = 0;
    while (x > w[ci] && ci < classes.length - 1) x -= w[ci++];
    const c = classes[ci], frames = walkStack(r, c);
    let s = c.comm;
    // As stackcollapse folds them: ';' inside a name becomes ':', inlined '->' pieces become frames.
    for (const f of frames) s += ';' + fnSym[f].replaceAll(';', ':').replaceAll('->', ';');
    if (seen.has(s)) continue;
    seen.add(s);
    lines.push(s + ' ' + (1 + Math.floor(Math.pow(r(), 8) * 20000)));
  }
  const enc = lines.map((l) => Buffer.from(l + '\n'));
  enc.sort(Buffer.compare); // byte-wise, as stackcollapse prints
  const out = new Out(o.out);
  for (const b of enc) out.bytes(b);
  const bytes = out.close();
  return { kind: 'folded', files: [o.out], bytes, mb: +(bytes / 1e6).toFixed(1), stacks: lines.length, seed: o.seed };
}

// ---------------------------------------------------------------------------- main
/** The command line (scripts/gen-corpus.mjs): generates, then prints the summary. */
export function main(argv: string[]): void {
  const o = parseArgs(argv);
  if (!o) return;
  const summary = o.foldedStacks > 0 ? generateFolded(o) : generatePerf(o);
  if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else process.stderr.write(`gen-corpus: ${Object.entries(summary).filter(([k]) => k !== 'files' && k !== 'secondOffsets').map(([k, v]) => `${k}=${v}`).join(' ')}\n` +
    summary.files.map((f) => `gen-corpus: wrote ${f}\n`).join(''));
}
