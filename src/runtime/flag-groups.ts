// Flag groups that several tools share, declared once: frame naming (--pid, --tid,
// --kernel, --jit, --all, --addrs), the event filter (--event-filter) and the weight
// (--weight). Each group has its typed flags (what commander gives), its defaults, a
// function that declares it on a program (the help reads the defaults) and one that maps
// the flags to typed options. stackcollapse uses them; heatmap-svg is to use them too.
import { Option, type Command } from 'commander';
import { EVENT_FILTER_DEFAULT, FRAME_NAMING_DEFAULTS, WEIGHT_DEFAULT, WEIGHTS, type FrameNaming, type Weight } from './flag-defaults.js';

export { EVENT_FILTER_DEFAULT, FRAME_NAMING_DEFAULTS, WEIGHT_DEFAULT, WEIGHTS, type FrameNaming, type Weight };


/** The frame-naming flags as commander parses them. */
export interface FrameNamingFlags {
  pid?: boolean;
  tid?: boolean;
  kernel?: boolean;
  jit?: boolean;
  all?: boolean;
  addrs?: boolean;
}

/** The help of each frame-naming flag; a tool may word one for its own output. */
export const FRAME_NAMING_HELP = {
  pid: 'root frame is comm-PID',
  tid: 'root frame is comm-PID/TID (implies --pid)',
  kernel: 'annotate kernel frames with _[k]',
  jit: 'annotate JIT frames with _[j]',
  all: 'same as --kernel --jit',
  addrs: 'show the address of unknown symbols: [dso <addr>]',
};

export function addFrameNamingFlags(program: Command, help: Partial<typeof FRAME_NAMING_HELP> = {}): Command {
  const h = { ...FRAME_NAMING_HELP, ...help };
  return program.option('--pid', h.pid).option('--tid', h.tid).option('--kernel', h.kernel).option('--jit', h.jit).option('--all', h.all).option('--addrs', h.addrs);
}

/** --tid implies --pid; --all is --kernel --jit. */
export function toFrameNaming(flags: FrameNamingFlags): FrameNaming {
  return {
    pid: Boolean(flags.pid || flags.tid) || FRAME_NAMING_DEFAULTS.pid,
    tid: Boolean(flags.tid) || FRAME_NAMING_DEFAULTS.tid,
    kernel: Boolean(flags.kernel || flags.all) || FRAME_NAMING_DEFAULTS.kernel,
    jit: Boolean(flags.jit || flags.all) || FRAME_NAMING_DEFAULTS.jit,
    addrs: Boolean(flags.addrs) || FRAME_NAMING_DEFAULTS.addrs,
  };
}

/**
 * The flags that give `naming` back, for a printed command (heatmap-svg's stackcollapse
 * line): built from the typed options, so that renaming a flag cannot break it silently.
 */
export function frameNamingArgs(naming: FrameNaming): string[] {
  const args: string[] = [];
  if (naming.tid) args.push('--tid');
  else if (naming.pid) args.push('--pid');
  if (naming.kernel && naming.jit) args.push('--all');
  else if (naming.kernel) args.push('--kernel');
  else if (naming.jit) args.push('--jit');
  if (naming.addrs) args.push('--addrs');
  return args;
}


export interface EventFilterFlags {
  eventFilter?: string;
}

export function addEventFilterFlag(program: Command): Command {
  return program.option('--event-filter <event>', 'keep samples of this event only (default: the first event seen)');
}

export function toEventFilter(flags: EventFilterFlags): string | null {
  return flags.eventFilter ?? EVENT_FILTER_DEFAULT;
}


export interface WeightFlags {
  weight?: string;
}

export function addWeightFlag(program: Command): Command {
  return program.addOption(new Option('--weight <how>', 'count the sample period, or 1 per sample').choices(WEIGHTS).default(WEIGHT_DEFAULT));
}

export function toWeight(flags: WeightFlags): Weight {
  // commander has checked the choice.
  return (flags.weight as Weight | undefined) ?? WEIGHT_DEFAULT;
}
