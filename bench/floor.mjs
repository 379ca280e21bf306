// The Node streaming floor for `npm run bench`: read FILE with a 1 MiB read stream and count
// its lines with a Buffer indexOf loop. Any tool that streams the same file through Node pays
// at least this much, so each tool's time is reported as a ratio to it.
//   node bench/floor.mjs FILE      prints "LINES BYTES"
import { createReadStream } from 'node:fs';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bench/floor.mjs FILE\n');
  process.exitCode = 2;
} else {
  let lines = 0, bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    bytes += chunk.length;
    let i = chunk.indexOf(10);
    while (i !== -1) { lines++; i = chunk.indexOf(10, i + 1); }
  }
  process.stdout.write(`${lines} ${bytes}\n`);
}
