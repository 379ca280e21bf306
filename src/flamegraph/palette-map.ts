// palette.map, flamegraph.pl's file of colours kept between runs (--cp): one
// `name->rgb(r,g,b)` line per function name, sorted, in the current directory.
//   java/lang/Thread.run->rgb(80,186,80)
//   main->rgb(227,120,18)
//   start_thread->rgb(240,156,52)
// A reader and a writer; the reader drops a colour that is not a plain CSS colour.
import { parseCssColor } from '../svg.js';

/** --cp keeps colours here, in the current directory, as flamegraph.pl does. */
export const PALETTE_FILE = 'palette.map';

/**
 * palette.map lines are `name->rgb(r,g,b)`, as flamegraph.pl reads and writes them. A
 * colour that is not a plain CSS colour (`url(...)` would make the SVG fetch it) is
 * dropped, and the name gets a fresh colour.
 */
export function parsePaletteMap(text: string, onBad?: (line: number) => void): Map<string, string> {
  const m = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const parts = line.split('->');
    const colour = parts.length >= 2 ? parseCssColor(parts[1]) : null;
    if (colour === null) {
      onBad?.(i + 1);
      continue;
    }
    m.set(parts[0], colour);
  }
  return m;
}

/** Sorted by code point, as Perl's `sort keys` sorts text. */
export function formatPaletteMap(m: Map<string, string>): string {
  const keys = [...m.keys()].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  return keys.map((k) => `${k}->${m.get(k)}\n`).join('');
}
