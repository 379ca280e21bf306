// What every bin/<tool>.js shim runs: `--version` alone is answered from dist/version.js,
// without loading the tool (commander and the tool's modules cost about half a `node -e 0`
// at start-up; docs/speed.md has the numbers); anything else goes to the tool's main().
export async function run(stage) {
  const argv = process.argv.slice(2);
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${(await import('../dist/version.js')).VERSION}\n`);
    return;
  }
  const { main } = await import(`../dist/${stage}/cli.js`);
  process.exitCode = await main(argv);
}
