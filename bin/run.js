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
  const argv = process.argv.slice(2);
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.exitCode = await writeOut(`${(await import('../dist/version.js')).VERSION}\n`);
    return;
  }
  const missing = nodeFlags.filter((f) => !process.execArgv.includes(f));
  if (missing.length > 0) {
    process.exitCode = await relaunch(missing);
    return;
  }
  const { main } = await import(`../dist/${stage}/cli.js`);
  process.exitCode = await main(argv);
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

async function relaunch(flags) {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], { stdio: 'inherit' });
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
