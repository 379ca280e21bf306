// stdin and stdout at the descriptor level (src/runtime/fd-io.ts): a pipe, socket or
// regular file on fd 0 is read with readSync, and one on fd 1 written with writeSync, with
// node's streams kept for terminals and for descriptors made non-blocking (EAGAIN). Each
// case runs the real binaries as the per-second loop does, through shell pipes (FIFOs; a
// node parent's 'pipe' is a socket), redirected files and non-blocking sockets, and
// compares with the same tool given the input by name. The last cases hold FdWriter, the
// stdout and stderr of those runs, to the Writable contract the tools rely on.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError } from '../src/runtime/errors.js';
import { FdWriter } from '../src/runtime/fd-io.js';
import { OutputSink } from '../src/runtime/output.js';
import { FIXTURES, ROOT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flamekit-fd-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const recorded = join(FIXTURES, 'perf', 'recorded-pthreads-header.txt');
const folded = join(FIXTURES, 'flamegraph', 'before.folded');
const env = { ...process.env, NO_COLOR: '1' };
const bin = (tool: string) => join(ROOT, 'bin', `${tool}.js`);
const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** A shell command line's stdout, stderr and the exit status of each command of its pipeline. */
function sh(line: string): { stdout: Buffer; stderr: string; statuses: number[] } {
  const r = spawnSync('bash', ['-c', `${line}; echo "\${PIPESTATUS[*]}" >&3`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  const statuses = String(r.output[3]).trim().split(' ').map(Number);
  return { stdout: r.stdout, stderr: r.stderr.toString('utf8'), statuses };
}

/** The tool's stdout given `file` by name; its stderr (warnings that name no input) must be `stderr`. */
function byName(tool: string, args: string[], file: string, stderr = ''): Buffer {
  const r = spawnSync(process.execPath, [bin(tool), ...args, file], { cwd: ROOT, env, maxBuffer: 1 << 28 });
  expect(r.status).toBe(0);
  expect(r.stderr.toString()).toBe(stderr);
  return r.stdout;
}

const cases: [string, string[], string][] = [
  ['range-perf', ['0', '1e9'], recorded],
  ['stackcollapse', [], recorded],
  ['flamegraph-svg', [], folded],
  // The SVG names its input (a file, or none for stdin); the TSV has only the counts.
  ['heatmap-svg', ['--format', 'tsv'], recorded],
];

describe.each(cases)('%s on shell pipes and redirected files', (tool, args, file) => {
  const node = `${q(process.execPath)} ${q(bin(tool))} ${args.join(' ')}`;

  it('a pipe on stdin and on stdout: the bytes it writes given the file by name', () => {
    const r = sh(`cat ${q(file)} | ${node} | cat`);
    expect(r.statuses).toEqual([0, 0, 0]);
    expect(r.stdout.equals(byName(tool, args, file, r.stderr))).toBe(true);
  });

  it('a pipe that delivers its bytes in many reads, the first under the sniffing minimum: the same bytes', () => {
    // Tools that are done with a chunk before reading on read every chunk of stdin into one
    // Buffer (ReadOptions.reuse): a chunk kept past the next read would show here as a
    // difference. 10 bytes first, the rest half a second later (after the tool has started and read them) in 4 KiB writes.
    const r = sh(`{ head -c 10 ${q(file)}; sleep 0.5; tail -c +11 ${q(file)} | dd bs=4096 iflag=fullblock status=none; } | ${node} | cat`);
    expect(r.statuses).toEqual([0, 0, 0]);
    expect(r.stdout.equals(byName(tool, args, file, r.stderr))).toBe(true);
  });

  it('a file redirected to stdin, and a file as stdout', () => {
    const out = join(dir, `${tool}.out`);
    const r = sh(`${node} < ${q(file)} > ${q(out)}`);
    expect(r.statuses).toEqual([0]);
    expect(readFileSync(out).equals(byName(tool, args, file, r.stderr))).toBe(true);
  });

  it('gzip on a pipe and redirected: gunzipped as the file by name', () => {
    const gz = join(dir, `${tool}.gz`);
    writeFileSync(gz, gzipSync(readFileSync(file)));
    for (const line of [`cat ${q(gz)} | ${node}`, `${node} < ${q(gz)}`]) {
      const r = sh(line);
      expect(r.statuses.every((s) => s === 0)).toBe(true);
      expect(r.stdout.equals(byName(tool, args, file, r.stderr))).toBe(true);
    }
  });
});

it('a reader that closes a shell pipe early: exit 0, nothing on stderr', () => {
  const big = join(dir, 'big.txt');
  writeFileSync(big, Buffer.concat(Array.from({ length: 40 }, () => readFileSync(recorded))));
  for (const [tool, args] of [['range-perf', ['0', '1e9']], ['stackcollapse', ['--tid', '--addrs']]] as const) {
    const r = sh(`cat ${q(big)} | ${q(process.execPath)} ${q(bin(tool))} ${args.join(' ')} | head -c 1`);
    expect(r.statuses[1]).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.length).toBe(1);
  }
});

it('a terminal-less empty stdin (/dev/null) is read as empty input, not refused', () => {
  const r = sh(`${q(process.execPath)} ${q(bin('stackcollapse'))} < /dev/null`);
  expect(r.statuses).toEqual([0]);
  expect(r.stdout.length).toBe(0);
});

/**
 * Runs a tool with node's own stream made on `fd` first (a preload), which sets O_NONBLOCK
 * on the socket under it, as a parent sharing the descriptor may have done; writes `input`
 * after `delayMs` and reads stdout only after `readAfterMs`. Returns what it wrote, its
 * status, and the descriptor's flags as the tool started (from /proc).
 */
function runNonBlocking(tool: string, args: string[], fd: 0 | 1, input: Buffer, delayMs: number, readAfterMs: number) {
  const preload = join(dir, `nonblock-${fd}.cjs`);
  const flagsFile = join(dir, `flags-${fd}-${tool}.txt`);
  writeFileSync(
    preload,
    `process.${fd === 0 ? 'stdin' : 'stdout'};\n` +
      `try { require('fs').writeFileSync(${JSON.stringify(flagsFile)}, require('fs').readFileSync('/proc/self/fdinfo/${fd}', 'latin1')); } catch {}\n`,
  );
  return new Promise<{ code: number; stdout: Buffer; stderr: string; nonBlocking: boolean | null }>((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', preload, bin(tool), ...args], { cwd: ROOT, env });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.pause();
    setTimeout(() => {
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stdout.resume();
    }, readAfterMs);
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.stdin.on('error', () => {});
    // Half now, half later: the first read finds data, a later one may find none (EAGAIN).
    const half = input.length >> 1;
    setTimeout(() => child.stdin.write(input.subarray(0, half)), delayMs);
    setTimeout(() => child.stdin.end(input.subarray(half)), delayMs * 2);
    child.on('close', (code) => {
      let nonBlocking: boolean | null = null;
      try {
        const m = /^flags:\s*(\d+)/m.exec(readFileSync(flagsFile, 'latin1'));
        if (m) nonBlocking = (parseInt(m[1], 8) & 0o4000) !== 0;
      } catch {
        // Not Linux: no /proc.
      }
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err, nonBlocking });
    });
  });
}

