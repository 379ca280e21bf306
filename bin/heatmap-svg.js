#!/usr/bin/env -S node --max-semi-space-size=4
// --max-semi-space-size=4: V8's young generation at 4 MiB a semi-space instead of up to 16.
// heatmap-svg allocates little that lives long; on a 2 GB input the default young generation
// was ~30 MB of its peak RSS, for no measurable speed (README "Speed"). Run as an executable
// (npm's bin links, ./bin/heatmap-svg.js), as `node bin/heatmap-svg.js` it runs without it.
import { run } from './run.js';
await run('heatmap');
