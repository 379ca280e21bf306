// A generated perf script profile of a busy 2-CPU host on which one process (sha256sum)
// runs only in bursts, for the heat-map search and --match/--exclude tests. Deterministic:
// a fixed LCG picks the stacks, no Math.random.
//
//   db 2001/2001 [000] 1000.005000: 10101010 cpu-clock:
//   \t1010 do_query (/usr/bin/db)
//   \t1011 main (/usr/bin/db)

export const BURST_COMM = 'sha256sum';
/** Bursts of sha256sum: [start ms, end ms) from second 0 of the profile, on CPU 1. */
export const BURSTS: [number, number][] = [
  [2000, 2300],
  [5500, 5700],
  [8120, 8200],
];
export const ORIGIN = 1000;
export const SECONDS = 10;

const BUSY = [
  { comm: 'db', pid: 2001, stacks: [['main', 'serve', 'do_query', 'hash_join'], ['main', 'serve', 'do_query', 'memcpy'], ['main', 'flush', 'write']] },
  { comm: 'web', pid: 3001, stacks: [['main', 'loop', 'parse_request', 'memcpy'], ['main', 'loop', 'render', 'sha256_update'], ['main', 'loop', 'epoll_wait']] },
  { comm: 'gc', pid: 4001, stacks: [['start_thread', 'gc_loop', 'mark'], ['start_thread', 'gc_loop', 'sweep', 'memset']] },
];
const BURST_STACKS = [
  ['_start', 'main', 'digest_file', 'sha256_update', 'sha256_block'],
  ['_start', 'main', 'digest_file', 'read', 'ksys_read', 'memcpy'],
  ['_start', 'main', 'digest_file', 'sha256_update'],
];

/** The profile's text: every 10 ms, one sample on each CPU; CPU 1 runs sha256sum in bursts. */
export function burstyProfile(seconds = SECONDS): string {
  let seed = 12345;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  let out = '';
  for (let ms = 0; ms < seconds * 1000; ms += 10) {
    for (const cpu of [0, 1]) {
      // Jitter within the 10 ms step, so samples fall in every bucket of a row.
      const us = ms * 1000 + cpu * 3000 + next(2000);
      const sec = ORIGIN + Math.floor(us / 1e6);
      const frac = String(us % 1e6).padStart(6, '0');
      const inBurst = cpu === 1 && BURSTS.some(([a, b]) => ms >= a && ms < b);
      let comm: string;
      let pid: number;
      let frames: string[];
      if (inBurst) {
        comm = BURST_COMM;
        pid = 5001;
        frames = BURST_STACKS[next(BURST_STACKS.length)];
      } else {
        const p = BUSY[next(BUSY.length)];
        comm = p.comm;
        pid = p.pid;
        frames = p.stacks[next(p.stacks.length)];
      }
      out += `${comm} ${pid}/${pid} [00${cpu}] ${sec}.${frac}: 10101010 cpu-clock:\n`;
      // perf prints the leaf first.
      for (let i = frames.length - 1; i >= 0; i--) out += `\t${(0x1000 + i).toString(16)} ${frames[i]} (/usr/bin/${comm})\n`;
      out += '\n';
    }
  }
  return out;
}
