// When V8 optimises a tool's code (src/runtime/jit.ts): late on a short run, as usual once
// the input turns out big. Each case runs in a node of its own, as the flags are the
// process's: changing them here would change them for the test runner.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const JIT = pathToFileURL(join(ROOT, 'dist', 'runtime', 'jit.js')).href;
const INPUT = pathToFileURL(join(ROOT, 'dist', 'runtime', 'input.js')).href;

/** Runs `body` (an ES module's text, with `jit` and `input` imported) in a fresh node; returns what it prints. */
function inNode(body: string, nodeArgs: string[] = []): unknown {
  const script = `import * as jit from ${JSON.stringify(JIT)}; import * as input from ${JSON.stringify(INPUT)};\nconst me = { v8: process.versions.v8, execArgv: process.execArgv };\n${body}`;
  const r = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

describe('tiering up late', () => {
  it('raises the budgets once, and goes back after BIG_INPUT bytes in all', () => {
    const states = inNode(`
      const s = [jit.tieringLate(), jit.tierUpLate(me), jit.tieringLate(), jit.tierUpLate(me)];
      jit.noteInput(jit.BIG_INPUT - 1);
      s.push(jit.tieringLate());
      jit.noteInput(1);
      s.push(jit.tieringLate());
      s.push(jit.tierUpLate(me), jit.tieringLate());
      console.log(JSON.stringify(s));`);
    // Not late at first; raised (true), then a second raise does nothing (false); still
    // late one byte short of BIG_INPUT; back at BIG_INPUT; and a new run may raise again.
    expect(states).toEqual([false, true, true, false, true, false, true, true]);
  });

  it('a file known to be big goes back before it is read', () => {
    const states = inNode(`
      jit.tierUpLate(me);
      jit.noteInput(0, 1000);
      const small = jit.tieringLate();
      jit.noteInput(0, jit.BIG_INPUT);
      console.log(JSON.stringify([small, jit.tieringLate()]));`);
    expect(states).toEqual([true, false]);
  });

  it('readBytes counts what it reads, from a stream of unknown size', () => {
    const states = inNode(`
      import { Readable } from 'node:stream';
      jit.tierUpLate(me);
      const piece = Buffer.alloc(1 << 20, 'a');
      const stdin = Readable.from((function* () { for (let i = 0; i < 20; i++) yield piece; })());
      const seen = [];
      let bytes = 0;
      for await (const b of input.readBytes({ name: 'stdin', path: null, size: null }, { stdin, env: {} })) {
        bytes += b.length;
        seen.push(jit.tieringLate());
      }
      console.log(JSON.stringify([bytes, seen.indexOf(false)]));`);
    // Late for the first 15 MiB, as usual from the 16th on; every byte read.
    expect(states).toEqual([20 << 20, 15]);
  });

  it("leaves a budget given on node's command line alone", () => {
    const states = inNode(`console.log(JSON.stringify([jit.tierUpLate(me), jit.tieringLate()]));`, ['--interrupt-budget=100000']);
    expect(states).toEqual([false, false]);
  });

  it('changes nothing on a V8 it was not measured on', () => {
    const states = inNode(`console.log(JSON.stringify([jit.tierUpLate({ v8: '99.1.0', execArgv: [] }), jit.tieringLate(), jit.tierUpLate(me)]));`);
    // This node's V8 is the one tuned for (Node 20's 11.3): were it not, the last would be false too.
    expect(states).toEqual([false, false, process.versions.v8.startsWith('11.3.')]);
  });
});
