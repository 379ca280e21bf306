// Frame-name tidying shared by stackcollapse and heatmap-svg, so that a heat map's range
// flame graph names frames exactly as `stackcollapse` does. Moved here unchanged from
// src/collapse/collapse.ts (Collapser.tidyFrame), minus the --inline expansion, which
// stays in the collapse stage.
//
// Input is one frame's parts as perf script prints them (latin1 text), e.g.
//   pc 7fa4b8c7d768, sym 'La;::x->Lb;::y', dso '/tmp/perf-4771.map'
//   pc ffffffff8104f45a, sym 'native_write_msr_safe+0x4', dso '[kernel.kallsyms]'
//   pc 7f1e214c24d9, sym '[unknown]', dso '/usr/lib/jvm/libjvm.so'
// and the output the frame name(s) root first, joined with ';', as stackcollapse-perf.pl
// (FlameGraph 41fee1f, ../shared/reference §2 "Per-frame rules"):
//   'La:::x;Lb:::y_[i]', 'native_write_msr_safe', '[libjvm.so]'

export interface FrameNameOptions {
  /** Append `_[k]` to kernel frames. */
  kernel: boolean;
  /** Append `_[j]` to JIT frames. */
  jit: boolean;
  /** Unknown symbols become `[dso <addr>]`. */
  addrs: boolean;
  /** The sample's process name starts with 'java' (Java 'L' prefixes are stripped). */
  java: boolean;
}

const KERNEL_DSO = /^\[|vmlinux(-[^/]*)?$|\.ko$/;
const JIT_DSO = /\/tmp\/perf-\d+\.map|\/jitted-\d+-\d+\.so$/;
const GO_METHOD = /\.\(.*\)\./;
const OFFSET = /\+0x[\da-f]+$/;

/**
 * tidyFrameName for a symbol whose trailing `+0x…` offset was stripped already (the core's
 * pairs, src/parse/stack-scanner.ts): stackcollapse-perf.pl strips one offset, so a symbol
 * that still ends in one (`f+0x1f` of a line `f+0x1f+0x1f`) keeps it.
 */
export function tidyStrippedName(sym: string, mod: string, o: FrameNameOptions): string {
  return tidyFrameName('', OFFSET.test(sym) ? sym + '+0x0' : sym, mod, o);
}

/** One frame's name(s), root first, joined with ';'; '' when the frame is dropped. */
export function tidyFrameName(pc: string, rawfunc: string, mod: string, o: FrameNameOptions): string {
  rawfunc = rawfunc.replace(OFFSET, '');
  // stackcollapse-perf.pl drops every frame whose symbol starts with '(' ("process
  // names"), which loses '(anonymous namespace)::f()'. Only a bare '(...)' is dropped here.
  if (rawfunc.charCodeAt(0) === 40 && !rawfunc.startsWith('(anonymous namespace)')) return '';
  const pieces = rawfunc.indexOf('->') >= 0 ? rawfunc.split('->') : [rawfunc];
  // As Perl's split: trailing empty pieces go ('-->' is one frame, '-').
  while (pieces.length > 1 && pieces[pieces.length - 1] === '') pieces.pop();
  let out = '';
  for (let i = 0; i < pieces.length; i++) {
    let func = pieces[i];
    if (func === '[unknown]') {
      if (mod !== '[unknown]') {
        func = mod;
        const slash = func.lastIndexOf('/');
        if (slash >= 0) func = func.slice(slash + 1);
      } else {
        func = 'unknown';
      }
      func = o.addrs ? `[${func} <${pc}>]` : `[${func}]`;
    }
    // Generic tidy: ';' would split the frame, arguments split one function into many.
    if (func.indexOf(';') >= 0) func = func.replace(/;/g, ':');
    if (func.indexOf('(') >= 0 && !GO_METHOD.test(func)) func = stripArguments(func);
    if (func.indexOf('"') >= 0 || func.indexOf("'") >= 0) func = func.replace(/["']/g, '');
    if (o.java && func.indexOf('/') >= 0 && func.charCodeAt(0) === 76 /* L */) func = func.slice(1);
    if (i > 0) {
      if (func.indexOf('_[i]') < 0) func += '_[i]';
    } else if (o.kernel && KERNEL_DSO.test(mod) && mod.indexOf('unknown') < 0) {
      func += '_[k]';
    } else if (o.jit && JIT_DSO.test(mod)) {
      if (func.indexOf('_[j]') < 0) func += '_[j]';
    }
    out = i === 0 ? func : out + ';' + func;
  }
  return out;
}

/**
 * Cuts a C++ name at its argument list: the first '(' outside <...>, {...} and [...],
 * other than '(anonymous namespace)'. stackcollapse-perf.pl cuts at the first '(' of any
 * kind, so `std::function<void (int)>::operator()` became `std::function<void `; the
 * bracket-aware cut (inferno's) keeps the template. An `operator<`, `operator<<`,
 * `operator->` or `operator()` is read as a name, not as a bracket.
 */
export function stripArguments(func: string): string {
  let depth = 0;
  const n = func.length;
  for (let i = 0; i < n; i++) {
    const c = func.charCodeAt(i);
    if (c === 111 /* o */ && func.startsWith('operator', i)) {
      // Skip the operator's symbol characters: operator<<, operator->, operator(), ...
      let j = i + 8;
      if (func.startsWith('()', j)) j += 2;
      else while (j < n && '<>=!+-*/%^&|~,[]'.includes(func[j])) j++;
      i = j - 1;
      continue;
    }
    if (c === 60 /* < */ || c === 123 /* { */ || c === 91 /* [ */) depth++;
    else if ((c === 62 /* > */ || c === 125 /* } */ || c === 93) /* ] */ && depth > 0) depth--;
    else if (c === 40 /* ( */ && depth === 0) {
      if (func.startsWith('(anonymous namespace)', i)) {
        i += 20;
        continue;
      }
      return func.slice(0, i);
    }
  }
  return func;
}

/**
 * The root frame of a sample, as stackcollapse-perf.pl names it: the comm with spaces as
 * underscores, then `-PID` (--pid) or `-PID/TID` (--tid). With one number printed it is the
 * tid and the pid is unknown ('?'); a tid of 0 counts as no tid, so 'swapper 0/0' is
 * 'swapper-?/0' (the conformance outputs have both quirks).
 */
export function rootFrameName(comm: string, pid: string, tid: string | null, o: { pid: boolean; tid: boolean }): string {
  if (comm.indexOf(' ') >= 0) comm = comm.replace(/ /g, '_');
  if (tid === null || tid === '0') {
    tid = pid;
    pid = '?';
  }
  return o.tid ? `${comm}-${pid}/${tid}` : o.pid ? `${comm}-${pid}` : comm;
}
