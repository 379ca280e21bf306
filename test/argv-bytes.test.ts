// File names as bytes (src/argv.ts, bin/run.js): a name on the command line that is not
// UTF-8 opens the file it names, in every tool; the escaped form round-trips any bytes.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeBytes, hasEscapedBytes, recoverArgs, showArg, splitCmdline, unescapeBytes } from '../src/argv.js';
import { params } from './arbitraries.js';
import { FIXTURES, ROOT, spawnBin } from './helpers.js';

describe('escaped arguments', () => {
  it.each([
    ['caf\xe9.txt', 'caf\uDCE9.txt', 'caf\\xe9.txt'],
    ['\xff\xfe', '\uDCFF\uDCFE', '\\xff\\xfe'],
    ['ok-\xc3\xa9', 'ok-é', 'ok-é'],
    ['\xf0\x9f\x94\xa5', '🔥', '🔥'],
    // Overlong, a surrogate in UTF-8, past U+10FFFF, a cut sequence: byte by byte.
    ['\xc0\xaf', '\uDCC0\uDCAF', '\\xc0\\xaf'],
    ['\xed\xa0\x80', '\uDCED\uDCA0\uDC80', '\\xed\\xa0\\x80'],
    ['\xf4\x90\x80\x80', '\uDCF4\uDC90\uDC80\uDC80', '\\xf4\\x90\\x80\\x80'],
    ['a\xe2\x82', 'a\uDCE2\uDC82', 'a\\xe2\\x82'],
  ])('%j escapes as %j, shown as %s', (bytes, escaped, shown) => {
    const raw = Buffer.from(bytes, 'latin1');
    expect(escapeBytes(raw)).toBe(escaped);
    expect(unescapeBytes(escaped).equals(raw)).toBe(true);
    expect(showArg(escaped)).toBe(shown);
    expect(hasEscapedBytes(escaped)).toBe(!raw.equals(Buffer.from(raw.toString('utf8'), 'utf8')));
  });

  it('any bytes round-trip, and valid UTF-8 is left as Node decodes it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), fc.string({ unit: 'grapheme', maxLength: 8 }), (bytes, text) => {
        expect(unescapeBytes(escapeBytes(bytes)).equals(Buffer.from(bytes))).toBe(true);
        expect(escapeBytes(Buffer.from(text, 'utf8'))).toBe(text);
        expect(hasEscapedBytes(text)).toBe(false);
      }),
      params,
    );
  });

  it('recoverArgs takes the last entries of the command line, and only if they decode to the arguments', () => {
    const cmd = splitCmdline(Buffer.from('node\0--max-semi-space-size=4\0/x/bin/t.js\0-q\0caf\xe9.txt\0', 'latin1'));
    expect(cmd).toHaveLength(5);
    expect(recoverArgs(['-q', 'caf\uFFFD.txt'], cmd)).toEqual(['-q', 'caf\uDCE9.txt']);
    // Not the same command line: the arguments as they are.
    expect(recoverArgs(['-q', 'other\uFFFD.txt'], cmd)).toEqual(['-q', 'other\uFFFD.txt']);
    expect(recoverArgs(['a', 'b', 'c', 'd', 'e', 'f'], cmd)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});

const dir = mkdtempSync(join(tmpdir(), 'flamekit-argv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const perf = readFileSync(join(FIXTURES, 'perf', 'recorded-pthreads-header.txt'));
const folded = Buffer.from('main;a 600\nmain;b;c 900\n');
// 'caf\xe9' in Latin-1: not UTF-8.
const NAME = Buffer.from('caf\xe9', 'latin1');
writeFileSync(Buffer.concat([Buffer.from(dir + '/'), NAME, Buffer.from('.txt')]), perf);
writeFileSync(Buffer.concat([Buffer.from(dir + '/'), NAME, Buffer.from('.folded')]), folded);

/** Runs a bin through sh, whose printf passes the name's bytes as they are (spawn() would encode it as UTF-8). */
function runWithByteName(tool: string, args: string, nameScript: string): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `exec "$0" "$1" ${args} "$(printf '${nameScript}')"`, process.execPath, join(ROOT, 'bin', `${tool}.js`)], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
  });
}

describe.skipIf(process.platform !== 'linux')('a file name that is not UTF-8, in every tool', () => {
  it.each([
    ['range-perf', '0 1e9', 'caf\\351.txt', perf],
    ['stackcollapse', '--pid', 'caf\\351.txt', perf],
    ['flamegraph-svg', '--title x', 'caf\\351.folded', folded],
    // heatmap-svg starts node again (bin/run.js): the name must survive that too.
    ['heatmap-svg', '--format tsv', 'caf\\351.txt', perf],
  ])('%s %s NAME reads the file, as on stdin', async (tool, args, name, data) => {
    const r = await runWithByteName(tool, args, name);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const viaStdin = await spawnBin(tool, args.split(' '), data);
    expect(r.stdout.length).toBeGreaterThan(100);
    expect(r.stdout.equals(viaStdin.stdout)).toBe(true);
  });

  it('a missing one is named with \\x escapes', async () => {
    const r = await runWithByteName('stackcollapse', '', 'nope-\\351\\377.txt');
    expect(r.stderr).toBe('stackcollapse: nope-\\xe9\\xff.txt: no such file or directory\n');
    expect(r.code).toBe(1);
  });

  it('--nameattr FILE by such a name', async () => {
    writeFileSync(Buffer.concat([Buffer.from(dir + '/attrs-'), NAME, Buffer.from('.tsv')]), 'main\tclass=m\n');
    writeFileSync(join(dir, 'in.folded'), folded);
    const r = await runWithByteName('flamegraph-svg', 'in.folded --nameattr', 'attrs-caf\\351.tsv');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain('<g class="m">');
  });
});
