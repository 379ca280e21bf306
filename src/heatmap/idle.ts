// FlameScope's idle test (app/perf/regexp.py), `swapper.*(cpuidle|cpu_idle|…)` on a
// sample's lines joined, in the pieces heatmap.ts tests it in: a line at a time, or a
// frame's symbol and dso. Idle samples look like
//   swapper     0 [001]  5076.110000: cpu-clock:
//   \tffffffff8101c6b6 default_idle ([kernel.kallsyms])
//   \tffffffff8101d2df arch_cpu_idle ([kernel.kallsyms])

/** FlameScope's idle pattern (app/perf/regexp.py). */
export const FLAMESCOPE_IDLE = /swapper.*(cpuidle|cpu_idle|cpu_bringup_and_idle|native_safe_halt|xen_hypercall_sched_op|xen_hypercall_vcpu_op)/;
export const IDLE_NAMES = ['cpuidle', 'cpu_idle', 'cpu_bringup_and_idle', 'native_safe_halt', 'xen_hypercall_sched_op', 'xen_hypercall_vcpu_op'];

export const IDLE_SWAPPER = 1;
export const IDLE_AFTER_SWAPPER = 2;
export const IDLE_ANY = 4;
/** Set on a pair's bits once they are worked out (so 0 means not yet). */
export const IDLE_KNOWN = 8;

/** What FlameScope's idle test needs of one line: 'swapper' in it, an idle name after it, any idle name. */
export function idleBits(line: string): number {
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
