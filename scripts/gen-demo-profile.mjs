#!/usr/bin/env node
// Writes the demo profile of `npm run demo` (fixtures/demo/demo-profile.txt.gz): perf script
// text of a 4-CPU box sampled at 49 Hz for 3 minutes, mostly idle, holding the patterns that
// FlameScope's authors describe in their "ums" case, so the heat map shows what it is for:
//   - a burst at start-up: every CPU busy loading classes for the first 4 seconds;
//   - a 60-second periodic band: a cron job compresses logs for 3 s every minute;
//   - short bursts of about 60 ms: garbage collection on every CPU every few seconds;
//   - light background request work.
// Deterministic: a seeded mulberry32, no clock. Same bytes on every machine and run.
//
// Usage: node scripts/gen-demo-profile.mjs [--out FILE] [--seconds S]   (default the fixture)
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const out = opt('--out', join(root, 'fixtures', 'demo', 'demo-profile.txt.gz'));
const SECONDS = Number(opt('--seconds', '180'));
const CPUS = 4;
const HZ = 49;
const START = 5310; // an uptime in seconds, not a date

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20170221);

// Stacks, leaf first, as perf prints them: [symbol, dso].
const K = '[kernel.kallsyms]';
const JVM = '/usr/lib/jvm/java-8/jre/lib/amd64/server/libjvm.so';
const JIT = '/tmp/perf-1887.map';
const stacks = {
  idle: { comm: 'swapper', pid: 0, frames: [['native_safe_halt', K], ['default_idle', K], ['arch_cpu_idle', K], ['cpu_startup_entry', K], ['start_secondary', K]] },
  startup: [
    ['ClassLoader::load_class', JVM], ['SystemDictionary::load_instance_class', JVM], ['SystemDictionary::resolve_or_fail', JVM],
    ['LinkResolver::resolve_static_call', JVM], ['InterpreterRuntime::resolve_invoke', JVM], ['Interpreter', JIT],
    ['Lsun/launcher/LauncherHelper;::checkAndLoadMain', JIT], ['JavaMain', '/usr/lib/jvm/java-8/jre/lib/amd64/jli/libjli.so'], ['start_thread', '/lib/x86_64-linux-gnu/libpthread-2.27.so'],
  ],
  startupJit: [
    ['Compile::Optimize', JVM], ['C2Compiler::compile_method', JVM], ['CompileBroker::invoke_compiler_on_method', JVM],
    ['CompileBroker::compiler_thread_loop', JVM], ['JavaThread::run', JVM], ['start_thread', '/lib/x86_64-linux-gnu/libpthread-2.27.so'],
  ],
  cron: [
    ['longest_match', '/bin/gzip'], ['deflate_slow', '/bin/gzip'], ['deflate', '/bin/gzip'], ['zip', '/bin/gzip'], ['treatfile', '/bin/gzip'], ['main', '/bin/gzip'], ['__libc_start_main', '/lib/x86_64-linux-gnu/libc-2.27.so'],
  ],
  cronRead: [
    ['copy_user_enhanced_fast_string', K], ['generic_file_read_iter', K], ['vfs_read', K], ['sys_read', K], ['entry_SYSCALL_64_fastpath', K], ['__read_nocancel', '/lib/x86_64-linux-gnu/libc-2.27.so'], ['fill_inbuf', '/bin/gzip'], ['deflate', '/bin/gzip'], ['zip', '/bin/gzip'], ['treatfile', '/bin/gzip'], ['main', '/bin/gzip'],
  ],
  gc: [
    ['G1ParScanThreadState::copy_to_survivor_space', JVM], ['G1ParScanThreadState::trim_queue', JVM], ['G1ParEvacuateFollowersClosure::do_void', JVM],
    ['G1ParTask::work', JVM], ['GangWorker::loop', JVM], ['java_start', JVM], ['start_thread', '/lib/x86_64-linux-gnu/libpthread-2.27.so'],
  ],
  request: [
    ['Lcom/fasterxml/jackson/core/json/ReaderBasedJsonParser;::nextToken', JIT], ['Lcom/acme/api/OrderHandler;::parse', JIT], ['Lcom/acme/api/OrderHandler;::handle', JIT],
    ['Lio/netty/channel/AbstractChannelHandlerContext;::invokeChannelRead', JIT], ['Lio/netty/channel/nio/NioEventLoop;::run', JIT], ['Interpreter', JIT], ['call_stub', JIT], ['JavaCalls::call_helper', JVM], ['JavaThread::run', JVM], ['start_thread', '/lib/x86_64-linux-gnu/libpthread-2.27.so'],
  ],
  requestDb: [
    ['Lcom/acme/db/Query;::execute', JIT], ['Lcom/acme/api/OrderHandler;::handle', JIT], ['Lio/netty/channel/AbstractChannelHandlerContext;::invokeChannelRead', JIT],
    ['Lio/netty/channel/nio/NioEventLoop;::run', JIT], ['Interpreter', JIT], ['call_stub', JIT], ['JavaCalls::call_helper', JVM], ['JavaThread::run', JVM], ['start_thread', '/lib/x86_64-linux-gnu/libpthread-2.27.so'],
  ],
};

