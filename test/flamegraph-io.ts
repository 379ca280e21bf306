// Test helpers for flamegraph-svg: run main() against in-memory streams, and a strict XML
// well-formedness check (no dependency: the browser tests add Chromium's own XML parser).
import { Readable, Writable } from 'node:stream';
import type { IO } from '../src/cli.js';
import { main } from '../src/flamegraph/cli.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A Writable that keeps what it is given. */
export function collector(): Writable & { text(): string } {
  const parts: Buffer[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(Buffer.from(chunk));
      cb();
    },
  }) as Writable & { text(): string };
  w.text = () => Buffer.concat(parts).toString('utf8');
  return w;
}

/** Runs flamegraph-svg's main() with stdin fed in pieces of `chunkSize` bytes. */
export async function run(argv: string[], stdin: Buffer | string = '', chunkSize = 1 << 16): Promise<Run> {
  const bytes = typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : stdin;
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) pieces.push(bytes.subarray(i, i + chunkSize));
  const out = collector();
  const err = collector();
  const io: IO = { stdin: Readable.from(pieces, { objectMode: false }), stdout: out, stderr: err, env: {} };
  const code = await main(argv, io);
  return { code, stdout: out.text(), stderr: err.text() };
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;

/**
 * Checks that text is a well-formed XML document (the subset SVG writers produce): one root
 * element, balanced tags, quoted attributes without `<`, unique attribute names, references
 * that are numeric or one of the five predefined, comments without `--`, CDATA sections,
 * and only XML-legal characters. Returns null, or a description of the first problem.
 */
export function xmlProblem(text: string): string | null {
  // eslint-disable-next-line no-control-regex
  const bad = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.exec(text);
  if (bad) return `illegal character U+${bad[0].codePointAt(0)!.toString(16)} at ${bad.index}`;
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const checkRefs = (s: string, where: number): string | null => {
    const re = /&([^;]*);?/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
      const body = m[1];
      if (!m[0].endsWith(';')) return `unterminated reference at ${where}`;
      if (/^#[0-9]+$/.test(body) || /^#x[0-9a-fA-F]+$/.test(body)) {
        const cp = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
        if (!(cp === 9 || cp === 10 || cp === 13 || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff))) {
          return `reference to an illegal character &${body}; at ${where}`;
        }
        continue;
      }
      if (!['amp', 'lt', 'gt', 'quot', 'apos'].includes(body)) return `undefined entity &${body}; at ${where}`;
    }
    return null;
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (chunk.includes('>') && chunk.includes(']]>')) return `']]>' in text at ${i}`;
    if (stack.length === 0 && chunk.trim() !== '') return `text outside the root element at ${i}`;
    const r = checkRefs(chunk, i);
    if (r) return r;
    if (lt < 0) break;
    if (text.startsWith('<?', lt)) {
      const e = text.indexOf('?>', lt);
      if (e < 0) return `unterminated processing instruction at ${lt}`;
      if (lt !== 0 && text.startsWith('<?xml', lt)) return `XML declaration not at the start (${lt})`;
      i = e + 2;
    } else if (text.startsWith('<!--', lt)) {
      const e = text.indexOf('-->', lt + 4);
      if (e < 0) return `unterminated comment at ${lt}`;
      if (text.slice(lt + 4, e).includes('--') || text[e - 1] === '-') return `'--' inside a comment at ${lt}`;
      i = e + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      if (stack.length === 0) return `CDATA outside the root at ${lt}`;
      const e = text.indexOf(']]>', lt);
      if (e < 0) return `unterminated CDATA at ${lt}`;
      i = e + 3;
    } else if (text.startsWith('<!DOCTYPE', lt)) {
      const e = text.indexOf('>', lt);
      i = e + 1;
    } else if (text[lt + 1] === '/') {
      const m = NAME.exec(text.slice(lt + 2));
      if (!m) return `bad end tag at ${lt}`;
      const top = stack.pop();
      if (top !== m[0]) return `</${m[0]}> closes <${top}> at ${lt}`;
      const e = text.indexOf('>', lt);
      if (text.slice(lt + 2 + m[0].length, e).trim() !== '') return `junk in end tag at ${lt}`;
      i = e + 1;
    } else {
      const m = NAME.exec(text.slice(lt + 1));
      if (!m) return `bad start tag at ${lt}`;
      let j = lt + 1 + m[0].length;
      const seen = new Set<string>();
      for (;;) {
        while (/\s/.test(text[j])) j++;
        if (text.startsWith('/>', j) || text[j] === '>') break;
        const a = NAME.exec(text.slice(j));
        if (!a) return `bad attribute at ${j}`;
        if (seen.has(a[0])) return `duplicate attribute ${a[0]} at ${j}`;
        seen.add(a[0]);
        j += a[0].length;
        while (/\s/.test(text[j])) j++;
        if (text[j] !== '=') return `attribute without value at ${j}`;
        j++;
        while (/\s/.test(text[j])) j++;
        const q = text[j];
        if (q !== '"' && q !== "'") return `unquoted attribute at ${j}`;
        const e = text.indexOf(q, j + 1);
        if (e < 0) return `unterminated attribute at ${j}`;
        const v = text.slice(j + 1, e);
        if (v.includes('<')) return `'<' in an attribute value at ${j}`;
        const rr = checkRefs(v, j);
        if (rr) return rr;
        j = e + 1;
      }
      if (stack.length === 0) {
        roots++;
        if (roots > 1) return `second root element at ${lt}`;
      }
      if (text.startsWith('/>', j)) i = j + 2;
      else {
        stack.push(m[0]);
        i = j + 1;
      }
    }
  }
  if (stack.length > 0) return `unclosed <${stack[stack.length - 1]}>`;
  if (roots !== 1) return 'no root element';
  return null;
}

/**
 * A deterministic profile of `n` distinct stacks shaped like a real one: a few processes,
 * module/function names reused across depths, stacks 8-40 deep sharing prefixes, and
 * Zipf-like counts (a few hot stacks, many rare ones).
 */
export function bigProfile(n: number): string {
  let s = 0x9e3779b9;
  const rnd = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const procs = ['java', 'nginx', 'postgres', 'node', 'python3', 'kworker/0:1'];
  const seen = new Set<string>();
  const lines: string[] = [];
  const prefixes: string[][] = [];
  while (lines.length < n) {
    let frames: string[];
    if (prefixes.length > 0 && rnd() < 0.85) {
      const p = prefixes[Math.floor(rnd() * prefixes.length)];
      frames = p.slice(0, 2 + Math.floor(rnd() * (p.length - 1)));
    } else {
      frames = [procs[Math.floor(rnd() * rnd() * procs.length)]];
    }
    const depth = 8 + Math.floor(rnd() * 32);
    while (frames.length < depth) {
      const m = Math.floor(rnd() * rnd() * 300);
      frames.push(`mod_${m}::fn_${Math.floor(rnd() * rnd() * 40)}`);
    }
    const key = frames.join(';');
    if (seen.has(key)) continue;
    seen.add(key);
    if (prefixes.length < 5000) prefixes.push(frames);
    lines.push(`${key} ${1 + Math.floor(1 / (rnd() + 0.002))}`);
  }
  return lines.join('\n') + '\n';
}
