// The --nameattr file format of flamegraph-svg: a reader and a writer.
//
// Lines are `function<TAB>key=value<TAB>key=value...`, as flamegraph.pl reads them, e.g.
//   main	href=https://example.com/main	title=main() entry point	class=entry
//   malloc	id=alloc	g_extra=data-kind="alloc" data-lib='libc'
//   java/lang/Thread.run	href=/docs/thread.html	target=_blank	a_extra=rel="noopener"
//   [unknown]	class=unknown
// Keys: title (replaces the tooltip), id, class, href (turns the frame into
// `<a xlink:href target>`), target (default _top), and g_extra / a_extra, lists of
// `name="value"` attributes for the frame's `<g>` or `<a>`.
//
// Reference behaviour: flamegraph.pl (../shared/reference §3, `--nameattr`) pastes g_extra
// and a_extra into the tag as they are, and a later line for a function replaces an earlier
// one. Here the SVG is valid XML whatever the file holds, so the reader is stricter:
// - an extra is read as `name="value"` (or 'value', or a bare word) and its value escaped;
// - dropped with a warning (the file may come with a profile from elsewhere): event
//   handlers (on...), href in an extra, values with url(), javascript:, @import or
//   expression(), and an href whose scheme is not http, https, ftp or mailto;
// - rejected with the line number (the run stops, exit 1), since each would make the SVG
//   not well-formed or silently lose an attribute:
//   - an extra that is not a plain XML name without a prefix (`a:b`, `xmlns`, `1x`, `a/b`);
//   - an extra the tool writes itself (id, class, target, href: use those keys instead);
//   - an attribute given twice for one function: a key repeated (on one line or on two
//     lines for the same function), or an extra named twice (g_extra and a_extra count as
//     one list: with an href both land on the `<a>`).
// Lines are merged per function, in file order; a CR before the newline is ignored.
import type { NameAttributes } from './options.js';

/** A --nameattr file that cannot be used; `where` is `FILE:LINE`. */
export class NameAttributesError extends Error {
  constructor(
    message: string,
    readonly where: string,
  ) {
    super(message);
  }
}

/** What a warning is about: `unsafe` (dropped for safety) or `attribute` (an unknown key). */
export type NameAttributesWarning = 'unsafe' | 'attribute';

const KEYS = new Set(['title', 'id', 'class', 'href', 'target', 'g_extra', 'a_extra']);

/**
 * Attributes a frame's `<g>` or `<a>` gets from the keys (id, class) or from the tool
 * (xlink:href, target): an extra of the same name would repeat one.
 */
const WRITTEN = new Set(['id', 'class', 'target', 'href']);
/** A plain XML name without a prefix (ASCII letters, digits, '_', '.', '-'), not reserved (xml...). */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const SAFE_HREF = /^(?:https?:|ftp:|mailto:|[^:]*$|[^:]*[/?#])/i;
const UNSAFE_VALUE = /url\s*\(|@import|javascript:|expression\s*\(/i;
const EXTRA = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))/g;

/** Reads a --nameattr file (see the file comment). `file` names it in messages. */
export function parseNameAttributes(text: string, file: string, warn: (kind: NameAttributesWarning, where: string) => void): Map<string, NameAttributes> {
  const out = new Map<string, NameAttributes>();
  // Keys given so far, by function: an href dropped as unsafe still counts.
  const given = new Map<string, Set<string>>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line === '') continue;
    const where = `${file}:${i + 1}`;
    const tab = line.indexOf('\t');
    if (tab < 0) throw new NameAttributesError('invalid format: want function<TAB>key=value...', where);
    const name = line.slice(0, tab);
    const a: NameAttributes = out.get(name) ?? {};
    let keys = given.get(name);
    if (keys === undefined) given.set(name, (keys = new Set()));
    for (const kv of line.slice(tab + 1).split('\t')) {
      const eq = kv.indexOf('=');
      if (eq < 0) {
        if (kv !== '') warn('attribute', where);
        continue;
      }
      const k = kv.slice(0, eq);
      const v = kv.slice(eq + 1);
      if (!KEYS.has(k)) {
        warn('attribute', where);
        continue;
      }
      if (keys.has(k)) throw new NameAttributesError(`'${k}' given twice for ${JSON.stringify(name)}`, where);
      keys.add(k);
      switch (k) {
        case 'title':
        case 'id':
        case 'class':
        case 'target':
          a[k] = v;
          break;
        case 'href':
          if (SAFE_HREF.test(v.trim())) a.href = v;
          else warn('unsafe', where);
          break;
        case 'g_extra':
        case 'a_extra': {
          const attrs = readExtras(v, k, where, warn);
          const other = k === 'g_extra' ? a.aExtra : a.gExtra;
          for (const an of Object.keys(attrs)) {
            if (other && Object.hasOwn(other, an)) {
              throw new NameAttributesError(`attribute '${an}' given twice for ${JSON.stringify(name)} (in g_extra and a_extra, which share the <a> of a link)`, where);
            }
          }
          if (k === 'g_extra') a.gExtra = attrs;
          else a.aExtra = attrs;
          break;
        }
      }
    }
    out.set(name, a);
  }
  return out;
}

