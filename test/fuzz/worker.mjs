// A fuzz worker (test/fuzz/fuzz.ts): runs one tool's main() from dist/ per message, on
// in-memory stdin/stdout/stderr, and answers with the exit code and what was written.
// A run that hangs or runs out of memory is the harness's to see: it terminates this
// worker and starts another.
import { parentPort } from 'node:worker_threads';
import { Readable, Writable } from 'node:stream';

const mains = new Map();
async function mainOf(tool) {
  let m = mains.get(tool);
  if (!m) {
    const stage = { 'range-perf': 'range', stackcollapse: 'collapse', 'flamegraph-svg': 'flamegraph', 'heatmap-svg': 'heatmap' }[tool];
    m = (await import(`../../dist/${stage}/cli.js`)).main;
    mains.set(tool, m);
  }
  return m;
}

function sink(parts) {
  return new Writable({
    write(c, _e, cb) {
      parts.push(Buffer.from(c));
      cb();
    },
  });
}

parentPort.on('message', async ({ id, tool, args, stdin }) => {
  const out = [];
  const err = [];
  const io = {
    stdin: Readable.from(stdin ? [Buffer.from(stdin)] : []),
    stdout: sink(out),
    stderr: sink(err),
    env: { NO_COLOR: '1' },
  };
  let code;
  let thrown = null;
  try {
    code = await (await mainOf(tool))(args, io);
  } catch (e) {
    // main() never throws: runMain maps everything. If it does, that is a finding.
    thrown = String(e?.stack ?? e);
  }
  const stdout = Buffer.concat(out);
  parentPort.postMessage({ id, code, thrown, stdout, stderr: Buffer.concat(err).toString('utf8') });
});
