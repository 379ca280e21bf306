// Escaping and number formatting shared by the SVG writers (flamegraph-svg, heatmap-svg).
//
// Every text that reaches an SVG goes through escapeXml at the point of output, after any
// truncation, so that an entity is never cut in half. Escapes are numeric character
// references only (`&#38;`, never `&amp;` or `&nbsp;`), because an SVG may be inlined into
// HTML or parsed by XML tools that know no named entities. Code points that XML 1.0 does not
// allow (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF) are dropped.
//
// Numbers are formatted like C's printf, which is what flamegraph.pl uses: `%.1f` rounds an
// exact binary tie (10.25) to even ("10.2"), where JavaScript's toFixed gives "10.3".
//
// Examples:
//   escapeXml('a<b> & "c"')          -> 'a&#60;b&#62; &#38; &#34;c&#34;'
//   escapeXml('x\u0001y')             -> 'xy'
//   formatFixed(10.25, 1)             -> '10.2'
//   formatFixed(2.5, 0)               -> '2'
//   groupThousands('1315')            -> '1,315'
//   jsonForScript({ s: '</script>' }) -> '{"s":"\u003c/script\u003e"}'

/** Code points XML 1.0 forbids: matched as whole code points (the `u` flag), so lone surrogates are caught. */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
// eslint-disable-next-line no-control-regex
const XML_SPECIAL = /[&<>"'\t\n\r]/g;
// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /[&<>"'\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\uD800-\uDFFF\uFFFE\uFFFF]/;

function ref(c: string): string {
  return `&#${c.charCodeAt(0)};`;
}

/**
 * Escapes text for XML element content or a double- or single-quoted attribute value:
 * drops XML-invalid code points and writes `& < > " '` and tab/LF/CR as numeric references
 * (so attribute-value normalisation cannot turn them into spaces).
 */
export function escapeXml(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  return s.replace(XML_INVALID, '').replace(XML_SPECIAL, ref);
}

/**
 * Drops the code points XML 1.0 forbids, as escapeXml does, without escaping anything:
 * for text that reaches the document through a script's textContent, so that it shows
 * the same as a name escapeXml wrote.
 */
export function dropXmlInvalid(s: string): string {
  return NEEDS_WORK.test(s) ? s.replace(XML_INVALID, '') : s;
}

/** Like escapeXml, and writes every non-ASCII code point as a numeric reference too. */
export function escapeXmlAscii(s: string): string {
  const t = escapeXml(s);
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(t)) return t;
  let out = '';
  for (const ch of t) {
    const cp = ch.codePointAt(0)!;
    out += cp < 0x80 ? ch : `&#${cp};`;
  }
  return out;
}

/** Whether a latin1-decoded byte string holds any byte above 0x7f. */
// eslint-disable-next-line no-control-regex
const HIGH_BYTE = /[^\x00-\x7f]/;

/**
 * Turns a byte string (one char per byte, as readLineChunks gives) into text by decoding it
 * as UTF-8. Invalid UTF-8 becomes U+FFFD, one per bad sequence, as TextDecoder does.
 */
export function decodeUtf8Bytes(s: string): string {
  if (!HIGH_BYTE.test(s)) return s;
  return Buffer.from(s, 'latin1').toString('utf8');
}

const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