function readExtras(v: string, key: string, where: string, warn: (kind: NameAttributesWarning, where: string) => void): Record<string, string> {
  // No prototype: an attribute named __proto__ or constructor is a plain key.
  const attrs: Record<string, string> = Object.create(null);
  for (const m of v.matchAll(EXTRA)) {
    const an = m[1];
    const av = m[2] ?? m[3] ?? m[4];
    if (!PLAIN_NAME.test(an) || /^xml/i.test(an)) {
      throw new NameAttributesError(
        `${key} attribute ${JSON.stringify(an)} is not a plain XML name without a prefix (ASCII letters, digits, '_', '.', '-'; not starting with a digit, '.', '-' or 'xml')`,
        where,
      );
    }
    if (/^on/i.test(an) || /^href$/i.test(an) || UNSAFE_VALUE.test(av)) {
      warn('unsafe', where);
      continue;
    }
    if (WRITTEN.has(an)) {
      throw new NameAttributesError(`${key} attribute '${an}' is one flamegraph-svg writes itself: give it with the ${an}= key`, where);
    }
    if (Object.hasOwn(attrs, an)) throw new NameAttributesError(`${key} attribute '${an}' given twice`, where);
    attrs[an] = av;
  }
  return attrs;
}

/**
 * Writes attributes in the format parseNameAttributes reads, one line per function, in
 * the map's order. Throws a RangeError for what the format cannot hold: a tab or a line
 * break in a name or a value, or an extra's value with both kinds of quote.
 */
export function formatNameAttributes(m: Map<string, NameAttributes>): string {
  let s = '';
  for (const [name, a] of m) {
    const fields: string[] = [];
    const field = (k: string, v: string) => {
      if (/[\t\r\n]/.test(v)) throw new RangeError(`a --nameattr value cannot hold a tab or a line break: ${JSON.stringify(v)}`);
      fields.push(`${k}=${v}`);
    };
    if (a.title !== undefined) field('title', a.title);
    if (a.id !== undefined) field('id', a.id);
    if (a.class !== undefined) field('class', a.class);
    if (a.href !== undefined) field('href', a.href);
    if (a.target !== undefined) field('target', a.target);
    if (a.gExtra !== undefined) field('g_extra', formatExtras(a.gExtra));
    if (a.aExtra !== undefined) field('a_extra', formatExtras(a.aExtra));
    if (/[\t\r\n]/.test(name)) throw new RangeError(`a --nameattr function name cannot hold a tab or a line break: ${JSON.stringify(name)}`);
    s += `${name}\t${fields.join('\t')}\n`;
  }
  return s;
}

function formatExtras(attrs: Record<string, string>): string {
  return Object.entries(attrs)
    .map(([k, v]) => {
      if (!v.includes('"')) return `${k}="${v}"`;
      if (!v.includes("'")) return `${k}='${v}'`;
      throw new RangeError(`a --nameattr extra cannot hold both kinds of quote: ${JSON.stringify(v)}`);
    })
    .join(' ');
}
