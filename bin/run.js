// What every bin/<tool>.js shim runs: `--version` alone is answered from dist/version.js,
// without loading the tool (commander and the tool's modules cost about half a `node -e 0`
// at start-up; docs/speed.md has the numbers); anything else goes to the tool's main().
//
// One node process per run: heatmap-svg no longer starts node a second time with
// --max-semi-space-size=4, since its stacks come from the core's stacks mode its peak RSS is
// the same without the flag (174 MB on the 2 GB corpus either way; docs/speed.md).
export async function run(stage) {
  const argv = await commandLine();
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.exitCode = await writeOut(`${(await import('../dist/version.js')).VERSION}\n`);
    return;
  }
  const { main } = await import(`../dist/${stage}/cli.js`);
  process.exitCode = await main(argv);
}

// The arguments, with those whose bytes are not UTF-8 recovered from /proc/self/cmdline
// (Linux) in the escaped form of src/argv.ts, so that a file of any name can be opened by
// it. Only when Node's decoding lost bytes (a U+FFFD): otherwise nothing more is loaded.
async function commandLine() {
  const args = process.argv.slice(2);
  if (process.platform !== 'linux' || !args.some((a) => a.includes('\uFFFD'))) return args;
  const { recoverArgs, splitCmdline } = await import('../dist/argv.js');
  try {
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
