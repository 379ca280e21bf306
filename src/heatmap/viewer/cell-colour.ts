// The colour of a heat-map cell, shared by Node (heatmap-svg draws the cells and the legend)
// and the browser viewer (the drill-down view and the legend of a redraw): one function, so
// the legend always matches the cells.
//
// Reference: trace2heatmap.pl's white-to-red `rgb(255, 240-240r, 220-220r)`, or FlameScope's
// five-stop "enhanced" scale. A count of 0 is an empty cell: white, as the map's background.

/** The fill of a cell without samples (never drawn: the map's background shows). */
export const EMPTY_CELL = 'rgb(255,255,255)';

/** trace2heatmap.pl's scale, or FlameScope's enhanced one. */
export function cellColour(n: number, max: number, enhanced: boolean): string {
  if (n <= 0) return EMPTY_CELL;
  if (enhanced) {
    const stops = [
      [0, 255, 255, 255],
      [1, 106, 170, 255],
      [3, 250, 160, 181],
      [max / 2, 255, 80, 50],
      [max, 229, 9, 20],
    ];
    for (let i = 1; i < stops.length; i++) {
      const a = stops[i - 1];
      const b = stops[i];
      if (n <= b[0] || i === stops.length - 1) {
        const t = b[0] > a[0] ? Math.min(1, Math.max(0, (n - a[0]) / (b[0] - a[0]))) : 1;
        return `rgb(${Math.round(a[1] + (b[1] - a[1]) * t)},${Math.round(a[2] + (b[2] - a[2]) * t)},${Math.round(a[3] + (b[3] - a[3]) * t)})`;
      }
    }
  }
  const q = n / max;
  return `rgb(255,${Math.round(240 - 240 * q)},${Math.round(220 - 220 * q)})`;
}

/**
 * The fill of a cell by its samples that match the page's search: white to the flame
 * graph's search magenta, rgb(230,0,230), so a searched map never reads as the plain one.
 */
export function searchCellColour(n: number, max: number): string {
  if (n <= 0) return EMPTY_CELL;
  const q = Math.min(1, n / max);
  return `rgb(${Math.round(250 - 20 * q)},${Math.round(215 - 215 * q)},${Math.round(250 - 20 * q)})`;
}
