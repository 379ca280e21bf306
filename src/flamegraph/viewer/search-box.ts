// The inline search box of both viewers: an HTML <input> in a <foreignObject>, made when
// first opened (Ctrl-F, F3 or the Search button), with the match count beside it. Typing
// searches as you type; Enter (or F3) goes to the next match; Esc closes the box and
// clears the search. Keys typed in the box never reach the page's own shortcuts.
import { SVG_NS, XHTML_NS } from './dom.js';

export interface SearchBoxHooks {
  /** The term changed ('' when emptied). */
  input(term: string): void;
  /** Enter or F3: the next match. */
  next(): void;
  /** Esc: the box closed. */
  close(): void;
}

export class SearchBox {
  private fo: SVGForeignObjectElement | null = null;
  private field: HTMLInputElement | null = null;
  private count: HTMLElement | null = null;
  private shown = false;

  constructor(
    private readonly parent: SVGElement,
    private readonly place: () => { x: number; y: number },
    private readonly hooks: SearchBoxHooks,
  ) {}

  get isOpen(): boolean {
    return this.shown;
  }

  /** Shows the box with `term` in it, focused and selected. */
  open(term: string): void {
    const doc = this.parent.ownerDocument;
    if (!this.fo) {
      const fo = doc.createElementNS(SVG_NS, 'foreignObject');
      fo.setAttribute('class', 'fk-searchbox');
      fo.setAttribute('width', '330');
      fo.setAttribute('height', '26');
      const div = doc.createElementNS(XHTML_NS, 'div') as HTMLDivElement;
      div.setAttribute('style', 'display:flex;align-items:center;gap:6px;font:12px sans-serif;color:#000');
      const field = doc.createElementNS(XHTML_NS, 'input') as HTMLInputElement;
      field.setAttribute('type', 'search');
      field.setAttribute('placeholder', 'function name (regex)');
      field.setAttribute('aria-label', 'search function names');
      field.setAttribute('style', 'width:190px;font:12px sans-serif;padding:2px 4px');
      const count = doc.createElementNS(XHTML_NS, 'span') as HTMLSpanElement;
      count.setAttribute('class', 'fk-count');
      div.appendChild(field);
      div.appendChild(count);
      fo.appendChild(div);
      field.addEventListener('input', () => this.hooks.input(field.value));
      field.addEventListener('keydown', (e) => {
        const mod = e.ctrlKey || e.metaKey;
        if (e.key === 'Enter' || e.key === 'F3') {
          e.preventDefault();
          this.hooks.next();
        } else if (e.key === 'Escape') {
          e.preventDefault();
          this.close();
          this.hooks.close();
        } else if (mod && (e.key === 'f' || e.key === 'F')) {
          e.preventDefault();
          field.select();
        } else return;
        e.stopPropagation();
      });
      // Typing in the box is not a shortcut of the page.
      field.addEventListener('keyup', (e) => e.stopPropagation());
      this.fo = fo;
      this.field = field;
      this.count = count;
    }
    const p = this.place();
    this.fo.setAttribute('x', String(p.x));
    this.fo.setAttribute('y', String(p.y));
    if (!this.shown) this.parent.appendChild(this.fo);
    this.shown = true;
    this.field!.value = term;
    this.field!.focus();
    this.field!.select();
  }

  close(): void {
    if (!this.shown || !this.fo) return;
    this.fo.remove();
    this.shown = false;
  }

  /** The count text beside the box ("3 matches"). */
  setCount(text: string): void {
    if (this.count) this.count.textContent = text;
  }
}

/** "1 match", "3 matches". */
export function matchCount(n: number): string {
  return n === 1 ? '1 match' : `${n} matches`;
}