describe('non-blocking descriptors (EAGAIN)', () => {
  it('a non-blocking stdin that has no data yet is read through the stream: the same bytes', async () => {
    const input = readFileSync(recorded);
    for (const [tool, args] of [['range-perf', ['0', '1e9']], ['stackcollapse', []]] as const) {
      const r = await runNonBlocking(tool, [...args], 0, input, 200, 0);
      if (r.nonBlocking !== null) expect(r.nonBlocking).toBe(true);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.equals(byName(tool, [...args], recorded))).toBe(true);
    }
  });

  it('a non-blocking stdout whose reader waits: every byte arrives, in order', async () => {
    // Several MB of output, more than a socket's buffer holds while nobody reads.
    const big = Buffer.concat(Array.from({ length: 40 }, () => readFileSync(recorded)));
    const file = join(dir, 'big-out.txt');
    writeFileSync(file, big);
    const args = ['0', '1e9'];
    const r = await runNonBlocking('range-perf', args, 1, big, 0, 300);
    if (r.nonBlocking !== null) expect(r.nonBlocking).toBe(true);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.equals(byName('range-perf', args, file))).toBe(true);
  });
});

describe('stderr as a file, a shell pipe or a socket (fd 2 written by writeSync)', () => {
  it('a usage error says the same on each, with exit status 2', () => {
    const node = `${q(process.execPath)} ${q(bin('stackcollapse'))} --no-such-flag`;
    const file = join(dir, 'stderr.txt');
    const toFile = sh(`${node} 2> ${q(file)}`);
    const toPipe = sh(`${node} 2>&1 >/dev/null | cat`);
    const toSocket = spawnSync(process.execPath, [bin('stackcollapse'), '--no-such-flag'], { cwd: ROOT, env });
    expect(toFile.statuses).toEqual([2]);
    expect(toPipe.statuses).toEqual([2, 0]);
    expect(toSocket.status).toBe(2);
    const said = readFileSync(file, 'utf8');
    expect(said).toMatch(/^stackcollapse: .*no-such-flag[^]*Try 'stackcollapse --help'/);
    expect(toPipe.stdout.toString()).toBe(said);
    expect(toSocket.stderr.toString()).toBe(said);
  });

  it('a warning of a run that succeeds reaches a file on stderr, and stdout is whole', () => {
    const input = join(dir, 'with-bad-line.folded');
    writeFileSync(input, `${readFileSync(folded, 'latin1')}this line has no count\n`, 'latin1');
    const file = join(dir, 'warn.txt');
    const out = join(dir, 'warn.svg');
    const r = sh(`${q(process.execPath)} ${q(bin('flamegraph-svg'))} < ${q(input)} > ${q(out)} 2> ${q(file)}`);
    expect(r.statuses).toEqual([0]);
    expect(readFileSync(file, 'utf8')).toMatch(/^flamegraph-svg: /);
    expect(readFileSync(out, 'utf8')).toMatch(/<\/svg>\n?$/);
  });
});

