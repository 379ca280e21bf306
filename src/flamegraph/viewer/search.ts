// Search terms, as both viewers keep them: a function-name regular expression typed in the
// search box (an invalid one is searched as literal text), and the URL form of a term:
// plain text is searched literally, `/regex/` (with an optional `i` flag) as a regex, so a
// crafted link cannot run more than a regex, and a term is never evaluated as code.
// Terms match names only, never tooltip text such as "(100 samples, 100.00%)".

const SPECIAL = /[.*+?^${}()|[\]\\/]/g;

export function escapeRegExp(t: string): string {
  return t.replace(SPECIAL, '\\$&');
}

/** A typed term as a RegExp: a regex when it is one, else literal text. */
export function compileTerm(t: string, literal: boolean, icase: boolean): RegExp {
  const f = icase ? 'i' : '';
  if (!literal) {
    try {
      return new RegExp(t, f);
    } catch {
      /* not a regex: search it literally */
    }
  }
  return new RegExp(escapeRegExp(t), f);
}

/** The URL form of a compiled term: plain text when that says the same, else /regex/flags. */
export function termToUrl(re: RegExp, typed: string): string {
  const plain = re.source === typed && !/[.*+?^$(){}|[\]\\]/.test(typed) && typed.charAt(0) !== '/';
  return plain && !re.ignoreCase ? typed : '/' + re.source + '/' + (re.ignoreCase ? 'i' : '');
}

/** A URL term back as a RegExp (null for an empty or overlong one). */
export function termFromUrl(s: string | null | undefined): { re: RegExp; typed: string; icase: boolean } | null {
  if (typeof s !== 'string' || s === '' || s.length > 1000) return null;
  const m = /^\/([\s\S]*)\/(i?)$/.exec(s);
  if (m) return { re: compileTerm(m[1], false, m[2] === 'i'), typed: m[1], icase: m[2] === 'i' };
  return { re: compileTerm(s, true, false), typed: s, icase: false };
}

/** "Matched: 47.6%", as flamegraph.pl prints the share. */
export function matchedText(sum: number, total: number): string {
  const pct = total > 0 ? (100 * sum) / total : 0;
  return 'Matched: ' + (pct === 100 ? '100' : pct.toFixed(1)) + '%';
}

/**
 * The samples covered by matching frames, counting nested matches once: frames given as
 * [start, end) intervals, in any order.
 */
export function coveredSamples(spans: { start: number; end: number }[]): number {
  const s = spans.slice().sort((a, b) => a.start - b.start || b.end - a.end);
  let sum = 0;
  let lastEnd = -Infinity;
  for (const f of s) {
    if (f.start >= lastEnd) {
      sum += f.end - f.start;
      lastEnd = f.end;
    } else if (f.end > lastEnd) {
      sum += f.end - lastEnd;
      lastEnd = f.end;
    }
  }
  return sum;
}
