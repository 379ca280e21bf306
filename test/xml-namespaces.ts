// Namespace well-formedness (Namespaces in XML 1.0), which the strict checker of
// test/flamegraph-io.ts (xmlProblem) leaves out and every browser enforces on an SVG: a
// name has at most one colon, a prefix is declared (xmlns:p="...") on the element or an
// ancestor (xml is predefined), and no two attributes of an element have the same
// namespace and local name. Run it on text that xmlProblem already accepts.
// `wellFormedProblem` runs both.
import { xmlProblem } from './flamegraph-io.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const TAG = /<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTR = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Null, or the first namespace problem of well-formed XML text. */
export function namespaceProblem(text: string): string | null {
  // Each open element's bindings, prefix -> namespace name.
  const scopes: Map<string, string>[] = [new Map([['xml', XML_NS]])];
  const lookup = (prefix: string): string | undefined => {
    for (let k = scopes.length - 1; k >= 0; k--) {
      const uri = scopes[k].get(prefix);
      if (uri !== undefined) return uri;
    }
    return undefined;
  };
  const split = (name: string): [string, string] | null => {
    const parts = name.split(':');
    if (parts.length > 2 || parts.some((p) => p === '')) return null;
    return parts.length === 2 ? [parts[0], parts[1]] : ['', parts[0]];
  };
  let i = 0;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) return null;
    if (text.startsWith('<!--', lt)) i = text.indexOf('-->', lt + 4) + 3;
    else if (text.startsWith('<![CDATA[', lt)) i = text.indexOf(']]>', lt) + 3;
    else if (text.startsWith('<?', lt)) i = text.indexOf('?>', lt) + 2;
    else if (text.startsWith('<!', lt)) i = text.indexOf('>', lt) + 1;
    else if (text[lt + 1] === '/') {
      scopes.pop();
      i = text.indexOf('>', lt) + 1;
    } else {
      TAG.lastIndex = lt;
      const m = TAG.exec(text);
      if (!m) return `unreadable start tag at ${lt}`;
      const scope = new Map<string, string>();
      const attrs: [string, string][] = [];
      for (const a of m[2].matchAll(ATTR)) {
        const name = a[1];
        const value = a[2] ?? a[3];
        if (name === 'xmlns') scope.set('', value);
        else if (name.startsWith('xmlns:')) {
          const p = name.slice(6);
          if (p === '' || p.includes(':')) return `bad namespace declaration ${name} at ${lt}`;
          if (value === '') return `prefix ${p} undeclared (xmlns:${p}="") at ${lt}`;
          scope.set(p, value);
        } else attrs.push([name, value]);
      }
      scopes.push(scope);
      const el = split(m[1]);
      if (el === null) return `element name ${m[1]} is not a qualified name, at ${lt}`;
      if (el[0] !== '' && lookup(el[0]) === undefined) return `unbound prefix ${el[0]} on <${m[1]}> at ${lt}`;
      const seen = new Set<string>();
      for (const [name] of attrs) {
        const q = split(name);
        if (q === null) return `attribute name ${name} is not a qualified name, at ${lt}`;
        // An unprefixed attribute is in no namespace, whatever the default one is.
        const uri = q[0] === '' ? '' : lookup(q[0]);
        if (uri === undefined) return `unbound prefix ${q[0]} on attribute ${name} at ${lt}`;
        const key = `${uri}\u0000${q[1]}`;
        if (seen.has(key)) return `attribute {${uri}}${q[1]} twice at ${lt}`;
        seen.add(key);
      }
      if (m[3] === '/') scopes.pop();
      i = TAG.lastIndex;
    }
  }
}

/** xmlProblem, then namespaceProblem: what a browser's XML parser would refuse. */
export function wellFormedProblem(text: string): string | null {
  return xmlProblem(text) ?? namespaceProblem(text);
}
