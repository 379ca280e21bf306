// Entry of the latency heat map's viewer bundle (dist/viewer/latency.js; heatmap-svg on
// two-column input, as trace2heatmap.pl): hover shows a cell's details, read from the
// cell's own <title> (textContent, never markup).
const details = document.getElementById('details');
const cells = document.getElementById('cells');
if (details && cells) {
  cells.addEventListener('mouseover', (e) => {
    const t = (e.target as Element).firstChild;
    if (t) details.textContent = t.textContent;
  });
  cells.addEventListener('mouseout', () => (details.textContent = ' '));
}