// GC bursts: about every 4 s (jittered), 60 ms long.
const gcStarts = [];
for (let t = 2.3; t < SECONDS; t += 3 + rand() * 2) gcStarts.push(t);

function activity(t, cpu) {
  if (t < 4) return rand() < 0.95 ? (cpu === 3 ? ['java', 1887, 1902, 'startupJit'] : ['java', 1887, 1888 + cpu, 'startup']) : null;
  for (const g of gcStarts) if (t >= g && t < g + 0.06) return ['java', 1887, 1950 + cpu, 'gc'];
  if (t % 60 >= 20 && t % 60 < 23 && cpu < 2) return rand() < 0.92 ? ['gzip', 4410 + Math.floor(t / 60), null, rand() < 0.8 ? 'cron' : 'cronRead'] : null;
  if (rand() < 0.07) return ['java', 1887, 1930 + Math.floor(rand() * 8), rand() < 0.7 ? 'request' : 'requestDb'];
  return null;
}

const addr = (i, kernel) => (kernel ? 'ffffffff81' + (0x100000 + i * 4099).toString(16).padStart(6, '0') : '7f3a' + (0x10000000 + i * 977).toString(16));
let text =
  '# ========\n' +
  '# captured on    : (generated by scripts/gen-demo-profile.mjs)\n' +
  '# hostname : demo\n' +
  `# nrcpus online : ${CPUS}\n` +
  `# cmdline : /usr/bin/perf record -F ${HZ} -a -g -- sleep ${SECONDS}\n` +
  '# event : name = cpu-clock, , id = { }, type = 1, size = 112, { sample_period, sample_freq } = 49, sample_type = IP|TID|TIME|CALLCHAIN|CPU|PERIOD, freq = 1\n' +
  '# ========\n#\n';
const period = Math.round(1e9 / HZ);
for (let k = 0; k < SECONDS * HZ; k++) {
  for (let cpu = 0; cpu < CPUS; cpu++) {
    // Per tick the CPUs sample in order, as `perf script` prints them (sorted by time).
    const us = START * 1e6 + Math.floor((k * 1e6) / HZ) + cpu * 250 + Math.floor(rand() * 200);
    const t = us / 1e6 - START;
    const a = activity(t, cpu);
    const [comm, pid, tid, kind] = a ?? ['swapper', 0, 0, 'idle'];
    const frames = kind === 'idle' ? stacks.idle.frames : stacks[kind];
    const ts = `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
    text += `${comm.padStart(16)} ${String(pid).padStart(5)}/${String(tid ?? pid).padEnd(5)} [${String(cpu).padStart(3, '0')}] ${ts}: ${String(period).padStart(10)} cpu-clock:\n`;
    frames.forEach(([sym, dso], i) => {
      text += `\t${addr(i + sym.length, dso === K).padStart(16)} ${sym}+0x${(i * 16 + 4).toString(16)} (${dso})\n`;
    });
    text += '\n';
  }
}
mkdirSync(dirname(out), { recursive: true });
const data = out.endsWith('.gz') ? gzipSync(Buffer.from(text, 'latin1'), { level: 9 }) : Buffer.from(text, 'latin1');
writeFileSync(out, data);
process.stderr.write(`gen-demo-profile: wrote ${out} (${data.length} bytes, ${SECONDS * HZ * CPUS} samples)\n`);
