// Bundles the browser viewer into the scripts the SVGs embed (npm run build:viewer):
//   src/flamegraph/viewer/main.ts -> dist/viewer/flamegraph.js   (flamegraph-svg)
//   src/heatmap/viewer/main.ts    -> dist/viewer/heatmap.js      (heatmap-svg)
//   src/heatmap/viewer/latency-main.ts -> dist/viewer/latency.js (heatmap-svg, two columns)
// Each is one IIFE, pure ASCII (so it fits --encoding output), with no sourcemap or
// banner, so the same sources always give the same bytes. The renderers read these files
// and embed them in a CDATA section (src/svg.ts, scriptCdata).
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'viewer');
mkdirSync(out, { recursive: true });
const entries = [
  ['src/flamegraph/viewer/main.ts', 'flamegraph.js'],
  ['src/heatmap/viewer/main.ts', 'heatmap.js'],
  ['src/heatmap/viewer/latency-main.ts', 'latency.js'],
];
for (const [entry, file] of entries) {
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(out, file),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    charset: 'ascii',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}
