// When V8 compiles a tool's hot code with its optimising compilers, on a short run.
//
// V8 runs JavaScript in its interpreter first and the WebAssembly core in its baseline
// compiler (Liftoff), and compiles a function again with TurboFan once it has run enough
// (its "budget"). On a long input that pays at once. On a short one (a per-second window,
// a 3 MB profile) the run is over soon after those compiles finish: they cost CPU on V8's
// background threads, and on this kind of machine the memory they touch costs more (each
// page first written, ~15-20 us). Measured on the first 3 MB of the recorded profile
// (docs/speed.md, "Tiering up later on short runs"): no JavaScript function gets
// optimised any more, ~700 fewer pages are touched, and the run takes ~15 % less time; a
// flamegraph-svg window ~17 % less.
//
// So a tool's own process starts with both budgets raised (8 and 64 times V8's), and goes
// back to V8's own as soon as it has read BIG_INPUT bytes of input (or is given a file that big), where
// the optimised code pays again. The flags are set after the bundle's code cache is read
// (V8 checks a cache against its flags) and before the core is instantiated (an instance
// takes its tiering budget then). Node says flags set at run time may behave
// unpredictably; these two only move a threshold that V8 reads each time it resets a
// budget. Tuned for the V8 of Node 20 (11.3) only: on another V8, or with a budget given
// on node's command line, nothing is changed.
//
// The flags are set through process.binding('v8'), the binding node:v8 itself calls, where
// Node 20 has it (the CLI edge fetches it: src/cli.ts, v8FlagSetter): loading node:v8 loads
// node's whole stream stack with it (its heap snapshot streams; ~20 modules, 4-6 ms of a
// start here, for one function). Where it is missing, node:v8 is loaded after all.
import { createRequire } from 'node:module';

/** V8's defaults, by V8 version: the values going back restores. */
const DEFAULTS: Record<string, { interrupt: number; wasm: number }> = {
  '11.3': { interrupt: 67584, wasm: 1_800_000 },
};

/** How many times V8's JavaScript budget a short run starts with. */
const LATE_FACTOR = 8;

/**
 * How many times V8's WebAssembly tiering budget a short run starts with. At 8 times, the
 * core's scan functions still went to TurboFan on a per-second window and on 3 MB: the
 * compiles touched ~600 fresh pages (the compiler's zones) on V8's threads, for code that
 * ran a few milliseconds before the process exited. At 64 they stay in Liftoff: range-perf
 * on a window -570 page faults, stackcollapse on it -690, on the 3 MB cut -620 and
 * ~-15 % CPU; 143 MB through a pipe (restored at 16 MiB: a function's current budget runs
 * out first) took the same CPU (docs/speed.md, "The per-second loop: page faults").
 */
const LATE_FACTOR_WASM = 64;

/** Input read, in bytes, after which a run tiers up as V8 would. */
export const BIG_INPUT = 16 * 1024 * 1024;

let late = false;
let bytesRead = 0;

/** What tierUpLate asks of the process (src/cli.ts passes its own). */
export interface NodeProcess {
  /** `process.versions.v8`. */
  v8: string;
  /** `process.execArgv`: node's own command line. */
  execArgv: readonly string[];
  /** V8's setFlagsFromString without node:v8, where the process has it (src/cli.ts, v8FlagSetter). */
  setFlags?: ((flags: string) => void) | null;
}

let defaults: { interrupt: number; wasm: number } | null = null;

let setFlags: ((flags: string) => void) | null = null;

/** V8's setFlagsFromString: the one tierUpLate was given (see the top), else node:v8's. */
function setFlagsFromString(flags: string): void {
  setFlags ??= (createRequire(import.meta.url)('node:v8') as { setFlagsFromString: (f: string) => void }).setFlagsFromString;
  setFlags(flags);
}

/**
 * Raises V8's budgets for this process: for a tool run as a process of its own (not in
 * a test's process), after its code is loaded. Returns whether it did: not on a V8 it is
 * not tuned for, nor with a budget given on node's command line, nor twice.
 */
export function tierUpLate(node: NodeProcess): boolean {
  const d = DEFAULTS[/^(\d+\.\d+)\./.exec(node.v8)?.[1] ?? ''];
  if (late || d === undefined || node.execArgv.some((a) => /budget/.test(a))) return false;
  if (node.setFlags) setFlags = node.setFlags;
  setFlagsFromString(`--interrupt-budget=${d.interrupt * LATE_FACTOR}`);
  setFlagsFromString(`--wasm-tiering-budget=${d.wasm * LATE_FACTOR_WASM}`);
  defaults = d;
  late = true;
  bytesRead = 0;
  return true;
}

/** Back to V8's own budgets; nothing when they were never raised. */
export function tierUpAsUsual(): void {
  if (!late || defaults === null) return;
  const d = defaults;
  setFlagsFromString(`--interrupt-budget=${d.interrupt}`);
  setFlagsFromString(`--wasm-tiering-budget=${d.wasm}`);
  late = false;
}

/**
 * Counts input read; past BIG_INPUT bytes in all, tiers up as usual. A file known to be
 * that big tiers up as usual before it is read (`size`): the run is long, and worker
 * threads start only on such files, so the flags do not change under them.
 */
export function noteInput(bytes: number, size: number | null = null): void {
  if (!late) return;
  bytesRead += bytes;
  if (bytesRead >= BIG_INPUT || (size !== null && size >= BIG_INPUT)) tierUpAsUsual();
}

/** Whether the budgets are raised now (for tests). */
export function tieringLate(): boolean {
  return late;
}
