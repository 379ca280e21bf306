// Small DOM helpers of the viewer. Everything the viewer writes into a document goes
// through createElementNS, setAttribute and textContent: never innerHTML, so no name from
// a profile can become markup.

export const SVG_NS = 'http://www.w3.org/2000/svg';
export const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** An SVG element with attributes (and text), appended to `parent` when given. */
export function svgEl<K extends keyof SVGElementTagNameMap>(
  doc: Document,
  name: K,
  attrs: Record<string, string | number>,
  parent?: Element | DocumentFragment | null,
  text?: string,
): SVGElementTagNameMap[K] {
  const e = doc.createElementNS(SVG_NS, name);
  for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

export function removeChildren(e: Element): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}

/**
 * Cuts a text element's content with an ellipsis until it is at most `maxWidth` wide, and
 * keeps the full text in a <title> (shown on hover). Returns whether it was cut.
 */
export function fitText(t: SVGTextElement, full: string, maxWidth: number): boolean {
  t.textContent = full;
  let cut = false;
  if (maxWidth > 0 && t.getComputedTextLength() > maxWidth) {
    let lo = 0;
    let hi = full.length;
    // The longest prefix that fits, by bisection: getComputedTextLength lays out the text.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      t.textContent = full.slice(0, mid) + '\u2026';
      if (t.getComputedTextLength() <= maxWidth) lo = mid;
      else hi = mid - 1;
    }
    t.textContent = full.slice(0, lo) + '\u2026';
    cut = true;
  }
  if (cut) svgEl(t.ownerDocument, 'title', {}, t, full);
  return cut;
}

/** Runs `work` after showing `indicator`, so that the page paints it first (two frames). */
export function withBusy(root: Element, indicator: Element | null, work: () => void): void {
  root.setAttribute('data-busy', '1');
  if (indicator) indicator.removeAttribute('display');
  const done = () => {
    try {
      work();
    } finally {
      if (indicator) indicator.setAttribute('display', 'none');
      root.removeAttribute('data-busy');
    }
  };
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0)));
}
