// Test helpers: run a tool's main() against in-memory streams, or spawn its real binary.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import type { IO } from '../src/cli.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = join(ROOT, 'fixtures');
/**
 * The reference outputs of the Perl tools (the project's CI layout keeps them in
 * ../shared/conformance beside the clone). Where the folder is missing, as in a user's
 * fresh clone, the cases that read it skip with a visible note and no other test depends
 * on it. FLAMEKIT_CONFORMANCE names another folder, or hides it when set to `none` (CI
 * runs the suite once that way, so that a fresh clone's run cannot regress).
 */
const CONFORMANCE_ENV = process.env.FLAMEKIT_CONFORMANCE;
export const CONFORMANCE_HIDDEN = CONFORMANCE_ENV === 'none';
export const CONFORMANCE = CONFORMANCE_ENV && !CONFORMANCE_HIDDEN ? CONFORMANCE_ENV : join(ROOT, '..', 'shared', 'conformance');
export const HAVE_CONFORMANCE = !CONFORMANCE_HIDDEN && existsSync(join(CONFORMANCE, 'SOURCE'));
if (!HAVE_CONFORMANCE) {
  const why = CONFORMANCE_HIDDEN ? 'hidden by FLAMEKIT_CONFORMANCE=none' : `${CONFORMANCE} not found`;
  console.warn(`NOTE: conformance cases against the Perl tools are skipped (${why})`);
}

/**
 * Tests of an unreadable file run the tool as `nobody` when they run as root (root reads
 * anything). That needs the clone to be reachable by nobody, which a clone under /root or in
 * a `mktemp -d` folder (mode 0700) is not: there those tests skip, with a note.
 */
export const AS_NOBODY = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
/** Asked once per run by test/global-setup.ts (a node start); asked here when it was not. */
export const NOBODY_CAN_RUN =
  process.getuid?.() !== 0 ||
  (inject('nobodyCanRun') ??
    spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(join(ROOT, 'dist', 'cli.js'))}, 4)`], { ...AS_NOBODY, stdio: 'ignore' }).status === 0);
if (!NOBODY_CAN_RUN) console.warn(`NOTE: user nobody cannot read ${ROOT}: the unreadable-file cases (run as nobody) are skipped`);

export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Splits bytes into chunks of `size` (all of it at once when size is 0). */
export function chunksOf(input: Buffer, size: number): Buffer[] {
  if (size <= 0 || input.length === 0) return [input];
  const out: Buffer[] = [];
  for (let i = 0; i < input.length; i += size) out.push(input.subarray(i, i + size));
  return out;
}

/** Runs `main(argv, io)` with `stdin` fed in chunks of `chunkSize` bytes. */
export async function runMain(
  main: (argv: string[], io: IO) => Promise<number>,
  argv: string[],
  stdin: Buffer | string = '',
  chunkSize = 0,
  env: Record<string, string | undefined> = {},
): Promise<RunResult> {
  const input = typeof stdin === 'string' ? Buffer.from(stdin, 'latin1') : stdin;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new Writable({
    write(c, _e, cb) {
      out.push(Buffer.from(c));
      cb();
    },
  });
  const stderr = new Writable({
    write(c, _e, cb) {
      err.push(Buffer.from(c));
      cb();
    },
  });
  const io: IO = { stdin: Readable.from(chunksOf(input, chunkSize)), stdout, stderr, env };
  const code = await main(argv, io);
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') };
}

/** The tools by their command names, each loaded (from src/, as the other tests do) on first use. */
const TOOLS = {
  'range-perf': () => import('../src/range/cli.js'),
  stackcollapse: () => import('../src/collapse/cli.js'),
  'flamegraph-svg': () => import('../src/flamegraph/cli.js'),
  'heatmap-svg': () => import('../src/heatmap/cli.js'),
};
export type Tool = keyof typeof TOOLS;

/**
 * Runs a tool's main() in this process, given what spawnBin gives its binary (the same
 * arguments, stdin as UTF-8 text or bytes, this process's environment with NO_COLOR=1) and
 * answering as spawnBin does. For tests whose point is a tool's output and not the process
 * boundary: a spawn costs a Node start-up, module loading and the core's compilation (about
 * 0.3-0.5 s of CPU each), and the browser tests ran dozens. Inputs stay under the size that
 * starts worker threads (64 MB), whose script exists only in dist/.
 */
export async function runTool(tool: Tool, args: string[], stdin: Buffer | string = ''): Promise<RunResult> {
  const { main } = await TOOLS[tool]();
  const input = typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : stdin;
  return runMain(main, args, input, 0, { ...process.env, NO_COLOR: '1' });
}

/** Spawns a real binary from bin/, feeding `stdin`. */
export function spawnBin(tool: string, args: string[], stdin?: Buffer | string, opts: { closeStdoutAfter?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', `${tool}.js`), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let got = 0;
    child.stdout.on('data', (c: Buffer) => {
      out.push(c);
      got += c.length;
      if (opts.closeStdoutAfter !== undefined && got >= opts.closeStdoutAfter) child.stdout.destroy();
    });
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => {});
    if (stdin !== undefined) child.stdin.end(stdin);
    else child.stdin.end();
  });
}

export { PassThrough };
