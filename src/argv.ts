// Command-line arguments as the bytes the shell passed. Node decodes argv as UTF-8 and
// turns each invalid sequence into U+FFFD, so a file whose name is not UTF-8 (a Latin-1
// name from an old system, say `caf\xe9.txt`) cannot be opened by the name it gets. On
// Linux the bytes are still in /proc/self/cmdline: bin/run.js reads them and hands the
// tools each such argument with every byte that is not part of valid UTF-8 as a lone
// surrogate U+DC80..U+DCFF (as Python's "surrogateescape"). No argument Node decodes can
// hold a lone surrogate, so the escaped form is unambiguous; fsPath() in src/runtime/input.ts turns
// it back into bytes to open the file, and showArg() into `\xNN` for messages.
//   caf\xe9.txt   ->  'caf\uDCE9.txt'
//   \xff\xfe.txt  ->  '\uDCFF\uDCFE.txt'
//   ok-é.txt      ->  'ok-é.txt' (valid UTF-8: unchanged)
// Pure functions: reading /proc and the environment is bin/run.js's job.

/** Decodes UTF-8, each byte that is not part of a valid sequence as U+DC00 + byte. */
export function escapeBytes(raw: Uint8Array): string {
  let s = '';
  let i = 0;
  const n = raw.length;
  while (i < n) {
    const b = raw[i];
    if (b < 0x80) {
      s += String.fromCharCode(b);
      i++;
      continue;
    }
    // Length and the range of the second byte (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
    let len = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    }
    let ok = len > 0 && i + len <= n && raw[i + 1] >= lo && raw[i + 1] <= hi;
    for (let k = 2; ok && k < len; k++) ok = raw[i + k] >= 0x80 && raw[i + k] <= 0xbf;
    if (!ok) {
      s += String.fromCharCode(0xdc00 + b);
      i++;
      continue;
    }
    let cp = b & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) cp = (cp << 6) | (raw[i + k] & 0x3f);
    s += String.fromCodePoint(cp);
    i += len;
  }
  return s;
}

/** A lone low surrogate of an escaped byte (in a u-mode regex, paired surrogates never match). */
const ESCAPED = /[\uDC80-\uDCFF]/u;

/** Whether an argument carries escaped bytes. */
export function hasEscapedBytes(arg: string): boolean {
  return ESCAPED.test(arg);
}

/** The bytes an argument stands for: UTF-8, and each escaped byte as itself. */
export function unescapeBytes(arg: string): Buffer {
  const parts: Buffer[] = [];
  let run = '';
  for (const ch of arg) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xdc80 && c <= 0xdcff) {
      if (run !== '') parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.of(c - 0xdc00));
    } else run += ch;
  }
  if (run !== '') parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/** An argument for a message: each escaped byte as `\xNN`. */
export function showArg(arg: string): string {
  if (!hasEscapedBytes(arg)) return arg;
  let s = '';
  for (const ch of arg) {
    const c = ch.charCodeAt(0);
    s += ch.length === 1 && c >= 0xdc80 && c <= 0xdcff ? `\\x${(c - 0xdc00).toString(16).padStart(2, '0')}` : ch;
  }
  return s;
}

/**
 * `args` (as Node decoded them) with the ones that lost bytes replaced by their escaped
 * form, from `raw`, the same arguments as bytes: the last `args.length` entries of the
 * process's command line (node and its own flags come first). Checks that each raw entry
 * decodes to its argument, as Node decodes: if any does not, the two are not the same
 * command line, and `args` comes back as it is.
 */
export function recoverArgs(args: readonly string[], raw: readonly Uint8Array[]): string[] {
  if (raw.length < args.length) return [...args];
  const tail = raw.slice(raw.length - args.length);
  const out: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const bytes = Buffer.from(tail[k].buffer, tail[k].byteOffset, tail[k].byteLength);
    if (bytes.toString('utf8') !== args[k]) return [...args];
    out.push(bytes.equals(Buffer.from(args[k], 'utf8')) ? args[k] : escapeBytes(bytes));
  }
  return out;
}

/** The entries of a NUL-separated command line (/proc/PID/cmdline). */
export function splitCmdline(cmdline: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let s = 0;
  for (let i = 0; i < cmdline.length; i++) {
    if (cmdline[i] === 0) {
      out.push(cmdline.subarray(s, i));
      s = i + 1;
    }
  }
  if (s < cmdline.length) out.push(cmdline.subarray(s));
  return out;
}
