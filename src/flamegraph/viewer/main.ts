// Entry of the flamegraph-svg viewer bundle (dist/viewer/flamegraph.js): finds the <svg>
// of the running <script>, so that several graphs inlined in one HTML page each get their
// own viewer, and starts it.
import { startStaticGraph } from './static-graph.js';

const me = document.currentScript ?? document.getElementsByTagName('script')[document.getElementsByTagName('script').length - 1];
const root = me && (me as SVGElement).ownerSVGElement;
if (root) startStaticGraph(root);
