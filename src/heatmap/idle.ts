// Which samples heatmap-svg treats as idle by default: a sample whose text has 'swapper'
// and, after it, one of these names (as a substring), as FlameScope tests
// `swapper.*(cpuidle|cpu_idle|…)` on the sample's lines joined. Idle stacks look like
//   swapper     0/0     [000] 11316.896281: cpu-clock:ppp:
//   \tffffffff8225f7a5 pvm_safe_halt_hc ([kernel.kallsyms])
//   \tffffffff822613b5 default_idle ([kernel.kallsyms])
//   \tffffffff82261674 default_idle_call ([kernel.kallsyms])
//   \tffffffff813d01b4 do_idle ([kernel.kallsyms])
// (recorded on a cloud VM: fixtures/perf/idle-vm.txt).
//
// Reference: Netflix flamescope app/perf/regexp.py (FLAMESCOPE_IDLE_NAMES, kept as a
// subset). FlameScope's names miss the idle loops of today's VMs and CPUs: on a PVM guest
// its pattern left out 0 of 99 idle samples (issue 12), so the map of a mostly idle VM was
// full. docs/differences.md says why the lists differ.

/** FlameScope's idle names (app/perf/regexp.py), in its order. */
export const FLAMESCOPE_IDLE_NAMES = ['cpuidle', 'cpu_idle', 'cpu_bringup_and_idle', 'native_safe_halt', 'xen_hypercall_sched_op', 'xen_hypercall_vcpu_op'];

/**
 * Idle loops FlameScope's list misses: PVM guests (`pvm_safe_halt_hc`), ACPI and Intel
 * cpuidle drivers, mwait and polling idle, any `*_safe_halt`, and the generic idle loop
 * (`default_idle`, `default_idle_call`, `do_idle`) that every idle task runs through.
 */
export const VM_IDLE_NAMES = ['pvm_safe_halt', 'acpi_idle_', 'intel_idle', 'mwait_idle', 'poll_idle', '_safe_halt', 'default_idle', 'do_idle'];

/** The names tested by default: FlameScope's, then the others. */
export const IDLE_NAMES: readonly string[] = [...FLAMESCOPE_IDLE_NAMES, ...VM_IDLE_NAMES];

/** FlameScope's idle pattern (app/perf/regexp.py). */
export const FLAMESCOPE_IDLE = new RegExp(`swapper.*(${FLAMESCOPE_IDLE_NAMES.join('|')})`);

/** The default idle pattern, as one regex (for messages and docs; the builder tests the names). */
export const DEFAULT_IDLE = new RegExp(`swapper.*(${IDLE_NAMES.join('|')})`);

// The pieces heatmap.ts tests the pattern in: a line at a time, or a frame's symbol and dso.
export const IDLE_SWAPPER = 1;
export const IDLE_AFTER_SWAPPER = 2;
export const IDLE_ANY = 4;
/** Set on a pair's bits once they are worked out (so 0 means not yet). */
export const IDLE_KNOWN = 8;

/** 'swapper' or any idle name: one search of a line instead of one per name (most lines hold none). */
const IDLE_WORD = new RegExp(['swapper', ...IDLE_NAMES].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));

/** Whether `text` holds 'swapper' or an idle name: if not, idleBits is 0 for it, and for text joined from it and others with blanks and brackets between. */
export function mayBeIdle(text: string): boolean {
  return IDLE_WORD.test(text);
}

/** What FlameScope's idle test needs of one line: 'swapper' in it, an idle name after it, any idle name. */
export function idleBits(line: string): number {
  if (!IDLE_WORD.test(line)) return 0;
  let bits = 0;
  const has = (from: number) => IDLE_NAMES.some((n) => line.indexOf(n, from) >= 0);
  if (has(0)) bits |= IDLE_ANY;
  const p = line.indexOf('swapper');
  if (p >= 0) {
    bits |= IDLE_SWAPPER;
    if (has(p + 7)) bits |= IDLE_AFTER_SWAPPER;
  }
  return bits;
}

/** scanIdleLine's answer: 'swapper' has been seen in the sample's lines (this one or before). */
export const SCAN_SWAPPER = 1;
/** scanIdleLine's answer: an idle name follows 'swapper': the sample is idle. */
export const SCAN_IDLE = 2;

/**
 * FlameScope's `swapper.*(cpuidle|…)` on a sample's lines joined, one line at a time: the
 * test of text[s, e), given whether an earlier line of the sample had 'swapper'. Once it
 * was seen, an idle name anywhere after it makes the sample idle.
 */
export function scanIdleLine(text: string, s: number, e: number, seen: boolean): number {
  // A slice bounds each search to the line (a search of the chunk for 'swapper' ran on
  // through the frames of every sample: 5% of the run).
  let line = s === 0 && e === text.length ? text : text.slice(s, e);
  if (!seen) {
    const p = line.indexOf('swapper');
    if (p < 0) return 0;
    line = line.slice(p + 7);
  }
  for (let i = 0; i < IDLE_NAMES.length; i++) if (line.indexOf(IDLE_NAMES[i]) >= 0) return SCAN_SWAPPER | SCAN_IDLE;
  return SCAN_SWAPPER;
}

export function rstrip(text: string, s: number, e: number): string {
  while (e > s) {
    const c = text.charCodeAt(e - 1);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    e--;
  }
  return text.slice(s, e);
}

/** The whole line around position p, right-stripped. */
export function lineOf(text: string, p: number): string {
  const s = text.lastIndexOf('\n', p) + 1;
  let e = text.indexOf('\n', p);
  if (e < 0) e = text.length;
  return rstrip(text, s, e);
}
