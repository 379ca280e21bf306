// The reading side of the compact number text heatmap-svg embeds (src/heatmap/embed.ts
// writes it): self-delimiting base-32 digits, least significant first, e.g.
//   0 -> 'A', 5 -> 'F', 31 -> '-', 32 -> '0B', 1000 -> '8z' (8 + 31 * 32)
// Runs in the browser (bundled into the heat map viewer) and in the tests.

/** Decodes the self-delimiting base-32 numbers heatmap-svg embeds (see encodeVarints). */
export function decodeVarints(s: string, out: number[]): number[] {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // '0'-'9' 'a'-'v': a digit with more to come; 'A'-'Z' 'w'-'z' '_' '-': the last digit.
    let d: number;
    let last = false;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 118) d = c - 87;
    else {
      last = true;
      if (c >= 65 && c <= 90) d = c - 65;
      else if (c >= 119 && c <= 122) d = c - 119 + 26;
      else if (c === 95) d = 30;
      else d = 31;
    }
    v += d * mul;
    if (last) {
      out.push(v);
      v = 0;
      mul = 1;
    } else mul *= 32;
  }
  return out;
}
