// What every bin/<tool>.js shim runs: `--version` alone is answered from dist/version.js,
// without loading the tool (commander and the tool's modules cost about half a `node -e 0`
// at start-up; docs/speed.md has the numbers); anything else goes to the tool's main().
//
// `nodeFlags` are V8 flags the tool wants (heatmap-svg: a small young generation, README
// "Speed"). V8 reads them only as it starts, so when they are missing the shim starts node
// again with them, the same script and arguments, stdin, stdout and stderr handed over as
// they are (not piped), and exits as the new process does. A `#!/usr/bin/env -S node ...`
// line would save that start (~40 ms), but BusyBox's env (Alpine) has no -S.
export async function run(stage, nodeFlags = []) {
  const argv = await commandLine();
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.exitCode = await writeOut(`${(await import('../dist/version.js')).VERSION}\n`);
    return;
  }
  const missing = nodeFlags.filter((f) => !process.execArgv.includes(f));
  if (missing.length > 0) {
    process.exitCode = await relaunch(missing, argv);
    return;
  }
  const { main } = await import(`../dist/${stage}/cli.js`);
  process.exitCode = await main(argv);
}

// The arguments, with those whose bytes are not UTF-8 recovered from /proc/self/cmdline
// (Linux) in the escaped form of src/argv.ts, so that a file of any name can be opened by
// it. Only when Node's decoding lost bytes (a U+FFFD): otherwise nothing more is loaded.
// A node started again by relaunch() gets them in FLAMEKIT_ARGV: its own command line
// went through spawn(), which can pass only UTF-8.
async function commandLine() {
  const args = process.argv.slice(2);
  const passed = process.env.FLAMEKIT_ARGV;
  delete process.env.FLAMEKIT_ARGV;
  if (process.platform !== 'linux' || !args.some((a) => a.includes('\uFFFD'))) return args;
  const { recoverArgs, splitCmdline, unescapeBytes } = await import('../dist/argv.js');
  try {
    const p = passed === undefined ? null : JSON.parse(passed);
    if (Array.isArray(p) && p.length === args.length && p.every((a, k) => typeof a === 'string' && unescapeBytes(a).toString('utf8') === args[k])) return p;
    const { readFileSync } = await import('node:fs');
    return recoverArgs(args, splitCmdline(readFileSync('/proc/self/cmdline')));
  } catch {
    return args;
  }
}

// As the tools' runMain (src/cli.ts) ends a write error: a closed pipe is a quiet success,
// anything else one message and exit 1, never an unhandled 'error' event and its stack trace.
function writeOut(text) {
  return new Promise((resolve) => {
    process.stdout.on('error', () => {});
    process.stdout.write(text, (e) => {
      if (!e || e.code === 'EPIPE') return resolve(0);
      const why = e.code === 'ENOSPC' ? 'no space left on device' : e.message;
      process.stderr.on('error', () => {});
      process.stderr.write(`${prog()}: cannot write output: ${why}\n`);
      resolve(1);
    });
  });
}

function prog() {
  return process.argv[1].replace(/^.*[\\/]/, '').replace(/\.js$/, '');
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

async function relaunch(flags, argv) {
  const { spawn } = await import('node:child_process');
  const lost = argv.some((a, k) => a !== process.argv[k + 2]);
  const env = lost ? { ...process.env, FLAMEKIT_ARGV: JSON.stringify(argv) } : process.env;
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], { stdio: 'inherit', env });
  // A signal sent to this process goes on to the new one (Ctrl-C reaches both anyway: they
  // share the terminal's process group), which decides what it does with it.
  const forward = (signal) => child.kill(signal);
  for (const s of SIGNALS) process.on(s, forward);
  const { code, signal, error } = await new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal, error: null }));
  });
  for (const s of SIGNALS) process.off(s, forward);
  if (error) {
    process.stderr.write(`${prog()}: cannot start node again with ${flags.join(' ')}: ${error.message}\n`);
    return 1;
  }
  // Killed by a signal: die of the same one, so that the shell sees what happened.
  if (signal) process.kill(process.pid, signal);
  return code ?? 1;
}
