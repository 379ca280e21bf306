// perf.data read through perf script: the same text perf prints, and a message that says
// what to run elsewhere when perf is missing or fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPerfData, perfScriptCommand, readPerfScript, PerfScriptError } from '../src/perf-data.js';
import { shellQuote } from '../src/shell-word.js';

const tmp = mkdtempSync(join(tmpdir(), 'flamekit-perf-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function collect(gen: AsyncGenerator<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of gen) parts.push(c);
  return Buffer.concat(parts);
}

const data = join(tmp, 'perf.data');
const recorded = spawnSync('perf', ['record', '-q', '-g', '-o', data, '--', process.execPath, '-e', 'let x = 0; for (let i = 0; i < 2e7; i++) x += i']).status === 0;
if (!recorded) console.warn('NOTE: perf record does not work here: perf.data tests are skipped');

describe.skipIf(!recorded)('perf.data through perf script', () => {
  it('yields what perf script prints', async () => {
    const direct = spawnSync('perf', ['script', '--header', '-F', '+pid', '-i', data], { maxBuffer: 1 << 30 }).stdout;
    const got = await collect(readPerfScript(data));
    expect(got.length).toBeGreaterThan(1000);
    expect(got.equals(direct)).toBe(true);
    expect(got.toString('latin1')).toMatch(/^# ========\n/);
    expect(got.toString('latin1')).toMatch(/\n *\S+ +\d+\/\d+ +\d+\.\d+: +\d+ \S+:/);
  });

  it('says what to run elsewhere when perf is missing', async () => {
    const err = await collect(readPerfScript(data, join(tmp, 'no-such-perf'))).catch((e) => e);
    expect(err).toBeInstanceOf(PerfScriptError);
    expect(err.message).toBe(`this is a perf.data file, and perf is not installed here: run 'perf script --header -F +pid -i ${data} > out.stacks' where perf and the recording's symbols are, and give the tool out.stacks`);
  });

  it('says why perf failed, and what to run', async () => {
    const fake = join(tmp, 'failing-perf');
    writeFileSync(fake, '#!/bin/sh\necho "header" \necho "incompatible file format" >&2\nexit 3\n', { mode: 0o755 });
    const err = await collect(readPerfScript(data, fake)).catch((e) => e);
    expect(err).toBeInstanceOf(PerfScriptError);
    expect(err.message).toMatch(/^perf script failed \(exit 3: incompatible file format\): run 'perf script/);
  });
});

describe('perf.data magic and commands', () => {
  it.each([
    ['PERFILE2xxxx', true],
    ['PERFILE', false],
    ['perfile2', false],
    ['# ========', false],
  ])('%j is perf.data: %s', (head, want) => {
    expect(isPerfData(Buffer.from(head, 'latin1'))).toBe(want);
  });

  it.each([
    ['perf.data', 'perf.data'],
    ['my data/perf.data', "'my data/perf.data'"],
    ["it's", "'it'\\''s'"],
  ])('quotes %j as %s', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
    expect(perfScriptCommand(word)).toBe(`perf script --header -F +pid -i ${quoted}`);
  });
});

describe.skipIf(!recorded)('the tools given perf.data by name', async () => {
  const { spawnBin } = await import('./helpers.js');
  const text = join(tmp, 'perf.txt');
  writeFileSync(text, spawnSync('perf', ['script', '--header', '-F', '+pid', '-i', data], { maxBuffer: 1 << 30 }).stdout);

  it.each([
    ['stackcollapse', []],
    ['stackcollapse', ['--pid', '--weight', 'samples']],
    ['range-perf', ['0', '0.05']],
    ['heatmap-svg', ['--format', 'tsv']],
  ])('%s %j reads it through perf script, says so once, and prints what it prints for the text', async (tool, args) => {
    const fromData = await spawnBin(tool, [...args, data]);
    const fromText = await spawnBin(tool, [...args, text]);
    expect(fromData.code).toBe(0);
    expect(fromData.stdout.length).toBeGreaterThan(0);
    expect(fromData.stdout.equals(fromText.stdout)).toBe(true);
    expect(fromData.stderr).toBe(`${tool}: ${data}: a perf.data file: reading it through 'perf script --header -F +pid -i ${data}'\n${fromText.stderr}`);
  });

  it('on stdin, says to give it by name', async () => {
    const { readFileSync } = await import('node:fs');
    const r = await spawnBin('stackcollapse', [], readFileSync(data));
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toBe("stackcollapse: stdin: this is a perf.data file, which perf script reads only by name: give the file's name instead of stdin (or pipe in the output of 'perf script --header -F +pid -i perf.data')\n");
  });
});
