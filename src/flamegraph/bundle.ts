// The viewer scripts the SVG writers embed: the esbuild bundles of src/flamegraph/viewer/
// and src/heatmap/viewer/ (the heat-map page, and the latency heat map's hover), built by
// `npm run build:viewer` into dist/viewer/. Read once per process. Nothing from a profile or an option ever goes into them: the SVGs carry their
// data in attributes and a JSON block, and the script is the bundle's bytes, as built.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ViewerName = 'flamegraph' | 'heatmap' | 'latency';

const cache = new Map<ViewerName, string>();

/** Where the bundle is: beside this module when it runs from dist/, else in ../../dist (tests run the sources). */
export function viewerBundlePath(name: ViewerName): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'viewer', `${name}.js`), join(here, '..', '..', 'dist', 'viewer', `${name}.js`)];
  return candidates.find((p) => existsSync(p)) ?? candidates[candidates.length - 1];
}

/** The bundled viewer script, as built. */
export function viewerBundle(name: ViewerName): string {
  let code = cache.get(name);
  if (code === undefined) {
    const p = viewerBundlePath(name);
    try {
      code = readFileSync(p, 'utf8');
    } catch {
      throw new Error(`the ${name} viewer script ${p} is missing: run npm run build`);
    }
    cache.set(name, code);
  }
  return code;
}