it('--version on a file, a shell pipe and a socket (one writeSync), and on /dev/full (the stream)', () => {
  const file = join(dir, 'version.txt');
  for (const tool of ['range-perf', 'stackcollapse', 'flamegraph-svg', 'heatmap-svg']) {
    const node = `${q(process.execPath)} ${q(bin(tool))} --version`;
    const toSocket = spawnSync(process.execPath, [bin(tool), '--version'], { cwd: ROOT, env });
    expect(toSocket.status).toBe(0);
    expect(toSocket.stdout.toString()).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(sh(`${node} > ${q(file)}`).statuses).toEqual([0]);
    expect(readFileSync(file, 'utf8')).toBe(toSocket.stdout.toString());
    const piped = sh(`${node} | cat`);
    expect(piped.statuses).toEqual([0, 0]);
    expect(piped.stdout.toString()).toBe(toSocket.stdout.toString());
    const full = sh(`${node} > /dev/full`);
    expect(full.statuses).toEqual([1]);
    expect(full.stderr).toBe(`${tool}: cannot write output: no space left on device\n`);
  }
});

it('range-perf copying the middle of a file to a non-blocking stdout whose reader waits: every byte, in order', async () => {
  // Several MB over 20 s: the window's middle is copied in MiB reads, and its read Buffer is
  // filled again only once the output has let go of it (src/range/seek.ts).
  const file = join(dir, 'seconds.txt');
  const gen = spawnSync(process.execPath, [join(ROOT, 'scripts', 'gen-corpus.mjs'), '--mb', '6', '--seconds', '20', '--out', file], { cwd: ROOT });
  expect(gen.status).toBe(0);
  const args = ['--timezerosecs', '2', '18', file];
  const r = await runNonBlocking('range-perf', args, 1, Buffer.alloc(0), 0, 300);
  if (r.nonBlocking !== null) expect(r.nonBlocking).toBe(true);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const want = spawnSync('bash', ['-c', `cat ${q(file)} | ${q(process.execPath)} ${q(bin('range-perf'))} --timezerosecs 2 18`], { cwd: ROOT, env, maxBuffer: 1 << 28 });
  expect(want.status).toBe(0);
  expect(want.stdout.length).toBeGreaterThan(3 << 20);
  expect(r.stdout.equals(want.stdout)).toBe(true);
});

describe('FdWriter keeps the contract of a Writable that the tools rely on', () => {
  it('writes in order, strings as UTF-8, callbacks on a later tick, writableLength 0 after each write', async () => {
    const path = join(dir, 'fdwriter.txt');
    const fd = openSync(path, 'w');
    const w = new FdWriter(fd);
    const order: string[] = [];
    expect(w.write('héllo ', () => order.push('a'))).toBe(true);
    expect(w.writableLength).toBe(0);
    expect(w.write(Buffer.from('wörld'), () => order.push('b'))).toBe(true);
    order.push('sync');
    await new Promise<void>((resolve) => w.write('', () => resolve()));
    closeSync(fd);
    expect(order).toEqual(['sync', 'a', 'b']);
    expect(readFileSync(path, 'utf8')).toBe('héllo wörld');
    expect(w.destroyed).toBe(false);
    expect(w.writable).toBe(true);
  });

  it('a failed write: its callback gets the error, then one error event and close; later writes fail as destroyed', async () => {
    const path = join(dir, 'fdwriter-ro.txt');
    writeFileSync(path, '');
    const fd = openSync(path, 'r'); // writing a read-only descriptor fails (EBADF)
    const w = new FdWriter(fd);
    const seen: string[] = [];
    w.on('error', (e: NodeJS.ErrnoException) => seen.push(`error ${e.code}`));
    w.on('close', () => seen.push('close'));
    const first = new Promise<NodeJS.ErrnoException | null | undefined>((resolve) => w.write('x', resolve));
    expect((await first)?.code).toBe('EBADF');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['error EBADF', 'close']);
    expect(w.destroyed).toBe(true);
    expect(w.writable).toBe(false);
    expect((w.errored as NodeJS.ErrnoException).code).toBe('EBADF');
    let later: NodeJS.ErrnoException | null | undefined;
    expect(w.write('y', (e) => (later = e))).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(later?.code).toBe('ERR_STREAM_DESTROYED');
    expect(seen).toEqual(['error EBADF', 'close']);
    closeSync(fd);
  });

  it('through OutputSink: the failure ends the run as an output error, not an unhandled event', async () => {
    const path = join(dir, 'fdwriter-ro2.txt');
    writeFileSync(path, '');
    const fd = openSync(path, 'r');
    const sink = new OutputSink(new FdWriter(fd));
    sink.write('some output\n');
    await expect(sink.end()).rejects.toBeInstanceOf(OutputError);
    closeSync(fd);
  });
});
