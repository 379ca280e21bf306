// Entry of the heatmap-svg viewer bundle (dist/viewer/heatmap.js): reads the JSON block the
// SVG carries (data only, never run) and starts the page.
import type { Payload } from './data.js';
import { startHeatmapPage } from './page.js';

const block = document.getElementById('heatmap-data');
const root = document.documentElement;
if (block && root instanceof SVGSVGElement) startHeatmapPage(root, JSON.parse(block.textContent ?? '') as Payload);
