// What kind of profile an input is, told by its first bytes (after gzip is undone), never
// by its file name. The tools use it to read other formats and to say what to do when
// they are given the wrong one. Examples of what it tells apart:
//   PERFILE2...                                  perf.data (perf record's binary file)
//   {"nodes":[{"id":1,"callFrame":...            JSON (.cpuprofile or trace events)
//   [{"pid":7,"tid":9,"ph":"M",...               JSON (trace events)
//   \x09\x9a\x99\x99\x99\xf1\x9c\x00\x41\x11...  nflxprofile (protobuf, start_time first)
//   # ========\n# captured on: ...               perf script text (perf script --header)
//   java  3244/3250 [002] 6544038.708352: ...    perf script text
//   java;start_thread;run 42                     folded stacks
//   [unknown];foo 1                              folded stacks, not JSON

export type InputKind = 'empty' | 'perf-data' | 'json' | 'nflxprofile' | 'binary' | 'perf-script' | 'folded' | 'text';

/** Names of the kinds, for messages. */
export const INPUT_KIND_NAMES: Record<InputKind, string> = {
  empty: 'empty input',
  'perf-data': 'a perf.data file',
  json: 'JSON (a V8 .cpuprofile or Chrome trace events)',
  nflxprofile: 'an nflxprofile',
  binary: 'binary data',
  'perf-script': 'perf script output',
  folded: 'folded stacks',
  text: 'text',
};

const PERF_DATA_MAGIC = 'PERFILE2';
// A perf script sample header: comm, pid[/tid], optional [cpu], then the time and ':'.
const PERF_HEADER = /^\S.*?\s+-?\d+(?:\/-?\d+)?\s+(?:\[\d+\]\s+)?\d+\.\d+:\s/;
// A folded line ends in a count.
const FOLDED_LINE = /\s\d+(?:\.\d+)?\r?$/;

/** The kind of the input whose first bytes (a few KiB are enough) are `head`. */
export function sniffInputKind(head: Uint8Array): InputKind {
  if (head.length === 0) return 'empty';
  if (head.length >= 8 && latin1(head, 0, 8) === PERF_DATA_MAGIC) return 'perf-data';
  let i = 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (i === head.length) return 'empty';
  // nflxprofile starts with its two required doubles, start_time (field 1, tag byte 0x09)
  // and end_time (field 2, tag byte 0x11).
  if (head.length >= 18 && head[0] === 0x09 && head[9] === 0x11) return 'nflxprofile';
  const text = latin1(head, 0, head.length);
  // Text with a stray NUL byte or control character is still text: lines decide first.
  if (text.startsWith('# ========\n# captured on')) return 'perf-script';
  const lines = text.split('\n');
  // The last line may be cut short by the end of the head.
  if (lines.length > 1) lines.pop();
  let folded = 0;
  let other = 0;
  for (const line of lines) {
    if (line === '' || line.startsWith('#')) continue;
    if (PERF_HEADER.test(line)) return 'perf-script';
    if (FOLDED_LINE.test(line)) folded++;
    else other++;
  }
  if (folded > 0 && folded >= other) return 'folded';
  if (looksLikeJson(head, i)) return 'json';
  return looksBinary(head) ? 'binary' : 'text';
}

/** `{"` or `{}`, `[{`, `["` or `[]` (white space allowed between) at `i`. */
function looksLikeJson(head: Uint8Array, i: number): boolean {
  const open = head[i];
  if (open !== 0x7b /* { */ && open !== 0x5b /* [ */) return false;
  let j = i + 1;
  while (j < head.length && (head[j] === 0x20 || head[j] === 0x09 || head[j] === 0x0a || head[j] === 0x0d)) j++;
  if (j === head.length) return true;
  const c = head[j];
  return c === 0x22 /* " */ || (open === 0x7b ? c === 0x7d /* } */ : c === 0x7b || c === 0x5d /* ] */);
}

function latin1(b: Uint8Array, start: number, end: number): string {
  // A few KiB at most: String.fromCharCode takes them as arguments (a string built a char
  // at a time cost a short run 1-3 ms, and the optimizing compiler's time).
  let s = '';
  for (let i = start; i < end; i += 8192) s += String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
  return s;
}

/** Many control characters (NUL included) mean binary data. */
function looksBinary(head: Uint8Array): boolean {
  let control = 0;
  const n = Math.min(head.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = head[i];
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) control++;
  }
  return control > n / 32;
}