/** The number of code points in a string (what Perl's `length` counts on text). */
export function codePointLength(s: string): number {
  // Most names have no surrogate: one native scan instead of a loop over every char.
  if (!HIGH_SURROGATE.test(s)) return s.length;
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function sliceCodePoints(s: string, start: number, end?: number): string {
  if (s.length === codePointLength(s)) return s.slice(start, end);
  return Array.from(s).slice(start, end).join('');
}

/**
 * Fits a label into `chars` characters the way flamegraph.pl does: fewer than 3 gives an
 * empty label; a longer name keeps `chars - 2` characters and gains `..`. With `fromLeft`
 * the tail is kept instead (`..tail`), which suits long Java and C++ names.
 */
export function truncateLabel(name: string, chars: number, fromLeft = false): string {
  if (chars < 3) return '';
  const len = codePointLength(name);
  if (len <= chars) return name;
  if (fromLeft) return '..' + sliceCodePoints(name, len - (chars - 2));
  return sliceCodePoints(name, 0, chars - 2) + '..';
}

// --- numbers ---------------------------------------------------------------------------

/**
 * C printf `%.<digits>f`: rounds the exact binary value, ties to even. toFixed rounds ties
 * away from zero, so the only work is to spot an exact tie: x is one when x * 2^(digits+1) is
 * an odd integer.
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  const r = roundScaled(ax, digits);
  if (r === r) {
    const s = formatScaled(r, digits);
    return neg ? '-' + s : s;
  }
  const t = ax * 2 ** (digits + 1);
  let s: string;
  if (Number.isInteger(t) && t % 2 === 1 && t < 2 ** 53) {
    // An exact tie: round to the even neighbour.
    const scaled = ax * 10 ** digits; // odd * 5^digits / 2: exact while below 2^53
    let n = Math.floor(scaled);
    if (n % 2 === 1) n += 1;
    s = n.toString();
    if (digits > 0) {
      s = s.padStart(digits + 1, '0');
      s = s.slice(0, s.length - digits) + '.' + s.slice(s.length - digits);
    }
  } else if (ax >= 1e21) {
    // toFixed turns to exponent form here; printf's %.Nf prints the double's exact digits.
    s = BigInt(ax).toString() + (digits > 0 ? '.' + '0'.repeat(digits) : '');
  } else {
    s = ax.toFixed(digits);
  }
  return neg ? '-' + s : s;
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];

/**
 * formatFixed's fast path as a number: x (finite, not negative) times 10^digits, rounded
 * the way formatFixed rounds it, or NaN where its slow path must decide (digits > 6,
 * x >= 1e9, or a product within 1e-6 of a half). Scaling and rounding: the product carries
 * at most one rounding error, so unless it lands next to a half the decision is the same
 * as on the exact value. For writers that format the same numbers many times
 * (formatScaled, or a cache of its strings).
 */
export function roundScaled(x: number, digits: number): number {
  if (digits > 6 || !(x >= 0 && x < 1e9)) return NaN;
  const scaled = x * POW10[digits];
  const n = Math.floor(scaled);
  const frac = scaled - n;
  if (Math.abs(frac - 0.5) <= 1e-6) return NaN;
  return frac > 0.5 ? n + 1 : n;
}

/** A whole number n >= 0 as the decimal n / 10^digits with exactly `digits` decimals: (1234, 2) -> "12.34". */
export function formatScaled(n: number, digits: number): string {
  let s = String(n);
  if (digits === 0) return s;
  if (s.length <= digits) s = '0'.repeat(digits + 1 - s.length) + s;
  return s.slice(0, s.length - digits) + '.' + s.slice(s.length - digits);
}

/**
 * Perl's default number-to-string conversion (`%.15g`), used where flamegraph.pl prints a
 * number without a format: whole numbers print as integers, others with at most 15
 * significant digits and no trailing zeros.
 */
export function formatPerlNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return Object.is(x, -0) ? '-0' : String(x);
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : x < 0 ? '-Inf' : 'NaN';
  const ax = Math.abs(x);
  const exp = Math.floor(Math.log10(ax));
  if (exp < -4 || exp >= 15) {
    const [m, e] = x.toExponential(14).split('e');
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const en = Number(e);
    return `${mant}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  const p = x.toPrecision(15);
  return p.includes('.') ? p.replace(/\.?0+$/, '') : p;
}

/** Adds thousands separators to an integer string: "1315" -> "1,315", "-1234567" -> "-1,234,567". */
export function groupThousands(s: string): string {
  const m = /^([-+]?)(\d+)(.*)$/s.exec(s);
  if (!m) return s;
  return m[1] + m[2].replace(/\B(?=(?:\d{3})+$)/g, ',') + m[3];
}

// --- script and style ------------------------------------------------------------------

/**
 * JSON for a `<script>` block: `<`, `>` and `&` (and the JS line separators) become \u
 * escapes, so no value can close the script, end a CDATA section or form a reference.
 */
export function jsonForScript(value: unknown): string {
  // U+FFFE and U+FFFF are not XML characters: raw in a CDATA section they would make the
  // SVG unreadable (JSON.stringify already escapes controls and lone surrogates).
  return JSON.stringify(value).replace(/[<>&\u2028\u2029\uFFFE\uFFFF]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * Script text as an XML CDATA section. A `]]>` inside would end the section early, so it
 * is split across two sections (`]]` + `]]><![CDATA[` + `>`): the text the script runs is
 * unchanged, and no input can close the section.
 */
export function scriptCdata(code: string): string {
  return '<![CDATA[' + code.split(']]>').join(']]]]><![CDATA[>') + ']]>';
}

const GENERIC_FAMILIES = new Set([
  'serif',
  'sans-serif',
  'monospace',
  'cursive',
  'fantasy',
  'system-ui',
  'ui-serif',
  'ui-sans-serif',
  'ui-monospace',
  'ui-rounded',
  'math',
  'emoji',
  'fangsong',
]);

/**
 * A CSS font-family list from a user's `--fonttype` (e.g. `Verdana`, `"DejaVu Sans", monospace`):
 * generic families stay keywords, every other name becomes a CSS string with its quotes,
 * backslashes, controls and `< > &` written as CSS hex escapes. The result cannot leave the
 * declaration, the style element or a CDATA section. A list without a generic family ends
 * in sans-serif.
 */
export function cssFontFamily(spec: string): string {
  const parts = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((f) => {
      const m = /^(['"])(.*)\1$/.exec(f);
      const name = m ? m[2] : f;
      if (!m && GENERIC_FAMILIES.has(name.toLowerCase())) return name.toLowerCase();
      // eslint-disable-next-line no-control-regex
      const esc = name.replace(XML_INVALID, '').replace(/[\\"'<>&{};\x00-\x1f\x7f]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `);
      return `"${esc}"`;
    });
  if (parts.length === 0) return 'sans-serif';
  // A named font the system lacks (Verdana on most Linux) falls back to the browser's
  // default, often a serif: end the list with a generic family unless it has one.
  if (!parts.some((p) => !p.startsWith('"'))) parts.push('sans-serif');
  return parts.join(', ');
}

/**
 * A CSS colour from the command line: `#rgb`, `#rrggbb`, `rgb(r,g,b)` or a plain keyword
 * like `magenta`. Returns null for anything else, so it can never inject CSS.
 */
export function parseCssColor(s: string): string | null {
  const t = s.trim();
  if (/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(t)) return t.toLowerCase();
  const m = /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/.exec(t);
  if (m) {
    const v = [m[1], m[2], m[3]].map(Number);
    if (v.every((n) => n <= 255)) return `rgb(${v.join(',')})`;
    return null;
  }
  if (/^[a-zA-Z]{3,20}$/.test(t)) return t.toLowerCase();
  return null;
}
