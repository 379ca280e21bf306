// stackcollapse on several threads gives what it gives on one, byte for byte: stdout,
// warnings (with their line numbers) and exit code. As inferno does, every fixture and
// every conformance input runs with 1 thread and with 2 and 5, under each option set.
//
// The worker threads run dist/collapse/worker.js: `npm test` builds first.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main as collapse } from '../src/collapse/cli.js';
import { splitFile } from '../src/collapse/parallel.js';
import { CONFORMANCE, FIXTURES, HAVE_CONFORMANCE, ROOT, runMain } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'flamekit-workers-'));

/** A plain copy of a .gz input: threads need a file they can cut. */
function plain(path: string): string {
  if (!path.endsWith('.gz')) return path;
  const out = join(tmp, path.split('/').pop()!.replace(/\.gz$/, ''));
  if (!existsSync(out)) writeFileSync(out, gunzipSync(readFileSync(path)));
  return out;
}

const fixtureInputs = [
  ...readdirSync(join(FIXTURES, 'perf'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => join(FIXTURES, 'perf', f)),
  ...readdirSync(join(FIXTURES, 'hostile'))
    .filter((f) => /\.(txt|bin)$/.test(f))
    .map((f) => join(FIXTURES, 'hostile', f)),
];
/**
 * Three slices of ~100 KB of the bundled demo profile, each cut after a blank line: big
 * enough to be split into pieces, so that the equivalence below never holds trivially,
 * even in a clone without ../shared/conformance.
 */
function demoSlices(): string[] {
  const text = gunzipSync(readFileSync(join(FIXTURES, 'demo', 'demo-profile.txt.gz')));
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < 3; i++) {
    const cut = text.indexOf('\n\n', from + 100_000);
    if (cut < 0) break;
    const file = join(tmp, `demo-slice-${i}.txt`);
    writeFileSync(file, text.subarray(from, cut + 2));
    out.push(file);
    from = cut + 2;
  }
  return out;
}
const sliceInputs = demoSlices();

const conformanceInputs = HAVE_CONFORMANCE
  ? readdirSync(join(CONFORMANCE, 'perf')).map((f) => plain(join(CONFORMANCE, 'perf', f)))
  : [];

const OPTION_SETS = [[], ['--tid'], ['--all', '--addrs'], ['--pid', '--weight', 'samples']];

async function compareThreads(file: string, opts: string[]): Promise<void> {
  const one = await runMain(collapse, ['--jobs', '1', ...opts, file]);
  for (const jobs of ['2', '5']) {
    const many = await runMain(collapse, ['--jobs', jobs, ...opts, file]);
    expect({ jobs, code: many.code, stderr: many.stderr }).toEqual({ jobs, code: one.code, stderr: one.stderr });
    expect(many.stdout.equals(one.stdout), `--jobs ${jobs} stdout`).toBe(true);
  }
}

describe('stackcollapse --jobs N = --jobs 1', () => {
  it.each(fixtureInputs.flatMap((f) => OPTION_SETS.map((o) => [f.slice(ROOT.length + 1), o] as const)))('%s %j', async (file, opts) => {
    await compareThreads(join(ROOT, file), [...opts]);
  });

  it.each(sliceInputs.flatMap((f) => OPTION_SETS.map((o) => [f.split('/').pop()!, f, o] as const)))('demo profile %s %j', async (_name, file, opts) => {
    await compareThreads(file, [...opts]);
  });

  describe.skipIf(!HAVE_CONFORMANCE)('conformance inputs', () => {
    it.each(conformanceInputs.flatMap((f) => OPTION_SETS.map((o) => [f.split('/').pop()!, f, o] as const)))('%s %j', async (_name, file, opts) => {
      await compareThreads(file, [...opts]);
    });
  });

  it('really cuts the inputs it is tested on', () => {
    // Otherwise the equivalence above would hold trivially.
    const big = [...fixtureInputs, ...sliceInputs, ...conformanceInputs].filter((f) => statSync(f).size > 30000);
    expect(big.length).toBeGreaterThan(3);
    for (const f of big) expect(splitFile(f, statSync(f).size, 3).length, f).toBeGreaterThan(1);
  });

  it('numbers bad lines and keeps "first event" across pieces', async () => {
    // Many samples of two events, with bad lines of two kinds scattered through the file:
    // a thread that missed the global first event, or counted lines from its own start,
    // would print another warning.
    let text = '# comment\n';
    for (let i = 0; i < 3000; i++) {
      const event = i % 3 === 0 ? 'instructions' : 'cycles';
      text += `prog ${100 + (i % 7)} [000] ${1000 + i}.000001: 1 ${i === 0 ? 'cycles' : event}:\n`;
      text += `\tffffffff8104f45a native_write_msr+0x4 ([kernel.kallsyms])\n\t400500 f${i % 50} (/bin/prog)\n`;
      if (i % 997 === 5) text += 'this is not perf output\n';
      if (i % 1499 === 7) text += '\t\n\t400500 orphan (/bin/prog)\n';
      text += '\n';
    }
    const file = join(tmp, 'events.txt');
    writeFileSync(file, text);
    expect(splitFile(file, statSync(file).size, 7).length).toBe(7);
    const one = await runMain(collapse, ['--jobs', '1', file]);
    expect(one.stderr).toMatch(/ignored 4 lines: not a frame line \(first at .*events.txt:25: "this is not perf output"\)/);
    expect(one.stderr).toMatch(/ignored 2 lines: frame line outside a sample \(first at .*events.txt:35: /);
    expect(one.stderr).toMatch(/kept events of type cycles; skipped 999 samples of other types \(instructions\)/);
    for (const jobs of ['2', '7']) {
      const many = await runMain(collapse, ['--jobs', jobs, file]);
      expect(many.stderr).toBe(one.stderr);
      expect(many.stdout.equals(one.stdout)).toBe(true);
    }
  });
});
